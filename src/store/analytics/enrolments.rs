//! Rosters: who is enrolled in a course (migration 000019).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::store::statements::sha256;
use crate::store::text::{storable, storable_json};

/// One learner's enrolment, as a student-information system sends it.
pub struct Enrolment {
    /// The learner's IFI key and Agent.
    pub ifi: String,
    pub agent: Value,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// A JSON object of strings.
    pub attributes: Value,
}

/// Records (or replaces) these enrolments in a course. Learners unknown until now are created,
/// and every enrolled learner gets a place in the course's learner list, active or not.
/// Returns the number of enrolments written.
pub async fn upsert(pool: &PgPool, course_id: i64, enrolments: &[Enrolment]) -> sqlx::Result<u64> {
    crate::store::retry::transient(|| upsert_once(pool, course_id, enrolments)).await
}

async fn upsert_once(pool: &PgPool, course_id: i64, enrolments: &[Enrolment]) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    crate::store::erasure::wait_for_erasures(&mut tx).await?;
    // Keyed by the hash of the identifier as given, stored in its storable form (as the
    // learners the worker creates, `entities::upsert_learners`).
    let shas: Vec<Vec<u8>> = enrolments.iter().map(|e| sha256(&e.ifi)).collect();
    let ifis: Vec<String> = enrolments
        .iter()
        .map(|e| storable(&e.ifi).into_owned())
        .collect();
    let agents: Vec<String> = enrolments
        .iter()
        .map(|e| storable_json(&e.agent).to_string())
        .collect();
    // New learners are inserted without touching (and so locking) existing ones, which the
    // analytics workers update; then all are read, in a statement of their own so that rows
    // another transaction inserted meanwhile are seen (`entities::missing_keys`).
    sqlx::query!(
        r#"insert into learners (ifi, ifi_sha, agent)
           select * from unnest($1::text[], $2::bytea[], $3::text[]::jsonb[])
           order by 2
           on conflict (ifi_sha) do nothing"#,
        &ifis,
        &shas,
        &agents
    )
    .execute(&mut *tx)
    .await?;
    let known = sqlx::query!(
        "select id, ifi_sha, ifi, name from learners where ifi_sha = any($1)",
        &shas
    )
    .fetch_all(&mut *tx)
    .await?;
    let id_of: std::collections::HashMap<&[u8], i64> =
        known.iter().map(|k| (k.ifi_sha.as_slice(), k.id)).collect();
    let ids: Vec<i64> = shas
        .iter()
        .map(|sha| id_of.get(sha.as_slice()).copied())
        .collect::<Option<_>>()
        .ok_or_else(|| sqlx::Error::Protocol("an enrolled learner has no id".into()))?;
    let enrolled: Vec<Option<DateTime<Utc>>> = enrolments.iter().map(|e| e.enrolled_at).collect();
    let withdrawn: Vec<Option<DateTime<Utc>>> = enrolments.iter().map(|e| e.withdrawn_at).collect();
    let attributes: Vec<String> = enrolments
        .iter()
        .map(|e| storable_json(&e.attributes).to_string())
        .collect();
    sqlx::query!(
        r#"insert into learner_courses (course_id, learner_id, risk_stale, learner_ifi, learner_name)
           select $1, l.id, true, l.ifi, l.name
           from learners l where l.id = any($2)
           order by l.id
           on conflict (course_id, learner_id) do nothing"#,
        course_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    let written = sqlx::query!(
        r#"insert into enrolments (course_id, learner_id, enrolled_at, withdrawn_at, attributes)
           select $1::bigint, u.* from unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[],
                                              $5::text[]::jsonb[]) as u
           order by 2
           on conflict (course_id, learner_id) do update
           set enrolled_at = excluded.enrolled_at, withdrawn_at = excluded.withdrawn_at,
               attributes = excluded.attributes, updated = now()"#,
        course_id,
        &ids,
        &enrolled as &[Option<DateTime<Utc>>],
        &withdrawn as &[Option<DateTime<Utc>>],
        &attributes
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // A withdrawal moves what the scores describe.
    mark_stale(&mut tx, course_id).await?;
    tx.commit().await?;
    Ok(written)
}

/// Marks every score of the course stale. Rows an analytics worker holds are skipped: its
/// commit marks them stale anyway, and waiting for them in another order could deadlock.
pub async fn mark_stale(conn: &mut sqlx::PgConnection, course_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        r#"with free as materialized (
               select learner_id from learner_courses
               where course_id = $1 and not risk_stale
               order by learner_id
               for update skip locked
           )
           update learner_courses lc set risk_stale = true
           from free where lc.course_id = $1 and lc.learner_id = free.learner_id"#,
        course_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EnrolmentRow {
    pub learner_ifi: String,
    pub learner_name: Option<String>,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub attributes: Value,
    /// The learner's statements in the course (0: never started).
    pub statements: i64,
}

/// The course's roster, by learner key.
pub async fn list(pool: &PgPool, course_id: i64) -> sqlx::Result<Vec<EnrolmentRow>> {
    sqlx::query_as!(
        EnrolmentRow,
        r#"select l.ifi as learner_ifi, l.name as learner_name, e.enrolled_at, e.withdrawn_at,
                  e.attributes, coalesce(lc.statements, 0)::bigint as "statements!"
           from enrolments e
           join learners l on l.id = e.learner_id
           left join learner_courses lc on lc.course_id = e.course_id and lc.learner_id = e.learner_id
           where e.course_id = $1
           order by l.ifi collate "C""#,
        course_id
    )
    .fetch_all(pool)
    .await
}

/// Of these learner keys, those in the course (a statement in it, an uploaded outcome, or a
/// place on its roster).
pub async fn in_course(
    pool: &PgPool,
    course_id: i64,
    ifis: &[String],
) -> sqlx::Result<Vec<String>> {
    let shas: Vec<Vec<u8>> = ifis.iter().map(|i| sha256(i)).collect();
    let found: Vec<Vec<u8>> = sqlx::query_scalar!(
        r#"select l.ifi_sha from learners l
           join learner_courses lc on lc.learner_id = l.id and lc.course_id = $1
           where l.ifi_sha = any($2)"#,
        course_id,
        &shas
    )
    .fetch_all(pool)
    .await?;
    Ok(ifis
        .iter()
        .zip(&shas)
        .filter(|(_, sha)| found.contains(sha))
        .map(|(ifi, _)| ifi.clone())
        .collect())
}

/// What the roster says of each enrolled learner of a course, by learner id: when they
/// withdrew, and their attributes.
pub async fn facts(
    pool: &PgPool,
    course_id: i64,
) -> sqlx::Result<std::collections::HashMap<i64, (Option<DateTime<Utc>>, Value)>> {
    Ok(sqlx::query!(
        "select learner_id, withdrawn_at, attributes from enrolments where course_id = $1",
        course_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.learner_id, (r.withdrawn_at, r.attributes)))
    .collect())
}
