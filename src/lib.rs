//! An xAPI 1.0.3 / 2.0.0 Learning Record Store with a built-in learning-analytics layer.

pub mod xapi;
