//! The statements tables: writing batches and reading pages.

mod insert;
mod query;
pub mod terms;

pub use insert::{AttachmentContent, InsertError, PreparedStatement, Writer, insert_batch, sha256};
pub use query::{
    AttachmentRow, Cursor, Lookup, StatementQuery, StoredRow, attachments, get_by_id, query,
};
