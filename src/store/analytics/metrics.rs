//! Reading engagement metrics: current totals, or sums as of a cutoff for honest early
//! prediction (only days before the cutoff count).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::analytics::features::LearnerMetrics;

/// A learner of a course with metrics and (effective) outcome.
#[derive(Debug, Clone)]
pub struct LearnerRow {
    pub learner_id: i64,
    pub metrics: LearnerMetrics,
    pub outcome: Option<String>,
}

/// The course's start: set through the API, else the day of its first statement.
pub async fn course_start(pool: &PgPool, course_id: i64) -> sqlx::Result<Option<NaiveDate>> {
    let row = sqlx::query!(
        r#"select coalesce(start_date, first_day) as start from courses where id = $1"#,
        course_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| r.start))
}

/// Metrics of every learner of the course from the days before `cutoff` (a day boundary).
pub async fn as_of(
    pool: &PgPool,
    course_id: i64,
    cutoff: NaiveDate,
) -> sqlx::Result<Vec<LearnerRow>> {
    let cutoff_ts: DateTime<Utc> = cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let rows = sqlx::query!(
        r#"
        with lc as (
            select learner_id, coalesce(uploaded_outcome, statement_outcome) as outcome
            from learner_courses where course_id = $1
        ),
        d as (
            select ld.*, ld.day - lag(ld.day) over (partition by ld.learner_id order by ld.day) as gap
            from learner_days ld where ld.course_id = $1 and ld.day < $2
        ),
        agg as (
            select learner_id, sum(statements)::float8 as statements, count(*)::float8 as active_days,
                   sum(sessions)::float8 as sessions, sum(time_secs)::float8 as time_secs,
                   sum(completions)::float8 as completions, sum(successes)::float8 as successes,
                   sum(failures)::float8 as failures, sum(attempts)::float8 as attempts,
                   sum(score_sum)::float8 as score_sum, max(day) as last_day,
                   case when count(gap) >= 2 then stddev_pop(gap)::float8 end as regularity
            from d group by learner_id
        ),
        acts as (
            select learner_id, count(*)::float8 as n from learner_activities
            where course_id = $1 and first_ts < $3 group by learner_id
        )
        select lc.learner_id as "learner_id!", lc.outcome,
               coalesce(a.statements, 0) as "statements!", coalesce(a.active_days, 0) as "active_days!",
               coalesce(a.sessions, 0) as "sessions!", coalesce(a.time_secs, 0) as "time_secs!",
               coalesce(a.completions, 0) as "completions!", coalesce(a.successes, 0) as "successes!",
               coalesce(a.failures, 0) as "failures!", coalesce(a.attempts, 0) as "attempts!",
               coalesce(a.score_sum, 0) as "score_sum!", coalesce(x.n, 0) as "activities!",
               ($2 - a.last_day)::float8 as days_since_last, a.regularity
        from lc left join agg a using (learner_id) left join acts x using (learner_id)
        order by lc.learner_id
        "#,
        course_id,
        cutoff,
        cutoff_ts
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LearnerRow {
            learner_id: r.learner_id,
            outcome: r.outcome,
            metrics: LearnerMetrics {
                statements: r.statements,
                active_days: r.active_days,
                sessions: r.sessions,
                time_secs: r.time_secs,
                completions: r.completions,
                successes: r.successes,
                failures: r.failures,
                attempts: r.attempts,
                score_sum: r.score_sum,
                distinct_activities: r.activities,
                days_since_last: r.days_since_last,
                regularity: r.regularity,
                // Added by `progress::fill` where a model needs them.
                ..LearnerMetrics::default()
            },
        })
        .collect())
}

/// Activities of the course first touched before the cutoff.
pub async fn course_activities_before(
    pool: &PgPool,
    course_id: i64,
    cutoff: NaiveDate,
) -> sqlx::Result<f64> {
    let cutoff_ts: DateTime<Utc> = cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    Ok(sqlx::query_scalar!(
        "select count(*)::float8 from course_activities where course_id = $1 and first_ts < $2",
        course_id,
        cutoff_ts
    )
    .fetch_one(pool)
    .await?
    .unwrap_or(0.0))
}

/// Current metrics of every learner of the course (from the materialized totals).
pub async fn current(
    pool: &PgPool,
    course_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<LearnerRow>> {
    let rows = sqlx::query!(
        r#"select learner_id, coalesce(uploaded_outcome, statement_outcome) as outcome,
                  statements, active_days, sessions, time_secs, completions, successes, failures,
                  attempts, score_sum, distinct_activities, last_ts, regularity
           from learner_courses where course_id = $1 order by learner_id"#,
        course_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LearnerRow {
            learner_id: r.learner_id,
            outcome: r.outcome,
            metrics: LearnerMetrics {
                statements: f64::from(r.statements),
                active_days: f64::from(r.active_days),
                sessions: f64::from(r.sessions),
                time_secs: r.time_secs,
                completions: f64::from(r.completions),
                successes: f64::from(r.successes),
                failures: f64::from(r.failures),
                attempts: f64::from(r.attempts),
                score_sum: r.score_sum,
                distinct_activities: f64::from(r.distinct_activities),
                days_since_last: r
                    .last_ts
                    .map(|t| ((now - t).num_seconds() as f64 / 86_400.0).max(0.0)),
                regularity: r.regularity,
                // Added by `progress::fill` where a model needs them.
                ..LearnerMetrics::default()
            },
        })
        .collect())
}

pub async fn course_activities(pool: &PgPool, course_id: i64) -> sqlx::Result<f64> {
    Ok(sqlx::query_scalar!(
        "select count(*)::float8 from course_activities where course_id = $1",
        course_id
    )
    .fetch_one(pool)
    .await?
    .unwrap_or(0.0))
}

/// A course's id, start (set or derived) and end, by IRI.
#[derive(Debug, Clone)]
pub struct CourseDates {
    pub id: i64,
    pub iri: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The instant its live scores described at their last full scoring (see
    /// `service::analytics::scoring::DRIFT`).
    pub scored_reference: Option<DateTime<Utc>>,
}

pub async fn course_by_iri(pool: &PgPool, iri: &str) -> sqlx::Result<Option<CourseDates>> {
    sqlx::query_as!(
        CourseDates,
        r#"select id, iri, coalesce(start_date, first_day) as start, end_date as "end",
                  scored_reference
           from courses where iri_sha = $1"#,
        crate::store::statements::sha256(iri)
    )
    .fetch_optional(pool)
    .await
}

pub async fn course_by_id(pool: &PgPool, id: i64) -> sqlx::Result<Option<CourseDates>> {
    sqlx::query_as!(
        CourseDates,
        r#"select id, iri, coalesce(start_date, first_day) as start, end_date as "end",
                  scored_reference
           from courses where id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
}

/// The latest statement of the course.
pub async fn course_last_activity(
    pool: &PgPool,
    course_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select max(last_ts) from learner_courses where course_id = $1",
        course_id
    )
    .fetch_one(pool)
    .await
}
