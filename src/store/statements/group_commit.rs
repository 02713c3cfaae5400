//! Group commit: small statement writes that arrive together share one transaction.
//!
//! A POST of one statement costs PostgreSQL a transaction (begin, the insert's ten CTEs run
//! for one row, commit and its WAL flush) and the request pool a connection for all of it.
//! Under many concurrent single-statement writers, that per-transaction work, not the rows,
//! is what limits the rate. Small submissions therefore go through a queue; a few writer
//! tasks each take whatever has queued up (up to [`MAX_GROUP_STATEMENTS`]) and
//! store it in one transaction. Each request still gets its answer only after its
//! statements are committed, so nothing acknowledged can be lost.
//!
//! The queue needs no bound of its own: a request holds its place in the write budget
//! (`LRS_MAX_STATEMENTS_IN_FLIGHT`, see `WriteGate`) until its answer arrives, so no more
//! statements than the budget can be waiting here.
//!
//! A group is stored whole or not at all. When it fails (one submission conflicts with a
//! stored statement, say), its submissions are stored again one by one, so that each request
//! gets its own answer and one bad request never fails the others.

use std::collections::HashSet;
use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

use super::batch::{InsertError, PreparedStatement, Submission, Writer};
use super::insert::insert_submissions;

/// Submissions of at most this many statements are grouped; larger ones carry enough rows to
/// amortise their own transaction.
pub const GROUPED_SUBMISSION_LIMIT: usize = 10;

/// The most statements one grouped transaction holds.
pub const MAX_GROUP_STATEMENTS: usize = 200;

struct Pending {
    statements: Vec<PreparedStatement>,
    writer: Writer,
    done: oneshot::Sender<Result<(), InsertError>>,
}

impl Pending {
    fn submission(&self) -> Submission<'_> {
        Submission {
            statements: &self.statements,
            writer: &self.writer,
        }
    }
}

/// The queue of small submissions and its writer tasks.
pub struct GroupCommit {
    queue: mpsc::UnboundedSender<Pending>,
}

impl GroupCommit {
    /// Starts `writers` writer tasks on the current runtime. They stop when the last handle
    /// to the queue is dropped; the returned handles let the caller abort them sooner.
    pub fn start(pool: PgPool, writers: usize) -> (GroupCommit, Vec<tokio::task::JoinHandle<()>>) {
        let (queue, receiver) = mpsc::unbounded_channel();
        let receiver = Arc::new(Mutex::new(receiver));
        let tasks = (0..writers.max(1))
            .map(|_| tokio::spawn(write_groups(pool.clone(), receiver.clone())))
            .collect();
        (GroupCommit { queue }, tasks)
    }

    /// Stores the statements of one request (in one transaction with others waiting at the
    /// same time) and returns once they are committed.
    pub async fn insert(
        &self,
        statements: Vec<PreparedStatement>,
        writer: Writer,
    ) -> Result<(), InsertError> {
        let (done, answer) = oneshot::channel();
        let pending = Pending {
            statements,
            writer,
            done,
        };
        self.queue.send(pending).map_err(|_| InsertError::Stopped)?;
        answer.await.unwrap_or(Err(InsertError::Stopped))
    }
}

/// One writer: takes the next group off the queue, stores it, answers its requests.
async fn write_groups(pool: PgPool, receiver: Arc<Mutex<mpsc::UnboundedReceiver<Pending>>>) {
    loop {
        let group = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            take_group(first, &mut receiver)
        };
        store_group(&pool, group).await;
    }
}

/// A group: the first submission and whatever else is already waiting, up to the group size.
/// A submission that repeats an id of the group is stored after it, on its own: one insert
/// cannot hold an id twice.
struct Group {
    members: Vec<Pending>,
    after: Vec<Pending>,
}

fn take_group(first: Pending, receiver: &mut mpsc::UnboundedReceiver<Pending>) -> Group {
    let mut ids: HashSet<Uuid> = first.statements.iter().map(|p| p.index.id).collect();
    let mut size = first.statements.len();
    let mut group = Group {
        members: vec![first],
        after: Vec::new(),
    };
    while size < MAX_GROUP_STATEMENTS {
        let Ok(next) = receiver.try_recv() else {
            break;
        };
        if next.statements.iter().any(|p| ids.contains(&p.index.id)) {
            group.after.push(next);
            continue;
        }
        ids.extend(next.statements.iter().map(|p| p.index.id));
        size += next.statements.len();
        group.members.push(next);
    }
    group
}

async fn store_group(pool: &PgPool, group: Group) {
    if group.members.len() > 1 {
        let submissions: Vec<Submission<'_>> =
            group.members.iter().map(Pending::submission).collect();
        match insert_submissions(pool, &submissions, &[]).await {
            Ok(()) => {
                for member in group.members {
                    let _ = member.done.send(Ok(()));
                }
            }
            Err(error) => {
                tracing::debug!(%error, "grouped statement write failed; storing its requests one by one");
                store_each(pool, group.members).await;
            }
        }
    } else {
        store_each(pool, group.members).await;
    }
    store_each(pool, group.after).await;
}

async fn store_each(pool: &PgPool, members: Vec<Pending>) {
    for member in members {
        let result = insert_submissions(pool, &[member.submission()], &[]).await;
        // The requester may have gone (client disconnected); its statements are stored anyway.
        let _ = member.done.send(result);
    }
}
