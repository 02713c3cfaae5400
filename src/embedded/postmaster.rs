//! Running `initdb` and the `postgres` server process.
//!
//! The postmaster is a direct child of the LRS, in its own process group (a Ctrl-C in the
//! terminal reaches only the LRS, which then finishes in-flight requests before stopping the
//! cluster), with a parent-death signal: if the LRS dies, even by `kill -9`, the postmaster
//! receives SIGINT and shuts down cleanly instead of living on as an orphan.
//!
//! The parent-death signal fires when the *thread* that forked the child exits, so the child is
//! spawned by a dedicated thread that lives exactly as long as the child (it waits on it).

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

use super::account::Account;
use super::binaries;
use super::log::RotatingLog;

/// Runs `command` as `account` (when given).
fn as_account(command: &mut Command, account: Option<&Account>) {
    if let Some(account) = account {
        command.uid(account.uid.as_raw()).gid(account.gid.as_raw());
        // initdb and postgres look at HOME and USER for nothing we need, but a root HOME they
        // cannot read produces warnings.
        command.env("HOME", "/").env("USER", &account.name);
    }
}

/// Creates a new cluster in `pgdata` (which must be empty or absent).
pub fn initdb(
    bin_dir: &Path,
    pgdata: &Path,
    superuser: &str,
    account: Option<&Account>,
    log: &Path,
    sync: bool,
) -> anyhow::Result<()> {
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("--pgdata")
        .arg(pgdata)
        .args(["--username", superuser])
        // The socket directory is private (mode 0700), so trust is confined to its owner.
        .args(["--auth", "trust", "--encoding", "UTF8", "--locale", "C"])
        .arg("--no-instructions")
        .stdin(Stdio::null())
        .stdout(append(log)?)
        .stderr(append(log)?);
    if !sync {
        command.arg("--no-sync");
    }
    as_account(&mut command, account);
    let status = command
        .status()
        .with_context(|| format!("running {}", bin_dir.join("initdb").display()))?;
    if !status.success() {
        bail!(
            "initdb failed ({status}); see {}:\n{}",
            log.display(),
            tail(log, 20)
        );
    }
    Ok(())
}

/// Settings for one server start (kept by the supervisor to start the server again).
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub bin_dir: PathBuf,
    pub pgdata: PathBuf,
    pub socket_dir: PathBuf,
    pub port: u16,
    pub account: Option<Account>,
    /// `postgres.log`, for error messages (the server writes to it through [`RotatingLog`]).
    pub log: PathBuf,
    /// false trades crash safety for speed (fsync off): only for throwaway test clusters.
    pub durable: bool,
    /// PostgreSQL's `shared_buffers` ("2048MB").
    pub shared_buffers: String,
}

/// A running postmaster.
pub struct Postmaster {
    pub pid: i32,
    exited: mpsc::Receiver<std::io::Result<ExitStatus>>,
}

impl Postmaster {
    pub fn spawn(spec: &ServerSpec, log: &RotatingLog) -> anyhow::Result<Postmaster> {
        let (stdout, stderr) = log.pipe()?;
        let mut command = Command::new(spec.bin_dir.join("postgres"));
        command
            .arg("-D")
            .arg(&spec.pgdata)
            .arg("-k")
            .arg(&spec.socket_dir)
            .args(["-p", &spec.port.to_string()])
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", "max_connections=200"])
            .args(["-c", &format!("shared_buffers={}", spec.shared_buffers)])
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .process_group(0);
        if spec.durable && binaries::has_library(&spec.bin_dir, "pg_prewarm") {
            // autoprewarm records which pages are in shared_buffers (every 5 minutes and at
            // shutdown) and reads them back in the background after a start: without it, the
            // first queries after a restart read their pages from disk one by one
            // (docs/BENCHMARKS.md, "The buffer cache").
            command.args(["-c", "shared_preload_libraries=pg_prewarm"]);
        }
        if !spec.durable {
            for setting in [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
                // The default 1 GB of WAL before a checkpoint is disk that a test run (one
                // database per test) does not need.
                "max_wal_size=128MB",
                "min_wal_size=32MB",
            ] {
                command.args(["-c", setting]);
            }
        }
        as_account(&mut command, spec.account.as_ref());
        // SAFETY: the closure runs in the forked child before exec and only calls prctl(2) and
        // getppid(2), both async-signal-safe. It runs after the uid switch, which would
        // otherwise clear the parent-death signal.
        #[expect(
            unsafe_code,
            reason = "pre_exec is the only way to set a parent-death signal"
        )]
        unsafe {
            let parent = std::process::id();
            command.pre_exec(move || {
                nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGINT)
                    .map_err(std::io::Error::from)?;
                // The parent may have died between fork and prctl.
                if nix::unistd::getppid().as_raw() != parent as i32 {
                    return Err(std::io::Error::other("parent exited"));
                }
                Ok(())
            });
        }

        let (started_tx, started_rx) = mpsc::channel();
        let (exited_tx, exited_rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("postgres-keeper".into())
            .spawn(move || match command.spawn() {
                Ok(mut child) => {
                    let _ = started_tx.send(Ok(child.id()));
                    let _ = exited_tx.send(child.wait());
                }
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                }
            })
            .context("starting the postgres keeper thread")?;
        let pid = started_rx
            .recv()
            .context("postgres keeper thread died")?
            .context("spawning postgres")?;
        Ok(Postmaster {
            pid: pid as i32,
            exited: exited_rx,
        })
    }

    /// The exit status if the server has already stopped.
    pub fn try_exited(&self) -> Option<String> {
        match self.exited.try_recv() {
            Ok(Ok(status)) => Some(status.to_string()),
            Ok(Err(e)) => Some(e.to_string()),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some("exited".into()),
        }
    }

    /// Blocks until the server exits; its exit status in words.
    pub fn wait(&self) -> String {
        match self.exited.recv() {
            Ok(Ok(status)) => status.to_string(),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "exited".into(),
        }
    }

    /// Fast shutdown, waiting for the process to exit (escalating if it hangs).
    pub fn stop(self, patience: Duration) {
        super::pidfile::stop_pid(self.pid, patience);
        let _ = self.exited.recv_timeout(patience);
    }
}

fn append(path: &Path) -> anyhow::Result<File> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))
}

/// The last `lines` lines of a log file, for error messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The major version of a cluster (`PG_VERSION`), if one exists in `pgdata`.
pub fn cluster_major(pgdata: &Path) -> Option<u32> {
    std::fs::read_to_string(pgdata.join("PG_VERSION"))
        .ok()?
        .trim()
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Absolute form of a path without requiring it to exist.
pub fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))
}
