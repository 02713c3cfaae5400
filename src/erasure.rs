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

use serde::Serialize;
use serde_json::Value;
use sha1::{Digest, Sha1};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::analytics::apply;
use crate::analytics::settings::AnalyticsSettings;
use crate::store::erasure::{self as sql, TermRows};
use crate::store::statements::sha256;
use crate::store::statements::terms::{TermKind, array_literal, own_terms, term};
use crate::xapi::{
    StatementIndex, ValidationError, XapiVersion, ifi_key, index_statement, validate_agent,
};

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

/// The IFI keys that name the person of this Agent: its own, and for an `mbox` the same
/// address in lower case and the `mbox_sha1sum` a client may have sent instead (of the
/// address as given, with the domain in lower case, and all in lower case). The case of an
/// address is ignored: mail systems ignore it, and erring the other way would leave data.
pub fn identifiers(agent: &Value) -> Option<Vec<String>> {
    let mut keys = vec![ifi_key(agent)?];
    if let Some(mbox) = agent.get("mbox").and_then(Value::as_str) {
        let lower = mbox.to_lowercase();
        push_unique(&mut keys, format!("mbox:{lower}"));
        for form in [mbox.to_owned(), crate::xapi::normalise_mbox(mbox), lower] {
            push_unique(&mut keys, sha1sum_key(&form));
        }
    }
    Some(keys)
}

fn push_unique(keys: &mut Vec<String>, key: String) {
    if !keys.contains(&key) {
        keys.push(key);
    }
}

fn sha1sum_key(mbox: &str) -> String {
    format!(
        "mbox_sha1sum:{}",
        hex::encode(Sha1::digest(mbox.as_bytes()))
    )
}

/// The `mbox` keys among `known` (the addresses the store holds) that are the person's: the
/// same address in another case, or one whose SHA-1 is among the keys' `mbox_sha1sum`s. Each
/// comes with its own `mbox_sha1sum`.
fn same_person(keys: &[String], known: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for key in known {
        let Some(mbox) = key.strip_prefix("mbox:") else {
            continue;
        };
        let lower = mbox.to_lowercase();
        let ours = keys.contains(&format!("mbox:{lower}"))
            || keys.contains(&sha1sum_key(mbox))
            || keys.contains(&sha1sum_key(&lower));
        if ours && !keys.contains(key) {
            push_unique(&mut found, key.clone());
            push_unique(&mut found, sha1sum_key(mbox));
        }
    }
    found
}

