//! The reads and writes of the analytics consistency check (`service::analytics::verify`).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// A stored statement and how many learning events it has.
pub struct Checked {
    pub seq: i64,
    pub statement: String,
    pub events: i64,
}

/// Statements with `after < seq <= through`, at most `limit`, in seq order, that the analytics
/// should be done with: not voided, not waiting in the queue, not recorded as failed. With
/// `only_without_events`, only those that have no learning event at all (the cheap check: a
/// statement that was lost has none), and then cheaply, through the index on events' seq.
pub async fn statements(
    pool: &PgPool,
    after: i64,
    through: i64,
    limit: i64,
    only_without_events: bool,
) -> sqlx::Result<Vec<Checked>> {
    sqlx::query_as!(
        Checked,
        r#"select s.seq, s.statement,
                  (select count(*) from learning_events e where e.seq = s.seq) as "events!"
           from statements s
           where s.seq > $1 and s.seq <= $2 and not s.voided
             and not exists (select from analytics_queue q where q.seq = s.seq)
             and not exists (select from analytics_failures f where f.seq = s.seq)
             and (not $4 or not exists (select from learning_events e where e.seq = s.seq))
           order by s.seq
           limit $3"#,
        after,
        through,
        limit,
        only_without_events
    )
    .fetch_all(pool)
    .await
}

/// The highest seq the whole of which the check may look at: statements stored more than
/// `margin_secs` ago (a statement's seq is taken when its insert begins, so a lower seq can
/// commit after a higher one; the margin outlasts any insert), and below everything queued.
pub async fn settled_through(pool: &PgPool, margin_secs: f64) -> sqlx::Result<i64> {
    Ok(sqlx::query_scalar!(
        r#"select least(
               (select max(seq) from statements
                where stored < now() - make_interval(secs => $1)),
               (select min(seq) - 1 from analytics_queue)
           ) as "through""#,
        margin_secs
    )
    .fetch_one(pool)
    .await?
    .unwrap_or(0))
}

/// Of these statements, those parked until their registration's course is known.
pub async fn parked(pool: &PgPool, seqs: &[i64]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select seq from analytics_pending where seq = any($1)",
        seqs
    )
    .fetch_all(pool)
    .await
}

/// Whether a registration's course is known.
pub async fn known_registrations(
    pool: &PgPool,
    registrations: &[uuid::Uuid],
) -> sqlx::Result<Vec<uuid::Uuid>> {
    sqlx::query_scalar!(
        "select registration from registration_courses where registration = any($1)",
        registrations
    )
    .fetch_all(pool)
    .await
}

/// How far the periodic check has come.
#[derive(Debug, Clone, Default)]
pub struct Watermark {
    pub through_seq: i64,
    pub through_stored: Option<DateTime<Utc>>,
    pub checked: i64,
    pub repaired: i64,
    pub at: Option<DateTime<Utc>>,
}

/// The watermark, locked for this transaction; None when another process holds it (it is
/// checking now).
pub async fn lock_watermark(conn: &mut PgConnection) -> sqlx::Result<Option<Watermark>> {
    sqlx::query_as!(
        Watermark,
        r#"select through_seq, through_stored, checked, repaired, at
           from analytics_verified for update skip locked"#
    )
    .fetch_optional(conn)
    .await
}

pub async fn watermark(pool: &PgPool) -> sqlx::Result<Watermark> {
    Ok(sqlx::query_as!(
        Watermark,
        r#"select through_seq, through_stored, checked, repaired, at from analytics_verified"#
    )
    .fetch_optional(pool)
    .await?
    .unwrap_or_default())
}

/// Moves the watermark to `through` (a seq), adding to its counts.
pub async fn advance(
    conn: &mut PgConnection,
    through: i64,
    checked: i64,
    repaired: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update analytics_verified set
               through_seq = greatest(through_seq, $1),
               through_stored = coalesce((select stored from statements where seq = $1), through_stored),
               checked = checked + $2, repaired = repaired + $3, at = now()"#,
        through,
        checked,
        repaired
    )
    .execute(conn)
    .await?;
    Ok(())
}
