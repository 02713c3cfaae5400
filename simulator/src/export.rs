//! `lrs simulate --out`: writes a simulation as JSON lines instead of posting it (for other
//! LRSs, for inspection, and to time the generator alone with `--out /dev/null`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::config::SimulationConfig;
use super::post::{OutcomeUpload, Summary};

/// Writes one statement per line to `statements`, and when `outcomes` is given one
/// [`super::LearnerOutcome`] per line to it.
pub fn write_jsonl(
    config: &SimulationConfig,
    statements: &Path,
    outcomes: Option<&Path>,
    progress: bool,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let bar = if progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed_precise} {human_pos} statements ({per_sec})",
    ) {
        bar.set_style(style);
    }
    let mut out = create(statements)?;
    let mut stream = super::stream(config);
    let mut written = 0;
    for statement in stream.by_ref() {
        serde_json::to_writer(&mut out, &statement)?;
        out.write_all(b"\n")?;
        written += 1;
        if written % 1024 == 0 {
            bar.set_position(written);
        }
    }
    out.flush()
        .with_context(|| format!("cannot write {}", statements.display()))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if let Some(path) = outcomes {
        let mut out = create(path)?;
        for outcome in stream.outcomes() {
            serde_json::to_writer(&mut out, &outcome)?;
            out.write_all(b"\n")?;
        }
        out.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(Summary {
        statements: written,
        elapsed,
        outcomes: OutcomeUpload::Skipped,
    })
}

fn create(path: &Path) -> anyhow::Result<BufWriter<File>> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}
