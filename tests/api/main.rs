//! Integration tests: the real server on port 0 against a real PostgreSQL, a fresh database per
//! test. One test binary, so one PostgreSQL cluster per `cargo test` run (see `helpers`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod about;
mod admin;
mod analytics;
mod architecture;
mod auth;
mod conformance;
mod dashboard;
mod database;
mod documents;
mod erasure;
mod errors;
mod health;
mod helpers;
mod metrics_doc;
mod openapi;
mod params;
mod process;
mod resilience;
mod schemathesis;
mod security;
mod settings;
mod simulator;
mod statements;
