//! The knobs of a simulation. Every field has a default that gives a plausible ten-week course
//! of 100 learners; the CLI exposes the main ones.

use chrono::NaiveDate;

pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_RUN: u32 = 1;
pub const DEFAULT_COURSES: usize = 1;
pub const DEFAULT_LEARNERS: usize = 100;
pub const DEFAULT_WEEKS: u32 = 10;
/// Monday 1 September 2025: a fixed date so that a seed alone fixes the output.
pub const DEFAULT_START: &str = "2025-09-01";

/// How statements say which course they belong to: the two shapes seen in real VLE feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CourseStyle {
    /// The course Activity (type `course`) in `context.contextActivities.grouping`, the week
    /// module in `parent` (cmi5 and most xAPI profiles).
    #[default]
    Grouping,
    /// No course Activity in the context: the course is named only by the Jisc `courseArea`
    /// context extension, as in the Jisc learning-records-warehouse recipes.
    JiscExtension,
}

/// What to simulate. `courses` courses run in parallel over the same `weeks` weeks from `start`,
/// each with its own cohort of `learners_per_course` learners.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationConfig {
    /// Seeds every random draw: the same configuration gives the same statements.
    pub seed: u64,
    /// Run (presentation) number of the courses: part of the course IRIs. Two runs of the same
    /// course share their material and codes but not their learners, which is what a model
    /// trained on one run and evaluated on the next needs. Changing `run` alone gives a new cohort.
    pub run: u32,
    pub courses: usize,
    pub learners_per_course: usize,
    pub weeks: u32,
    /// First day of the course (a Monday by default); the first statements fall on it.
    pub start: NaiveDate,
    /// Readings and pages per week.
    pub resources_per_week: usize,
    pub videos_per_week: usize,
    /// Assignments over the whole course, due at evenly spaced weeks.
    pub assignments: usize,
    pub course_style: CourseStyle,
    /// Multiplies every learner's session rate: 2.0 gives about twice the statements.
    pub activity: f64,
    /// Share of learners identified by `mbox` instead of an LMS `account`.
    pub mbox_share: f64,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            seed: DEFAULT_SEED,
            run: DEFAULT_RUN,
            courses: DEFAULT_COURSES,
            learners_per_course: DEFAULT_LEARNERS,
            weeks: DEFAULT_WEEKS,
            start: default_start(),
            resources_per_week: 4,
            videos_per_week: 2,
            assignments: 3,
            course_style: CourseStyle::Grouping,
            activity: 1.0,
            mbox_share: 0.05,
        }
    }
}

/// [`DEFAULT_START`] as a date.
pub fn default_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or(NaiveDate::MIN)
}
