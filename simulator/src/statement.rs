//! Dresses an [`Event`] as an xAPI 1.0.3 statement, in the shapes VLE feeds use (see the Jisc
//! recipes): full Activity definitions, `en` display maps, and the Jisc context extensions
//! (recipe, session, user agent, recipe version) that bring a statement to about 1 KB.

use chrono::{DateTime, SecondsFormat};
use serde_json::{Map, Value, json};

use super::config::CourseStyle;
use super::course::{Course, PLATFORM, QUIZ_QUESTIONS};
use super::learner::Learner;
use super::outcome::COURSE_PASS_MARK;
use super::timeline::{Action, Event, QUIZ_PASS_MARK};

pub const VERB_LOGGED_IN: &str = "https://brindlewaye.com/xAPITerms/verbs/loggedin";
pub const VERB_VIEWED: &str = "http://id.tincanapi.com/verb/viewed";
pub const VERB_PLAYED: &str = "https://w3id.org/xapi/video/verbs/played";
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const VERB_ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
pub const VERB_SUBMITTED: &str = "http://activitystrea.ms/schema/1.0/submit";
pub const VERB_COMMENTED: &str = "http://adlnet.gov/expapi/verbs/commented";
pub const VERB_REPLIED: &str = "http://id.tincanapi.com/verb/replied";

pub const EXT_COURSE_AREA: &str = "http://xapi.jisc.ac.uk/courseArea";
pub const EXT_VLE_MOD_ID: &str = "http://xapi.jisc.ac.uk/vle_mod_id";
pub const EXT_MOD_INSTANCE: &str = "http://xapi.jisc.ac.uk/uddModInstanceID";
const EXT_SESSION: &str = "http://xapi.jisc.ac.uk/sessionId";
const EXT_USER_AGENT: &str = "http://xapi.jisc.ac.uk/extensions/user-agent";
const EXT_RECIPE: &str = "http://xapi.jisc.ac.uk/recipeCat";
const EXT_VERSION: &str = "http://xapi.jisc.ac.uk/version";
const EXT_ATTEMPT: &str = "http://xapi.jisc.ac.uk/attempt";

/// What learners write in the forum (the `response` of comments and replies).
const POSTS: &[&str] = &[
    "Could someone explain the second worked example? I get a different answer.",
    "Thanks, that helped a lot.",
    "I think the lecture notes have a typo on page 3.",
    "Is the quiz deadline Sunday night or Monday morning?",
    "Here is how I approached it: start from the definition and work backwards.",
    "Does anyone want to form a study group for the assignment?",
    "I agree with the previous post, the reading makes this clearer.",
];

/// The statement for `event`.
pub(crate) fn render(
    course: &Course,
    learner: &Learner,
    event: &Event,
    style: CourseStyle,
) -> Value {
    let week = course.weeks.get(event.week);
    let mut result = None;
    let mut attempt = None;
    let (verb, object) = match event.action {
        Action::LoggedIn => (
            verb(VERB_LOGGED_IN, "logged in to"),
            course.activity.clone(),
        ),
        Action::ViewedReading(k) => (
            verb(VERB_VIEWED, "viewed"),
            pick(week.and_then(|w| w.readings.get(k)), course),
        ),
        Action::ViewedForum => (
            verb(VERB_VIEWED, "viewed"),
            pick(week.map(|w| &w.forum), course),
        ),
        Action::VideoPlayed(k) => (
            verb(VERB_PLAYED, "played"),
            pick(
                week.and_then(|w| w.videos.get(k)).map(|v| &v.activity),
                course,
            ),
        ),
        Action::VideoCompleted { video, seconds } => {
            result = Some(json!({ "completion": true, "duration": duration(seconds) }));
            (
                verb(VERB_COMPLETED, "completed"),
                pick(
                    week.and_then(|w| w.videos.get(video)).map(|v| &v.activity),
                    course,
                ),
            )
        }
        Action::QuizAttempted { attempt: n } => {
            attempt = Some(n);
            (
                verb(VERB_ATTEMPTED, "attempted"),
                pick(week.map(|w| &w.quiz), course),
            )
        }
        Action::QuizFinished {
            attempt: n,
            raw,
            seconds,
        } => {
            attempt = Some(n);
            let passed = raw >= QUIZ_PASS_MARK;
            result = Some(json!({
                "score": score(raw, QUIZ_QUESTIONS),
                "success": passed,
                "completion": true,
                "duration": duration(seconds),
            }));
            (pass_fail(passed), pick(week.map(|w| &w.quiz), course))
        }
        Action::Submitted(k) => {
            result = Some(json!({ "completion": true }));
            (
                verb(VERB_SUBMITTED, "submitted"),
                pick(course.assignments.get(k), course),
            )
        }
        Action::Commented | Action::Replied => {
            let text = POSTS[(event.session % POSTS.len() as u64) as usize];
            result = Some(json!({ "response": text }));
            let verb = if event.action == Action::Commented {
                verb(VERB_COMMENTED, "commented")
            } else {
                verb(VERB_REPLIED, "replied to")
            };
            (verb, pick(week.map(|w| &w.forum), course))
        }
        Action::CourseOutcome { grade } => {
            let passed = grade >= COURSE_PASS_MARK;
            result = Some(json!({
                "score": score(grade, 100),
                "success": passed,
                "completion": true,
            }));
            (pass_fail(passed), course.activity.clone())
        }
    };

    let mut statement = Map::new();
    statement.insert("id".into(), Value::String(event.id.to_string()));
    statement.insert("actor".into(), learner.agent.clone());
    statement.insert("verb".into(), verb);
    statement.insert("object".into(), object);
    if let Some(result) = result {
        statement.insert("result".into(), result);
    }
    let course_level = matches!(event.action, Action::CourseOutcome { .. });
    statement.insert(
        "context".into(),
        context(
            course,
            learner,
            event,
            style,
            week.filter(|_| !course_level),
            attempt,
        ),
    );
    statement.insert("timestamp".into(), Value::String(timestamp(event.at)));
    Value::Object(statement)
}

