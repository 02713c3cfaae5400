//! What scheduled retraining asks of the database (`service::analytics::retrain`): which
//! courses have enough known outcomes, and a lock so that one process at a time trains.

use sqlx::PgPool;
use sqlx::pool::PoolConnection;
use sqlx::postgres::Postgres;

const ADVISORY_KEY: i64 = 0x4c52_535f_5452_4149; // "LRS_TRAI"

/// A course and its number of learners with a known outcome.
pub struct LabelledCourse {
    pub iri: String,
    pub labelled: i64,
}

/// The courses with at least `min` labelled learners, oldest first.
pub async fn labelled_courses(pool: &PgPool, min: i64) -> sqlx::Result<Vec<LabelledCourse>> {
    sqlx::query_as!(
        LabelledCourse,
        r#"select c.iri, count(*) as "labelled!"
           from learner_courses lc join courses c on c.id = lc.course_id
           where coalesce(lc.uploaded_outcome, lc.statement_outcome) is not null
           group by c.iri, c.first_day
           having count(*) >= $1
           order by c.first_day nulls first, c.iri"#,
        min
    )
    .fetch_all(pool)
    .await
}

/// The session-level advisory lock of scheduled training, held on its own connection.
pub struct TrainingLock {
    conn: PoolConnection<Postgres>,
}

impl TrainingLock {
    /// The lock, or None when another process holds it.
    pub async fn try_take(pool: &PgPool) -> sqlx::Result<Option<TrainingLock>> {
        let mut conn = pool.acquire().await?;
        let locked: bool = sqlx::query_scalar!("select pg_try_advisory_lock($1)", ADVISORY_KEY)
            .fetch_one(&mut *conn)
            .await?
            .unwrap_or(false);
        Ok(locked.then_some(TrainingLock { conn }))
    }

    pub async fn release(mut self) -> sqlx::Result<()> {
        sqlx::query_scalar!("select pg_advisory_unlock($1)", ADVISORY_KEY)
            .fetch_one(&mut *self.conn)
            .await?;
        Ok(())
    }
}
