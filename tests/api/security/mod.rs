//! What a hostile probe of the server found, each kept closed by a test that failed before
//! its fix (docs/SECURITY.md). The ones that need a real `lrs serve` process (its embedded
//! cluster killed, re-sends in its PostgreSQL log) are in `process.rs`.

mod attachments;
mod bodies;
mod error_bodies;
mod outage;
mod revocation;
