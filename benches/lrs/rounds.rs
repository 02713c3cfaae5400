//! The write phases in rounds: each LRS ingest phase runs next to its raw counterparts, and
//! the ratios are taken within a round, then their median across rounds.
//!
//! On a shared 2-core machine the speed of the whole machine drifts by 20-40% over minutes.
//! Measured once each, minutes apart, an LRS phase and its raw baseline could land in
//! different moods of the machine: one full run measured the raw one-row commits at 4,471/s,
//! the next at 6,154/s, and POST 1 @ 32 at 0.75x and 0.63x of them. Side by side, the two
//! phases of a ratio see nearly the same machine, and the median of several rounds leaves out
//! a round that one disturbance spoiled.

use std::sync::Arc;

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::cpu::{self, CpuUse, Share};
use crate::data::Templates;
use crate::raw::Method;
use crate::stats::Phase;
use crate::{Args, ingest, learners, raw};

/// The POSTs measured: (statements per POST, connections).
const CONFIGS: [(usize, usize); 4] = [(1, 4), (1, 32), (100, 4), (100, 32)];

/// Runs the ingest and raw phases, `args.rounds` times, and returns them with, after several
/// rounds, one summary phase per POST configuration (the median of its rounds).
pub async fn write_phases(
    args: &Args,
    url: &str,
    pool: &PgPool,
    templates: &Arc<Templates>,
    lrs_pid: Option<u32>,
    notes: &mut Vec<(String, Value)>,
) -> anyhow::Result<Vec<Phase>> {
    let configs: Vec<(usize, usize)> = CONFIGS
        .into_iter()
        .filter(|(b, c)| args.ingest.is_empty() || args.ingest.contains(&format!("{b}@{c}")))
        .collect();
    let rounds = args.rounds.max(1);
    let mut phases = Vec::new();
    if args.runs("raw") {
        raw::setup(pool).await?;
    }
    for round in 1..=rounds {
        let tag = |name: String| {
            if rounds > 1 {
                format!("{name} (round {round})")
            } else {
                name
            }
        };
        for &(batch, connections) in &configs {
            let mut lrs = None;
            if args.runs("ingest") {
                eprintln!("ingest: POST {batch} @ {connections} (round {round} of {rounds})...");
                let mut phase = cpu::measured(
                    pool,
                    lrs_pid,
                    ingest::post_phase(url, templates.clone(), batch, connections, args.phase()),
                )
                .await;
                phase.name = tag(phase.name);
                let settled = learners::settle(pool).await?;
                notes.push((
                    format!("{} analytics backlog cleared after (s)", phase.name),
                    json!(settled.as_secs_f64()),
                ));
                // The rate once the analytics have caught up too: what the LRS can sustain.
                notes.push((
                    format!("{} with analytics applied (statements/s)", phase.name),
                    json!(phase.items as f64 / (phase.seconds + settled.as_secs_f64())),
                ));
                lrs = Some(phase);
            }
            let mut baselines = Vec::new();
            if args.runs("raw") {
                for method in [plain(batch), Method::WithTerms(batch)] {
                    let mut phase = cpu::measured(
                        pool,
                        lrs_pid,
                        raw::phase(pool, templates.clone(), method, connections, args.phase()),
                    )
                    .await;
                    phase.name = tag(phase.name);
                    eprintln!("{}: {:.0} rows/s", phase.name, phase.items_per_second);
                    baselines.push(phase);
                }
            }
            if let [plain, with_terms] = baselines.as_slice() {
                if let Some(phase) = lrs.as_mut() {
                    phase.ratio_to_raw = ratio(phase, plain);
                    phase.ratio_to_raw_with_terms = ratio(phase, with_terms);
                }
                // Printed with the table's notes and kept in the JSON.
                if let Some(warning) = disturbed(plain, with_terms) {
                    notes.push(("warning".into(), json!(warning)));
                }
            }
            phases.extend(lrs);
            phases.extend(baselines);
        }
        // COPY has no LRS counterpart: once is enough.
        if round == 1 && args.runs("raw") {
            let phase = cpu::measured(
                pool,
                lrs_pid,
                raw::phase(pool, templates.clone(), Method::Copy(1000), 4, args.phase()),
            )
            .await;
            eprintln!("{}: {:.0} rows/s", phase.name, phase.items_per_second);
            phases.push(phase);
        }
    }
    if args.runs("raw") {
        raw::cleanup(pool).await?;
    }
    if rounds > 1 {
        let mut summaries = Vec::new();
        for &(batch, connections) in &configs {
            for name in [
                ingest::phase_name(batch, connections),
                raw::phase_name(plain(batch), connections),
                raw::phase_name(Method::WithTerms(batch), connections),
            ] {
                let prefix = format!("{name} (round ");
                let rounds: Vec<&Phase> = phases
                    .iter()
                    .filter(|p| p.name.starts_with(&prefix))
                    .collect();
                if !rounds.is_empty() {
                    summaries.push(median_phase(&name, &rounds));
                }
            }
        }
        phases.extend(summaries);
    }
    Ok(phases)
}

