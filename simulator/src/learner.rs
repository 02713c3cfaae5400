//! A learner: an xAPI Agent and the latent traits that drive their behaviour.
//!
//! Motivation `m ~ N(0, 1)` is the one trait behind both activity and outcome, so engagement
//! predicts the outcome. The other traits are noise around it, independent of `m` unless said:
//! an activity level (some unmotivated learners are busy, some motivated ones quiet), an
//! irregularity (how much weekly activity swings), binge-proneness, a quiz ability, a
//! procrastination (pull towards deadlines, higher for low `m`), and a chronotype.

use rand::Rng;
use serde_json::{Value, json};
use uuid::Uuid;

use super::catalog::{FIRST_NAMES, LAST_NAMES, USER_AGENTS};
use super::course::LMS_HOME;
use super::rng::{self, SimRng, chance, normal, sigmoid};

pub(crate) struct Learner {
    pub agent: Value,
    pub motivation: f64,
    /// Multiplies the session rate (log scale), independent of motivation.
    pub activity_level: f64,
    /// Standard deviation of the week-to-week swing of the session rate (log scale).
    pub irregularity: f64,
    /// Chance that a given week is a binge week (several times the usual sessions).
    pub binge: f64,
    /// Added to motivation in quiz scores.
    pub ability: f64,
    /// 0..1: how much sessions crowd towards the Sunday deadline.
    pub procrastination: f64,
    /// Hours added to the usual study times (night owls are positive).
    pub chronotype: f64,
    /// `context.registration`: this learner's enrolment in the course.
    pub registration: Uuid,
    pub user_agent: &'static str,
}

impl Learner {
    /// Learner `number` (unique within the run), drawn from `rng`.
    pub fn new(number: u64, mbox_share: f64, rng: &mut SimRng) -> Learner {
        let motivation = normal(rng);
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        let name = format!("{first} {last}");
        let agent = if chance(rng, mbox_share) {
            json!({
                "objectType": "Agent",
                "name": name,
                "mbox": format!(
                    "mailto:{}.{}.{number}@students.example.edu",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
            })
        } else {
            json!({
                "objectType": "Agent",
                "name": name,
                "account": { "homePage": LMS_HOME, "name": format!("s{number}") },
            })
        };
        let binge_prone = chance(rng, 0.15);
        Learner {
            agent,
            motivation,
            activity_level: 0.45 * normal(rng),
            irregularity: 0.2 + 0.6 * rng.random::<f64>(),
            binge: if binge_prone { 0.2 } else { 0.02 },
            ability: 0.6 * normal(rng),
            procrastination: sigmoid(-0.8 * motivation + normal(rng)),
            chronotype: 1.5 * normal(rng),
            registration: rng::uuid_v4(rng),
            user_agent: USER_AGENTS[rng.random_range(0..USER_AGENTS.len())],
        }
    }
}

impl Learner {
    /// The attributes a student-information system would hold: a prior-attainment band that
    /// follows the learner's quiz ability (so that groups differ in outcome rates, as real
    /// groups do), and a study mode (about a third part-time, independent of everything else).
    /// Derived from traits already drawn, so that adding them changed no simulated statement.
    pub fn attributes(&self) -> std::collections::BTreeMap<String, String> {
        let band = if self.ability > 0.4 {
            "A"
        } else if self.ability > -0.4 {
            "B"
        } else {
            "C"
        };
        let mode = if self.registration.as_bytes()[15] < 86 {
            "part-time"
        } else {
            "full-time"
        };
        [("prior_attainment", band), ("study_mode", mode)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}
