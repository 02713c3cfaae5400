//! The embedded default: a private PostgreSQL cluster run from the machine's own binaries.
//!
//! Layout of the data directory (`LRS_DATA_DIR`):
//!
//! ```text
//! lrs.lock        flock held by the LRS process that owns the cluster
//! pg/             the cluster (PGDATA), owned by the account that runs PostgreSQL
//! run/            its Unix socket (no TCP port is opened)
//! postgres.log    server log
//! ```
//!
//! One `lrs serve` owns a data directory at a time. Other `lrs` commands (`migrate`,
//! `credentials ...`) started while it runs attach to its cluster through the socket; started
//! alone, they run the cluster themselves for the duration of the command.

mod account;
mod binaries;
mod log;
pub mod memory;
mod pidfile;
mod postmaster;
mod supervisor;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::fcntl::{Flock, FlockArg};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use self::log::RotatingLog;
use self::pidfile::PostmasterState;
use self::postmaster::{Postmaster, ServerSpec};
use self::supervisor::Supervisor;

/// Name of the superuser role and of the LRS database in an embedded cluster.
pub const DB_NAME: &str = "lrs";
const PORT: u16 = 5432;
/// sockaddr_un.sun_path holds 108 bytes including the terminator.
const MAX_SOCKET_PATH: usize = 100;
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_PATIENCE: Duration = Duration::from_secs(30);

/// How to set up an embedded cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    pub data_dir: PathBuf,
    pub bin_dir: Option<PathBuf>,
    pub pg_user: Option<String>,
    /// false = fsync off: for throwaway test clusters only.
    pub durable: bool,
    /// `shared_buffers`; unset = sized from the machine ([`memory::shared_buffers`]).
    pub shared_buffers: Option<String>,
}

/// What to do when another `lrs` process already owns the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// `lrs serve`: own the cluster or fail.
    Exclusive,
    /// One-off commands: use the running cluster when there is one.
    AttachIfRunning,
}

/// A running embedded cluster, owned by this process or attached to.
pub struct Cluster {
    socket_dir: PathBuf,
    /// Keeps the postmaster this process started running ([`supervisor`]).
    supervisor: Option<Supervisor>,
    _lock: Option<Flock<File>>,
}

impl Cluster {
    /// Creates the cluster on first use, recovers from a crash, starts it and makes sure the
    /// `lrs` database exists.
    pub async fn start(options: &ClusterOptions, ownership: Ownership) -> anyhow::Result<Cluster> {
        let options = options.clone();
        tokio::task::spawn_blocking(move || Cluster::start_blocking(&options, ownership))
            .await
            .context("cluster start-up task")?
    }

    fn start_blocking(options: &ClusterOptions, ownership: Ownership) -> anyhow::Result<Cluster> {
        let data_dir = postmaster::absolute(&options.data_dir)?;
        let pgdata = data_dir.join("pg");
        let account = account::server_account(options.pg_user.as_deref())?;
        let existing_major = postmaster::cluster_major(&pgdata);
        let bin_dir = binaries::find_bin_dir(options.bin_dir.as_deref(), existing_major)
            .map_err(|not_found| no_binaries_error(&not_found))?;

        // The data directory itself stays with the LRS user; only pg/ and run/ are handed over.
        let top_mode = if account.is_some() { 0o711 } else { 0o700 };
        account::prepare_dir(&data_dir, None, top_mode)?;
        if let Some(account) = &account {
            account::ensure_traversable(&data_dir, account)?;
        }
        let socket_dir = socket_dir_for(&data_dir);

        let lock = match lock_data_dir(&data_dir)? {
            Some(lock) => lock,
            None if ownership == Ownership::AttachIfRunning => {
                tracing::info!(dir = %data_dir.display(), "attaching to the cluster of the running LRS");
                return Ok(Cluster {
                    socket_dir,
                    supervisor: None,
                    _lock: None,
                });
            }
            None => bail!(
                "another lrs process is already serving {} (it holds {}); stop it or choose \
                 another LRS_DATA_DIR",
                data_dir.display(),
                data_dir.join("lrs.lock").display()
            ),
        };

        let log = data_dir.join("postgres.log");
        if existing_major.is_none() {
            tracing::info!(dir = %pgdata.display(), bin = %bin_dir.display(), "creating the embedded PostgreSQL cluster");
            if pgdata.exists() && std::fs::read_dir(&pgdata)?.next().is_some() {
                bail!(
                    "{} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away",
                    pgdata.display()
                );
            }
            account::prepare_dir(&pgdata, account.as_ref(), 0o700)?;
            postmaster::initdb(
                &bin_dir,
                &pgdata,
                DB_NAME,
                account.as_ref(),
                &log,
                options.durable,
            )?;
        } else {
            check_versions(&pgdata, &bin_dir, existing_major)?;
            account::prepare_dir(&pgdata, account.as_ref(), 0o700)?;
        }
        account::prepare_dir(&socket_dir, account.as_ref(), 0o700)?;

        match pidfile::inspect(&pgdata) {
            PostmasterState::Absent => {}
            PostmasterState::Stale => pidfile::remove_stale(&pgdata, &socket_dir, PORT)?,
            PostmasterState::Running(pid) => {
                // We hold lrs.lock, so no live LRS owns this postmaster: it outlived a crash.
                tracing::warn!(
                    pid,
                    "stopping an orphaned postmaster left by a previous run"
                );
                pidfile::stop_pid(pid, STOP_PATIENCE);
                pidfile::remove_stale(&pgdata, &socket_dir, PORT)?;
            }
        }

        let spec = ServerSpec {
            bin_dir,
            pgdata,
            socket_dir: socket_dir.clone(),
            port: PORT,
            account,
            log: log.clone(),
            durable: options.durable,
            shared_buffers: memory::shared_buffers(options.shared_buffers.as_deref()),
        };
        let server_log = RotatingLog::open(&log)?;
        let postmaster = Postmaster::spawn(&spec, &server_log)?;
        tracing::info!(pid = postmaster.pid, socket = %socket_dir.display(), "embedded PostgreSQL started");
        if let Err(e) = connect_when_ready(&postmaster, &socket_dir, &log) {
            postmaster.stop(STOP_PATIENCE);
            return Err(e);
        }
        Ok(Cluster {
            socket_dir,
            supervisor: Some(Supervisor::start(spec, server_log, postmaster)?),
            _lock: Some(lock),
        })
    }

