//! One PostgreSQL cluster per test process, started by the harness itself.
//!
//! It is the LRS's own embedded cluster code (so the harness works as root and as an ordinary
//! user exactly like `lrs serve`), with fsync off since the data is thrown away. A template
//! database is migrated once; each test gets `CREATE DATABASE ... TEMPLATE`, which takes
//! milliseconds, under a random UUID name so parallel tests never collide.
//!
//! Set `LRS_TEST_DATABASE_URL` (a server where the user may create databases) to use an
//! external PostgreSQL instead.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use lrs::embedded::{Cluster, ClusterOptions, Ownership};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};

const TEMPLATE: &str = "lrs_test_template";

struct TestCluster {
    /// Options of the maintenance database (`postgres`).
    maintenance: PgConnectOptions,
}

static CLUSTER: OnceLock<Result<TestCluster, String>> = OnceLock::new();

/// The embedded cluster this process started and its directory, for [`stop_and_remove`].
static STARTED: Mutex<Option<(Cluster, PathBuf)>> = Mutex::new(None);

/// Runs when the test binary exits (after the last test, passed or failed): stops the cluster
/// and deletes its directory, about 1.5 GB that would otherwise stay in the temp dir until the
/// next run's [`remove_stale_dirs`].
extern "C" fn stop_and_remove() {
    let started = STARTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some((cluster, dir)) = started {
        // Dropping the cluster stops the postmaster and waits for it to exit.
        drop(cluster);
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[expect(
    unsafe_code,
    reason = "atexit(3) is the one hook that runs when the test harness exits"
)]
fn remove_at_exit(cluster: Cluster, dir: PathBuf) {
    *STARTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((cluster, dir));
    // SAFETY: `stop_and_remove` is an `extern "C" fn()` that does not unwind (it neither
    // panics nor calls exit); registering it has no other precondition.
    let registered = unsafe { libc::atexit(stop_and_remove) };
    if registered != 0 {
        eprintln!("cannot register the test cluster's removal at exit");
    }
}

/// Options for a throwaway embedded cluster in `data_dir`.
pub fn cluster_options_for(data_dir: PathBuf) -> ClusterOptions {
    ClusterOptions {
        data_dir,
        bin_dir: std::env::var_os("LRS_PG_BIN_DIR").map(PathBuf::from),
        pg_user: std::env::var("LRS_PG_USER").ok(),
        durable: false,
        // Throwaway clusters keep PostgreSQL's default.
        shared_buffers: Some("128MB".to_owned()),
    }
}

fn cluster() -> &'static TestCluster {
    let result = CLUSTER.get_or_init(|| {
        // The cluster outlives every test runtime: it is started from a thread of its own whose
        // runtime keeps running (its postmaster stops when this process exits).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            match runtime.block_on(start()) {
                Ok((cluster, maintenance)) => {
                    if let Some((cluster, dir)) = cluster {
                        remove_at_exit(cluster, dir);
                    }
                    let _ = tx.send(Ok(TestCluster { maintenance }));
                }
                Err(e) => {
                    let _ = tx.send(Err(format!("{e:#}")));
                    return;
                }
            }
            // The postmaster's parent-death signal is tied to this thread: it must outlive
            // every test.
            loop {
                std::thread::park();
            }
        });
        rx.recv()
            .unwrap_or_else(|_| Err("cluster thread died".into()))
    });
    match result {
        Ok(cluster) => cluster,
        Err(e) => panic!("cannot start the test PostgreSQL cluster: {e}"),
    }
}

async fn start() -> anyhow::Result<(Option<(Cluster, PathBuf)>, PgConnectOptions)> {
    let (cluster, maintenance) = match std::env::var("LRS_TEST_DATABASE_URL") {
        Ok(url) => (None, PgConnectOptions::from_str(&url)?),
        Err(_) => {
            remove_stale_dirs();
            let dir = std::env::temp_dir().join(format!("lrs-test-{}", std::process::id()));
            let cluster =
                Cluster::start(&cluster_options_for(dir.clone()), Ownership::Exclusive).await?;
            let maintenance = cluster.connect_options("postgres");
            (Some((cluster, dir)), maintenance)
        }
    };
    let mut conn = PgConnection::connect_with(&maintenance).await?;
    sqlx::query("drop database if exists lrs_test_template")
        .execute(&mut conn)
        .await?;
    sqlx::query("create database lrs_test_template")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(maintenance.clone().database(TEMPLATE))
        .await?;
    lrs::store::migrate(&pool).await?;
    pool.close().await;
    Ok((cluster, maintenance))
}

/// Removes the cluster directories of earlier test runs whose process is gone.
fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("lrs-test-")
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh, migrated database for one test.
pub async fn fresh_database() -> PgConnectOptions {
    let cluster = cluster();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&cluster.maintenance)
        .await
        .expect("connect to the maintenance database");
    // The name is generated above (hex only), so formatting it into the statement is safe.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "create database {name} template {TEMPLATE}"
    )))
    .execute(&mut conn)
    .await
    .expect("create the test database");
    let _ = conn.close().await;
    cluster.maintenance.clone().database(&name)
}
