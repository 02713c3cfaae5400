//! Realistic statements from the simulator, reused as templates: each use gets a fresh id, so a
//! pool of tens of thousands of statements feeds millions of distinct ones.

use std::sync::atomic::{AtomicUsize, Ordering};

use lrs::analytics::simulator::{SimulationConfig, stream};
use serde_json::Value;

pub struct Templates {
    /// Each statement serialised without its `id`, from just after the opening brace, split at
    /// the places where each reuse writes its cycle number: the learner's identifier and the
    /// registration, so that every reuse of the pool is a new cohort of learners (as in a
    /// real store) rather than the same learners piling up statements at the same instants.
    bodies: Vec<Vec<String>>,
    next: AtomicUsize,
    pub agents: Vec<String>,
    pub verb_activities: Vec<(String, String)>,
    pub registrations: Vec<String>,
    pub courses: Vec<String>,
    pub mean_bytes: f64,
}

/// Replaced by the cycle number (8 hex digits) at each reuse.
const CYCLE: &str = "CYCLEMARK";

/// Puts the cycle mark into the learner's identifier and the registration.
fn mark_cycle(statement: &mut Value) {
    if let Some(name) = statement.pointer_mut("/actor/account/name")
        && let Some(text) = name.as_str()
    {
        *name = Value::String(format!("{CYCLE}-{text}"));
    }
    if let Some(mbox) = statement.pointer_mut("/actor/mbox")
        && let Some(text) = mbox.as_str()
    {
        *mbox = Value::String(text.replacen("mailto:", &format!("mailto:c{CYCLE}."), 1));
    }
    if let Some(registration) = statement.pointer_mut("/context/registration")
        && let Some(text) = registration.as_str()
        && text.len() == 36
    {
        *registration = Value::String(format!("{CYCLE}{}", &text[8..]));
    }
}

impl Templates {
    pub fn generate(count: usize, seed: u64) -> Templates {
        let config = SimulationConfig {
            seed,
            run: 90,
            courses: 8,
            learners_per_course: 120,
            weeks: 10,
            ..SimulationConfig::default()
        };
        let mut bodies = Vec::with_capacity(count);
        let mut agents = Vec::new();
        let mut verb_activities = Vec::new();
        let mut registrations = Vec::new();
        let mut courses: Vec<String> = Vec::new();
        let mut bytes = 0usize;
        for mut statement in stream(&config).take(count) {
            if let Value::Object(map) = &mut statement {
                map.remove("id");
            }
            mark_cycle(&mut statement);
            let text = statement.to_string();
            bytes += text.len() + 45;
            if bodies.len() % 97 == 0 {
                agents.push(statement["actor"].to_string());
                if let (Some(verb), Some(activity)) = (
                    statement.pointer("/verb/id"),
                    statement.pointer("/object/id"),
                ) {
                    verb_activities.push((
                        verb.as_str().unwrap_or_default().to_owned(),
                        activity.as_str().unwrap_or_default().to_owned(),
                    ));
                }
                if let Some(r) = statement
                    .pointer("/context/registration")
                    .and_then(Value::as_str)
                {
                    registrations.push(r.to_owned());
                }
            }
            if let Some(course) = statement
                .pointer("/context/contextActivities/grouping/0/id")
                .and_then(Value::as_str)
                && !courses.iter().any(|c| c == course)
            {
                courses.push(course.to_owned());
            }
            bodies.push(text[1..].split(CYCLE).map(str::to_owned).collect());
        }
        let mean_bytes = bytes as f64 / bodies.len().max(1) as f64;
        Templates {
            bodies,
            next: AtomicUsize::new(0),
            agents,
            verb_activities,
            registrations,
            courses,
            mean_bytes,
        }
    }

    /// The next statement as JSON, with a fresh id.
    pub fn statement(&self) -> (uuid::Uuid, String) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let parts = &self.bodies[n % self.bodies.len()];
        let cycle = format!("{:08x}", n / self.bodies.len());
        let id = uuid::Uuid::new_v4();
        (id, format!("{{\"id\":\"{id}\",{}", parts.join(&cycle)))
    }

    /// A learner or registration from the pool in one of the cohorts posted so far.
    pub fn in_some_cohort(&self, text: &str) -> String {
        let cycles = (self.next.load(Ordering::Relaxed) / self.bodies.len()).max(1);
        let cycle = rand::Rng::random_range(&mut rand::rng(), 0..cycles);
        text.replace(CYCLE, &format!("{cycle:08x}"))
    }

    /// A JSON array of `n` statements.
    pub fn batch(&self, n: usize) -> String {
        let mut body = String::with_capacity(n * 1400 + 2);
        body.push('[');
        for k in 0..n {
            if k > 0 {
                body.push(',');
            }
            body.push_str(&self.statement().1);
        }
        body.push(']');
        body
    }
}
