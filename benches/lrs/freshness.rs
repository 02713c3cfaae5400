//! Analytics freshness: from a POST's response until the learner's metrics reflect it, while
//! other clients keep ingesting at a steady rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::data::Templates;
use crate::server::{key, secret};
use crate::stats::{Phase, histogram, record};

const TIMEOUT: Duration = Duration::from_secs(20);

/// Ingests at `rate` statements/s for `duration` while probing; returns the freshness figures.
pub async fn measure(
    url: &str,
    templates: Arc<Templates>,
    rate: f64,
    duration: Duration,
    course: &str,
) -> Phase {
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    // Four senders of 100-statement batches, paced to the target rate together.
    let senders: u32 = 4;
    let interval = Duration::from_secs_f64(100.0 * senders as f64 / rate.max(1.0));
    for k in 0..senders {
        let (templates, stop) = (templates.clone(), stop.clone());
        let endpoint = format!("{url}/xapi/statements");
        let client = crate::ingest::client(1);
        load.push(tokio::spawn(async move {
            tokio::time::sleep(interval / senders * k).await;
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !stop.load(Ordering::Relaxed) {
                ticker.tick().await;
                let _ = client
                    .post(&endpoint)
                    .basic_auth(key(), Some(secret()))
                    .header("X-Experience-API-Version", "1.0.3")
                    .header("Content-Type", "application/json")
                    .body(templates.batch(100))
                    .send()
                    .await;
            }
        }));
    }

    let client = crate::ingest::client(2);
    let mut hist = histogram();
    let (mut probes, mut timeouts) = (0u64, 0u64);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    while started.elapsed() < duration {
        probes += 1;
        let name = format!("probe-{}", uuid::Uuid::new_v4().simple());
        let statement = json!({
            "actor": {"name": "Probe", "account": {"homePage": "https://bench.example", "name": name}},
            "verb": {"id": "http://id.tincanapi.com/verb/viewed", "display": {"en": "viewed"}},
            "object": {"id": "https://bench.example/probe-resource"},
            "context": {"contextActivities": {"grouping": [
                {"id": course, "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}]}},
        });
        let posted = client
            .post(format!("{url}/xapi/statements"))
            .basic_auth(key(), Some(secret()))
            .header("X-Experience-API-Version", "1.0.3")
            .json(&statement)
            .send()
            .await;
        if !posted.is_ok_and(|r| r.status().is_success()) {
            timeouts += 1;
            continue;
        }
        let t0 = Instant::now();
        let learner: String = form_urlencoded::byte_serialize(
            format!("account:https://bench.example|{name}").as_bytes(),
        )
        .collect();
        let visible = loop {
            let response = client
                .get(format!(
                    "{url}/analytics/learners/courses?learner={learner}"
                ))
                .basic_auth(key(), Some(secret()))
                .send()
                .await;
            if let Ok(r) = response
                && r.status().is_success()
                && let Ok(body) = r.json::<Value>().await
                && body["items"][0]["statements"].as_i64().unwrap_or(0) >= 1
            {
                break true;
            }
            if t0.elapsed() > TIMEOUT {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        record(&mut hist, t0.elapsed());
        if !visible {
            timeouts += 1;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in load {
        let _ = task.await;
    }
    let mut phase = Phase::new(
        &format!("analytics freshness at {rate:.0} statements/s"),
        probes,
        probes,
        started.elapsed(),
        &hist,
        timeouts,
    );
    phase.items_per_second = rate;
    phase
}
