//! Property: whatever the order of arrival, the batching, the moments the worker runs and the
//! voids, the incrementally maintained analytics equal a rebuild from the statements, and the
//! learner days equal a plain reference computation of the documented rules.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::fixtures::*;
use crate::helpers::{TestApp, spawn_app_with};

#[derive(Debug, Clone)]
struct Event {
    learner: u32,
    minute: i64,
    activity: u32,
    verb: usize,
    scaled: Option<u8>,
    duration_min: Option<u8>,
    jisc: bool,
}

#[derive(Debug, Clone)]
struct Scenario {
    events: Vec<Event>,
    /// Indexes of events that get voided.
    voided: Vec<usize>,
    /// Arrival order (a permutation of events, then voiding statements).
    order: Vec<usize>,
    /// Arrivals per POST.
    batch: usize,
    /// After which POSTs the worker runs.
    drain_every: usize,
}

fn event() -> impl Strategy<Value = Event> {
    (
        0u32..3,
        0i64..(3 * 24 * 60),
        0u32..5,
        0usize..3,
        proptest::option::of(0u8..=100),
        proptest::option::weighted(0.3, 1u8..40),
        proptest::bool::weighted(0.3),
    )
        .prop_map(
            |(learner, minute, activity, verb, scaled, duration_min, jisc)| Event {
                learner,
                minute,
                activity,
                verb,
                scaled,
                duration_min,
                jisc,
            },
        )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    proptest::collection::vec(event(), 1..30).prop_flat_map(|events| {
        let n = events.len();
        (
            Just(events),
            proptest::collection::vec(0..n, 0..(n / 3 + 1)),
            Just((0..n * 2).collect::<Vec<_>>()).prop_shuffle(),
            1usize..8,
            1usize..4,
        )
            .prop_map(|(events, mut voided, order, batch, drain_every)| {
                voided.sort_unstable();
                voided.dedup();
                let total = events.len() + voided.len();
                let order = order.into_iter().filter(|i| *i < total).collect();
                Scenario {
                    events,
                    voided,
                    order,
                    batch,
                    drain_every,
                }
            })
    })
}

const JISC_KEY: &str = "http://xapi.jisc.ac.uk/courseArea";
const VERBS: [&str; 3] = [
    VIEWED,
    COMPLETED,
    "http://adlnet.gov/expapi/verbs/attempted",
];

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-05T06:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn build(scenario: &Scenario) -> Vec<Value> {
    let mut statements: Vec<Value> = scenario
        .events
        .iter()
        .map(|e| {
            let ts = (start() + Duration::minutes(e.minute))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let mut s = statement(
                e.learner + 1,
                VERBS[e.verb],
                &format!("a{}", e.activity),
                &ts,
            );
            let mut result = serde_json::Map::new();
            if let Some(scaled) = e.scaled {
                result.insert("score".into(), json!({"scaled": f64::from(scaled) / 100.0}));
            }
            if let Some(d) = e.duration_min {
                result.insert("duration".into(), json!(format!("PT{d}M")));
            }
            if !result.is_empty() {
                s["result"] = Value::Object(result);
            }
            if e.jisc {
                s["context"] = json!({"extensions": {JISC_KEY: {
                    "http://xapi.jisc.ac.uk/uddModInstanceID": "BIO101-J"}}});
            }
            s
        })
        .collect();
    let voids: Vec<Value> = scenario
        .voided
        .iter()
        .map(|i| {
            voiding(
                statements[*i]["id"].as_str().unwrap_or_default(),
                "2026-02-01T00:00:00.000Z",
            )
        })
        .collect();
    statements.extend(voids);
    statements
}

/// Every derived table, rendered as sorted text rows (floats rounded).
pub async fn snapshot(app: &TestApp) -> BTreeMap<&'static str, Vec<String>> {
    let queries: [(&'static str, &str); 7] = [
        (
            "learner_days",
            "select concat_ws('|', course_id, learner_id, day, statements, sessions, round(time_secs::numeric, 3), completions, successes, failures, attempts, round(score_sum::numeric, 6)) from learner_days",
        ),
        (
            "course_days",
            "select concat_ws('|', course_id, day, statements, round(time_secs::numeric, 3), active_learners) from course_days",
        ),
        (
            "learner_activities",
            "select concat_ws('|', course_id, learner_id, encode(activity_sha, 'hex'), first_ts, events) from learner_activities",
        ),
        (
            "course_activities",
            "select concat_ws('|', course_id, encode(activity_sha, 'hex'), activity_id, first_ts) from course_activities",
        ),
        (
            "course_activity_days",
            "select concat_ws('|', course_id, encode(activity_sha, 'hex'), day, accesses) from course_activity_days",
        ),
        (
            "learner_courses",
            "select concat_ws('|', course_id, learner_id, statements, active_days, sessions, round(time_secs::numeric, 3), completions, successes, failures, attempts, round(score_sum::numeric, 6), distinct_activities, first_ts, last_ts, round(regularity::numeric, 6), statement_outcome) from learner_courses",
        ),
        (
            "courses",
            "select concat_ws('|', id, iri, first_day) from courses",
        ),
    ];
    let mut out = BTreeMap::new();
    for (name, sql) in queries {
        let mut rows: Vec<String> = sqlx::query_scalar::<_, String>(sql)
            .fetch_all(&app.pool)
            .await
            .expect(name);
        rows.sort();
        out.insert(name, rows);
    }
    out
}

