//! The connections statements are written on.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The connections statements are written on: the group-commit writers and large batches.
///
/// The insert takes its rows as arrays. PostgreSQL would plan it afresh for every small batch
/// (a custom plan knows each array's length, so it looks cheaper than the generic one), and
/// planning its CTEs cost as much CPU as executing them: a third of the machine's CPU under
/// single-statement POSTs. So its generic plan is cached and reused. A generic plan made while
/// the tables were small would scan them whole for ever after, though; every lookup of a
/// statement write is by key, so sequential scans are ruled out and the cached plan probes
/// indexes whatever the table sizes were when it was made. Both are set on these connections
/// when each one opens, and no other query uses them: the insert needs no round trip to set
/// them.
pub fn writer_pool(pool: &PgPool, size: u32) -> PgPool {
    let options = (*pool.connect_options())
        .clone()
        .application_name(crate::store::sessions::WRITER_APPLICATION);
    PgPoolOptions::new()
        .max_connections(size.max(1))
        .acquire_timeout(std::time::Duration::from_secs(10))
        .after_connect(|connection, _| {
            Box::pin(async move {
                sqlx::raw_sql("set plan_cache_mode = force_generic_plan; set enable_seqscan = off")
                    .execute(connection)
                    .await
                    .map(|_| ())
            })
        })
        .connect_lazy_with(options)
}
