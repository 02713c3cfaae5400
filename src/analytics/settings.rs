//! How statements map onto courses, outcomes and sessions. Every rule is configurable; the
//! defaults cover the common conventions (see `docs/ANALYTICS.md`).

use std::time::Duration;

/// A context extension that names the course, e.g. the jisc recipes'
/// `http://xapi.jisc.ac.uk/courseArea`. When the extension's value is an object, `sub_key`
/// picks the property that identifies the course (else the whole object does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRule {
    pub key: String,
    pub sub_key: Option<String>,
}

impl ExtensionRule {
    /// Parses `key` or `key|subkey` (`|` cannot appear in an IRI).
    pub fn parse(text: &str) -> ExtensionRule {
        match text.split_once('|') {
            Some((key, sub)) if !sub.is_empty() => ExtensionRule {
                key: key.to_owned(),
                sub_key: Some(sub.to_owned()),
            },
            _ => ExtensionRule {
                key: text.trim_end_matches('|').to_owned(),
                sub_key: None,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct AnalyticsSettings {
    /// Activity types that make an Activity a course.
    pub course_types: Vec<String>,
    pub course_extensions: Vec<ExtensionRule>,
    /// Verbs that, on the course activity, mean the learner finished successfully.
    pub success_verbs: Vec<String>,
    /// Verbs that, on the course activity, mean the learner failed.
    pub failure_verbs: Vec<String>,
    /// A session ends after this much inactivity.
    pub session_gap: Duration,
    /// `result.duration` longer than this is capped (a tab left open all night).
    pub max_event_duration: Duration,
    /// How long a worker waits after a batch that did not fill, so that the next one gathers
    /// more statements (see `jobs::analytics`).
    pub batch_delay: Duration,
}

pub const COURSE_TYPE: &str = "http://adlnet.gov/expapi/activities/course";
pub const CMI5_COURSE_TYPE: &str = "https://w3id.org/xapi/cmi5/activitytype/course";
pub const JISC_COURSE_AREA: &str =
    "http://xapi.jisc.ac.uk/courseArea|http://xapi.jisc.ac.uk/uddModInstanceID";

impl Default for AnalyticsSettings {
    fn default() -> Self {
        AnalyticsSettings {
            course_types: vec![COURSE_TYPE.to_owned(), CMI5_COURSE_TYPE.to_owned()],
            course_extensions: vec![ExtensionRule::parse(JISC_COURSE_AREA)],
            success_verbs: vec![
                "http://adlnet.gov/expapi/verbs/passed".to_owned(),
                "http://adlnet.gov/expapi/verbs/completed".to_owned(),
            ],
            failure_verbs: vec!["http://adlnet.gov/expapi/verbs/failed".to_owned()],
            session_gap: Duration::from_secs(30 * 60),
            max_event_duration: Duration::from_secs(4 * 3600),
            batch_delay: Duration::from_millis(200),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_rules_take_an_optional_sub_key() {
        assert_eq!(
            ExtensionRule::parse("http://a/b|http://a/c"),
            ExtensionRule {
                key: "http://a/b".into(),
                sub_key: Some("http://a/c".into())
            }
        );
        assert_eq!(ExtensionRule::parse("http://a/b").sub_key, None);
    }
}