/// The documented rules, computed plainly from the surviving events: per learner and course,
/// sorted by time; a session starts after a 30-minute gap; time is the result duration, else
/// the gap to the next event when within 30 minutes.
fn reference_days(scenario: &Scenario) -> Vec<(String, String, i64, i64, f64)> {
    type Timed<'a> = Vec<(i64, usize, &'a Event)>;
    let mut by_pair: BTreeMap<(bool, u32), Timed<'_>> = BTreeMap::new();
    for (i, e) in scenario.events.iter().enumerate() {
        if !scenario.voided.contains(&i) {
            by_pair
                .entry((e.jisc, e.learner))
                .or_default()
                .push((e.minute, i, e));
        }
    }
    let mut days: BTreeMap<(bool, u32, String), (i64, i64, f64)> = BTreeMap::new();
    for ((jisc, learner), mut events) in by_pair {
        events.sort_by_key(|(m, i, _)| (*m, *i));
        for (k, (minute, _, e)) in events.iter().enumerate() {
            let prev = k.checked_sub(1).map(|p| events[p].0);
            let next = events.get(k + 1).map(|n| n.0);
            let session = prev.is_none_or(|p| minute - p > 30);
            let time = match e.duration_min {
                Some(d) => f64::from(d) * 60.0,
                None => next
                    .filter(|n| n - minute <= 30)
                    .map_or(0.0, |n| (n - minute) as f64 * 60.0),
            };
            let day = (start() + Duration::minutes(*minute))
                .date_naive()
                .to_string();
            let entry = days.entry((jisc, learner, day)).or_default();
            entry.0 += 1;
            entry.1 += i64::from(session);
            entry.2 += time;
        }
    }
    days.into_iter()
        .map(|((jisc, learner, day), (s, sessions, time))| {
            (
                if jisc {
                    "jisc".into()
                } else {
                    "grouping".into()
                },
                format!("{learner}|{day}"),
                s,
                sessions,
                time,
            )
        })
        .collect()
}

async fn run(scenario: Scenario) {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let statements = build(&scenario);
    let arrivals: Vec<Value> = scenario
        .order
        .iter()
        .map(|i| statements[*i].clone())
        .collect();
    for (n, chunk) in arrivals.chunks(scenario.batch).enumerate() {
        post(&app, chunk).await;
        if n % scenario.drain_every == 0 {
            drain(&app).await;
        }
    }
    drain(&app).await;
    let incremental = snapshot(&app).await;

    lrs::service::analytics::rebuild::rebuild(
        &app.pool,
        &lrs::config::Config::default().analytics(),
    )
    .await
    .expect("rebuild");
    let rebuilt = snapshot(&app).await;
    for (table, rows) in &incremental {
        assert_eq!(
            rows, &rebuilt[table],
            "{table} differs between incremental and rebuild for {scenario:?}"
        );
    }

    // The learner days against the reference, matched by course kind, learner and day.
    let rows: Vec<(String, String, i32, i32, f64)> = sqlx::query_as(
        "select case when c.iri like 'urn:%' then 'jisc' else 'grouping' end,
                concat_ws('|', (regexp_match(l.ifi, 's([0-9]+)$'))[1]::int - 1, d.day),
                d.statements, d.sessions, d.time_secs
         from learner_days d join courses c on c.id = d.course_id join learners l on l.id = d.learner_id
         order by 1, 2",
    )
    .fetch_all(&app.pool)
    .await
    .expect("days");
    let actual: Vec<(String, String, i64, i64, f64)> = rows
        .into_iter()
        .map(|(k, key, s, sessions, t)| {
            (
                k,
                key,
                i64::from(s),
                i64::from(sessions),
                (t * 1000.0).round() / 1000.0,
            )
        })
        .collect();
    let mut expected = reference_days(&scenario);
    expected.sort_by_key(|a| (a.0.clone(), a.1.clone()));
    assert_eq!(
        actual, expected,
        "learner days differ from the reference for {scenario:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_analytics_equal_a_rebuild_and_the_reference(scenario in scenario()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(run(scenario));
    }
}
