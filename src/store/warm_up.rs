//! Opening the serving pool's connections before the first request needs them.
//!
//! After a restart the first requests used to open their own connections, and each new
//! PostgreSQL backend then loaded the catalog entries of the tables and indexes it touched:
//! the first GETs after a restart took 30 to 45 ms on the server instead of 1 to 5 ms, enough
//! to put the first filter of a benchmark over its 20 ms p99 target (docs/BENCHMARKS.md).

use futures_util::future::try_join_all;
use sqlx::PgPool;

/// Plans (without running) the statement reads and the credential lookup, which loads the
/// catalog entries of their tables, indexes and statistics into the backend. Planning reads
/// no table data and writes nothing.
const PLAN_HOT_QUERIES: &str = r#"
explain select s.seq, s.stored, s.statement
  from statement_terms d join statements s on s.seq = d.seq
  where d.term = 0 and not s.voided
  order by d.stored desc, d.seq desc limit 11;
explain select seq, stored, statement from statements
  where id = '00000000-0000-0000-0000-000000000000' and not voided;
explain select id from credentials where key = '' and revoked_at is null;
"#;

/// Warms every connection the pool holds open (at least one): all are taken at once, so
/// that each is a different backend, and handed back warm.
pub async fn warm_up(pool: &PgPool) -> sqlx::Result<usize> {
    let count = pool.num_idle().max(1);
    let connections = try_join_all((0..count).map(|_| pool.acquire())).await?;
    try_join_all(connections.into_iter().map(|mut connection| async move {
        sqlx::raw_sql(PLAN_HOT_QUERIES)
            .execute(&mut *connection)
            .await
            .map(|_| ())
    }))
    .await?;
    Ok(count)
}
