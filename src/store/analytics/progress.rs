//! What the features add to the totals: a learner's recent activity against their own earlier
//! weeks, and their assessments against the course's deadlines, as of an instant.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// One learner's progress as of the instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    /// Active days in the seven days before the instant.
    pub recent_active_days: f64,
    /// Deadlines due by the instant with a statement of the learner's on the activity by the
    /// due time, and after it (but before the instant).
    pub on_time: f64,
    pub late: f64,
    /// The sum, over the deadlines due with a statement on their activity, of the learner's
    /// best scaled score there (1 for an activity without scores: it was done).
    pub credit: f64,
}

/// Deadlines of the course due by `instant`.
pub async fn deadlines_due(
    pool: &PgPool,
    course_id: i64,
    instant: DateTime<Utc>,
) -> sqlx::Result<f64> {
    Ok(sqlx::query_scalar!(
        "select count(*)::float8 from course_deadlines where course_id = $1 and due <= $2",
        course_id,
        instant
    )
    .fetch_one(pool)
    .await?
    .unwrap_or(0.0))
}

/// Every learner's progress in the course as of `instant` (learners without any: absent).
pub async fn as_of(
    pool: &PgPool,
    course_id: i64,
    instant: DateTime<Utc>,
) -> sqlx::Result<HashMap<i64, Progress>> {
    let mut progress: HashMap<i64, Progress> = HashMap::new();
    let recent = sqlx::query!(
        r#"select learner_id, count(*)::float8 as "days!" from learner_days
           where course_id = $1 and day < $2::timestamptz::date
             and day >= $2::timestamptz::date - 7
           group by learner_id"#,
        course_id,
        instant
    )
    .fetch_all(pool)
    .await?;
    for row in recent {
        progress
            .entry(row.learner_id)
            .or_default()
            .recent_active_days = row.days;
    }
    let assessed = sqlx::query!(
        r#"with due as (
               select activity_sha, due from course_deadlines
               where course_id = $1 and due <= $2
           ),
           per as (
               select e.learner_id, d.due, min(e.ts) as first_ts, max(e.scaled) as best
               from due d
               join learning_events e on e.course_id = $1 and e.activity_sha = d.activity_sha
                                     and e.ts < $2
               group by e.learner_id, d.activity_sha, d.due
           )
           select learner_id as "learner_id!",
                  (count(*) filter (where first_ts <= due))::float8 as "on_time!",
                  (count(*) filter (where first_ts > due))::float8 as "late!",
                  coalesce(sum(coalesce(best, 1.0)), 0)::float8 as "credit!"
           from per group by learner_id"#,
        course_id,
        instant
    )
    .fetch_all(pool)
    .await?;
    for row in assessed {
        let entry = progress.entry(row.learner_id).or_default();
        entry.on_time = row.on_time;
        entry.late = row.late;
        entry.credit = row.credit;
    }
    Ok(progress)
}

/// Adds each learner's progress as of `instant` to their metrics; returns the deadlines due.
pub async fn fill(
    pool: &PgPool,
    course_id: i64,
    instant: DateTime<Utc>,
    learners: &mut [super::metrics::LearnerRow],
) -> sqlx::Result<f64> {
    let progress = as_of(pool, course_id, instant).await?;
    for learner in learners.iter_mut() {
        if let Some(p) = progress.get(&learner.learner_id) {
            learner.metrics.recent_active_days = p.recent_active_days;
            learner.metrics.deadlines_on_time = p.on_time;
            learner.metrics.deadlines_late = p.late;
            learner.metrics.deadline_credit = p.credit;
        }
    }
    deadlines_due(pool, course_id, instant).await
}
