//! Query terms: the 64-bit keys of the `statement_terms` index (see the migration that creates
//! it for why every filter is a term).

use sha2::{Digest, Sha256};

use crate::xapi::StatementIndex;

/// The filter a term serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Verb,
    /// The statement's object is this Activity (`activity` parameter).
    Activity,
    /// The Activity appears anywhere (`activity` with `related_activities=true`).
    RelatedActivity,
    /// The actor or object is, or has as a member, this Agent (`agent` parameter).
    Agent,
    /// The Agent appears anywhere (`agent` with `related_agents=true`).
    RelatedAgent,
    Registration,
    /// This verb with this object Activity (`verb` and `activity` together): the pair most
    /// queries ask for ("who completed this?"). Two common terms with few statements in common
    /// would otherwise cost a probe per statement of the rarer one (over 100 ms at a million
    /// statements); the pair is one ordered scan of exactly the matches.
    VerbActivity,
}

impl TermKind {
    fn tag(self) -> u8 {
        match self {
            TermKind::Verb => b'v',
            TermKind::Activity => b'a',
            TermKind::RelatedActivity => b'A',
            TermKind::Agent => b'g',
            TermKind::RelatedAgent => b'G',
            TermKind::Registration => b'r',
            TermKind::VerbActivity => b'p',
        }
    }
}

/// The term for a filter value: the first 8 bytes of SHA-256(tag, value).
pub fn term(kind: TermKind, value: &str) -> i64 {
    let mut hasher = Sha256::new();
    hasher.update([kind.tag(), 0]);
    hasher.update(value.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// The term for `verb` and `activity` together. IRIs contain no spaces, so the space keeps
/// every pair distinct. The migration that added these terms computes the same hash in SQL
/// (`lrs_term`); a test holds the two together.
pub fn verb_activity_term(verb: &str, activity: &str) -> i64 {
    term(TermKind::VerbActivity, &format!("{verb} {activity}"))
}

/// Terms as a PostgreSQL `bigint[]` literal (`{1,2,3}`), the form the insert binds them in.
pub fn array_literal(terms: &[i64]) -> String {
    let inner: Vec<String> = terms.iter().map(i64::to_string).collect();
    format!("{{{}}}", inner.join(","))
}

/// A statement's own terms (not those it inherits through a StatementRef), deduplicated.
pub fn own_terms(index: &StatementIndex) -> Vec<i64> {
    let mut terms = vec![term(TermKind::Verb, &index.verb_id)];
    if let Some(activity) = &index.object_activity_id {
        terms.push(term(TermKind::Activity, activity));
        terms.push(verb_activity_term(&index.verb_id, activity));
    }
    for activity in &index.related_activities {
        terms.push(term(TermKind::RelatedActivity, activity));
    }
    for agent in &index.direct_agents {
        terms.push(term(TermKind::Agent, agent));
    }
    for agent in &index.related_agents {
        terms.push(term(TermKind::RelatedAgent, agent));
    }
    if let Some(registration) = index.registration {
        terms.push(term(
            TermKind::Registration,
            &registration.hyphenated().to_string(),
        ));
    }
    terms.sort_unstable();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_separates_equal_values_of_different_filters() {
        let iri = "http://example.org/x";
        assert_ne!(term(TermKind::Verb, iri), term(TermKind::Activity, iri));
        assert_ne!(
            term(TermKind::Activity, iri),
            term(TermKind::RelatedActivity, iri)
        );
        assert_eq!(term(TermKind::Verb, iri), term(TermKind::Verb, iri));
    }
}