fn context(
    course: &Course,
    learner: &Learner,
    event: &Event,
    style: CourseStyle,
    week: Option<&super::course::Week>,
    attempt: Option<u32>,
) -> Value {
    let mut activities = Map::new();
    if let Some(week) = week {
        activities.insert("parent".into(), json!([week.module]));
    }
    let mut extensions = Map::new();
    match style {
        CourseStyle::Grouping => {
            activities.insert("grouping".into(), json!([course.reference]));
        }
        CourseStyle::JiscExtension => {
            extensions.insert(
                EXT_COURSE_AREA.into(),
                json!({ EXT_VLE_MOD_ID: course.code, EXT_MOD_INSTANCE: course.instance }),
            );
        }
    }
    extensions.insert(EXT_RECIPE.into(), json!("VLE"));
    extensions.insert(EXT_SESSION.into(), json!(format!("{:016x}", event.session)));
    extensions.insert(EXT_USER_AGENT.into(), json!(learner.user_agent));
    if let Some(attempt) = attempt {
        extensions.insert(EXT_ATTEMPT.into(), json!(attempt));
    }
    extensions.insert(EXT_VERSION.into(), json!("1.1.1"));

    let mut context = Map::new();
    context.insert(
        "registration".into(),
        json!(learner.registration.to_string()),
    );
    if !activities.is_empty() {
        context.insert("contextActivities".into(), Value::Object(activities));
    }
    context.insert("platform".into(), json!(PLATFORM));
    context.insert("extensions".into(), Value::Object(extensions));
    Value::Object(context)
}

fn verb(id: &str, display: &str) -> Value {
    json!({ "id": id, "display": { "en": display } })
}

fn pass_fail(passed: bool) -> Value {
    if passed {
        verb(VERB_PASSED, "passed")
    } else {
        verb(VERB_FAILED, "failed")
    }
}

/// The activity, or the course itself should an event point past the material (it cannot).
fn pick(activity: Option<&Value>, course: &Course) -> Value {
    activity.unwrap_or(&course.activity).clone()
}

fn score(raw: u32, max: u32) -> Value {
    let scaled = if max == 0 {
        0.0
    } else {
        f64::from(raw) / f64::from(max)
    };
    json!({ "scaled": scaled, "raw": raw, "min": 0, "max": max })
}

/// ISO 8601, the way LMSs write it: `PT7M32S`.
fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("PT{s}S"),
        (m, 0) => format!("PT{m}M"),
        (m, s) => format!("PT{m}M{s}S"),
    }
}

/// Milliseconds since the epoch as `2025-09-01T10:15:30.123Z`.
pub(crate) fn timestamp(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}
