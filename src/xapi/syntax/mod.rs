//! Checks for the string formats xAPI prescribes (Data 4.0 and 2.4): IRIs, language tags,
//! UUIDs, e-mail IRIs, hashes, media types, timestamps and durations. Pure functions on `&str`.

mod duration;
mod iri;
mod langtag;
mod scalar;
mod timestamp;

pub use duration::{duration_for_comparison, parse_duration};
pub use iri::is_absolute_iri;
pub(crate) use langtag::is_language_tag;
pub(crate) use scalar::{is_mbox, is_media_type, is_sha1_hex, is_sha2_hex, is_uuid};
pub(crate) use timestamp::parse_any_timestamp;
pub use timestamp::parse_timestamp;
