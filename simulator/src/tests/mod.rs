//! Properties of simulations: determinism, valid xAPI, realistic timing and shapes. The learner
//! model's statistics are tested in `model.rs`.

mod model;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveTime, Timelike};
use serde_json::Value;

use super::*;

fn small(style: CourseStyle) -> SimulationConfig {
    SimulationConfig {
        seed: 7,
        courses: 2,
        learners_per_course: 15,
        weeks: 4,
        course_style: style,
        ..SimulationConfig::default()
    }
}

/// Two full-length courses: enough learners for the statistical assertions.
pub(super) fn cohort() -> SimulationConfig {
    SimulationConfig {
        seed: 2024,
        courses: 2,
        learners_per_course: 200,
        ..SimulationConfig::default()
    }
}

pub(super) fn millis(statement: &Value) -> i64 {
    let text = statement["timestamp"].as_str().expect("a timestamp");
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 timestamp")
        .timestamp_millis()
}

/// The enrolment a statement belongs to: its actor and registration.
fn enrolment(statement: &Value) -> (String, String) {
    (
        statement["actor"].to_string(),
        statement["context"]["registration"].to_string(),
    )
}

pub(super) fn start_millis(config: &SimulationConfig) -> i64 {
    config
        .start
        .and_time(NaiveTime::MIN)
        .and_utc()
        .timestamp_millis()
}

const MINUTE: i64 = 60_000;
pub(super) const WEEK: i64 = 7 * 24 * 60 * MINUTE;

#[test]
fn the_same_configuration_gives_the_same_statements() {
    let config = small(CourseStyle::Grouping);
    let first = simulate(&config);
    let second = simulate(&config);
    assert!(!first.statements.is_empty());
    assert_eq!(first.statements, second.statements);
    assert_eq!(first.outcomes, second.outcomes);
}

#[test]
fn another_seed_or_run_gives_another_cohort_of_the_same_courses() {
    let config = small(CourseStyle::Grouping);
    let base = simulate(&config);
    let reseeded = simulate(&SimulationConfig {
        seed: 8,
        ..config.clone()
    });
    let next_run = simulate(&SimulationConfig {
        run: 2,
        ..config.clone()
    });
    assert_ne!(base.statements, reseeded.statements);
    // Same seed, another run: new IRIs and learners (account names), and other draws.
    assert_eq!(
        next_run.outcomes[0].course,
        "https://lms.example.edu/course/STAT101/2"
    );
    let names = |s: &Simulation| -> HashSet<String> {
        s.outcomes.iter().map(|o| o.learner.to_string()).collect()
    };
    assert!(names(&base).is_disjoint(&names(&next_run)));
    let motivations =
        |s: &Simulation| -> Vec<f64> { s.outcomes.iter().map(|o| o.motivation).collect() };
    assert_ne!(motivations(&base), motivations(&next_run));
    // The material is the same course's.
    let object_names = |s: &Simulation| -> HashSet<String> {
        s.statements
            .iter()
            .map(|st| st["object"]["definition"]["name"]["en"].to_string())
            .collect()
    };
    let shared = object_names(&base)
        .intersection(&object_names(&next_run))
        .count();
    assert!(shared > 20, "only {shared} activity names in common");
}

