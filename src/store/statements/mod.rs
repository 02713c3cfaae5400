//! The statements tables: writing batches and reading pages.

mod batch;
mod checks;
mod group_commit;
mod insert;
mod query;
mod rows;
pub mod terms;
mod writer_pool;

pub use batch::{AttachmentContent, InsertError, PreparedStatement, Submission, Writer};
pub use group_commit::{GROUPED_SUBMISSION_LIMIT, GroupCommit};
pub use insert::{insert_batch, insert_submissions};
pub use query::{
    AttachmentRow, Cursor, Lookup, StatementQuery, StoredRow, attachments, get_by_id, query,
};
pub use rows::{PARTITIONS, sha256};
pub use writer_pool::writer_pool;

/// A stored statement's JSON text as a value. Statements are stored as the text the LRS
/// serialised (migration 000008), so this fails only on text written by something else; the
/// failure is a decode error, as a malformed column value would be.
pub fn parse_stored(text: &str) -> sqlx::Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
