//! The run: phases in order, the table, the JSON.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::Args;
use crate::cpu::Share;
use crate::data::Templates;
use crate::server::Server;
use crate::stats::Phase;
use crate::{dashboard, freshness, ingest, learners, queries, rounds};

pub async fn run(args: Args) -> anyhow::Result<()> {
    eprintln!("generating statement templates from the simulator...");
    let templates = Arc::new(Templates::generate(60_000, 90));
    eprintln!(
        "mean statement size: {:.0} bytes, {:.1} query terms",
        templates.mean_bytes, templates.mean_terms
    );
    let server = match (&args.url, &args.database_url) {
        (Some(url), Some(database_url)) => {
            eprintln!("measuring the LRS at {url}...");
            Server::external(url, database_url, args.pid)
        }
        _ => {
            eprintln!("starting the LRS (release build, embedded PostgreSQL)...");
            Server::start(args.data_dir.clone(), args.pool_size)?
        }
    };
    // Named, so that the CPU its sessions use is told from the LRS's (`cpu.rs`).
    let options = server
        .database_url
        .parse::<PgConnectOptions>()?
        .application_name(crate::cpu::BENCH_APPLICATION);
    let pool = PgPoolOptions::new()
        .max_connections(40)
        .connect_with(options)
        .await?;
    let peak_rss = Arc::new(AtomicU64::new(0));
    let sampler = server.pid.map(|pid| {
        let peak = peak_rss.clone();
        tokio::spawn(async move {
            loop {
                let status =
                    std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                if let Some(kb) = status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    });
    let mut phases: Vec<Phase> = Vec::new();
    let mut notes: Vec<(String, Value)> = Vec::new();
    let url = server.url.clone();

    if args.runs("ingest") || args.runs("raw") {
        phases.extend(
            rounds::write_phases(&args, &url, &pool, &templates, server.pid, &mut notes).await?,
        );
    }
    let max_rate = phases
        .iter()
        .filter(|p| p.name.starts_with("LRS POST 100"))
        .map(|p| p.items_per_second)
        .fold(0.0, f64::max);

    if args.runs("learners") {
        eprintln!(
            "learners: a labelled course, a model, a course of {} learners...",
            args.course_learners
        );
        let course = learners::setup(&url, &pool, args.course_learners).await?;
        settle_store(&pool).await?;
        phases.push(learners::measure(&url, &course, learners::REQUESTS, &pool, server.pid).await?);
        phases.push(
            dashboard::measure(
                &url,
                &course,
                args.course_learners as u64,
                learners::REQUESTS,
                &pool,
                server.pid,
            )
            .await?,
        );
    }
    let mut sustained_rate: Option<f64> = None;
    if args.runs("queries") {
        let stored: i64 = sqlx::query_scalar("select count(*) from statements")
            .fetch_one(&pool)
            .await?;
        let missing = (args.store_size as i64 - stored).max(0) as u64;
        eprintln!(
            "queries: loading {missing} statements to reach {}...",
            args.store_size
        );
        if missing > 0 {
            let mut load = ingest::load(&url, templates.clone(), missing, 8).await;
            let settled = learners::settle(&pool).await?;
            load.name = format!("load {missing} statements (POST 100 @ 8)");
            notes.push((
                "analytics backlog cleared after the load (s)".into(),
                json!(settled.as_secs_f64()),
            ));
            let sustained = missing as f64 / (load.seconds + settled.as_secs_f64());
            sustained_rate = Some(sustained);
            notes.push((
                "analytics sustained apply rate during the load (statements/s)".into(),
                json!(sustained),
            ));
            phases.push(load);
        }
        let stored: i64 = sqlx::query_scalar("select count(*) from statements")
            .fetch_one(&pool)
            .await?;
        // `since` draws its instants from when the store's statements were stored (not from
        // this run's load, which a kept or given store may not need).
        let (first, last): (
            Option<chrono::DateTime<chrono::Utc>>,
            Option<chrono::DateTime<chrono::Utc>>,
        ) = sqlx::query_as("select min(stored), max(stored) from statements")
            .fetch_one(&pool)
            .await?;
        let now = chrono::Utc::now();
        let (started, ended) = (first.unwrap_or(now), last.unwrap_or(now));
        notes.push((
            "statements in the store for the queries".into(),
            json!(stored),
        ));
        settle_store(&pool).await?;
        queries::verify_credential(&url).await?;
        for kind in queries::FILTERS {
            let phase = queries::filter_phase(
                &url,
                templates.clone(),
                kind,
                400,
                4,
                queries::window(started, ended),
            )
            .await;
            eprintln!(
                "{}: p50 {:.1} ms, p99 {:.1} ms",
                phase.name, phase.p50_ms, phase.p99_ms
            );
            phases.push(phase);
        }
        phases.push(queries::walk_more(&url, &templates, 300).await);
    }
    if args.runs("freshness") && max_rate > 0.0 {
        let course = templates.courses.first().cloned().unwrap_or_default();
        // Half the burst POST rate (whose analytics were partly deferred to the queue), and
        // half the rate the LRS sustains with its analytics keeping up.
        let mut rates = vec![max_rate / 2.0];
        rates.extend(
            sustained_rate
                .map(|r| r / 2.0)
                .filter(|r| *r < max_rate / 2.0),
        );
        for rate in rates {
            learners::settle(&pool).await?;
            eprintln!("freshness under {rate:.0} statements/s...");
            phases.push(
                freshness::measure(
                    &url,
                    templates.clone(),
                    rate,
                    Duration::from_secs(args.freshness_seconds),
                    &course,
                )
                .await,
            );
        }
    }

    if let Some(sampler) = &sampler {
        sampler.abort();
    }
    let memory = server.memory().map(|(rss, hwm)| {
        let peak = (peak_rss.load(Ordering::Relaxed) as f64 / 1024.0).max(hwm);
        (rss, peak)
    });
    print_table(&phases, &notes, memory, templates.mean_bytes);
    let machine = machine(&pool).await;
    let output = json!({
        "machine": machine,
        "mean_statement_bytes": templates.mean_bytes,
        "mean_statement_terms": templates.mean_terms,
        "phases": phases,
        "notes": notes.iter().map(|(k, v)| json!({"what": k, "value": v})).collect::<Vec<_>>(),
        "memory_mib": memory.map(|(rss, peak)| json!({"peak_rss": peak, "final_rss": rss})),
    });
    let path = args
        .json
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/bench/results.json"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, serde_json::to_string_pretty(&output)?)?;
    eprintln!("figures written to {}", path.display());
    pool.close().await;
    drop(server);
    Ok(())
}

async fn machine(pool: &sqlx::PgPool) -> Value {
    let postgres: String = sqlx::query_scalar("select version()")
        .fetch_one(pool)
        .await
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .map(|l| l.split(':').nth(1).unwrap_or_default().trim().to_owned())
        .unwrap_or_default();
    json!({"cpus": cpus, "cpu": cpu_model, "memory": memory, "postgres": postgres})
}

fn print_table(
    phases: &[Phase],
    notes: &[(String, Value)],
    memory: Option<(f64, f64)>,
    mean_bytes: f64,
) {
    println!();
    println!(
        "{:<80} {:>10} {:>9} {:>9} {:>7} {:>13}",
        "phase", "items/s", "p50 ms", "p99 ms", "vs raw", "vs raw+terms"
    );
    println!("{}", "-".repeat(133));
    for p in phases {
        let shown = |r: Option<f64>| r.map_or(String::new(), |r| format!("{r:.2}x"));
        println!(
            "{:<80} {:>10.0} {:>9.2} {:>9.2} {:>7} {:>13}{}",
            p.name,
            p.items_per_second,
            p.p50_ms,
            p.p99_ms,
            shown(p.ratio_to_raw),
            shown(p.ratio_to_raw_with_terms),
            if p.errors > 0 {
                format!("  ({} errors)", p.errors)
            } else {
                String::new()
            }
        );
    }
    print_cpu(phases);
    println!();
    for (what, value) in notes {
        println!("{what}: {value}");
    }
    println!("mean statement size: {mean_bytes:.0} bytes");
    match memory {
        Some((rss, peak)) => {
            println!("LRS process memory: peak RSS {peak:.0} MiB, final {rss:.0} MiB")
        }
        None => println!("LRS process memory: not measured (an LRS given by --url, without --pid)"),
    }
}

/// The CPU table: for each phase that measured it, the CPU time each party spent per item
/// (statement, row, or list request); the JSON has each party's share of the machine too.
fn print_cpu(phases: &[Phase]) {
    let measured: Vec<&Phase> = phases.iter().filter(|p| p.cpu.is_some()).collect();
    if measured.is_empty() {
        return;
    }
    println!();
    println!(
        "CPU time per item, in µs: the LRS process; PostgreSQL's statement writers, background \
         (analytics), the bench's raw sessions, the rest of PostgreSQL; the bench client; \
         everything else; idle"
    );
    let columns = [
        "LRS",
        "PG writes",
        "PG bg",
        "PG raw",
        "PG rest",
        "client",
        "other",
        "idle",
    ];
    print!("{:<80}", "phase");
    for c in columns {
        print!(" {c:>9}");
    }
    println!();
    println!("{}", "-".repeat(80 + 10 * columns.len()));
    for p in measured {
        let Some(cpu) = p.cpu else { continue };
        let rest = Share {
            share: cpu.postgres_requests.share + cpu.postgres_server.share,
            us_per_item: cpu.postgres_requests.us_per_item + cpu.postgres_server.us_per_item,
        };
        print!("{:<80}", p.name);
        let cells = [
            cpu.lrs,
            Some(cpu.postgres_writes),
            Some(cpu.postgres_background),
            Some(cpu.postgres_bench),
            Some(rest),
            Some(cpu.client),
            Some(cpu.other),
            Some(cpu.idle),
        ];
        for cell in cells {
            match cell {
                Some(s) => print!(" {:>9.0}", s.us_per_item),
                None => print!(" {:>9}", "-"),
            }
        }
        println!();
    }
}

/// Before a read phase: the store as it is a few minutes after its writes stopped. VACUUM
/// ANALYZE does what autovacuum would (current statistics, visibility map), and CHECKPOINT
/// flushes the pages the load and the vacuum dirtied, which PostgreSQL would otherwise write
/// out in the middle of the timed requests.
async fn settle_store(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("vacuum analyze").execute(pool).await?;
    sqlx::query("checkpoint").execute(pool).await?;
    Ok(())
}
