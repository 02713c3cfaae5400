//! The xAPI domain: statement validation, storage preparation, indexing, equivalence, output
//! formats and signatures, for xAPI 1.0.3 and 2.0.0. Pure: no I/O, no async.
//!
//! References in comments such as "Data 2.4.2.1" point at sections of the xAPI 1.0.3
//! specification, part two (`xAPI-Data.md`); "Communication 2.1.3" at part three. 2.0.0
//! behaviour follows IEEE 9274.1.1 as exercised by the ADL conformance suite.
//!
//! The pipeline for an incoming statement: [`validate_statement`] (JSON Schema, then semantic
//! rules), [`verify_signature`] when it carries a signature attachment,
//! [`prepare_for_storage`], then [`index_statement`] on the stored form.

mod canonical;
mod document;
mod equivalence;
mod error;
mod format;
mod ifi;
mod index;
mod language;
mod prepare;
mod schema;
mod signature;
mod syntax;
mod validate;
mod version;

#[cfg(test)]
mod tests;

pub use canonical::{activity_ids, substitute_definitions};
pub use document::{is_json_media_type, json_object, merge_objects};
pub use equivalence::statements_equivalent;
pub use error::ValidationError;
pub use format::{Format, format_statement};
pub(crate) use ifi::normalise_mbox;
pub use ifi::{ifi_key, parse_agent_param};
pub use index::{
    ActivityDefinitionRef, AttachmentRef, ObjectKind, StatementIndex, index_statement,
};
pub use prepare::{PrepareContext, format_stored, prepare_for_storage};
pub use signature::{SIGNATURE_USAGE_TYPE, signature_attachment, verify_signature};
pub use syntax::{is_absolute_iri, parse_duration, parse_timestamp};
pub(crate) use validate::validate_agent;
pub use validate::{VOIDED_VERB, validate_statement};
pub use version::{SUPPORTED_VERSIONS, XapiVersion};
