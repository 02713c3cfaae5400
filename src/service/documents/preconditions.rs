//! `If-Match` and `If-None-Match` on document writes (Communication 3.1, "Concurrency"; RFC
//! 7232 section 3). ETags are the quoted SHA-1 of the stored bytes; clients may send them
//! quoted, unquoted or weak (`W/`), or `*`.

use crate::error::ApiError;
use crate::store::documents::Document;

/// The parsed condition headers of a request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Preconditions {
    if_match: Option<Condition>,
    if_none_match: Option<Condition>,
}

#[derive(Debug, PartialEq, Eq)]
enum Condition {
    Any,
    Tags(Vec<String>),
}

/// None for a header that names no tag at all (empty, or only commas and quotes): RFC 7232
/// requires `*` or at least one entity tag, and counting such a header as a condition would
/// let a write skip the precondition xAPI 2.0 requires while checking nothing.
fn parse(value: &str) -> Option<Condition> {
    if value.trim() == "*" {
        return Some(Condition::Any);
    }
    let tags: Vec<String> = value
        .split(',')
        .map(|tag| {
            let tag = tag.trim();
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag.trim_matches('"').to_ascii_lowercase()
        })
        .filter(|tag| !tag.is_empty())
        .collect();
    (!tags.is_empty()).then_some(Condition::Tags(tags))
}

impl Preconditions {
    /// From the values of the `If-Match` and `If-None-Match` headers.
    pub fn new(if_match: Option<&str>, if_none_match: Option<&str>) -> Preconditions {
        Preconditions {
            if_match: if_match.and_then(parse),
            if_none_match: if_none_match.and_then(parse),
        }
    }

    /// Whether the request carries either header.
    pub fn any(&self) -> bool {
        self.if_match.is_some() || self.if_none_match.is_some()
    }

    /// 412 when a condition does not hold for the current document.
    pub fn check(&self, current: Option<&Document>) -> Result<(), ApiError> {
        let current_tag = current.map(|d| d.sha1.to_ascii_lowercase());
        if let Some(condition) = &self.if_match {
            let holds = match (condition, &current_tag) {
                (_, None) => false,
                (Condition::Any, Some(_)) => true,
                (Condition::Tags(tags), Some(tag)) => tags.contains(tag),
            };
            if !holds {
                return Err(ApiError::PreconditionFailed(match current_tag {
                    None => "If-Match: the document does not exist".into(),
                    Some(_) => "If-Match: the document has changed (its ETag differs)".into(),
                }));
            }
        }
        if let Some(condition) = &self.if_none_match {
            let fails = match (condition, &current_tag) {
                (_, None) => false,
                (Condition::Any, Some(_)) => true,
                (Condition::Tags(tags), Some(tag)) => tags.contains(tag),
            };
            if fails {
                return Err(ApiError::PreconditionFailed(
                    "If-None-Match: the document already exists".into(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(sha1: &str) -> Document {
        Document {
            content_type: "application/json".into(),
            content: b"{}".to_vec(),
            sha1: sha1.into(),
            updated: chrono::Utc::now(),
        }
    }

    fn with(if_match: Option<&str>, if_none_match: Option<&str>) -> Preconditions {
        Preconditions::new(if_match, if_none_match)
    }

    #[test]
    fn if_match_accepts_quoted_unquoted_and_weak_tags() {
        let doc = document("abc");
        for value in ["\"abc\"", "abc", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert!(with(Some(value), None).check(Some(&doc)).is_ok(), "{value}");
        }
        assert!(with(Some("\"other\""), None).check(Some(&doc)).is_err());
        assert!(
            with(Some("*"), None).check(None).is_err(),
            "nothing to match"
        );
    }

    #[test]
    fn if_none_match_star_only_creates() {
        assert!(with(None, Some("*")).check(None).is_ok());
        assert!(with(None, Some("*")).check(Some(&document("abc"))).is_err());
    }

    #[test]
    fn no_headers_means_no_condition() {
        assert!(!Preconditions::default().any());
        assert!(Preconditions::default().check(Some(&document("a"))).is_ok());
    }

    #[test]
    fn headers_naming_no_tag_are_no_condition() {
        // So an empty If-None-Match cannot stand in for the precondition 2.0 requires.
        for value in ["", "  ", ",", "\"\"", "W/\"\", \"\""] {
            assert!(!with(None, Some(value)).any(), "{value:?}");
            assert!(!with(Some(value), None).any(), "{value:?}");
        }
    }
}
