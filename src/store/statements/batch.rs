//! What a write of statements is made of: the prepared statements, the attachment content
//! that came with them, who writes, and how a write can fail.

use serde_json::Value;
use uuid::Uuid;

use crate::xapi::StatementIndex;

/// A validated statement in its stored form, ready to insert.
pub struct PreparedStatement {
    pub statement: Value,
    /// Whether the client sent a `timestamp`. When it did not, the stored copy carries one the
    /// LRS generated, which must not make a faithful re-send of the id look different.
    pub sent_timestamp: bool,
    pub index: StatementIndex,
    pub stored: chrono::DateTime<chrono::Utc>,
}

/// Attachment content received with the statements.
pub struct AttachmentContent {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
    /// The statements of the batch that declare it: they delivered it (see migration 000015).
    pub statements: Vec<Uuid>,
}

/// Who writes, and with which rights.
#[derive(Clone, Copy)]
pub struct Writer {
    pub credential_id: Uuid,
    /// Whether canonical Activity definitions may be updated (`define` scope).
    pub may_define: bool,
}

/// The statements of one request, with the rights of the credential that sent them.
#[derive(Clone, Copy)]
pub struct Submission<'a> {
    pub statements: &'a [PreparedStatement],
    pub writer: &'a Writer,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// A statement with this id exists and differs (Data 2.3: statements are immutable).
    #[error("statement {0} already exists with different content")]
    Conflict(Uuid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The group-commit writers have stopped (the server is shutting down).
    #[error("the statement writers have stopped")]
    Stopped,
}
