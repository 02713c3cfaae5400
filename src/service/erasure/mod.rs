//! Erasure of a person's data on request (GDPR Art. 17, FERPA record amendment): every
//! statement that mentions them, their documents, their Agents-resource record and everything
//! the analytics derived from them, in one transaction.
//!
//! xAPI makes statements immutable (Data 2.3.2) and offers voiding, which keeps the statement;
//! erasure is the administrative exception the specification leaves to the LRS. What it does:
//!
//! - A statement is deleted when the person appears anywhere in it: actor, object, authority,
//!   context instructor or team, a 2.0 context agent or group, a group's members, the same
//!   inside a SubStatement. Its index rows, its place in the analytics queue and the attachment
//!   contents no other statement lists go with it.
//! - A statement that only refers to such a statement (a StatementRef, a voiding statement)
//!   belongs to someone else and stays, but loses the index entries it inherited for the
//!   person, so that no query for the person returns it.
//! - The events of deleted statements leave the analytics the way a voided statement's do
//!   (days and course totals recomputed); then the learner's enrolments, uploaded outcomes and
//!   risk scores, and the learner record, are deleted.
//! - State and Agent Profile documents of the person are deleted.
//!
//! An `mbox` also names the person's `mbox_sha1sum` (and an `mbox_sha1sum` the addresses the
//! store holds that hash to it), so both are erased; the case of an address is ignored. Other
//! identifiers of the same person (an account, an openid) are separate requests: the LRS
//! cannot know they are the same person. A credential's authority is refused: it names every
//! statement written with the credential.
//!
//! Writers wait while an erasure runs (`store::erasure::ERASURE_LOCK`), so nothing about the
//! person can commit between its reads and its commit.

mod found;
mod identity;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::analytics::settings::AnalyticsSettings;
use crate::service::analytics::apply;
use crate::store::erasure as sql;
use crate::store::statements::sha256;
use crate::store::statements::terms::{TermKind, term};
use crate::xapi::{ValidationError, XapiVersion, ifi_key, validate_agent};
use found::Found;
pub use identity::identifiers;
use identity::{push_unique, same_person};

/// What an erasure deleted (or, for a dry run, would delete).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    /// True when nothing was changed: the counts are what the erasure would do.
    pub dry_run: bool,
    /// The identifiers erased, as IFI keys (the `mbox` and its `mbox_sha1sum` forms).
    pub identifiers: Vec<String>,
    pub statements_deleted: u64,
    /// Statements of others that referred to a deleted one; kept, without the person's index
    /// entries.
    pub statements_unlinked: u64,
    pub attachments_deleted: u64,
    pub documents_deleted: u64,
    /// Agents-resource records (the names seen for the person).
    pub agents_deleted: u64,
    /// Analytics enrolments (learner-course rows with metrics, outcomes and risk scores).
    pub enrolments_deleted: u64,
}

/// Checks the person to erase: an Agent or Identified Group, held to the rules of the same
/// object in a statement, with an inverse functional identifier.
pub fn check_person(agent: &Value) -> Result<(), ValidationError> {
    if !agent.is_object() {
        return Err(ValidationError::new(
            "agent",
            "must be a JSON object (an Agent or Identified Group)",
        ));
    }
    validate_agent(agent, XapiVersion::V2_0(0))?;
    if ifi_key(agent).is_none() {
        return Err(ValidationError::new(
            "agent",
            "must have an inverse functional identifier (mbox, mbox_sha1sum, openid or account)",
        ));
    }
    Ok(())
}

/// Why an erasure was not done.
#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    /// The person is the authority of a credential: every statement written with it names
    /// them, so erasing them would erase all of those, and the credential would go on naming
    /// them in new ones.
    #[error(
        "this agent is the authority of credential '{0}': every statement written with it names \
         them. Erase people, not clients; an authority is not erased"
    )]
    Authority(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Statements read and classified at a time, so that a person named in very many statements
/// (an instructor of a whole course) does not hold them all in memory.
const CHUNK: usize = 1000;

/// Erases everything held about the person `agent` identifies (a validated Agent or
/// Identified Group). A dry run does the same work and rolls it back.
pub async fn erase(
    pool: &PgPool,
    agent: &Value,
    settings: &AnalyticsSettings,
    dry_run: bool,
) -> Result<Receipt, ErasureError> {
    let mut keys = identifiers(agent).unwrap_or_default();
    let mut tx = pool.begin().await?;
    // From here until the commit, nothing else writes statements, analytics or outcomes.
    sql::lock_out_analytics(&mut tx).await?;
    for (credential, authority) in sql::authorities(&mut tx).await? {
        if identifiers(&authority)
            .unwrap_or_default()
            .iter()
            .any(|k| keys.contains(k))
        {
            return Err(ErasureError::Authority(credential));
        }
    }
    if keys.iter().any(|k| k.starts_with("mbox")) {
        for key in same_person(&keys, &sql::mbox_keys(&mut tx).await?) {
            push_unique(&mut keys, key);
        }
    }
    let shas: Vec<Vec<u8>> = keys.iter().map(|k| sha256(k)).collect();
    // Every statement naming the person carries their 'G' term; the 'g' terms are a subset,
    // listed so that unlinked statements lose both.
    let related: Vec<i64> = keys
        .iter()
        .map(|k| term(TermKind::RelatedAgent, k))
        .collect();
    let personal: Vec<i64> = keys
        .iter()
        .flat_map(|k| [term(TermKind::RelatedAgent, k), term(TermKind::Agent, k)])
        .collect();

    let mut found = Found::default();
    for chunk in sql::candidate_seqs(&mut tx, &related).await?.chunks(CHUNK) {
        for candidate in sql::candidates(&mut tx, chunk).await? {
            found.add(candidate, &keys);
        }
    }

    let learners = sql::learner_ids(&mut tx, &shas).await?;
    let mut courses = sql::enrolments(&mut tx, &learners).await?;
    let mut receipt = Receipt {
        dry_run,
        identifiers: keys,
        enrolments_deleted: courses.len() as u64,
        statements_unlinked: found.referrers() as u64,
        ..Receipt::default()
    };
    // The analytics first, while the statements' events can still be found by sequence.
    apply::forget(&mut tx, &found.erased, settings).await?;
    sql::delete_terms(&mut tx, &found.erased_terms).await?;
    receipt.statements_deleted = sql::delete_statements(&mut tx, &found.erased).await?;
    receipt.attachments_deleted = sql::delete_unused_attachments(&mut tx, &found.sha2s).await?;
    // Before the registrations: a referrer may hold an erased statement's registration term.
    let (unlinked, unlinked_terms, stripped) = found.unlinked(&personal);
    sql::delete_terms(&mut tx, &stripped).await?;
    sql::set_terms(&mut tx, &unlinked, &unlinked_terms).await?;
    let (registrations, registration_terms): (Vec<Uuid>, Vec<i64>) =
        found.registrations.into_iter().unzip();
    sql::delete_registrations(&mut tx, &registrations, &registration_terms).await?;

    courses.sort_unstable();
    courses.dedup();
    sql::delete_learners(&mut tx, &learners, &courses).await?;
    sql::mark_courses_stale(&mut tx, &courses).await?;
    receipt.documents_deleted = sql::delete_documents(&mut tx, &shas).await?;
    receipt.agents_deleted = sql::delete_agents(&mut tx, &shas).await?;

    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(receipt)
}
