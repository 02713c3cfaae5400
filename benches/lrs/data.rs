//! Realistic statements from the simulator, reused as templates: each use gets a fresh id, so a
//! pool of tens of thousands of statements feeds millions of distinct ones.

use std::sync::atomic::{AtomicUsize, Ordering};

use lrs::store::statements::terms::{TermKind, own_terms, term};
use lrs_simulator::{SimulationConfig, stream};
use serde_json::Value;

pub struct Templates {
    /// Each statement serialised without its `id`, from just after the opening brace, split at
    /// the places where each reuse writes its cycle number: the learner's identifier and the
    /// registration, so that every reuse of the pool is a new cohort of learners (as in a
    /// real store) rather than the same learners piling up statements at the same instants.
    bodies: Vec<Vec<String>>,
    /// Each template's query terms as the LRS computes them (`statement_terms` rows), for the
    /// raw baseline that writes them too.
    terms: Vec<TemplateTerms>,
    next: AtomicUsize,
    pub agents: Vec<String>,
    pub verb_activities: Vec<(String, String)>,
    pub registrations: Vec<String>,
    pub courses: Vec<String>,
    pub mean_bytes: f64,
    /// Mean query terms per statement (term rows the LRS writes for each).
    pub mean_terms: f64,
}

/// A template's terms: those of every reuse, and those that name the learner or the
/// registration and so differ at each reuse.
struct TemplateTerms {
    fixed: Vec<i64>,
    per_cycle: Vec<i64>,
}

impl TemplateTerms {
    /// The LRS's terms for the template, computed at two reuses to tell the two kinds apart.
    /// The LRS also indexes the `authority` it adds, one Agent for every statement here.
    fn of(parts: &[String]) -> TemplateTerms {
        let terms = |cycle: &str| -> Vec<i64> {
            let text = format!("{{\"id\":\"{}\",{}", uuid::Uuid::nil(), parts.join(cycle));
            // A template the LRS could not index would give the raw baseline no term rows to
            // write for it, and so a flattering rate: the simulator's statements all index.
            let statement: Value =
                serde_json::from_str(&text).expect("a template is one JSON statement");
            let index = lrs::xapi::index_statement(&statement)
                .unwrap_or_else(|e| panic!("a simulated statement the LRS cannot index: {e}"));
            let mut terms = own_terms(&index);
            terms.push(term(TermKind::RelatedAgent, "account:bench|authority"));
            terms
        };
        let (first, second) = (terms("00000000"), terms("00000001"));
        let (fixed, per_cycle) = first.into_iter().partition(|t| second.contains(t));
        TemplateTerms { fixed, per_cycle }
    }

    /// The terms at reuse `cycle`: a learner's or registration's term becomes another, as the
    /// LRS's would for another learner.
    fn at(&self, cycle: u64) -> Vec<i64> {
        let mut terms = self.fixed.clone();
        terms.extend(self.per_cycle.iter().map(|t| {
            let mut x = (*t as u64) ^ cycle.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (x ^ (x >> 31)) as i64
        }));
        terms
    }
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
        let terms: Vec<TemplateTerms> = bodies
            .iter()
            .map(|parts: &Vec<String>| TemplateTerms::of(parts))
            .collect();
        let mean_terms = terms
            .iter()
            .map(|t| (t.fixed.len() + t.per_cycle.len()) as f64)
            .sum::<f64>()
            / terms.len().max(1) as f64;
        Templates {
            bodies,
            terms,
            next: AtomicUsize::new(0),
            agents,
            verb_activities,
            registrations,
            courses,
            mean_bytes,
            mean_terms,
        }
    }

    /// The next statement as JSON, with a fresh id.
    pub fn statement(&self) -> (uuid::Uuid, String) {
        let (id, json, _) = self.next_statement(false);
        (id, json)
    }

    /// The next statement as JSON, with a fresh id, and its query terms.
    pub fn statement_with_terms(&self) -> (uuid::Uuid, String, Vec<i64>) {
        self.next_statement(true)
    }

    fn next_statement(&self, with_terms: bool) -> (uuid::Uuid, String, Vec<i64>) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let template = n % self.bodies.len();
        let cycle = n / self.bodies.len();
        let parts = &self.bodies[template];
        let id = uuid::Uuid::new_v4();
        let json = format!("{{\"id\":\"{id}\",{}", parts.join(&format!("{cycle:08x}")));
        let terms = if with_terms {
            self.terms[template].at(cycle as u64)
        } else {
            Vec::new()
        };
        (id, json, terms)
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