#[test]
fn ids_are_unique_uuids() {
    let simulation = simulate(&small(CourseStyle::Grouping));
    let ids: HashSet<&str> = simulation
        .statements
        .iter()
        .map(|s| s["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids.len(), simulation.statements.len());
    for id in ids.iter().take(50) {
        let uuid = uuid::Uuid::parse_str(id).expect("a UUID");
        assert_eq!(uuid.get_version_num(), 4);
    }
}

#[test]
fn statements_come_in_timestamp_order_with_milliseconds() {
    let config = small(CourseStyle::Grouping);
    let simulation = simulate(&config);
    let times: Vec<i64> = simulation.statements.iter().map(millis).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(times[0] >= start_millis(&config));
    for statement in &simulation.statements {
        let text = statement["timestamp"].as_str().expect("a timestamp");
        assert_eq!(text.len(), "2025-09-01T10:15:30.123Z".len(), "{text}");
        assert!(text.ends_with('Z'));
    }
}

#[test]
fn the_stream_and_the_count_agree_with_simulate() {
    let config = small(CourseStyle::JiscExtension);
    let simulation = simulate(&config);
    let mut streamed = stream(&config);
    let statements: Vec<Value> = streamed.by_ref().collect();
    assert_eq!(statements, simulation.statements);
    assert_eq!(streamed.outcomes(), simulation.outcomes);
    assert_eq!(
        count_statements(&config),
        simulation.statements.len() as u64
    );
}

#[test]
fn activity_comes_in_sessions() {
    let simulation = simulate(&small(CourseStyle::Grouping));
    let mut by_learner: HashMap<(String, String), Vec<&Value>> = HashMap::new();
    for statement in &simulation.statements {
        by_learner
            .entry(enrolment(statement))
            .or_default()
            .push(statement);
    }
    let (mut within, mut between) = (0, 0);
    let mut logins = Vec::new();
    for statements in by_learner.values() {
        assert_eq!(statements[0]["verb"]["id"], VERB_LOGGED_IN);
        logins.push(statements[0]);
        for pair in statements.windows(2) {
            let gap = millis(pair[1]) - millis(pair[0]);
            let next_verb = &pair[1]["verb"]["id"];
            if gap <= 10 * MINUTE {
                assert!(gap >= MINUTE, "statements {gap} ms apart");
                assert_ne!(
                    next_verb, VERB_LOGGED_IN,
                    "a login in the middle of a session"
                );
                within += 1;
            } else {
                assert!(
                    gap >= 60 * MINUTE,
                    "a gap of {gap} ms is neither a session's nor a break's"
                );
                let course_end = next_verb == VERB_PASSED || next_verb == VERB_FAILED;
                assert!(next_verb == VERB_LOGGED_IN || course_end);
                if next_verb == VERB_LOGGED_IN {
                    logins.push(pair[1]);
                }
                between += 1;
            }
        }
    }
    assert!(
        within > 3 * between,
        "{within} gaps within sessions, {between} between"
    );
    assert!(between > 100);
    // Sessions start at plausible hours: hardly any between 3 and 7 in the morning.
    let small_hours = logins
        .iter()
        .filter(|s| {
            let text = s["timestamp"].as_str().unwrap_or_default();
            DateTime::parse_from_rfc3339(text).is_ok_and(|t| (3..7).contains(&t.hour()))
        })
        .count();
    assert!(
        small_hours * 10 < logins.len(),
        "{small_hours} of {} sessions",
        logins.len()
    );
}

#[test]
fn grouping_style_names_the_course_in_context_activities() {
    let simulation = simulate(&small(CourseStyle::Grouping));
    for statement in &simulation.statements {
        let context = &statement["context"];
        let grouping = &context["contextActivities"]["grouping"];
        assert_eq!(grouping.as_array().map(Vec::len), Some(1));
        assert_eq!(grouping[0]["definition"]["type"], TYPE_COURSE);
        let course = grouping[0]["id"].as_str().expect("a course IRI");
        assert!(course.starts_with("https://lms.example.edu/course/"));
        assert!(
            statement["object"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(course))
        );
        assert_eq!(context["platform"], PLATFORM);
        assert!(context["extensions"][EXT_COURSE_AREA].is_null());
        let course_level = statement["object"]["id"] == grouping[0]["id"];
        let parent = &context["contextActivities"]["parent"];
        if !course_level {
            assert_eq!(parent[0]["definition"]["type"], TYPE_MODULE);
        }
    }
}

#[test]
fn jisc_style_names_the_course_in_the_course_area_extension() {
    let simulation = simulate(&small(CourseStyle::JiscExtension));
    for statement in &simulation.statements {
        let context = &statement["context"];
        assert!(context["contextActivities"]["grouping"].is_null());
        let area = &context["extensions"][EXT_COURSE_AREA];
        let code = area[EXT_VLE_MOD_ID].as_str().expect("a module id");
        assert_eq!(area[EXT_MOD_INSTANCE], format!("{code}-1"));
        let course = format!("https://lms.example.edu/course/{code}/1");
        assert!(
            statement["object"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&course))
        );
    }
}

#[test]
fn an_enrolment_keeps_one_registration_and_a_few_learners_use_mbox() {
    let simulation = simulate(&cohort_of(100));
    let mut registrations: HashMap<String, HashSet<String>> = HashMap::new();
    for statement in &simulation.statements {
        registrations
            .entry(statement["actor"].to_string())
            .or_default()
            .insert(statement["context"]["registration"].to_string());
    }
    assert!(registrations.values().all(|r| r.len() == 1));
    let mboxes = simulation
        .outcomes
        .iter()
        .filter(|o| o.learner.get("mbox").is_some())
        .count();
    assert!(
        (1..=20).contains(&mboxes),
        "{mboxes} of 100 learners use mbox"
    );
}

fn cohort_of(learners: usize) -> SimulationConfig {
    SimulationConfig {
        courses: 1,
        learners_per_course: learners,
        ..cohort()
    }
}

#[test]
fn statements_are_about_a_kilobyte() {
    for style in [CourseStyle::Grouping, CourseStyle::JiscExtension] {
        let simulation = simulate(&small(style));
        let bytes: usize = simulation
            .statements
            .iter()
            .map(|s| s.to_string().len())
            .sum();
        let mean = bytes as f64 / simulation.statements.len() as f64;
        println!("{style:?}: mean statement size {mean:.0} bytes");
        assert!(
            (700.0..1500.0).contains(&mean),
            "{style:?}: {mean:.0} bytes"
        );
    }
}
