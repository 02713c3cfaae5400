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
//! An `mbox` also names the person's `mbox_sha1sum`, so both are erased. Other identifiers of
//! the same person (an account, an openid) are separate requests: the LRS cannot know they are
//! the same person.

use serde::Serialize;
use serde_json::Value;
use sha1::{Digest, Sha1};
use sqlx::PgPool;

use crate::analytics::apply;
use crate::analytics::settings::AnalyticsSettings;
use crate::store::erasure::{self as sql, TermRows};
use crate::store::statements::sha256;
use crate::store::statements::terms::{TermKind, array_literal, term};
use crate::xapi::{ValidationError, XapiVersion, ifi_key, index_statement, validate_agent};

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

/// The IFI keys that name the person of this Agent: its own, and for an `mbox` the
/// `mbox_sha1sum` a client may have sent instead (computed over the address as given, with
/// the domain in lower case, and all in lower case).
pub fn identifiers(agent: &Value) -> Option<Vec<String>> {
    let mut keys = vec![ifi_key(agent)?];
    if let Some(mbox) = agent.get("mbox").and_then(Value::as_str) {
        let normalised = crate::xapi::normalise_mbox(mbox);
        for form in [mbox.to_owned(), normalised, mbox.to_lowercase()] {
            let key = format!(
                "mbox_sha1sum:{}",
                hex::encode(Sha1::digest(form.as_bytes()))
            );
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    Some(keys)
}

/// Whether the statement itself names one of the keys (not only through a StatementRef).
fn mentions(statement: &Value, keys: &[String]) -> bool {
    match index_statement(statement) {
        Ok(index) => index.related_agents.iter().any(|a| keys.contains(a)),
        // Unreachable for a stored statement (it was indexed when stored); its index matched
        // the person, so it is treated as theirs.
        Err(_) => true,
    }
}

/// Erases everything held about the person `agent` identifies (a validated Agent or
/// Identified Group). A dry run does the same work and rolls it back.
pub async fn erase(
    pool: &PgPool,
    agent: &Value,
    settings: &AnalyticsSettings,
    dry_run: bool,
) -> sqlx::Result<Receipt> {
    let keys = identifiers(agent).unwrap_or_default();
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

    let mut tx = pool.begin().await?;
    sql::lock_out_analytics(&mut tx).await?;
    let mut receipt = Receipt {
        dry_run,
        identifiers: keys.clone(),
        ..Receipt::default()
    };

    let mut erased = Vec::new();
    let mut erased_terms = TermRows::default();
    let mut sha2s: Vec<String> = Vec::new();
    let mut unlinked = Vec::new();
    let mut unlinked_terms = Vec::new();
    let mut stripped = TermRows::default();
    for candidate in sql::candidates(&mut tx, &related).await? {
        if mentions(&candidate.statement, &keys) {
            erased.push(candidate.seq);
            for t in &candidate.terms {
                erased_terms.push(*t, candidate.stored, candidate.seq);
            }
            for attachment in candidate.statement["attachments"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(sha2) = attachment["sha2"].as_str()
                    && !sha2s.iter().any(|s| s == sha2)
                {
                    sha2s.push(sha2.to_owned());
                }
            }
        } else {
            let kept: Vec<i64> = candidate
                .terms
                .iter()
                .copied()
                .filter(|t| !personal.contains(t))
                .collect();
            for t in candidate.terms.iter().filter(|t| personal.contains(t)) {
                stripped.push(*t, candidate.stored, candidate.seq);
            }
            unlinked.push(candidate.seq);
            unlinked_terms.push(array_literal(&kept));
        }
    }

    let learners = sql::learner_ids(&mut tx, &shas).await?;
    let mut courses = sql::enrolments(&mut tx, &learners).await?;
    receipt.enrolments_deleted = courses.len() as u64;
    // The analytics first, while the statements' events can still be found by sequence.
    apply::forget(&mut tx, &erased, settings).await?;
    sql::delete_terms(&mut tx, &erased_terms).await?;
    receipt.statements_deleted = sql::delete_statements(&mut tx, &erased).await?;
    receipt.attachments_deleted = sql::delete_unused_attachments(&mut tx, &sha2s).await?;
    sql::delete_terms(&mut tx, &stripped).await?;
    sql::set_terms(&mut tx, &unlinked, &unlinked_terms).await?;
    receipt.statements_unlinked = unlinked.len() as u64;

    sql::delete_learners(&mut tx, &learners).await?;
    courses.sort_unstable();
    courses.dedup();
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_mbox_also_names_its_sha1sum_forms() {
        let keys = identifiers(&json!({"mbox": "mailto:Ann@Example.org"})).unwrap();
        assert_eq!(keys[0], "mbox:mailto:Ann@example.org");
        // sha1("mailto:Ann@Example.org"), sha1("mailto:Ann@example.org"),
        // sha1("mailto:ann@example.org")
        let sums: Vec<String> = [
            "mailto:Ann@Example.org",
            "mailto:Ann@example.org",
            "mailto:ann@example.org",
        ]
        .iter()
        .map(|m| format!("mbox_sha1sum:{}", hex::encode(Sha1::digest(m.as_bytes()))))
        .collect();
        assert_eq!(keys[1..], sums[..]);
    }

    #[test]
    fn an_account_names_only_itself() {
        let keys =
            identifiers(&json!({"account": {"homePage": "https://lms.example", "name": "42"}}))
                .unwrap();
        assert_eq!(keys, vec!["account:https://lms.example|42".to_owned()]);
    }

    #[test]
    fn a_statement_mentions_an_instructor_but_not_a_referenced_statement_actor() {
        let keys = vec!["mbox:mailto:t@example.org".to_owned()];
        let base = |extra: Value| {
            let mut s = json!({
                "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
                "actor": {"mbox": "mailto:other@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"id": "http://example.org/a"},
                "timestamp": "2026-01-01T00:00:00Z",
                "stored": "2026-01-01T00:00:00Z",
                "authority": {"mbox": "mailto:lms@example.org"}
            });
            s.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            s
        };
        assert!(mentions(
            &base(json!({"context": {"instructor": {"mbox": "mailto:t@example.org"}}})),
            &keys
        ));
        assert!(!mentions(
            &base(
                json!({"object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}})
            ),
            &keys
        ));
    }
}
