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

/// The LRS's sessions are told apart in `pg_stat_activity` by their `application_name`: those
/// of requests, of the statement writers and of the background work (the bench attributes
/// PostgreSQL's CPU by it; an operator sees which work loads the database).
#[tokio::test]
async fn writer_and_background_sessions_are_named_apart() {
    let app = crate::helpers::spawn_app().await;
    let statement = crate::statements::statement(
        &uuid::Uuid::new_v4().to_string(),
        "http://adlnet.gov/expapi/verbs/experienced",
    );
    crate::helpers::post_statements(&app, &[statement]).await;

    let names = |app: &crate::helpers::TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "select distinct application_name from pg_stat_activity
                 where datname = current_database() and pid <> pg_backend_pid()",
            )
            .fetch_all(&pool)
            .await
            .expect("pg_stat_activity")
        }
    };
    // The analytics workers open their connections on their first poll of the queue.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = names(&app).await;
    while !seen
        .iter()
        .any(|n| n == lrs::database::BACKGROUND_APPLICATION)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        seen = names(&app).await;
    }

    for expected in [
        lrs::database::REQUEST_APPLICATION,
        lrs::database::WRITER_APPLICATION,
        lrs::database::BACKGROUND_APPLICATION,
    ] {
        assert!(
            seen.iter().any(|n| n == expected),
            "{expected} not among {seen:?}"
        );
    }
}
