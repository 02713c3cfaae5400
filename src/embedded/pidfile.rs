//! Recovering from a crash: stale `postmaster.pid` files and orphaned postmasters.
//!
//! After `kill -9` of the LRS (and of its cluster) the data directory keeps a `postmaster.pid`
//! naming a dead process, or, in a container, a PID that now belongs to something else;
//! PostgreSQL refuses to start while that PID is alive. A postmaster that outlived its LRS is
//! stopped so that the new LRS owns the cluster it serves.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// What the `postmaster.pid` of a data directory says.
#[derive(Debug, PartialEq, Eq)]
pub enum PostmasterState {
    /// No lock file: the cluster is not running.
    Absent,
    /// A lock file whose process is gone or is not a postmaster.
    Stale,
    /// A live postmaster.
    Running(i32),
}

pub fn inspect(pgdata: &Path) -> PostmasterState {
    let Ok(text) = std::fs::read_to_string(pgdata.join("postmaster.pid")) else {
        return PostmasterState::Absent;
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|line| line.trim().parse::<i32>().ok())
    else {
        return PostmasterState::Stale;
    };
    if pid > 0 && is_alive(pid) && is_postgres(pid) {
        PostmasterState::Running(pid)
    } else {
        PostmasterState::Stale
    }
}

/// The server's status line in `postmaster.pid` (`starting`, `ready`, `stopping`, ...): the
/// eighth line, written by PostgreSQL 10 and later.
pub fn status(pgdata: &Path) -> Option<String> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    text.lines().nth(7).map(|line| line.trim().to_owned())
}

fn is_alive(pid: i32) -> bool {
    // EPERM means the process exists but belongs to another user.
    matches!(kill(Pid::from_raw(pid), None), Ok(()) | Err(Errno::EPERM))
}

/// PIDs are reused (in containers the new LRS may get the old postmaster's PID), so a live PID
/// only counts when the process is a postgres.
fn is_postgres(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|comm| comm.trim() == "postgres")
        // Without /proc (not Linux) trust the PID.
        .unwrap_or(true)
}

/// Removes the lock files a dead postmaster left in the data and socket directories.
pub fn remove_stale(pgdata: &Path, socket_dir: &Path, port: u16) -> std::io::Result<()> {
    for file in [
        pgdata.join("postmaster.pid"),
        socket_dir.join(format!(".s.PGSQL.{port}.lock")),
        socket_dir.join(format!(".s.PGSQL.{port}")),
    ] {
        match std::fs::remove_file(&file) {
            Ok(()) => tracing::info!(file = %file.display(), "removed stale PostgreSQL lock file"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Stops a running postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL,
/// waiting up to `patience` for each.
pub fn stop_pid(pid: i32, patience: Duration) {
    for signal in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGKILL] {
        if kill(Pid::from_raw(pid), signal).is_err() {
            return;
        }
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if !is_alive(pid) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        tracing::warn!(pid, ?signal, "postmaster did not stop in time; escalating");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_lock_file_means_absent() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(inspect(dir.path()), PostmasterState::Absent);
    }

    #[test]
    fn a_lock_file_naming_a_non_postgres_process_is_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Our own PID is alive but is not a postmaster (the container PID-reuse case).
        let me = std::process::id();
        std::fs::write(dir.path().join("postmaster.pid"), format!("{me}\n/data\n")).expect("write");
        assert_eq!(inspect(dir.path()), PostmasterState::Stale);
    }

    #[test]
    fn garbage_in_the_lock_file_is_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("postmaster.pid"), "not a pid\n").expect("write");
        assert_eq!(inspect(dir.path()), PostmasterState::Stale);
    }
}
