//! Statement queries on a large store: latency per filter, and the rate of walking `more`.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::Value;

use crate::data::Templates;
use crate::server::{key, secret};
use crate::stats::{Phase, histogram, record};

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A query string for one of the filters, with values drawn from the store's contents.
fn query(
    kind: &str,
    templates: &Templates,
    since_window: (DateTime<Utc>, DateTime<Utc>),
) -> String {
    let mut rng = rand::rng();
    match kind {
        "agent" => format!(
            "agent={}",
            encode(&templates.in_some_cohort(templates.agents.choose(&mut rng).map_or("", |s| s)))
        ),
        "verb+activity" => {
            let (verb, activity) = templates
                .verb_activities
                .choose(&mut rng)
                .cloned()
                .unwrap_or_default();
            format!("verb={}&activity={}", encode(&verb), encode(&activity))
        }
        "registration" => format!(
            "registration={}",
            templates.in_some_cohort(templates.registrations.choose(&mut rng).map_or("", |s| s))
        ),
        "since" => {
            let span = (since_window.1 - since_window.0).num_milliseconds().max(1);
            let at = since_window.0 + chrono::Duration::milliseconds(rng.random_range(0..span));
            format!(
                "since={}",
                encode(&at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            )
        }
        _ => format!(
            "activity={}&related_activities=true",
            encode(templates.courses.choose(&mut rng).map_or("", |s| s))
        ),
    }
}

pub const FILTERS: [&str; 5] = [
    "agent",
    "verb+activity",
    "registration",
    "since",
    "related_activities",
];

/// One untimed GET before the query phases, as before the learner list: the first request
/// of a credential pays its argon2 verification (the first request took 27 ms here; it is
/// paid once per 120 s per credential). Against a server that had just started, the first
/// four requests of the first filter waited on it together and were four of its five slowest,
/// which set its p99 (a full run's ingest phases have verified the credential already).
pub async fn verify_credential(url: &str) -> anyhow::Result<()> {
    let response = crate::ingest::client(1)
        .get(format!("{url}/xapi/statements?limit=1"))
        .basic_auth(key(), Some(secret()))
        .header("X-Experience-API-Version", "1.0.3")
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "GET /xapi/statements answered {}",
        response.status()
    );
    Ok(())
}

/// `requests` GETs of one filter from `connections` clients.
pub async fn filter_phase(
    url: &str,
    templates: Arc<Templates>,
    kind: &'static str,
    requests: usize,
    connections: usize,
    since_window: (DateTime<Utc>, DateTime<Utc>),
) -> Phase {
    let client = crate::ingest::client(connections);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let (client, templates) = (client.clone(), templates.clone());
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut hist = histogram();
            let (mut returned, mut errors) = (0u64, 0u64);
            for _ in (worker..requests).step_by(connections) {
                let q = query(kind, &templates, since_window);
                let sent = Instant::now();
                let response = client
                    .get(format!("{url}/xapi/statements?{q}"))
                    .basic_auth(key(), Some(secret()))
                    .header("X-Experience-API-Version", "1.0.3")
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().is_success() => {
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        record(&mut hist, sent.elapsed());
                        returned += body["statements"].as_array().map_or(0, |a| a.len() as u64);
                    }
                    _ => errors += 1,
                }
            }
            (hist, returned, errors)
        }));
    }
    let mut hist = histogram();
    let (mut returned, mut errors) = (0, 0);
    for task in tasks {
        if let Ok((h, r, e)) = task.await {
            let _ = hist.add(&h);
            returned += r;
            errors += e;
        }
    }
    Phase::new(
        &format!("GET statements by {kind}"),
        returned,
        requests as u64,
        started.elapsed(),
        &hist,
        errors,
    )
}

/// Follows `more` from a broad query for `pages` pages.
pub async fn walk_more(url: &str, templates: &Templates, pages: usize) -> Phase {
    let client = crate::ingest::client(1);
    let course = templates.courses.first().cloned().unwrap_or_default();
    let mut next = format!(
        "/xapi/statements?activity={}&related_activities=true&limit=100",
        encode(&course)
    );
    let mut hist = histogram();
    let (mut walked, mut statements, mut errors) = (0u64, 0u64, 0u64);
    let started = Instant::now();
    while walked < pages as u64 && !next.is_empty() {
        let sent = Instant::now();
        let response = client
            .get(format!("{url}{next}"))
            .basic_auth(key(), Some(secret()))
            .header("X-Experience-API-Version", "1.0.3")
            .send()
            .await;
        let Ok(response) = response else {
            errors += 1;
            break;
        };
        let body: Value = response.json().await.unwrap_or(Value::Null);
        record(&mut hist, sent.elapsed());
        walked += 1;
        statements += body["statements"].as_array().map_or(0, |a| a.len() as u64);
        next = body["more"].as_str().unwrap_or_default().to_owned();
    }
    let mut phase = Phase::new(
        "walk more pages (100 statements each)",
        statements,
        walked,
        started.elapsed(),
        &hist,
        errors,
    );
    phase.name = format!("walk {walked} more pages of 100");
    phase
}

pub fn window(started: DateTime<Utc>, ended: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let quarter = (ended - started) / 4;
    (started + quarter, ended - quarter)
}
