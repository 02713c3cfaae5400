//! The analytics queue: statements waiting to be applied.

use sqlx::PgConnection;
use uuid::Uuid;

/// A statement to apply, as stored (its JSON text: parsing it is the caller's CPU work, which
/// the analytics do off the async runtime).
pub struct QueuedStatement {
    pub seq: i64,
    pub id: Uuid,
    pub voided: bool,
    pub statement: String,
}

/// Takes up to `limit` statements off the queue, oldest first, from these partitions (all when
/// None). The deletion commits with the rest of the batch, so a failed batch returns them; SKIP
/// LOCKED lets several workers and LRS processes drain the queue together.
pub async fn claim(
    conn: &mut PgConnection,
    limit: i64,
    parts: Option<&[i16]>,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        // `= any(array(...))` runs the locking subquery once, whatever the plan: as `in
        // (...)`, a plan cached while the queue was small re-ran it for every queued row.
        r#"delete from analytics_queue
           where seq = any(array(select seq from analytics_queue
                                 where ($2::smallint[] is null or part = any($2))
                                 order by seq limit $1 for update skip locked))
           returning seq"#,
        limit,
        parts
    )
    .fetch_all(&mut *conn)
    .await
}

pub async fn load(conn: &mut PgConnection, seqs: &[i64]) -> sqlx::Result<Vec<QueuedStatement>> {
    sqlx::query_as!(
        QueuedStatement,
        "select seq, id, voided, statement from statements where seq = any($1) order by seq",
        seqs
    )
    .fetch_all(&mut *conn)
    .await
}

/// Puts statements (back) on the queue.
pub async fn enqueue(conn: &mut PgConnection, seqs: &[i64]) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into analytics_queue (seq, part) select s, (s % 64)::smallint from unnest($1::bigint[]) as s on conflict do nothing",
        seqs
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a statement the worker could not apply.
pub async fn record_failure(conn: &mut PgConnection, seq: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into analytics_failures (seq, error) values ($1, $2)
           on conflict (seq) do update set error = excluded.error, at = now()"#,
        seq,
        error
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether this session's role may vacuum the queue (PostgreSQL lets only the table's owner, or
/// a superuser, do it; an LRS whose migrations ran as another role may not).
pub async fn may_vacuum(pool: &sqlx::PgPool) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"select pg_has_role(current_user, c.relowner, 'USAGE')
                  or (select r.rolsuper from pg_roles r where r.rolname = current_user)
           from pg_class c where c.oid = 'analytics_queue'::regclass"#
    )
    .fetch_one(pool)
    .await?
    .unwrap_or(false))
}

/// Removes the rows the workers have taken off the queue (see
/// `jobs::queue_vacuum` for why the LRS does not leave it to autovacuum).
/// Skipped when another vacuum of the queue is running; never truncates the table, which
/// would take a lock the statement inserts wait for.
pub async fn vacuum(pool: &sqlx::PgPool) -> sqlx::Result<()> {
    sqlx::raw_sql("vacuum (skip_locked, truncate false) analytics_queue")
        .execute(pool)
        .await?;
    Ok(())
}

/// Statements waiting in the queue (for /ready-style monitoring and the benchmarks).
pub async fn backlog(pool: &sqlx::PgPool) -> sqlx::Result<i64> {
    Ok(sqlx::query_scalar!("select count(*) from analytics_queue")
        .fetch_one(pool)
        .await?
        .unwrap_or(0))
}

/// The sequence numbers of statements, by id (voiding targets).
pub async fn seqs_of(conn: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!("select seq from statements where id = any($1)", ids)
        .fetch_all(&mut *conn)
        .await
}

/// Takes one given statement off the queue (isolating a failing batch); false when another
/// worker has it.
pub async fn claim_one(conn: &mut PgConnection, seq: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"delete from analytics_queue
           where seq = (select seq from analytics_queue where seq = $1 for update skip locked)
           returning seq"#,
        seq
    )
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// How far the analytics lag behind the statements.
pub struct QueueStatus {
    pub queued: i64,
    /// When the oldest statement still waiting was stored.
    pub oldest_stored: Option<chrono::DateTime<chrono::Utc>>,
    pub failures: i64,
    pub stale_scores: i64,
}

pub async fn status(pool: &sqlx::PgPool) -> sqlx::Result<QueueStatus> {
    sqlx::query_as!(
        QueueStatus,
        r#"select (select count(*) from analytics_queue) as "queued!",
                  (select s.stored from statements s
                   where s.seq = (select min(seq) from analytics_queue)) as oldest_stored,
                  (select count(*) from analytics_failures) as "failures!",
                  (select count(*) from learner_courses where risk_stale) as "stale_scores!""#
    )
    .fetch_one(pool)
    .await
}
