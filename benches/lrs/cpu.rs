//! Where the machine's CPU went during a phase: the LRS process, PostgreSQL's sessions by the
//! work they do, this tool (the clients), everything else, and idle; read from `/proc` and
//! `pg_stat_activity` before and after the phase.
//!
//! A ratio says how far the LRS is from the raw rate; this says why, in every run: a raw phase
//! leaves an LRS phase the CPU time per row that the raw rows take, and these figures show what
//! each party spends per statement instead.

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use crate::stats::Phase;

/// `application_name` of the bench's own sessions (the raw phases), set on its pool.
pub const BENCH_APPLICATION: &str = "lrs-bench";

/// Who used the CPU. PostgreSQL's sessions are told apart by `application_name`
/// (`lrs::database`): the LRS names its statement writers, its background work and its
/// request sessions apart.
#[derive(Clone, Copy)]
enum Party {
    Lrs,
    PostgresWrites,
    PostgresBackground,
    PostgresRequests,
    PostgresBench,
    /// The postmaster and PostgreSQL's own processes (WAL writer, checkpointer, background
    /// writer, autovacuum), and sessions of any other name.
    PostgresServer,
    Client,
}

const PARTIES: usize = 7;

/// CPU time counters at one instant, in clock ticks.
pub struct Snapshot {
    total: u64,
    idle: u64,
    parties: [u64; PARTIES],
    lrs_pid: Option<u32>,
    at: Instant,
}

/// One party's use of the machine during a phase.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Share {
    /// Share of all the machine's CPU time (every CPU) over the phase, 0..1.
    pub share: f64,
    /// CPU time per item of the phase (statement, row, or list request), in microseconds.
    pub us_per_item: f64,
}

/// The machine's CPU over a phase. PostgreSQL is the local processes named `postgres` (the
/// cluster of a remote LRS is not seen); "other" is the kernel's own work (interrupts, block
/// I/O, memory management) and every other process.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct CpuUse {
    /// None when the LRS process is not known (`--url` without `--pid`).
    pub lrs: Option<Share>,
    /// Every PostgreSQL process, then by session.
    pub postgres: Share,
    /// The LRS's statement writers (`lrs-writer`): the request path's inserts.
    pub postgres_writes: Share,
    /// The LRS's background sessions (`lrs-background`): analytics, scoring, queue vacuum.
    pub postgres_background: Share,
    /// The LRS's request sessions (`lrs`): reads, documents, authentication.
    pub postgres_requests: Share,
    /// This tool's sessions (`lrs-bench`): the raw phases' inserts.
    pub postgres_bench: Share,
    /// PostgreSQL's own processes and any other session.
    pub postgres_server: Share,
    /// This tool's process: the HTTP or raw clients.
    pub client: Share,
    pub other: Share,
    pub idle: Share,
}

/// Runs a phase and records the CPU the machine spent while it ran, per item of the phase.
pub async fn measured(
    pool: &PgPool,
    lrs_pid: Option<u32>,
    phase: impl Future<Output = Phase>,
) -> Phase {
    let since = Snapshot::take(pool, lrs_pid).await;
    let mut phase = phase.await;
    if let Some(since) = since {
        phase.cpu = since.until_now(pool, phase.items).await;
    }
    phase
}

impl Snapshot {
    /// None where `/proc` cannot be read (not Linux).
    pub async fn take(pool: &PgPool, lrs_pid: Option<u32>) -> Option<Snapshot> {
        let sessions: HashMap<u32, String> = sqlx::query_as::<_, (i32, String)>(
            "select pid, coalesce(application_name, '') from pg_stat_activity
             where backend_type = 'client backend'",
        )
        .fetch_all(pool)
        .await
        .ok()?
        .into_iter()
        .filter_map(|(pid, name)| Some((u32::try_from(pid).ok()?, name)))
        .collect();
        let (total, idle) = machine_ticks()?;
        let mut parties = [0u64; PARTIES];
        let own = std::process::id();
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            // The process may have exited since the directory was read.
            let Some((comm, ticks)) = process_ticks(pid) else {
                continue;
            };
            let party = if Some(pid) == lrs_pid {
                Party::Lrs
            } else if pid == own {
                Party::Client
            } else if comm == "postgres" {
                match sessions.get(&pid).map(String::as_str) {
                    Some(lrs::database::WRITER_APPLICATION) => Party::PostgresWrites,
                    Some(lrs::database::BACKGROUND_APPLICATION) => Party::PostgresBackground,
                    Some(lrs::database::REQUEST_APPLICATION) => Party::PostgresRequests,
                    Some(BENCH_APPLICATION) => Party::PostgresBench,
                    _ => Party::PostgresServer,
                }
            } else {
                continue;
            };
            parties[party as usize] += ticks;
        }
        Some(Snapshot {
            total,
            idle,
            parties,
            lrs_pid,
            at: Instant::now(),
        })
    }

    /// The CPU used since this snapshot, by a phase of `items` items.
    pub async fn until_now(&self, pool: &PgPool, items: u64) -> Option<CpuUse> {
        let now = Snapshot::take(pool, self.lrs_pid).await?;
        let total = now.total.saturating_sub(self.total);
        if total == 0 {
            return None;
        }
        let cpus = std::thread::available_parallelism().map_or(1, usize::from) as f64;
        // The CPU time the machine had over the phase: its wall time on every CPU.
        let machine_us = now.at.duration_since(self.at).as_secs_f64() * cpus * 1e6;
        let share = |ticks: u64| {
            let share = ticks as f64 / total as f64;
            Share {
                share,
                us_per_item: if items > 0 {
                    share * machine_us / items as f64
                } else {
                    0.0
                },
            }
        };
        let used =
            |party: Party| now.parties[party as usize].saturating_sub(self.parties[party as usize]);
        let postgres: u64 = [
            Party::PostgresWrites,
            Party::PostgresBackground,
            Party::PostgresRequests,
            Party::PostgresBench,
            Party::PostgresServer,
        ]
        .into_iter()
        .map(used)
        .sum();
        let idle = now.idle.saturating_sub(self.idle);
        let accounted = used(Party::Lrs) + postgres + used(Party::Client) + idle;
        Some(CpuUse {
            lrs: self.lrs_pid.map(|_| share(used(Party::Lrs))),
            postgres: share(postgres),
            postgres_writes: share(used(Party::PostgresWrites)),
            postgres_background: share(used(Party::PostgresBackground)),
            postgres_requests: share(used(Party::PostgresRequests)),
            postgres_bench: share(used(Party::PostgresBench)),
            postgres_server: share(used(Party::PostgresServer)),
            client: share(used(Party::Client)),
            other: share(total.saturating_sub(accounted)),
            idle: share(idle),
        })
    }
}

/// All CPUs' time, and their idle time (with I/O wait), from `/proc/stat`.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    // cpu user nice system idle iowait irq softirq steal (guest time is part of user).
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    Some((
        fields.iter().sum(),
        fields.get(3).unwrap_or(&0) + fields.get(4).unwrap_or(&0),
    ))
}

/// A process's command name and its CPU time (user and system, all its threads), in ticks.
fn process_ticks(pid: u32) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name is in parentheses and may contain spaces; the fields after it are plain.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = stat.get(close + 2..)?.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}
