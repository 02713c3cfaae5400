//! Listing the learners of a large course with metrics and risk.

use std::time::{Duration, Instant};

use lrs_simulator::post::{PostOptions, Retry, Target, post};
use lrs_simulator::{SimulationConfig, stream};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::cpu::Snapshot;
use crate::server::{key, secret};
use crate::stats::{Phase, histogram, record};

fn target(url: &str) -> Target {
    Target {
        url: url.to_owned(),
        key: key().to_owned(),
        secret: secret().to_owned().into(),
    }
}

fn options(upload_outcomes: bool) -> PostOptions {
    PostOptions {
        batch: 100,
        concurrency: 8,
        upload_outcomes,
        progress: false,
        retry: Retry::default(),
    }
}

fn course_of(config: &SimulationConfig) -> String {
    stream(config)
        .course_iris()
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Waits until the analytics worker has applied everything and scored every learner.
pub async fn settle(pool: &PgPool) -> anyhow::Result<Duration> {
    let started = Instant::now();
    if std::env::var("BENCH_WORKER").is_ok_and(|v| v == "false") {
        return Ok(Duration::ZERO);
    }
    loop {
        let queued: i64 = sqlx::query_scalar("select count(*) from analytics_queue")
            .fetch_one(pool)
            .await?;
        let stale: i64 =
            sqlx::query_scalar("select count(*) from learner_courses where risk_stale")
                .fetch_one(pool)
                .await?;
        if queued == 0 && stale == 0 {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A labelled course for a model, then a course of `learners` learners; returns the latter's
/// IRI once it is scored.
pub async fn setup(url: &str, pool: &PgPool, learners: usize) -> anyhow::Result<String> {
    let labelled = SimulationConfig {
        seed: 501,
        run: 50,
        courses: 1,
        learners_per_course: 300,
        weeks: 8,
        ..SimulationConfig::default()
    };
    post(&labelled, target(url), &options(true)).await?;
    settle(pool).await?;
    let client = crate::ingest::client(1);
    let response = client
        .post(format!("{url}/analytics/models"))
        .basic_auth(key(), Some(secret()))
        .json(&json!({"courses": [course_of(&labelled)], "cutoff_week": 4, "activate": true}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "training failed: {}",
        response.text().await?
    );
    let big = SimulationConfig {
        seed: 502,
        run: 51,
        courses: 1,
        // About one simulated learner in twenty does nothing in two weeks and so never
        // appears; 5% more are simulated so that at least `learners` are listed.
        learners_per_course: learners + learners / 20,
        weeks: 2,
        activity: 0.25,
        ..SimulationConfig::default()
    };
    post(&big, target(url), &options(false)).await?;
    settle(pool).await?;
    Ok(course_of(&big))
}

/// Timed list requests. A p99 of 30 requests was simply the slowest one, which made one
/// disturbance anywhere on the machine the figure; of 100 it is the second slowest.
pub const REQUESTS: usize = 100;

pub async fn measure(
    url: &str,
    course: &str,
    requests: usize,
    pool: &PgPool,
    lrs_pid: Option<u32>,
) -> anyhow::Result<Phase> {
    let client = crate::ingest::client(1);
    let course_param: String = form_urlencoded::byte_serialize(course.as_bytes()).collect();
    let list = format!("{url}/analytics/courses/learners?course={course_param}&limit=10000");
    // One untimed request first: it pays the credential's argon2 verification (once per 120 s
    // per credential, about 100 ms here) and opens the connection, which are not the list's
    // cost.
    let fetch = || async {
        client
            .get(&list)
            .basic_auth(key(), Some(secret()))
            .send()
            .await?
            .bytes()
            .await
    };
    // Every listed body is checked, but only the untimed first one is parsed as it arrives:
    // parsing 9 MB of JSON into a `Value` between timed requests made the next requests of
    // this process slower to receive (p99 82-99 ms against 64-67 ms with the same server,
    // measured by a separate client), which is the client's cost, not the list's.
    let first = fetch().await?;
    let listed = check_list(&first)?;
    let mut hist = histogram();
    let cpu = Snapshot::take(pool, lrs_pid).await;
    let started = Instant::now();
    let mut last = bytes::Bytes::new();
    for _ in 0..requests {
        let sent = Instant::now();
        // The clock stops when the whole body has arrived.
        let bytes = fetch().await?;
        record(&mut hist, sent.elapsed());
        anyhow::ensure!(
            bytes.len() * 10 >= first.len() * 9,
            "a list body of {} bytes, the first had {}",
            bytes.len(),
            first.len()
        );
        last = bytes;
    }
    let elapsed = started.elapsed();
    // Per list request, not per learner listed.
    let cpu = match cpu {
        Some(since) => since.until_now(pool, requests as u64).await,
        None => None,
    };
    anyhow::ensure!(
        check_list(&last)? == listed,
        "the last list differs in length"
    );
    let mut phase = Phase::new(
        &format!("list {listed} learners with metrics and risk"),
        listed,
        requests as u64,
        elapsed,
        &hist,
        0,
    );
    phase.items_per_second = listed as f64;
    phase.cpu = cpu;
    Ok(phase)
}

/// The number of learners listed; fails unless they come with a risk.
fn check_list(bytes: &[u8]) -> anyhow::Result<u64> {
    let body: Value = serde_json::from_slice(bytes)?;
    let items = body["items"].as_array().map_or(0, Vec::len);
    anyhow::ensure!(
        items > 0 && body["items"][0]["risk"].is_number(),
        "learners listed without risk"
    );
    Ok(items as u64)
}
