//! Ingest through the LRS: POSTs of `batch` statements from `connections` concurrent clients.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::data::Templates;
use crate::server::{key, secret};
use crate::stats::{Phase, histogram, record};

/// The name of a POST phase (the report pairs it with its raw counterparts by name).
pub fn phase_name(batch: usize, connections: usize) -> String {
    let plural = if batch == 1 { "" } else { "s" };
    format!("LRS POST {batch} statement{plural} @ {connections}")
}

pub fn client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("http client")
}

/// Posts for `duration`; returns the phase figures.
pub async fn post_phase(
    url: &str,
    templates: Arc<Templates>,
    batch: usize,
    connections: usize,
    duration: Duration,
) -> Phase {
    let client = client(connections);
    let hist = Arc::new(Mutex::new(histogram()));
    let statements = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, templates, hist) = (client.clone(), templates.clone(), hist.clone());
        let (statements, requests, errors) = (statements.clone(), requests.clone(), errors.clone());
        let endpoint = format!("{url}/xapi/statements");
        tasks.push(tokio::spawn(async move {
            let mut local = histogram();
            while Instant::now() < deadline {
                let body = if batch == 1 {
                    templates.statement().1
                } else {
                    templates.batch(batch)
                };
                let sent = Instant::now();
                let response = client
                    .post(&endpoint)
                    .basic_auth(key(), Some(secret()))
                    .header("X-Experience-API-Version", "1.0.3")
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await;
                let ok = match response {
                    Ok(r) => {
                        let ok = r.status().is_success();
                        let _ = r.bytes().await;
                        ok
                    }
                    Err(_) => false,
                };
                record(&mut local, sent.elapsed());
                requests.fetch_add(1, Ordering::Relaxed);
                if ok {
                    statements.fetch_add(batch as u64, Ordering::Relaxed);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            let _ = hist.lock().await.add(&local);
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    let hist = hist.lock().await;
    Phase::new(
        &phase_name(batch, connections),
        statements.load(Ordering::Relaxed),
        requests.load(Ordering::Relaxed),
        elapsed,
        &hist,
        errors.load(Ordering::Relaxed),
    )
}

/// Posts `total` statements as fast as `connections` clients can (no timing of interest).
pub async fn load(url: &str, templates: Arc<Templates>, total: u64, connections: usize) -> Phase {
    let client = client(connections);
    let remaining = Arc::new(AtomicU64::new(total));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, templates, remaining, errors) = (
            client.clone(),
            templates.clone(),
            remaining.clone(),
            errors.clone(),
        );
        let endpoint = format!("{url}/xapi/statements");
        tasks.push(tokio::spawn(async move {
            loop {
                let taken = remaining.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                    r.checked_sub(100.min(r).max(1))
                });
                let Ok(before) = taken else { break };
                let n = 100.min(before) as usize;
                if n == 0 {
                    break;
                }
                let response = client
                    .post(&endpoint)
                    .basic_auth(key(), Some(secret()))
                    .header("X-Experience-API-Version", "1.0.3")
                    .header("Content-Type", "application/json")
                    .body(templates.batch(n))
                    .send()
                    .await;
                if !response.is_ok_and(|r| r.status().is_success()) {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    Phase::new(
        "load",
        total,
        total / 100,
        elapsed,
        &histogram(),
        errors.load(Ordering::Relaxed),
    )
}
