//! The learner model: motivation shows in both activity and outcome, outcome rates are in the
//! intended range, dropouts stop. Fixed seeds, and margins far wider than the sampling error,
//! so these cannot flake.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{WEEK, cohort, millis, start_millis};
use crate::*;

/// Outcomes and activity of the 400 learners of [`cohort`], by enrolment.
struct Cohort {
    simulation: Simulation,
    statements: HashMap<String, usize>,
}

/// Simulated once, shared by the tests that need a big cohort.
fn run_cohort() -> &'static Cohort {
    static COHORT: OnceLock<Cohort> = OnceLock::new();
    COHORT.get_or_init(build_cohort)
}

fn build_cohort() -> Cohort {
    let simulation = simulate(&cohort());
    let mut statements = HashMap::new();
    for statement in &simulation.statements {
        *statements
            .entry(statement["actor"].to_string())
            .or_default() += 1;
    }
    Cohort {
        simulation,
        statements,
    }
}

#[test]
fn motivation_drives_activity_and_outcome() {
    let cohort = run_cohort();
    let outcomes = &cohort.simulation.outcomes;
    assert_eq!(outcomes.len(), 400);

    let mut sorted: Vec<&LearnerOutcome> = outcomes.iter().collect();
    sorted.sort_by(|a, b| a.motivation.total_cmp(&b.motivation));
    let (low, high) = sorted.split_at(sorted.len() / 2);
    let activity = |half: &[&LearnerOutcome]| {
        half.iter()
            .map(|o| {
                cohort
                    .statements
                    .get(&o.learner.to_string())
                    .copied()
                    .unwrap_or(0)
            })
            .sum::<usize>() as f64
            / half.len() as f64
    };
    let pass_rate = |half: &[&LearnerOutcome]| {
        half.iter().filter(|o| o.outcome == Outcome::Pass).count() as f64 / half.len() as f64
    };
    let (low_activity, high_activity) = (activity(low), activity(high));
    let (low_pass, high_pass) = (pass_rate(low), pass_rate(high));
    println!("statements per learner: {low_activity:.0} (low m), {high_activity:.0} (high m)");
    println!("pass rate: {low_pass:.2} (low m), {high_pass:.2} (high m)");
    assert!(high_activity > 1.5 * low_activity);
    assert!(high_pass > low_pass + 0.25);

    // Some noise: some motivated learners are quiet, some unmotivated ones busy.
    let median = {
        let mut counts: Vec<usize> = cohort.statements.values().copied().collect();
        counts.sort_unstable();
        counts[counts.len() / 2]
    };
    let busy_low = low
        .iter()
        .filter(|o| {
            cohort
                .statements
                .get(&o.learner.to_string())
                .is_some_and(|&n| n > median)
        })
        .count();
    assert!(
        busy_low >= 10,
        "only {busy_low} low-motivation learners above the median"
    );
}

#[test]
fn a_quarter_to_two_fifths_fail_or_withdraw() {
    let cohort = run_cohort();
    let outcomes = &cohort.simulation.outcomes;
    let count = |o: Outcome| outcomes.iter().filter(|x| x.outcome == o).count() as f64;
    let n = outcomes.len() as f64;
    let (fail, withdrawn) = (count(Outcome::Fail) / n, count(Outcome::Withdrawn) / n);
    println!("fail {fail:.2}, withdrawn {withdrawn:.2}");
    assert!((0.22..0.45).contains(&(fail + withdrawn)));
    assert!((0.05..0.25).contains(&fail));
    assert!((0.05..0.25).contains(&withdrawn));
}

#[test]
fn finishers_get_a_course_statement_and_dropouts_stop() {
    let config = cohort();
    let cohort = run_cohort();
    let last_week = start_millis(&config) + i64::from(config.weeks - 1) * WEEK;
    let mut last_seen: HashMap<String, i64> = HashMap::new();
    let mut course_results: HashMap<String, bool> = HashMap::new();
    for statement in &cohort.simulation.statements {
        let actor = statement["actor"].to_string();
        last_seen.insert(actor.clone(), millis(statement));
        if statement["object"]["definition"]["type"] == TYPE_COURSE
            && statement["verb"]["id"] != VERB_LOGGED_IN
        {
            let passed = statement["verb"]["id"] == VERB_PASSED;
            assert_eq!(statement["result"]["success"], passed);
            assert!(course_results.insert(actor, passed).is_none());
        }
    }
    let mut silent = 0;
    for outcome in &cohort.simulation.outcomes {
        let actor = outcome.learner.to_string();
        match outcome.outcome {
            Outcome::Withdrawn => {
                assert!(!course_results.contains_key(&actor));
                match last_seen.get(&actor) {
                    Some(&t) => assert!(t < last_week, "a dropout active in the last week"),
                    None => silent += 1,
                }
            }
            Outcome::Pass => assert_eq!(course_results.get(&actor), Some(&true)),
            Outcome::Fail => assert_eq!(course_results.get(&actor), Some(&false)),
        }
    }
    // Some never start at all, but most dropouts leave a trace first.
    let withdrawn = cohort
        .simulation
        .outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Withdrawn)
        .count();
    assert!(
        silent < withdrawn / 2,
        "{silent} of {withdrawn} dropouts never active"
    );
}
