//! The test harness.

mod app;
mod cluster;

pub use app::{TestApp, assert_ok, error_body, post_statements, spawn_app, spawn_app_with};
#[allow(unused_imports)]
pub use app::{spawn_app_on, spawn_second};
mod proxy;
#[allow(unused_imports)]
pub use cluster::cluster_options_for;
pub use cluster::fresh_database;
#[allow(unused_imports)]
pub use proxy::DbProxy;
