//! An xAPI 1.0.3 / 2.0.0 Learning Record Store with a built-in learning-analytics layer.
//!
//! Dependencies point one way: `http` -> `xapi`, `store`, `auth`, `analytics`, `erasure`;
//! `erasure` -> `analytics`, `store`; `analytics` -> `store`; `store` -> `xapi`. The `xapi`
//! module is the pure domain (no I/O).

pub mod analytics;
pub mod auth;
pub mod cli;
pub mod config;
pub mod database;
pub mod embedded;
pub mod error;
pub mod http;
pub mod jobs;
pub mod service;
pub mod simulator;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod xapi;
