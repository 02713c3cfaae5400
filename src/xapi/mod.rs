//! The xAPI domain: statement validation, storage preparation, indexing, equivalence, output
//! formats and signatures, for xAPI 1.0.3 and 2.0.0. Pure: no I/O, no async.
//!
//! References in comments such as "Data 2.4.2.1" point at sections of the xAPI 1.0.3
//! specification, part two (`xAPI-Data.md`); "Communication 2.1.3" at part three.

mod error;
mod schema;
mod syntax;
mod validate;
mod version;

pub use error::ValidationError;
pub use syntax::{parse_duration, parse_timestamp};
pub use validate::{VOIDED_VERB, validate_statement};
pub use version::{SUPPORTED_VERSIONS, XapiVersion};
