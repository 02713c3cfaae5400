//! Storing statements (the ingest pipeline that PUT and POST share), querying them
//! (`query`, with the `more` token of its pages), and what storing needs at run time: the `stored` clock behind Consistent-Through, the write budget, the writers' pool and
//! group commit. docs/PERFORMANCE.md says why each of these exists.

mod clock;
mod ingest;
mod more;
pub mod query;
mod write_gate;

use sqlx::PgPool;

pub use clock::{StoredClock, StoredTicket};
pub use ingest::{AttachmentPart, Incoming, Shape, store};
pub use more::{DEFAULT_PAGE, MAX_PAGE, MoreToken};
pub use write_gate::WriteGate;

use crate::store::statements::GroupCommit;

/// The ingest pipeline's resources, one per process.
pub struct Ingest {
    /// Statement inserts go through this pool (`store::statements::writer_pool`).
    pub statement_pool: PgPool,
    /// The `stored` clock of this process.
    pub clock: StoredClock,
    pub write_gate: WriteGate,
    /// Small statement submissions share transactions through this queue.
    pub group_commit: GroupCommit,
}