/// The raw counterpart of POSTs of `batch` statements without term rows: one-row
/// transactions for single statements, multi-row INSERTs for batches.
fn plain(batch: usize) -> Method {
    if batch == 1 {
        Method::SingleRow
    } else {
        Method::MultiRow(batch)
    }
}

fn ratio(lrs: &Phase, raw: &Phase) -> Option<f64> {
    (raw.items_per_second > 0.0).then(|| lrs.items_per_second / raw.items_per_second)
}

/// The raw INSERT with term rows writes the plain INSERT's rows and ten more per statement, so
/// it cannot be faster than the plain one on an undisturbed machine. When it is, something else
/// took the CPU or the disk during the plain phase, and the ratios against it read too high (one
/// run on a noisy machine measured 4,471 one-row commits/s plain against 5,034/s with term rows,
/// which made POST 1 @ 32 look like 0.75x).
fn disturbed(raw: &Phase, with_terms: &Phase) -> Option<String> {
    (with_terms.items_per_second > raw.items_per_second).then(|| {
        format!(
            "\"{}\" ({:.0}/s) ran faster than \"{}\" ({:.0}/s), which writes less: the machine was \
             disturbed during the raw phases, and the ratios against them are not to be trusted",
            with_terms.name, with_terms.items_per_second, raw.name, raw.items_per_second
        )
    })
}

/// A phase's rounds summarised: the median of each figure, and of each round's ratios (not
/// the ratio of the medians: a round's ratio compares phases run side by side).
fn median_phase(name: &str, rounds: &[&Phase]) -> Phase {
    let of = |f: &dyn Fn(&Phase) -> Option<f64>| median(rounds.iter().filter_map(|p| f(p)));
    Phase {
        name: format!("{name} (median of {} rounds)", rounds.len()),
        operations: rounds.iter().map(|p| p.operations).sum(),
        items: rounds.iter().map(|p| p.items).sum(),
        seconds: rounds.iter().map(|p| p.seconds).sum(),
        items_per_second: of(&|p| Some(p.items_per_second)).unwrap_or(0.0),
        p50_ms: of(&|p| Some(p.p50_ms)).unwrap_or(0.0),
        p99_ms: of(&|p| Some(p.p99_ms)).unwrap_or(0.0),
        errors: rounds.iter().map(|p| p.errors).sum(),
        ratio_to_raw: of(&|p| p.ratio_to_raw),
        ratio_to_raw_with_terms: of(&|p| p.ratio_to_raw_with_terms),
        cpu: median_cpu(rounds),
    }
}

/// The median of each party's share and CPU time per item over the rounds that measured them.
fn median_cpu(rounds: &[&Phase]) -> Option<CpuUse> {
    let measured: Vec<&CpuUse> = rounds.iter().filter_map(|p| p.cpu.as_ref()).collect();
    if measured.is_empty() {
        return None;
    }
    let of = |pick: &dyn Fn(&CpuUse) -> Option<Share>| {
        let shares: Vec<Share> = measured.iter().filter_map(|c| pick(c)).collect();
        Some(Share {
            share: median(shares.iter().map(|s| s.share))?,
            us_per_item: median(shares.iter().map(|s| s.us_per_item))?,
        })
    };
    let each = |pick: &dyn Fn(&CpuUse) -> Share| of(&|c| Some(pick(c))).unwrap_or_default();
    Some(cpu::CpuUse {
        lrs: of(&|c| c.lrs),
        postgres: each(&|c| c.postgres),
        postgres_writes: each(&|c| c.postgres_writes),
        postgres_background: each(&|c| c.postgres_background),
        postgres_requests: each(&|c| c.postgres_requests),
        postgres_bench: each(&|c| c.postgres_bench),
        postgres_server: each(&|c| c.postgres_server),
        client: each(&|c| c.client),
        other: each(&|c| c.other),
        idle: each(&|c| c.idle),
    })
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}
