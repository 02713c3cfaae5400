//! Clearing what the analytics derived from the statements, for a rebuild
//! (`service::analytics::rebuild`): what a person set (course titles and dates, rosters,
//! uploaded outcomes, models) is kept.

use sqlx::PgPool;

/// Clears the derived tables and queues every statement; returns the number queued.
pub async fn reset(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "truncate learning_events, learner_days, course_days, course_activities,
                  course_activity_days, learner_activities, registration_courses,
                  analytics_pending, analytics_failures, analytics_queue"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"delete from learner_courses lc where uploaded_outcome is null
           and not exists (select from enrolments e
                           where e.course_id = lc.course_id and e.learner_id = lc.learner_id)"#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update learner_courses set statements = 0, active_days = 0, sessions = 0, time_secs = 0,
               completions = 0, successes = 0, failures = 0, attempts = 0, score_sum = 0,
               distinct_activities = 0, first_ts = null, last_ts = null, regularity = null,
               statement_outcome = null, statement_outcome_at = null, risk_stale = true"#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("update courses set first_day = null")
        .execute(&mut *tx)
        .await?;
    // One worker drains a rebuild, so the partition does not matter here.
    let queued = sqlx::query!("insert into analytics_queue (seq) select seq from statements")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(queued)
}
