//! An xAPI 1.0.3 / 2.0.0 Learning Record Store with a built-in learning-analytics layer.
//!
//! Dependencies point one way, from the bottom up:
//!
//! ```text
//! xapi        the xAPI domain, pure (no I/O, no async)
//! analytics   the analytics domain, pure: classification, features, models  -> xapi
//! store       all SQL                                                        -> xapi, analytics
//! auth        credentials and scopes                                         -> store
//! service     what the LRS does: statements, documents, credentials,         -> store, auth,
//!             analytics, the learner list, courses, rosters, models, erasure    analytics, xapi
//! jobs        background loops around services                               -> service, store
//! http        thin handlers, middleware, OpenAPI                             -> service, store,
//!                                                                               auth, xapi
//! web         the dashboard's pages (HTML, SVG charts), on the same services -> service, store,
//!                                                                               auth, xapi, http
//! startup, cli, config, database, embedded, telemetry: putting it together
//! ```
//!
//! The simulator is a crate of its own (`simulator/`), a client of the HTTP API that this
//! library does not depend on; the `lrs` binary adds its `simulate` command (`src/main.rs`).
//!
//! `http` and `web` take only types from `store`; their work goes through `service`.
//!
//! `error` is the one error type, which every layer may return. `tests/api/architecture.rs`
//! keeps this true: each layer imports only what it lists here, and no two files import each
//! other, directly or around a circle.

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
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod xapi;