    /// How many times the supervisor started the server again after it died.
    pub fn restarts(&self) -> u64 {
        self.supervisor.as_ref().map_or(0, Supervisor::restarts)
    }

    /// Connection options for a database of this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        connect_options_at(&self.socket_dir, database)
    }

    /// Stops the cluster if this process started it (fast shutdown: open transactions are
    /// rolled back, committed data is safe).
    pub async fn stop(mut self) {
        if let Some(mut supervisor) = self.supervisor.take() {
            let _ = tokio::task::spawn_blocking(move || supervisor.stop(STOP_PATIENCE)).await;
            tracing::info!("embedded PostgreSQL stopped");
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Normally `stop` ran already; this covers error paths.
        if let Some(mut supervisor) = self.supervisor.take() {
            supervisor.stop(STOP_PATIENCE);
        }
    }
}

fn connect_options_at(socket_dir: &Path, database: &str) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(socket_dir)
        .port(PORT)
        .username(DB_NAME)
        .database(database)
}

/// Waits until the server accepts connections, then creates the LRS database if needed.
fn connect_when_ready(
    postmaster: &Postmaster,
    socket_dir: &Path,
    log: &Path,
) -> anyhow::Result<()> {
    // Runs on a blocking-pool thread, which may block on the runtime it belongs to.
    let runtime = tokio::runtime::Handle::current();
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut conn = loop {
        if let Some(status) = postmaster.try_exited() {
            bail!(
                "PostgreSQL exited during start-up ({status}); last lines of {}:\n{}",
                log.display(),
                postmaster::tail(log, 20)
            );
        }
        match runtime.block_on(PgConnection::connect_with(&connect_options_at(
            socket_dir, "postgres",
        ))) {
            Ok(conn) => break conn,
            Err(e) if Instant::now() > deadline => {
                return Err(e).context(format!(
                    "PostgreSQL did not accept connections within {READY_TIMEOUT:?}; see {}",
                    log.display()
                ));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    runtime.block_on(async {
        let exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(DB_NAME)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            // DB_NAME is a constant; CREATE DATABASE takes no bind parameters.
            sqlx::query("create database lrs")
                .execute(&mut conn)
                .await?;
        }
        conn.close().await
    })?;
    Ok(())
}

/// Takes the data directory's lock; None when another process holds it.
fn lock_data_dir(data_dir: &Path) -> anyhow::Result<Option<Flock<File>>> {
    let path = data_dir.join("lrs.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(lock)),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, errno)) => Err(errno).with_context(|| format!("locking {}", path.display())),
    }
}

/// `<data_dir>/run` unless the socket path would exceed the Unix limit, else a directory under
/// /tmp named after a hash of the data directory.
fn socket_dir_for(data_dir: &Path) -> PathBuf {
    let preferred = data_dir.join("run");
    let socket_len = preferred.as_os_str().len() + format!("/.s.PGSQL.{PORT}").len();
    if socket_len <= MAX_SOCKET_PATH {
        return preferred;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    PathBuf::from(format!("/tmp/lrs-{}", &hex::encode(digest)[..16]))
}

fn check_versions(pgdata: &Path, bin_dir: &Path, cluster: Option<u32>) -> anyhow::Result<()> {
    let binaries = binaries::binaries_major(bin_dir);
    if let (Some(cluster), Some(binaries)) = (cluster, binaries)
        && cluster != binaries
    {
        bail!(
            "the cluster in {} was created by PostgreSQL {cluster} but the binaries in {} are \
             version {binaries}; install PostgreSQL {cluster} (or set LRS_PG_BIN_DIR to its \
             bin directory), or upgrade the cluster with pg_upgrade",
            pgdata.display(),
            bin_dir.display()
        );
    }
    Ok(())
}

fn no_binaries_error(not_found: &binaries::NotFound) -> anyhow::Error {
    let searched: Vec<String> = not_found
        .searched
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    anyhow::anyhow!(
        "no PostgreSQL server binaries (initdb, postgres) found on this machine (searched PATH, \
         pg_config --bindir and {}). Either install PostgreSQL (Debian/Ubuntu: apt-get install \
         postgresql; macOS: brew install postgresql) or set DATABASE_URL to use an existing \
         PostgreSQL server.",
        if searched.is_empty() {
            "the usual folders".to_owned()
        } else {
            searched.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_data_dir_moves_the_socket_to_tmp() {
        let long = PathBuf::from(format!("/{}", "d".repeat(120)));
        let dir = socket_dir_for(&long);
        assert!(
            dir.to_string_lossy().starts_with("/tmp/lrs-"),
            "{}",
            dir.display()
        );
        assert_eq!(dir, socket_dir_for(&long), "stable for one data dir");
        assert_eq!(
            socket_dir_for(Path::new("/srv/lrs")),
            PathBuf::from("/srv/lrs/run")
        );
    }
}
