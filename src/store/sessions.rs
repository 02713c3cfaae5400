//! The settings of every session the LRS opens, and the names that tell its sessions apart in
//! `pg_stat_activity`.

use sqlx::postgres::PgConnectOptions;

/// The settings every LRS session runs with, on the embedded cluster and on an external server
/// alike (they travel in the connection's startup packet, so they need no privileges and no
/// server configuration).
///
/// JIT compilation is off. Every query the LRS sends is short: a statement insert, a page of a
/// query, an analytics batch. PostgreSQL compiles a query when its *estimated* cost passes
/// `jit_above_cost`, and compiles it again at every execution, cached plan or not. Without
/// statistics (a restored database, a store filled faster than autovacuum analyses it) the
/// generic plan of the statement insert was estimated at 150,000, and each insert then spent
/// 96 ms compiling 174 functions to run for 2 ms: single-statement POSTs fell from about
/// 3,500 to 216 statements/s (docs/BENCHMARKS.md, "`36d27c5`").
pub fn session_options(options: PgConnectOptions) -> PgConnectOptions {
    options
        .application_name(REQUEST_APPLICATION)
        .options([("jit", "off")])
}

/// `application_name` of the sessions that serve requests (reads, documents, analytics
/// queries). In `pg_stat_activity`, the LRS's sessions are told apart by it: these, the
/// statement writers' ([`WRITER_APPLICATION`]) and the background work's
/// ([`BACKGROUND_APPLICATION`]: analytics workers, scoring, queue vacuum, retraining, the
/// listener for credential revocations).
pub const REQUEST_APPLICATION: &str = "lrs";
/// `application_name` of the statement writers' sessions (`store::statements::writer_pool`).
pub const WRITER_APPLICATION: &str = "lrs-writer";
/// `application_name` of the background work's sessions.
pub const BACKGROUND_APPLICATION: &str = "lrs-background";
