//! Learning analytics: engagement metrics and at-risk models over stored statements, and the
//! data simulator that produces realistic course runs to develop and test them against.

pub mod simulator;
