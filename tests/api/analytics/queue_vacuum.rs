//! The LRS vacuums its analytics queue itself (`analytics::worker::spawn_queue_vacuum`):
//! every statement's queue row is deleted once applied, and the dead rows would otherwise stay
//! in the way of every claim until autovacuum came.

use sqlx::PgPool;

use crate::helpers::fresh_database;

/// Dead rows of the queue, counted on its pages (`pgstattuple`), not from the statistics, which
/// each backend reports when it gets round to it.
async fn dead_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select dead_tuple_count from pgstattuple('analytics_queue')")
        .fetch_one(pool)
        .await
        .expect("pgstattuple")
}

#[tokio::test]
async fn a_vacuum_of_the_queue_removes_the_rows_the_workers_took() {
    let options = lrs::database::session_options(fresh_database().await);
    let pool = PgPool::connect_with(options).await.expect("connect");
    sqlx::query("create extension if not exists pgstattuple")
        .execute(&pool)
        .await
        .expect("pgstattuple");
    sqlx::query(
        "insert into analytics_queue (seq, part) select s, 0 from generate_series(1, 5000) s",
    )
    .execute(&pool)
    .await
    .expect("queue rows");
    sqlx::query("delete from analytics_queue")
        .execute(&pool)
        .await
        .expect("taken off the queue");
    assert_eq!(dead_rows(&pool).await, 5000);

    assert!(
        lrs::store::analytics::queue::may_vacuum(&pool)
            .await
            .expect("owner check"),
        "the role that ran the migrations owns the queue"
    );
    lrs::store::analytics::queue::vacuum(&pool)
        .await
        .expect("vacuum");

    assert_eq!(dead_rows(&pool).await, 0);
}
