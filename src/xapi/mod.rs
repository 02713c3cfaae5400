//! TEMPORARY stand-in until the xAPI domain module lands (only the version type).
mod version;
pub use version::{SUPPORTED_VERSIONS, XapiVersion};
