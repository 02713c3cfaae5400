//! The ground truth of a simulation: how each learner's enrolment ended, and the latent
//! motivation behind it (for checking models, never given to them).

use serde::Serialize;
use serde_json::Value;

/// How an enrolment ended (a withdrawn learner has no activity after some week, and no final
/// statement). Serialized as the LRS's outcomes API names them (`POST /analytics/outcomes`),
/// which is the only contract between the two: the simulator is a client like any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Withdrawn,
}

impl Outcome {
    /// The name the outcomes API uses: `pass`, `fail` or `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Withdrawn => "withdrawn",
        }
    }
}

/// One learner's outcome in one course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerOutcome {
    /// The course IRI.
    pub course: String,
    /// The learner's Agent, exactly as in their statements.
    pub learner: Value,
    pub outcome: Outcome,
    /// The latent motivation that drove the learner (N(0, 1) over learners).
    pub motivation: f64,
    /// The roster's view of the enrolment (RFC 3339 instants): when the learner enrolled, and
    /// when a dropout's withdrawal was recorded.
    pub enrolled_at: String,
    pub withdrawn_at: Option<String>,
    /// What an institution's records would add: the prior-attainment band (from the learner's
    /// quiz ability) and the study mode.
    pub attributes: std::collections::BTreeMap<String, String>,
}

/// Final grades (0 to 100) at or above which the course is `passed`.
pub(crate) const COURSE_PASS_MARK: u32 = 50;

/// What a finisher's final grade rests on.
pub(crate) struct Evidence {
    pub motivation: f64,
    /// Mean over all weeks of the best quiz score (0..1), missed quizzes counting 0.
    pub quiz_mean: f64,
    /// Share of the assignments submitted.
    pub coursework: f64,
    /// Statements over the whole course.
    pub statements: u64,
}

impl Evidence {
    /// The final grade, 0 to 100, given a N(0, 1) `noise` (the exam on the day). The noise
    /// and the direct weight of motivation are what engagement data cannot see, which keeps
    /// at-risk predictions from being trivially right.
    pub fn grade(&self, noise: f64) -> u32 {
        let activity = ((1 + self.statements) as f64).ln() - 5.0;
        let g = 1.8
            + 0.9 * self.motivation
            + 3.0 * (self.quiz_mean - 0.55)
            + 1.5 * (self.coursework - 0.75)
            + 0.3 * activity
            + 1.2 * noise;
        (55.0 + 12.0 * g).round().clamp(0.0, 100.0) as u32
    }
}
