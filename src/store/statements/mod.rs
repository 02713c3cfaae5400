//! The statements tables: writing batches and reading pages.

mod insert;
mod query;
mod rows;
pub mod terms;

pub use insert::{AttachmentContent, InsertError, PreparedStatement, Writer, insert_batch};
pub use query::{
    AttachmentRow, Cursor, Lookup, StatementQuery, StoredRow, attachments, get_by_id, query,
};
pub use rows::{PARTITIONS, sha256};
