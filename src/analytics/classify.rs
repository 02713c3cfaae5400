//! What a statement means for the analytics: who learns, in which course, and what happened.
//! Pure: the worker feeds stored statements through [`classify`].

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::settings::AnalyticsSettings;
use crate::xapi::{VOIDED_VERB, ifi_key, parse_duration};

/// A learner: an Agent with an identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Learner {
    /// IFI key (`mbox:mailto:...`, `account:<homePage>|<name>`, ...).
    pub ifi: String,
    /// The Agent reduced to objectType and identifier.
    pub agent: Value,
    pub name: Option<String>,
}

/// A course a statement names.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseRef {
    pub iri: String,
    pub title: Option<String>,
}

/// The Activity a statement is about.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRef {
    pub id: String,
    pub name: Option<String>,
    pub activity_type: Option<String>,
}

/// How a learner's enrolment in a course ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// Left the course (dropped out) before its end.
    Withdrawn,
}

impl Outcome {
    /// The name the outcomes API uses: `pass`, `fail` or `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Withdrawn => "withdrawn",
        }
    }

    /// Accepts the usual spellings of student-information systems.
    pub fn parse(text: &str) -> Option<Outcome> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pass" | "passed" | "success" | "successful" | "completed" | "complete" => {
                Some(Outcome::Pass)
            }
            "fail" | "failed" | "failure" | "unsuccessful" => Some(Outcome::Fail),
            "withdrawn" | "withdraw" | "withdrew" | "dropped" | "dropout" => {
                Some(Outcome::Withdrawn)
            }
            _ => None,
        }
    }

    /// Whether the outcome counts as unsuccessful (the at-risk label).
    pub fn is_unsuccessful(self) -> bool {
        self != Outcome::Pass
    }
}

