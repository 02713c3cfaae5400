//! Applying a batch of queued statements to the analytics tables, in one transaction.
//!
//! The cost of a batch depends on the statements in it and on the learner-course pairs they
//! touch, not on the size of the store: events are inserted or removed, then only the days
//! around the changed events and the totals of the touched pairs are recomputed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::analytics::classify::{Classified, classify};
use crate::analytics::settings::AnalyticsSettings;
use crate::store::analytics::activities::{self, ActivityMeta};
use crate::store::analytics::days::{self, Window};
use crate::store::analytics::entities::{self, CourseSeen, LearnerSeen};
use crate::store::analytics::events::{self, Change, NewEvent};
use crate::store::analytics::queue::QueuedStatement;
use crate::store::analytics::{queue, totals};
use crate::store::statements::{parse_stored, sha256};

/// What one batch did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub statements: usize,
    pub events_added: usize,
    pub events_removed: usize,
    pub pairs: usize,
}

/// Applies the statements with these sequence numbers (already taken off the queue).
pub async fn apply(
    conn: &mut PgConnection,
    seqs: &[i64],
    settings: &AnalyticsSettings,
) -> sqlx::Result<Applied> {
    let rows = queue::load(conn, seqs).await?;
    let loaded = rows.len();
    let Readings {
        readings,
        void_targets,
    } = read_off_runtime(rows, settings).await?;

    let course_ids = courses(conn, &readings).await?;
    let learner_ids = learners(conn, &readings).await?;
    let memberships = memberships(conn, &readings, &course_ids).await?;

    let mut new_events = Vec::new();
    let mut metas = Vec::new();
    for ((seq, reading), courses) in readings.iter().zip(&memberships) {
        let Some(learner) = reading
            .learner
            .as_ref()
            .and_then(|l| learner_ids.get(&l.ifi))
        else {
            continue;
        };
        for course_id in courses {
            let activity_sha = reading.activity.as_ref().map(|a| sha256(&a.id));
            if let (Some(activity), Some(sha)) = (&reading.activity, &activity_sha) {
                metas.push(ActivityMeta {
                    course_id: *course_id,
                    activity_sha: sha.clone(),
                    activity_id: activity.id.clone(),
                    name: activity.name.clone(),
                    activity_type: activity.activity_type.clone(),
                    first_ts: reading.timestamp,
                });
            }
            let course_iri = course_ids
                .iter()
                .find_map(|(iri, id)| (id == course_id).then_some(iri.as_str()));
            let outcome = reading
                .outcome
                .as_ref()
                .filter(|(iri, _)| Some(iri.as_str()) == course_iri)
                .map(|(_, o)| o.as_str().to_owned());
            new_events.push(NewEvent {
                course_id: *course_id,
                learner_id: *learner,
                ts: reading.timestamp,
                seq: *seq,
                activity_sha,
                completed: reading.completed,
                succeeded: reading.succeeded,
                failed: reading.failed,
                scaled: reading.scaled,
                duration_secs: reading.duration_secs,
                outcome,
            });
        }
    }

    let mut changes = events::insert(conn, &new_events).await?;
    let added = changes.len();
    let target_seqs = if void_targets.is_empty() {
        Vec::new()
    } else {
        queue::seqs_of(conn, &void_targets).await?
    };
    let removed = events::remove(conn, &target_seqs).await?;
    let removed_count = removed.len();
    changes.extend(removed);

    let pairs = settle(conn, &changes, &metas, settings).await?;
    Ok(Applied {
        statements: loaded,
        events_added: added,
        events_removed: removed_count,
        pairs: pairs.len(),
    })
}

/// What a batch's statements say, once parsed and classified.
#[derive(Default)]
struct Readings {
    /// The statements about a learner, by sequence number.
    readings: Vec<(i64, Classified)>,
    /// The statements voided by statements of the batch.
    void_targets: Vec<Uuid>,
}

/// Parses and classifies the batch on the blocking pool. It is a few milliseconds of CPU per
/// thousand statements with nothing to await; run inside the async task it held one of the
/// runtime's threads (one per CPU) for all of it, and the group-commit writers, which share
/// that runtime, waited behind it: moved here, the p99 of single-statement POSTs at 32
/// connections fell from 26-31 to 20-25 ms (docs/BENCHMARKS.md, "`36d27c5`").
async fn read_off_runtime(
    rows: Vec<QueuedStatement>,
    settings: &AnalyticsSettings,
) -> sqlx::Result<Readings> {
    let settings = settings.clone();
    tokio::task::spawn_blocking(move || read(&rows, &settings))
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("classifying a batch failed: {e}")))?
}

fn read(rows: &[QueuedStatement], settings: &AnalyticsSettings) -> sqlx::Result<Readings> {
    let mut out = Readings::default();
    for row in rows {
        // A statement voided before it was applied contributes nothing.
        if row.voided {
            continue;
        }
        // A failure fails the batch, whose statements are then applied one by one and this
        // one recorded in `analytics_failures` (it cannot happen: the LRS wrote the text).
        let statement = parse_stored(&row.statement)?;
        let Some(reading) = classify(&statement, settings) else {
            continue;
        };
        if let Some(target) = reading.voids {
            out.void_targets.push(target);
        }
        if reading.learner.is_some() {
            out.readings.push((row.seq, reading));
        }
    }
    Ok(out)
}