/// Whether the statement itself names one of the keys (not only through a StatementRef). A
/// statement that cannot be indexed (unreachable: it was indexed when stored) matched the
/// person's terms, so it is treated as theirs.
fn mentions(index: Option<&StatementIndex>, keys: &[String]) -> bool {
    index.is_none_or(|index| index.related_agents.iter().any(|a| keys.contains(a)))
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

/// A statement of someone else that inherited the person's terms through a StatementRef.
struct Referrer {
    seq: i64,
    stored: DateTime<Utc>,
    terms: Vec<i64>,
    own: Vec<i64>,
    target: Option<Uuid>,
}

/// What the statements naming the person come to: the rows to delete and to rewrite.
#[derive(Default)]
struct Classified {
    erased: Vec<i64>,
    erased_ids: HashSet<Uuid>,
    erased_terms: TermRows,
    sha2s: Vec<String>,
    registrations: Vec<(Uuid, i64)>,
    referrers: HashMap<Uuid, Referrer>,
}

impl Classified {
    fn add(&mut self, candidate: sql::Candidate, keys: &[String]) {
        let (seq, stored) = (candidate.seq, candidate.stored);
        let index = index_statement(&candidate.statement).ok();
        if let (false, Some(index)) = (mentions(index.as_ref(), keys), &index) {
            self.referrers.insert(
                candidate.id,
                Referrer {
                    seq,
                    stored,
                    terms: candidate.terms,
                    own: own_terms(index),
                    target: index.object_statement_ref,
                },
            );
            return;
        }
        self.erased.push(seq);
        self.erased_ids.insert(candidate.id);
        for t in &candidate.terms {
            self.erased_terms.push(*t, stored, seq);
        }
        let statement = &candidate.statement;
        for attachment in statement["attachments"].as_array().into_iter().flatten() {
            if let Some(sha2) = attachment["sha2"].as_str() {
                push_unique(&mut self.sha2s, sha2.to_owned());
            }
        }
        if let Some(registration) = statement
            .pointer("/context/registration")
            .and_then(Value::as_str)
            .and_then(|r| Uuid::parse_str(r).ok())
            && !self.registrations.iter().any(|(r, _)| *r == registration)
        {
            let term = term(
                TermKind::Registration,
                &registration.hyphenated().to_string(),
            );
            self.registrations.push((registration, term));
        }
    }

    /// The terms a referrer keeps: its own, and those its target keeps. A deleted target
    /// leaves nothing to inherit (no query should find a comment on it by the deleted
    /// statement's verb, activity or registration either).
    fn kept_terms(&self, id: Uuid, depth: u32) -> Vec<i64> {
        let Some(referrer) = self.referrers.get(&id) else {
            return Vec::new();
        };
        let mut terms = referrer.own.clone();
        match referrer.target {
            Some(target) if self.referrers.contains_key(&target) && depth < 16 => {
                terms.extend(self.kept_terms(target, depth + 1));
            }
            Some(target) if self.erased_ids.contains(&target) => {}
            // Unreachable (a referrer inherited the person's terms from a target among the
            // candidates): keep what it had, less the person's.
            _ => terms.extend(referrer.terms.iter().copied()),
        }
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    /// The referrers' new term arrays, and their index rows to delete.
    fn unlinked(&self, personal: &[i64]) -> (Vec<i64>, Vec<String>, TermRows) {
        let (mut seqs, mut arrays, mut stripped) = (Vec::new(), Vec::new(), TermRows::default());
        for (id, referrer) in &self.referrers {
            let kept: Vec<i64> = self
                .kept_terms(*id, 0)
                .into_iter()
                .filter(|t| !personal.contains(t))
                .collect();
            for t in referrer.terms.iter().filter(|t| !kept.contains(t)) {
                stripped.push(*t, referrer.stored, referrer.seq);
            }
            seqs.push(referrer.seq);
            arrays.push(array_literal(&kept));
        }
        (seqs, arrays, stripped)
    }
}

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

    let mut found = Classified::default();
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
        statements_unlinked: found.referrers.len() as u64,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_mbox_also_names_its_lower_case_and_sha1sum_forms() {
        let keys = identifiers(&json!({"mbox": "mailto:Ann@Example.org"})).unwrap();
        assert_eq!(keys[0], "mbox:mailto:Ann@example.org");
        assert_eq!(keys[1], "mbox:mailto:ann@example.org");
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
        assert_eq!(keys[2..], sums[..]);
    }

    #[test]
    fn the_same_address_is_found_in_any_case_and_behind_its_sha1sum() {
        let known = [
            "mbox:mailto:ANN@example.org".to_owned(),
            "mbox:mailto:bob@example.org".to_owned(),
            "account:https://lms.example|ann".to_owned(),
        ];
        let by_address = identifiers(&json!({"mbox": "mailto:ann@example.org"})).unwrap();
        let by_sum = vec![sha1sum_key("mailto:ann@example.org")];
        for keys in [by_address, by_sum] {
            assert_eq!(
                same_person(&keys, &known),
                vec![
                    "mbox:mailto:ANN@example.org".to_owned(),
                    sha1sum_key("mailto:ANN@example.org")
                ]
            );
        }
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
        let named = |statement: Value| mentions(index_statement(&statement).ok().as_ref(), &keys);
        assert!(named(base(
            json!({"context": {"instructor": {"mbox": "mailto:t@example.org"}}})
        )));
        assert!(!named(base(
            json!({"object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}})
        )));
    }
}
