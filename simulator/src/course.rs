//! A course and its material: the Activities that statements point at. The material depends only
//! on the course's index and the configuration's shape (weeks, resources per week...), never on
//! the seed, so two runs of a course differ only in their IRIs' run number and their learners.

use serde_json::{Value, json};

use super::catalog::{COURSES, CatalogEntry};
use super::config::SimulationConfig;
use super::rng;

pub const LMS_HOME: &str = "https://lms.example.edu";
pub const PLATFORM: &str = "Moodle";

pub const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";
pub const TYPE_MODULE: &str = "http://adlnet.gov/expapi/activities/module";
pub const TYPE_RESOURCE: &str = "http://id.tincanapi.com/activitytype/resource";
pub const TYPE_PAGE: &str = "http://activitystrea.ms/schema/1.0/page";
pub const TYPE_VIDEO: &str = "https://w3id.org/xapi/video/activity-type/video";
pub const TYPE_ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
pub const TYPE_ASSIGNMENT: &str = "http://id.tincanapi.com/activitytype/school-assignment";
pub const TYPE_DISCUSSION: &str = "http://id.tincanapi.com/activitytype/discussion";

/// Questions per weekly quiz (the quiz's `score.max`).
pub const QUIZ_QUESTIONS: u32 = 10;

pub(crate) struct Course {
    pub code: String,
    pub iri: String,
    /// The Jisc `uddModInstanceID`: the course code and run, `<CODE>-<run>`.
    pub instance: String,
    /// The course Activity, with its full definition (as the object of a statement).
    pub activity: Value,
    /// The course Activity as context: id and type only (keeps statements near 1 KB).
    pub reference: Value,
    pub weeks: Vec<Week>,
    pub assignments: Vec<Value>,
}

pub(crate) struct Week {
    /// The week's module Activity, as context (the `parent` of its material): id and type.
    pub module: Value,
    pub readings: Vec<Value>,
    pub videos: Vec<Video>,
    pub quiz: Value,
    pub forum: Value,
    /// Indexes into [`Course::assignments`] due at the end of this week.
    pub assignments_due: Vec<usize>,
}

pub(crate) struct Video {
    pub activity: Value,
    pub seconds: u32,
}

impl Course {
    pub fn new(index: usize, config: &SimulationConfig) -> Course {
        let entry = &COURSES[index % COURSES.len()];
        let code = course_code(entry, index);
        let run = config.run;
        let iri = format!("{LMS_HOME}/course/{code}/{run}");
        let title = format!("{code} {}", entry.title);
        let course_activity = activity(
            &iri,
            TYPE_COURSE,
            &title,
            &format!("{}, run {run}.", entry.title),
        );
        let mut material_rng = rng::derive(0, [index as u64, 0, 0], rng::Purpose::Material);
        let mut weeks: Vec<Week> = (0..config.weeks)
            .map(|w| week(&iri, entry, w, config, &mut material_rng))
            .collect();
        let assignments = (0..config.assignments)
            .map(|k| {
                let due = due_week(k, config.assignments, config.weeks);
                if let Some(week) = weeks.get_mut(due) {
                    week.assignments_due.push(k);
                }
                activity(
                    &format!("{iri}/assignment/{}", k + 1),
                    TYPE_ASSIGNMENT,
                    &format!("{code} Assignment {}", k + 1),
                    &format!(
                        "Assessed coursework {} of {}: submit one PDF through the VLE by Sunday 23:59 of week {}.",
                        k + 1,
                        config.assignments,
                        due + 1
                    ),
                )
            })
            .collect();
        Course {
            instance: format!("{code}-{run}"),
            code,
            iri,
            reference: reference(&course_activity),
            activity: course_activity,
            weeks,
            assignments,
        }
    }
}

/// `STAT101` for the first eight courses, then `STAT101S2`, `BIO110S2`... (parallel sections).
fn course_code(entry: &CatalogEntry, index: usize) -> String {
    let section = index / COURSES.len();
    if section == 0 {
        entry.code.to_owned()
    } else {
        format!("{}S{}", entry.code, section + 1)
    }
}

/// Assignment `k` of `n` is due at the end of week `(k + 1) * weeks / n` (1-based), so the last
/// one falls in the final week.
fn due_week(k: usize, n: usize, weeks: u32) -> usize {
    ((k + 1) * weeks as usize / n.max(1)).saturating_sub(1)
}

const READING_KINDS: &[(&str, &str, &str)] = &[
    (TYPE_RESOURCE, "lecture notes", "Lecture notes (PDF)."),
    (
        TYPE_PAGE,
        "worked examples",
        "Worked examples, step by step.",
    ),
    (
        TYPE_RESOURCE,
        "core reading",
        "Textbook chapter (PDF) with guiding questions.",
    ),
    (
        TYPE_PAGE,
        "further reading",
        "Links to optional further reading.",
    ),
    (
        TYPE_RESOURCE,
        "exercise sheet",
        "Practice exercises (PDF); answers on Friday.",
    ),
    (
        TYPE_PAGE,
        "summary",
        "Summary and glossary of the week's terms.",
    ),
];

fn week(
    course_iri: &str,
    entry: &CatalogEntry,
    w: u32,
    config: &SimulationConfig,
    material_rng: &mut rng::SimRng,
) -> Week {
    let n = w + 1;
    let topic = entry.topics[w as usize % entry.topics.len()];
    let base = format!("{course_iri}/week/{n}");
    let module = json!({ "id": base, "definition": { "type": TYPE_MODULE } });
    let readings = (0..config.resources_per_week)
        .map(|k| {
            let (kind, label, description) = READING_KINDS[k % READING_KINDS.len()];
            activity(
                &format!("{base}/resource/{}", k + 1),
                kind,
                &format!("{topic}: {label}"),
                description,
            )
        })
        .collect();
    let videos = (0..config.videos_per_week)
        .map(|k| {
            // Short lecture segments: 3 to 9 minutes, so one session stays a session.
            let seconds = 180 + (rng::normal(material_rng).abs() * 150.0).min(360.0) as u32;
            Video {
                activity: activity(
                    &format!("{base}/video/{}", k + 1),
                    TYPE_VIDEO,
                    &format!("{topic}: lecture part {}", k + 1),
                    &format!("Recorded lecture, part {} ({} min).", k + 1, seconds / 60),
                ),
                seconds,
            }
        })
        .collect();
    let quiz = activity(
        &format!("{base}/quiz"),
        TYPE_ASSESSMENT,
        &format!("Week {n} quiz: {topic}"),
        &format!(
            "{QUIZ_QUESTIONS} questions on {topic}; due Sunday 23:59, two attempts, best counts."
        ),
    );
    let forum = activity(
        &format!("{base}/forum"),
        TYPE_DISCUSSION,
        &format!("Week {n} discussion: {topic}"),
        "Questions and discussion about this week's material.",
    );
    Week {
        module,
        readings,
        videos,
        quiz,
        forum,
        assignments_due: Vec::new(),
    }
}

/// An Activity object with a full definition.
fn activity(id: &str, kind: &str, name: &str, description: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": {
            "type": kind,
            "name": { "en": name },
            "description": { "en": description },
        },
    })
}

/// The course Activity as a context activity: no `objectType` (the default), and of its
/// definition only the type (the name and description are in the full definition that
/// `loggedin` and outcome statements carry).
fn reference(activity: &Value) -> Value {
    json!({ "id": activity["id"], "definition": { "type": activity["definition"]["type"] } })
}
