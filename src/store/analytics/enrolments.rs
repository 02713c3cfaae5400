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
    let enrolled: Vec<Option<DateTime<Utc>>> = enrolments.iter().map(|e| e.enrolled_at).collect();
    let withdrawn: Vec<Option<DateTime<Utc>>> = enrolments.iter().map(|e| e.withdrawn_at).collect();
    let attributes: Vec<String> = enrolments
        .iter()
        .map(|e| storable_json(&e.attributes).to_string())
        .collect();
    let written = sqlx::query!(
        r#"
        with input as (
            select * from unnest($2::text[], $3::bytea[], $4::text[], $5::timestamptz[],
                                 $6::timestamptz[], $7::text[])
                as i(ifi, ifi_sha, agent, enrolled_at, withdrawn_at, attributes)
        ),
        known as (
            -- `do update` (not `do nothing`) so that every learner is returned, new or not,
            -- whatever another transaction inserted meanwhile.
            insert into learners (ifi, ifi_sha, agent)
            select ifi, ifi_sha, agent::jsonb from input
            order by ifi_sha
            on conflict (ifi_sha) do update set ifi = excluded.ifi
            returning id, ifi_sha, ifi, name
        ),
        listed as (
            insert into learner_courses (course_id, learner_id, risk_stale, learner_ifi, learner_name)
            select $1, k.id, true, k.ifi, k.name from known k
            order by k.id
            on conflict (course_id, learner_id) do nothing
        )
        insert into enrolments (course_id, learner_id, enrolled_at, withdrawn_at, attributes)
        select $1, k.id, i.enrolled_at, i.withdrawn_at, i.attributes::jsonb
        from input i join known k on k.ifi_sha = i.ifi_sha
        order by k.id
        on conflict (course_id, learner_id) do update
        set enrolled_at = excluded.enrolled_at, withdrawn_at = excluded.withdrawn_at,
            attributes = excluded.attributes, updated = now()
        "#,
        course_id,
        &ifis,
        &shas,
        &agents,
        &enrolled as &[Option<DateTime<Utc>>],
        &withdrawn as &[Option<DateTime<Utc>>],
        &attributes
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // A withdrawal moves what the scores describe.
    sqlx::query!(
        "update learner_courses set risk_stale = true where course_id = $1",
        course_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(written)
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
