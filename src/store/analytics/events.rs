//! Learning events: one per statement and course.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

pub struct NewEvent {
    pub course_id: i64,
    pub learner_id: i64,
    pub ts: DateTime<Utc>,
    pub seq: i64,
    pub activity_sha: Option<Vec<u8>>,
    pub completed: bool,
    pub succeeded: bool,
    pub failed: bool,
    pub scaled: Option<f64>,
    pub duration_secs: Option<f64>,
    pub outcome: Option<String>,
}

/// An event added or removed by a batch: what must be recomputed around it.
#[derive(Debug, Clone)]
pub struct Change {
    pub course_id: i64,
    pub learner_id: i64,
    pub ts: DateTime<Utc>,
    pub activity_sha: Option<Vec<u8>>,
    /// +1 added, -1 removed.
    pub sign: i32,
}

/// Inserts events; an event already present (re-delivery, re-queue) is skipped and not
/// reported, so nothing is counted twice.
pub async fn insert(conn: &mut PgConnection, events: &[NewEvent]) -> sqlx::Result<Vec<Change>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let course: Vec<i64> = events.iter().map(|e| e.course_id).collect();
    let learner: Vec<i64> = events.iter().map(|e| e.learner_id).collect();
    let ts: Vec<DateTime<Utc>> = events.iter().map(|e| e.ts).collect();
    let seq: Vec<i64> = events.iter().map(|e| e.seq).collect();
    let activity: Vec<Option<Vec<u8>>> = events.iter().map(|e| e.activity_sha.clone()).collect();
    let completed: Vec<bool> = events.iter().map(|e| e.completed).collect();
    let succeeded: Vec<bool> = events.iter().map(|e| e.succeeded).collect();
    let failed: Vec<bool> = events.iter().map(|e| e.failed).collect();
    let scaled: Vec<Option<f64>> = events.iter().map(|e| e.scaled).collect();
    let duration: Vec<Option<f64>> = events.iter().map(|e| e.duration_secs).collect();
    let outcome: Vec<Option<String>> = events.iter().map(|e| e.outcome.clone()).collect();
    let rows = sqlx::query!(
        r#"insert into learning_events (course_id, learner_id, ts, seq, activity_sha, completed,
                                        succeeded, failed, scaled, duration_secs, outcome)
           select * from unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[],
                                $5::bytea[], $6::bool[], $7::bool[], $8::bool[],
                                $9::float8[], $10::float8[], $11::text[])
           on conflict do nothing
           returning course_id, learner_id, ts, activity_sha"#,
        &course,
        &learner,
        &ts,
        &seq,
        &activity as &[Option<Vec<u8>>],
        &completed,
        &succeeded,
        &failed,
        &scaled as &[Option<f64>],
        &duration as &[Option<f64>],
        &outcome as &[Option<String>]
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Change {
            course_id: r.course_id,
            learner_id: r.learner_id,
            ts: r.ts,
            activity_sha: r.activity_sha,
            sign: 1,
        })
        .collect())
}

/// Removes the events of voided statements.
pub async fn remove(conn: &mut PgConnection, seqs: &[i64]) -> sqlx::Result<Vec<Change>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"delete from learning_events where seq = any($1)
           returning course_id, learner_id, ts, activity_sha"#,
        seqs
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Change {
            course_id: r.course_id,
            learner_id: r.learner_id,
            ts: r.ts,
            activity_sha: r.activity_sha,
            sign: -1,
        })
        .collect())
}
