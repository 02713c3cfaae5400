//! Learning analytics: pure computations over features the store extracts (no I/O here).

pub mod model;