/// The analytics reading of one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    pub learner: Option<Learner>,
    /// Courses the statement names explicitly.
    pub courses: Vec<CourseRef>,
    pub registration: Option<Uuid>,
    pub timestamp: DateTime<Utc>,
    pub activity: Option<ActivityRef>,
    pub completed: bool,
    pub succeeded: bool,
    pub failed: bool,
    /// Scaled score of an assessment attempt (0..1).
    pub scaled: Option<f64>,
    pub duration_secs: Option<f64>,
    /// An outcome for the course the statement's object is (verb passed/failed on the course).
    pub outcome: Option<(String, Outcome)>,
    /// The statement voids another.
    pub voids: Option<Uuid>,
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// A language map's value for English or else its first entry.
fn display(map: Option<&Value>) -> Option<String> {
    let map = map?.as_object()?;
    ["en", "en-US", "en-GB"]
        .iter()
        .find_map(|lang| map.get(*lang))
        .or_else(|| map.values().next())
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn is_course(activity: &Value, settings: &AnalyticsSettings) -> bool {
    str_at(activity, "/definition/type")
        .is_some_and(|t| settings.course_types.iter().any(|c| c == t))
}

fn activity_ref(activity: &Value) -> Option<ActivityRef> {
    Some(ActivityRef {
        id: activity.get("id")?.as_str()?.to_owned(),
        name: display(activity.pointer("/definition/name")),
        activity_type: str_at(activity, "/definition/type").map(str::to_owned),
    })
}

/// The longest learner identifier (IFI key, in bytes) the analytics track. The learner lists
/// are ordered by it through an index, and a PostgreSQL index entry holds at most about 2.7 KB;
/// real identifiers (an e-mail address, an LMS account) are far shorter. A statement whose
/// actor's identifier is longer is stored and served as any other, but the analytics leave
/// that actor out instead of failing the whole batch.
pub const MAX_LEARNER_KEY_BYTES: usize = 2048;

fn learner(actor: &Value) -> Option<Learner> {
    if matches!(
        actor.get("objectType").and_then(Value::as_str),
        Some("Group")
    ) {
        return None;
    }
    let ifi = ifi_key(actor).filter(|ifi| ifi.len() <= MAX_LEARNER_KEY_BYTES)?;
    let mut agent = Map::new();
    agent.insert("objectType".into(), Value::String("Agent".into()));
    for key in ["mbox", "mbox_sha1sum", "openid", "account"] {
        if let Some(v) = actor.get(key) {
            agent.insert(key.into(), v.clone());
        }
    }
    Some(Learner {
        ifi,
        agent: Value::Object(agent),
        name: actor.get("name").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Course references from context activities (grouping, parent), the object itself, and the
/// configured context extensions.
fn courses(statement: &Value, settings: &AnalyticsSettings) -> Vec<CourseRef> {
    let mut found: Vec<CourseRef> = Vec::new();
    let mut push = |course: CourseRef| {
        if !found.iter().any(|c| c.iri == course.iri) {
            found.push(course);
        }
    };
    let object = statement.get("object");
    if let Some(object) = object
        && is_course(object, settings)
        && let Some(activity) = activity_ref(object)
    {
        push(CourseRef {
            iri: activity.id,
            title: activity.name,
        });
    }
    for key in ["grouping", "parent"] {
        let list = statement
            .pointer(&format!("/context/contextActivities/{key}"))
            .and_then(Value::as_array);
        for activity in list.into_iter().flatten() {
            if is_course(activity, settings)
                && let Some(activity) = activity_ref(activity)
            {
                push(CourseRef {
                    iri: activity.id,
                    title: activity.name,
                });
            }
        }
    }
    for rule in &settings.course_extensions {
        let Some(value) = statement
            .pointer("/context/extensions")
            .and_then(Value::as_object)
            .and_then(|e| e.get(&rule.key))
        else {
            continue;
        };
        let id = match (value, &rule.sub_key) {
            (Value::String(s), _) => Some(s.clone()),
            (Value::Object(map), Some(sub)) => map.get(sub).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            (other, None) => Some(other.to_string()),
            _ => None,
        };
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            push(CourseRef {
                iri: extension_course_iri(&rule.key, &id),
                title: None,
            });
        }
    }
    found
}

/// Courses named by an extension value get an IRI of their own: the value itself when it is an
/// absolute IRI, else a URN built from the extension and the value.
pub fn extension_course_iri(key: &str, value: &str) -> String {
    if crate::xapi::is_absolute_iri(value) && value.contains(':') && !value.contains(' ') {
        value.to_owned()
    } else {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let key: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
        format!("urn:lrs:course:{key}:{encoded}")
    }
}

fn scaled_score(result: &Value) -> Option<f64> {
    let score = result.get("score")?;
    if let Some(scaled) = score.get("scaled").and_then(Value::as_f64) {
        return Some(scaled.clamp(-1.0, 1.0).max(0.0));
    }
    let raw = score.get("raw").and_then(Value::as_f64)?;
    let min = score.get("min").and_then(Value::as_f64).unwrap_or(0.0);
    let max = score.get("max").and_then(Value::as_f64)?;
    (max > min).then(|| ((raw - min) / (max - min)).clamp(0.0, 1.0))
}

/// Reads a stored statement. `None` when it has no usable timestamp.
pub fn classify(statement: &Value, settings: &AnalyticsSettings) -> Option<Classified> {
    let timestamp = str_at(statement, "/timestamp")
        .or_else(|| str_at(statement, "/stored"))
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())?
        .with_timezone(&Utc);
    let verb = str_at(statement, "/verb/id").unwrap_or_default();
    let object = statement.get("object").cloned().unwrap_or(Value::Null);
    let object_type = object.get("objectType").and_then(Value::as_str);
    let voids = (verb == VOIDED_VERB && object_type == Some("StatementRef"))
        .then(|| str_at(&object, "/id").and_then(|id| Uuid::parse_str(id).ok()))
        .flatten();
    let activity = matches!(object_type, None | Some("Activity"))
        .then(|| activity_ref(&object))
        .flatten();
    let result = statement.get("result").cloned().unwrap_or(Value::Null);
    let success = result.get("success").and_then(Value::as_bool);
    let completion = result.get("completion").and_then(Value::as_bool);
    let courses = courses(statement, settings);
    let outcome = activity
        .as_ref()
        .filter(|a| courses.iter().any(|c| c.iri == a.id))
        .and_then(|a| {
            let outcome = if settings.success_verbs.iter().any(|v| v == verb) {
                Some(Outcome::Pass)
            } else if settings.failure_verbs.iter().any(|v| v == verb) {
                Some(Outcome::Fail)
            } else {
                None
            }?;
            Some((a.id.clone(), outcome))
        });
    let max_duration = settings.max_event_duration.as_secs_f64();
    Some(Classified {
        learner: statement.get("actor").and_then(learner),
        courses,
        registration: str_at(statement, "/context/registration")
            .and_then(|r| Uuid::parse_str(r).ok()),
        timestamp,
        activity,
        completed: completion == Some(true) || verb.ends_with("/verbs/completed"),
        succeeded: success == Some(true) || verb.ends_with("/verbs/passed"),
        failed: success == Some(false) || verb.ends_with("/verbs/failed"),
        scaled: scaled_score(&result),
        duration_secs: str_at(&result, "/duration")
            .and_then(parse_duration)
            .map(|d| d.clamp(0.0, max_duration)),
        outcome,
        voids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn course() -> Value {
        json!({"id": "https://lms.example.edu/course/BIO101/1",
               "definition": {"type": COURSE, "name": {"en": "Biology"}}})
    }
    const COURSE: &str = "http://adlnet.gov/expapi/activities/course";

    fn statement(verb: &str, object: Value, context: Value) -> Value {
        json!({
            "actor": {"account": {"homePage": "https://lms.example.edu", "name": "s1"}, "name": "Ann"},
            "verb": {"id": verb},
            "object": object,
            "context": context,
            "timestamp": "2026-01-05T10:00:00.000Z",
            "stored": "2026-01-05T10:00:01.000Z"
        })
    }

    #[test]
    fn the_course_comes_from_grouping() {
        let s = statement(
            "http://id.tincanapi.com/verb/viewed",
            json!({"id": "https://lms.example.edu/r/1"}),
            json!({"contextActivities": {"grouping": [course()]}}),
        );
        let c = classify(&s, &AnalyticsSettings::default()).expect("classified");
        assert_eq!(c.courses[0].iri, "https://lms.example.edu/course/BIO101/1");
        assert_eq!(c.courses[0].title.as_deref(), Some("Biology"));
        assert_eq!(
            c.learner.as_ref().map(|l| l.name.clone()),
            Some(Some("Ann".into()))
        );
        assert_eq!(c.outcome, None);
    }

    #[test]
    fn passing_the_course_activity_is_an_outcome() {
        let s = statement("http://adlnet.gov/expapi/verbs/passed", course(), json!({}));
        let c = classify(&s, &AnalyticsSettings::default()).expect("classified");
        assert_eq!(c.courses.len(), 1);
        assert_eq!(
            c.outcome,
            Some((
                "https://lms.example.edu/course/BIO101/1".into(),
                Outcome::Pass
            ))
        );
        assert!(c.succeeded);
    }

    #[test]
    fn the_jisc_extension_names_a_course() {
        let s = statement(
            "http://id.tincanapi.com/verb/viewed",
            json!({"id": "https://vle.example.ac.uk/r/1"}),
            json!({"extensions": {"http://xapi.jisc.ac.uk/courseArea": {
                "http://xapi.jisc.ac.uk/vle_mod_id": "BIO101",
                "http://xapi.jisc.ac.uk/uddModInstanceID": "BIO101-2026"}}}),
        );
        let c = classify(&s, &AnalyticsSettings::default()).expect("classified");
        assert_eq!(c.courses.len(), 1);
        assert!(
            c.courses[0].iri.starts_with("urn:lrs:course:"),
            "{}",
            c.courses[0].iri
        );
        assert!(c.courses[0].iri.ends_with("BIO101-2026"));
    }

    #[test]
    fn groups_are_not_learners_and_scores_are_scaled() {
        let mut s = statement(
            "http://adlnet.gov/expapi/verbs/completed",
            json!({"id": "https://lms.example.edu/quiz/1"}),
            json!({}),
        );
        s["result"] = json!({"score": {"raw": 15, "min": 0, "max": 20}, "duration": "PT5M"});
        let c = classify(&s, &AnalyticsSettings::default()).expect("classified");
        assert_eq!(c.scaled, Some(0.75));
        assert_eq!(c.duration_secs, Some(300.0));
        assert!(c.completed);
        s["actor"] = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]});
        assert!(
            classify(&s, &AnalyticsSettings::default())
                .expect("c")
                .learner
                .is_none()
        );
    }

    #[test]
    fn outcomes_parse_common_spellings() {
        assert_eq!(Outcome::parse("Passed"), Some(Outcome::Pass));
        assert_eq!(Outcome::parse("WITHDRAWN"), Some(Outcome::Withdrawn));
        assert_eq!(Outcome::parse("maybe"), None);
        assert!(Outcome::Withdrawn.is_unsuccessful());
    }
}
