//! Queries behind the analytics REST API.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::store::statements::{parse_stored, sha256};
use crate::store::text::{storable, storable_json};

#[derive(Debug, Clone)]
pub struct CourseRow {
    pub id: i64,
    pub iri: String,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub first_day: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub learners: i64,
    pub statements: i64,
    pub active_last_7_days: i64,
    pub high_risk: i64,
    pub activities: i64,
}

/// Courses by id, after a cursor.
pub async fn courses(pool: &PgPool, after: i64, limit: i64) -> sqlx::Result<Vec<CourseRow>> {
    sqlx::query_as!(
        CourseRow,
        r#"
        select c.id, c.iri, c.title, c.start_date, c.first_day, c.end_date,
               coalesce(l.learners, 0) as "learners!", coalesce(l.statements, 0) as "statements!",
               coalesce(l.active, 0) as "active_last_7_days!", coalesce(l.high, 0) as "high_risk!",
               (select count(*) from course_activities ca where ca.course_id = c.id) as "activities!"
        from courses c
        left join lateral (
            select count(*) as learners, sum(statements)::bigint as statements,
                   count(*) filter (where last_ts > now() - interval '7 days') as active,
                   count(*) filter (where risk_band = 'high') as high
            from learner_courses lc where lc.course_id = c.id
        ) l on true
        where c.id > $1
        order by c.id
        limit $2
        "#,
        after,
        limit
    )
    .fetch_all(pool)
    .await
}

pub async fn course(pool: &PgPool, id: i64) -> sqlx::Result<Option<CourseRow>> {
    Ok(courses(pool, id - 1, 1)
        .await?
        .into_iter()
        .find(|c| c.id == id))
}

#[derive(Debug, Clone)]
pub struct WeekRow {
    pub week: i32,
    pub statements: i64,
    pub time_secs: f64,
    pub active_learners: i64,
    pub new_learners: i64,
}

/// Per course week (1 = the week starting on the course start).
pub async fn weekly(pool: &PgPool, course_id: i64, start: NaiveDate) -> sqlx::Result<Vec<WeekRow>> {
    sqlx::query_as!(
        WeekRow,
        r#"
        with days as (
            select ld.learner_id, (floor((ld.day - $2) / 7.0) + 1)::int as week, ld.statements, ld.time_secs
            from learner_days ld where ld.course_id = $1
        ),
        firsts as (
            select learner_id, min(week) as week from days group by learner_id
        )
        select d.week as "week!", sum(d.statements)::bigint as "statements!",
               sum(d.time_secs)::float8 as "time_secs!",
               count(distinct d.learner_id) as "active_learners!",
               (select count(*) from firsts f where f.week = d.week) as "new_learners!"
        from days d group by d.week order by d.week
        "#,
        course_id,
        start
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct HeatRow {
    pub activity_id: String,
    pub name: Option<String>,
    pub activity_type: Option<String>,
    pub week: i32,
    pub accesses: i64,
}

pub async fn heatmap(
    pool: &PgPool,
    course_id: i64,
    start: NaiveDate,
) -> sqlx::Result<Vec<HeatRow>> {
    sqlx::query_as!(
        HeatRow,
        r#"
        select ca.activity_id, ca.name, ca.type as activity_type,
               (floor((d.day - $2) / 7.0) + 1)::int as "week!", sum(d.accesses)::bigint as "accesses!"
        from course_activity_days d
        join course_activities ca on ca.course_id = d.course_id and ca.activity_sha = d.activity_sha
        where d.course_id = $1
        group by ca.activity_id, ca.name, ca.type, 4
        order by ca.activity_id, 4
        "#,
        course_id,
        start
    )
    .fetch_all(pool)
    .await
}

pub async fn learner_id(pool: &PgPool, ifi: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from learners where ifi_sha = $1", sha256(ifi))
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone)]
pub struct TrailDay {
    pub day: NaiveDate,
    pub active_days: i32,
    pub statements: i32,
    pub sessions: i32,
    pub time_secs: f64,
    pub completions: i32,
    pub successes: i32,
    pub failures: i32,
    pub attempts: i32,
    pub score_sum: f64,
}

pub async fn trail(pool: &PgPool, course_id: i64, learner_id: i64) -> sqlx::Result<Vec<TrailDay>> {
    sqlx::query_as!(
        TrailDay,
        r#"select day, 1 as "active_days!", statements, sessions, time_secs, completions,
                  successes, failures, attempts, score_sum
           from learner_days where course_id = $1 and learner_id = $2 order by day"#,
        course_id,
        learner_id
    )
    .fetch_all(pool)
    .await
}

/// The statements behind a learner's activity in a course, in a time range (unbounded on a
/// side that is None), oldest first.
/// A learner's statements in a course, oldest first, within `from..to`, after the event
/// `after` (the (ts, seq) key of the previous page's last one).
pub async fn trail_statements(
    pool: &PgPool,
    course_id: i64,
    learner_id: i64,
    (from, to): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> sqlx::Result<Vec<(DateTime<Utc>, i64, Value)>> {
    let rows = sqlx::query!(
        r#"select e.ts, e.seq, s.statement
           from learning_events e join statements s on s.seq = e.seq
           where e.course_id = $1 and e.learner_id = $2
             and ($3::timestamptz is null or e.ts >= $3)
             and ($4::timestamptz is null or e.ts < $4)
             and ($5::timestamptz is null or (e.ts, e.seq) > ($5, $6))
           order by e.ts, e.seq limit $7"#,
        course_id,
        learner_id,
        from,
        to,
        after.map(|a| a.0),
        after.map_or(0, |a| a.1),
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.ts, r.seq, parse_stored(&r.statement)?)))
        .collect()
}

