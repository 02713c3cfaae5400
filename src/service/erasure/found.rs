//! Sorting the statements indexed under the person's terms: theirs, to delete, and the
//! statements of others that only inherited the terms through a StatementRef, to unlink.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::identity::push_unique;
use crate::store::erasure::{Candidate, TermRows};
use crate::store::statements::terms::{TermKind, array_literal, own_terms, term};
use crate::xapi::{StatementIndex, index_statement};

/// Whether the statement itself names one of the keys (not only through a StatementRef). A
/// statement that cannot be indexed (unreachable: it was indexed when stored) matched the
/// person's terms, so it is treated as theirs.
fn mentions(index: Option<&StatementIndex>, keys: &[String]) -> bool {
    index.is_none_or(|index| index.related_agents.iter().any(|a| keys.contains(a)))
}

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
pub(super) struct Found {
    pub(super) erased: Vec<i64>,
    erased_ids: HashSet<Uuid>,
    pub(super) erased_terms: TermRows,
    pub(super) sha2s: Vec<String>,
    pub(super) registrations: Vec<(Uuid, i64)>,
    referrers: HashMap<Uuid, Referrer>,
}

impl Found {
    /// How many statements of others lose the person's terms.
    pub(super) fn referrers(&self) -> usize {
        self.referrers.len()
    }

    pub(super) fn add(&mut self, candidate: Candidate, keys: &[String]) {
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
    pub(super) fn unlinked(&self, personal: &[i64]) -> (Vec<i64>, Vec<String>, TermRows) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
