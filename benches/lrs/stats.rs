//! Latency histograms and rates.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::cpu::CpuUse;

/// Latencies in microseconds.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds")
}

pub fn record(hist: &mut Histogram<u64>, elapsed: Duration) {
    let micros = u64::try_from(elapsed.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, 600_000_000);
    let _ = hist.record(micros);
}

/// A measured phase.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Phase {
    pub name: String,
    pub operations: u64,
    pub items: u64,
    pub seconds: f64,
    pub items_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    /// LRS rate / raw PostgreSQL rate, where a raw counterpart exists.
    pub ratio_to_raw: Option<f64>,
    /// LRS rate / raw rate of the same rows written with their term rows (the query index the
    /// LRS maintains): the LRS's overhead beyond what its schema asks of the database.
    pub ratio_to_raw_with_terms: Option<f64>,
    /// Where the machine's CPU went during the phase (`cpu.rs`), where it was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuUse>,
}

impl Phase {
    pub fn new(
        name: &str,
        items: u64,
        operations: u64,
        elapsed: Duration,
        hist: &Histogram<u64>,
        errors: u64,
    ) -> Phase {
        let seconds = elapsed.as_secs_f64();
        Phase {
            name: name.to_owned(),
            operations,
            items,
            seconds,
            items_per_second: if seconds > 0.0 {
                items as f64 / seconds
            } else {
                0.0
            },
            p50_ms: hist.value_at_quantile(0.50) as f64 / 1000.0,
            p99_ms: hist.value_at_quantile(0.99) as f64 / 1000.0,
            errors,
            ratio_to_raw: None,
            ratio_to_raw_with_terms: None,
            cpu: None,
        }
    }
}
