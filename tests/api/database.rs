//! The settings of the sessions the LRS opens (`lrs::database::session_options`).

use sqlx::{Connection, PgConnection};

use crate::helpers::fresh_database;

/// PostgreSQL's default is `jit = on`; without statistics the statement insert's estimated cost
/// passed the JIT threshold and every insert compiled for 96 ms (docs/BENCHMARKS.md, "`36d27c5`").
#[tokio::test]
async fn lrs_sessions_run_without_jit() {
    let options = lrs::database::session_options(fresh_database().await);

    let mut conn = PgConnection::connect_with(&options).await.expect("connect");
    let jit: String = sqlx::query_scalar("show jit")
        .fetch_one(&mut conn)
        .await
        .expect("show jit");
    let name: String = sqlx::query_scalar("show application_name")
        .fetch_one(&mut conn)
        .await
        .expect("show application_name");

    assert_eq!(jit, "off");
    assert_eq!(name, "lrs");
}
