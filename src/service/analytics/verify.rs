//! The consistency check: every stored statement that belongs to a course reached its metrics.
//!
//! A statement is applied once, by a worker that takes it off the queue; if applying ever
//! drops a statement (as the course and learner upserts did when workers met new courses at
//! the same moment), nothing else would notice. The check reads the statements back,
//! classifies them as a worker would, and compares what they should have produced with the
//! learning events they have. A statement that belongs to a course but has fewer events than
//! courses, and is neither waiting in the queue, nor parked until its registration's course is
//! known, nor recorded as failed, is *missing*: it is put back on the queue, and the worker
//! applies what it lacks (events are inserted `on conflict do nothing`, so applying a
//! statement twice changes nothing).
//!
//! `lrs analytics verify` checks a whole store (`--repair` puts the missing back). Every LRS
//! process with analytics workers also checks what was stored since its last round every
//! [`INTERVAL`], cheaply: only statements without any event are read and classified (one
//! index probe per statement otherwise), the check one process makes at a time.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use crate::analytics::classify::classify;
use crate::analytics::settings::AnalyticsSettings;
use crate::store::analytics::{queue, verify as store};
use crate::store::statements::parse_stored;

/// Statements read per round trip.
const CHUNK: i64 = 5_000;
/// Pause between two periodic checks.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// Statements stored less than this long ago are left to the next check (their inserts may not
/// all have committed yet, and their application is under way).
const MARGIN_SECS: f64 = 30.0;
/// Statements one periodic check looks at, at most (the next one goes on from there).
const PERIODIC_LIMIT: i64 = 200_000;

/// What a check found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Statements read and classified.
    pub checked: u64,
    /// Statements that belong to a course and lack events (put back on the queue when
    /// repaired).
    pub missing: Vec<i64>,
    /// Statements parked until their registration's course is known.
    pub parked: u64,
    /// The last seq covered.
    pub through: i64,
}

/// The events a statement should have, as a worker would apply it: one per course it names, or
/// one for the course its registration belongs to (`None` while that is unknown).
fn expected_events(statement: &str, settings: &AnalyticsSettings) -> Expected {
    let Ok(value) = parse_stored(statement) else {
        return Expected::Events(0);
    };
    let Some(reading) = classify(&value, settings) else {
        return Expected::Events(0);
    };
    if reading.learner.is_none() {
        return Expected::Events(0);
    }
    if !reading.courses.is_empty() {
        let distinct: HashSet<&str> = reading.courses.iter().map(|c| c.iri.as_str()).collect();
        return Expected::Events(distinct.len() as i64);
    }
    match reading.registration {
        Some(registration) => Expected::ByRegistration(registration),
        None => Expected::Events(0),
    }
}

enum Expected {
    Events(i64),
    ByRegistration(Uuid),
}

/// Checks the statements with `after < seq <= through`. `only_without_events` is the cheap
/// check (statements with no event at all).
pub async fn check(
    pool: &PgPool,
    settings: &AnalyticsSettings,
    after: i64,
    through: i64,
    only_without_events: bool,
) -> anyhow::Result<Report> {
    let mut report = Report {
        through: after,
        ..Report::default()
    };
    let mut cursor = after;
    while cursor < through {
        let rows = store::statements(pool, cursor, through, CHUNK, only_without_events).await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            break;
        };
        report.checked += rows.len() as u64;
        let settings = settings.clone();
        // Parsing and classifying thousands of statements is CPU work with nothing to await.
        let verdicts = tokio::task::spawn_blocking(move || {
            rows.iter()
                .map(|r| (r.seq, r.events, expected_events(&r.statement, &settings)))
                .collect::<Vec<_>>()
        })
        .await?;
        let mut short: Vec<i64> = Vec::new();
        let mut by_registration: HashMap<Uuid, Vec<i64>> = HashMap::new();
        for (seq, events, expected) in verdicts {
            match expected {
                Expected::Events(n) if events < n => short.push(seq),
                Expected::Events(_) => {}
                Expected::ByRegistration(r) if events == 0 => {
                    by_registration.entry(r).or_default().push(seq)
                }
                Expected::ByRegistration(_) => {}
            }
        }
        if !by_registration.is_empty() {
            let seqs: Vec<i64> = by_registration.values().flatten().copied().collect();
            let parked: HashSet<i64> = store::parked(pool, &seqs).await?.into_iter().collect();
            report.parked += parked.len() as u64;
            // Not parked: its registration's course was known, or it should have been parked.
            short.extend(seqs.into_iter().filter(|s| !parked.contains(s)));
        }
        short.sort_unstable();
        report.missing.extend(short);
        cursor = last;
        report.through = last;
    }
    if report.through < through {
        report.through = through;
    }
    Ok(report)
}

/// Puts missing statements back on the queue.
pub async fn repair(pool: &PgPool, missing: &[i64]) -> sqlx::Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    queue::enqueue(&mut conn, missing).await
}

/// One periodic round: checks what was stored since the last one (cheaply), repairs what is
/// missing, and moves the watermark. Returns the report, or None when another process is
/// checking.
pub async fn round(pool: &PgPool, settings: &AnalyticsSettings) -> anyhow::Result<Option<Report>> {
    let mut tx = pool.begin().await?;
    let Some(mark) = store::lock_watermark(&mut tx).await? else {
        return Ok(None);
    };
    let settled = store::settled_through(pool, MARGIN_SECS).await?;
    let through = settled.min(mark.through_seq + PERIODIC_LIMIT);
    if through <= mark.through_seq {
        return Ok(Some(Report {
            through: mark.through_seq,
            ..Report::default()
        }));
    }
    let report = check(pool, settings, mark.through_seq, through, true).await?;
    if !report.missing.is_empty() {
        tracing::error!(
            missing = report.missing.len(),
            first = report.missing.first(),
            "stored statements had not reached the analytics; they are applied again"
        );
        queue::enqueue(&mut tx, &report.missing).await?;
    }
    store::advance(
        &mut tx,
        through,
        i64::try_from(report.checked).unwrap_or(i64::MAX),
        i64::try_from(report.missing.len()).unwrap_or(i64::MAX),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(report))
}