/// Records outcomes from a student-information system; creates unknown learners (the API
/// lets it only when asked to enrol them).
pub async fn upload_outcomes(
    pool: &PgPool,
    course_id: i64,
    outcomes: &[(String, Value, String)],
) -> sqlx::Result<u64> {
    crate::store::retry::transient(|| upload_outcomes_once(pool, course_id, outcomes)).await
}

async fn upload_outcomes_once(
    pool: &PgPool,
    course_id: i64,
    outcomes: &[(String, Value, String)],
) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    crate::store::erasure::wait_for_erasures(&mut tx).await?;
    // Keyed by the hash of the identifier as given, stored in its storable form (as the
    // learners the worker creates, `entities::upsert_learners`).
    let shas: Vec<Vec<u8>> = outcomes.iter().map(|o| sha256(&o.0)).collect();
    let ifis: Vec<String> = outcomes
        .iter()
        .map(|o| storable(&o.0).into_owned())
        .collect();
    let agents: Vec<String> = outcomes
        .iter()
        .map(|o| storable_json(&o.1).to_string())
        .collect();
    let values: Vec<String> = outcomes.iter().map(|o| o.2.clone()).collect();
    let result = sqlx::query!(
        r#"
        with input as (
            select * from unnest($2::text[], $3::bytea[], $4::text[], $5::text[])
                as i(ifi, ifi_sha, agent, outcome)
        ),
        known as (
            insert into learners (ifi, ifi_sha, agent)
            select distinct on (ifi_sha) ifi, ifi_sha, agent::jsonb from input
            on conflict (ifi_sha) do update set ifi = excluded.ifi
            returning id, ifi_sha, ifi, name
        )
        insert into learner_courses (course_id, learner_id, uploaded_outcome, uploaded_outcome_at,
                                     risk_stale, learner_ifi, learner_name)
        select distinct on (k.id) $1, k.id, i.outcome, now(), true, k.ifi, k.name
        from input i join known k on k.ifi_sha = i.ifi_sha
        on conflict (course_id, learner_id) do update
        set uploaded_outcome = excluded.uploaded_outcome, uploaded_outcome_at = now()
        "#,
        course_id,
        &ifis,
        &shas,
        &agents,
        &values
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}
