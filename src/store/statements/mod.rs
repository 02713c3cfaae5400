//! The statements tables: writing batches and reading pages.

mod group_commit;
mod insert;
mod query;
mod rows;
pub mod terms;

pub use group_commit::{GROUPED_SUBMISSION_LIMIT, GroupCommit};
pub use insert::{
    AttachmentContent, InsertError, PreparedStatement, Submission, Writer, insert_batch,
    insert_submissions,
};
pub use query::{
    AttachmentRow, Cursor, Lookup, StatementQuery, StoredRow, attachments, get_by_id, query,
};
pub use rows::{PARTITIONS, sha256};