/// Takes the events of these statements out of the analytics, as if they had never been
/// applied (an erasure deletes the statements themselves). Returns the learner-course pairs
/// whose metrics changed.
pub async fn forget(
    conn: &mut PgConnection,
    seqs: &[i64],
    settings: &AnalyticsSettings,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let changes = events::remove(conn, seqs).await?;
    settle(conn, &changes, &[], settings).await
}

/// Brings what derives from the events up to date after these changes: activity counts, the
/// days around each change, and the totals of the touched learner-course pairs.
async fn settle(
    conn: &mut PgConnection,
    changes: &[Change],
    metas: &[ActivityMeta],
    settings: &AnalyticsSettings,
) -> sqlx::Result<Vec<(i64, i64)>> {
    activities::apply(conn, changes, metas).await?;
    let windows = windows(changes);
    days::recompute(conn, &windows, settings.session_gap.as_secs_f64()).await?;
    let pairs: Vec<(i64, i64)> = windows
        .iter()
        .map(|w| (w.course_id, w.learner_id))
        .collect();
    totals::recompute(conn, &pairs).await?;
    Ok(pairs)
}

/// Creates the courses the statements name and returns every course id by IRI.
async fn courses(
    conn: &mut PgConnection,
    readings: &[(i64, Classified)],
) -> sqlx::Result<HashMap<String, i64>> {
    let seen: Vec<CourseSeen> = readings
        .iter()
        .flat_map(|(_, r)| {
            r.courses.iter().map(|c| CourseSeen {
                iri: c.iri.clone(),
                title: c.title.clone(),
                day: r.timestamp.date_naive(),
            })
        })
        .collect();
    if seen.is_empty() {
        return Ok(HashMap::new());
    }
    entities::upsert_courses(conn, &seen).await
}

async fn learners(
    conn: &mut PgConnection,
    readings: &[(i64, Classified)],
) -> sqlx::Result<HashMap<String, i64>> {
    let seen: Vec<LearnerSeen> = readings
        .iter()
        .filter_map(|(_, r)| r.learner.as_ref())
        .map(|l| LearnerSeen {
            ifi: l.ifi.clone(),
            agent: l.agent.clone(),
            name: l.name.clone(),
        })
        .collect();
    if seen.is_empty() {
        return Ok(HashMap::new());
    }
    entities::upsert_learners(conn, &seen).await
}

/// The courses each reading belongs to: those it names, else the course its registration was
/// seen with. Readings whose registration names no known course yet are parked until it does;
/// registrations seen with a course for the first time bring their parked statements back.
async fn memberships(
    conn: &mut PgConnection,
    readings: &[(i64, Classified)],
    course_ids: &HashMap<String, i64>,
) -> sqlx::Result<Vec<Vec<i64>>> {
    let registrations: Vec<Uuid> = readings
        .iter()
        .filter_map(|(_, r)| r.registration)
        .collect();
    entities::lock_registrations(conn, &registrations).await?;
    let mut learned: Vec<(Uuid, i64)> = Vec::new();
    for (_, reading) in readings {
        if let (Some(registration), Some(course)) = (reading.registration, reading.courses.first())
            && let Some(id) = course_ids.get(&course.iri)
        {
            learned.push((registration, *id));
        }
    }
    if !learned.is_empty() {
        let new = entities::remember_registrations(conn, &learned).await?;
        if !new.is_empty() {
            let parked = entities::unpark(conn, &new).await?;
            queue::enqueue(conn, &parked).await?;
        }
    }
    let unresolved: Vec<Uuid> = readings
        .iter()
        .filter(|(_, r)| r.courses.is_empty())
        .filter_map(|(_, r)| r.registration)
        .collect();
    let by_registration = if unresolved.is_empty() {
        HashMap::new()
    } else {
        entities::courses_of_registrations(conn, &unresolved).await?
    };
    let mut parked = Vec::new();
    let memberships = readings
        .iter()
        .map(|(seq, reading)| {
            if !reading.courses.is_empty() {
                let mut ids: Vec<i64> = reading
                    .courses
                    .iter()
                    .filter_map(|c| course_ids.get(&c.iri).copied())
                    .collect();
                ids.dedup();
                return ids;
            }
            match reading.registration {
                Some(registration) => match by_registration.get(&registration) {
                    Some(course) => vec![*course],
                    None => {
                        parked.push((registration, *seq));
                        Vec::new()
                    }
                },
                None => Vec::new(),
            }
        })
        .collect();
    if !parked.is_empty() {
        entities::park(conn, &parked).await?;
    }
    Ok(memberships)
}

/// One window per changed learner-course pair, spanning its changed instants.
fn windows(changes: &[Change]) -> Vec<Window> {
    let mut spans: HashMap<(i64, i64), (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    for change in changes {
        let span = spans
            .entry((change.course_id, change.learner_id))
            .or_insert((change.ts, change.ts));
        span.0 = span.0.min(change.ts);
        span.1 = span.1.max(change.ts);
    }
    spans
        .into_iter()
        .map(|((course_id, learner_id), (lo, hi))| Window {
            course_id,
            learner_id,
            lo,
            hi,
        })
        .collect()
}
