//! Keeping the embedded cluster running: a postmaster that dies (`kill -9`, the OOM killer, a
//! crash) is started again, which runs PostgreSQL's crash recovery, and the LRS serves again.
//!
//! A thread waits on the postmaster. When it exits while the LRS is not stopping it, the thread
//! waits for the dead postmaster's orphaned backends to go (they still hold its shared memory,
//! and PostgreSQL refuses to start beside them; each exits as soon as it notices its
//! postmaster is gone), removes the stale lock files and starts the server again, retrying
//! with a growing pause until it is ready. Meanwhile requests fail with 503 and `/health`
//! says the database is down; the connection pools reconnect by themselves once it is back.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::log::RotatingLog;
use super::pidfile::{self, PostmasterState};
use super::postmaster::{Postmaster, ServerSpec};

/// Longest pause between two attempts to start the server again.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(10);
/// How long a restarted server may take to accept connections (crash recovery replays the
/// WAL written since the last checkpoint).
const READY_TIMEOUT: Duration = Duration::from_secs(300);

/// What the supervisor and the LRS share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    restarts: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The LRS is stopping the server: its exit is expected.
    stopping: bool,
    /// The current postmaster's pid while it runs (None once it has exited: its pid may be
    /// reused by an unrelated process, which must never be signalled).
    running: Option<i32>,
}

/// The thread that keeps the postmaster running.
pub struct Supervisor {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Supervisor {
    /// Supervises `postmaster`, already running and ready.
    pub fn start(
        spec: ServerSpec,
        log: RotatingLog,
        postmaster: Postmaster,
    ) -> anyhow::Result<Supervisor> {
        let shared = Arc::new(Shared::default());
        lock(&shared).running = Some(postmaster.pid);
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("postgres-supervisor".into())
            .spawn(move || supervise(&for_thread, &spec, &log, postmaster))?;
        Ok(Supervisor {
            shared,
            thread: Some(thread),
        })
    }

    /// How many times the server was started again.
    pub fn restarts(&self) -> u64 {
        self.shared.restarts.load(Ordering::SeqCst)
    }

    /// Stops the server (fast shutdown, escalating if it hangs) and the supervision.
    pub fn stop(&mut self, patience: Duration) {
        let running = {
            let mut state = lock(&self.shared);
            state.stopping = true;
            state.running
        };
        if let Some(pid) = running {
            pidfile::stop_pid(pid, patience);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop(Duration::from_secs(30));
        }
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|p| p.into_inner())
}

fn supervise(shared: &Shared, spec: &ServerSpec, log: &RotatingLog, first: Postmaster) {
    let mut current = first;
    loop {
        let status = current.wait();
        {
            let mut state = lock(shared);
            state.running = None;
            if state.stopping {
                return;
            }
        }
        tracing::error!(%status, "the embedded PostgreSQL exited unexpectedly; starting it again");
        let mut pause = Duration::from_millis(200);
        current = loop {
            if sleep_unless_stopping(shared, pause) {
                return;
            }
            match start_again(shared, spec, log) {
                Ok(Some(postmaster)) => break postmaster,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        log = %spec.log.display(),
                        ?pause,
                        "the embedded PostgreSQL did not start; retrying"
                    );
                    pause = (pause * 2).min(MAX_RETRY_PAUSE);
                }
            }
        };
        let restarts = shared.restarts.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::info!(
            pid = current.pid,
            restarts,
            "the embedded PostgreSQL is running again"
        );
    }
}

/// Sleeps `pause` in short steps; true when the LRS began stopping meanwhile.
fn sleep_unless_stopping(shared: &Shared, pause: Duration) -> bool {
    let deadline = Instant::now() + pause;
    loop {
        if lock(shared).stopping {
            return true;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

/// One attempt: the new postmaster once it is ready, None if the LRS began stopping.
fn start_again(
    shared: &Shared,
    spec: &ServerSpec,
    log: &RotatingLog,
) -> anyhow::Result<Option<Postmaster>> {
    match pidfile::inspect(&spec.pgdata) {
        PostmasterState::Absent => {}
        PostmasterState::Stale => pidfile::remove_stale(&spec.pgdata, &spec.socket_dir, spec.port)?,
        // Our postmaster is dead, so a live one named in the lock file is not ours to keep.
        PostmasterState::Running(pid) => {
            tracing::warn!(pid, "stopping a postmaster the LRS did not start");
            pidfile::stop_pid(pid, Duration::from_secs(30));
            pidfile::remove_stale(&spec.pgdata, &spec.socket_dir, spec.port)?;
        }
    }
    let postmaster = {
        let mut state = lock(shared);
        if state.stopping {
            return Ok(None);
        }
        let postmaster = Postmaster::spawn(spec, log)?;
        state.running = Some(postmaster.pid);
        postmaster
    };
    match wait_ready(&postmaster, &spec.pgdata, READY_TIMEOUT) {
        Ok(()) => Ok(Some(postmaster)),
        Err(e) => {
            let running = lock(shared).running.take();
            if running.is_some() {
                postmaster.stop(Duration::from_secs(10));
            }
            Err(e)
        }
    }
}

/// Waits until the postmaster reports itself ready in `postmaster.pid` (its status line, which
/// PostgreSQL 10 and later keep), or fails if it exits first.
pub fn wait_ready(postmaster: &Postmaster, pgdata: &Path, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = postmaster.try_exited() {
            anyhow::bail!("PostgreSQL exited during start-up ({status})");
        }
        if pidfile::status(pgdata).as_deref() == Some("ready") {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!("PostgreSQL was not ready within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
