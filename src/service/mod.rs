//! The services: what the LRS does, as plain async functions over the store and the pure
//! layers (`xapi`, `analytics`). HTTP handlers, commands and background jobs call them; none
//! of them knows about HTTP.

pub mod analytics;
pub mod course_settings;
pub mod courses;
pub mod credentials;
pub mod dashboard_sessions;
pub mod definitions;
pub mod documents;
pub mod erasure;
pub mod learners;
pub mod models;
pub mod roster;
pub mod statements;
pub mod trail;
