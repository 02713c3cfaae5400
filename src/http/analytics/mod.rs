//! The analytics REST API for instructors and BI tools (outside the xAPI base path).
//!
//! Reads need the `analytics/read` scope, writes `analytics/write`. Every list is also
//! available as CSV (`Accept: text/csv` or `format=csv`) with the same, stable column names.
//! Learners and courses travel as query parameters: a course is its IRI, a learner an IFI
//! key (`mbox:mailto:ann@example.edu`, `account:https://lms.example.edu|s123`), an Agent as
//! JSON, or an e-mail address.

pub mod course_settings;
pub mod courses;
pub mod enrolments;
pub mod history;
pub mod learners;
pub mod models;
pub mod outcomes;
pub mod params;
pub mod status;
pub mod trail;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Value, json};

use self::params::{CourseQuery, FormatQuery};
use super::error::ApiError;
use super::params::ListFormat;
use super::state::AppState;
use crate::analytics::classify::MAX_LEARNER_KEY_BYTES;
pub use crate::service::analytics::training::cutoff_week;
use crate::store::analytics::metrics::{self, CourseDates};
use crate::xapi::{XapiVersion, ifi_key, validate_agent};

/// Whether the client asked for CSV: `format`, else the `Accept` header.
pub fn wants_csv(req: &HttpRequest, format: &FormatQuery) -> bool {
    match format.format {
        Some(ListFormat::Csv) => true,
        Some(ListFormat::Json) => false,
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv")),
    }
}

/// The media type of an upload's body (JSON or CSV), lowercased, without parameters; JSON when
/// the request names none.
pub fn body_media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// One page of a list, as [`list_response`] writes it: its rows, and the cursor of the next
/// page (null on the last one). Only documents the body (the rows are serialised directly).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Page<T: utoipa::ToSchema> {
    items: Vec<T>,
    /// The `cursor` of the next page; null when this is the last.
    next: Option<String>,
}

/// A row type of the lists: its CSV header is written even when a list is empty, so that a
/// spreadsheet or BI tool sees the columns of an empty result rather than a blank file.
pub trait ListRow: Serialize + Sync {
    /// The header line, taken from the field names of an empty row.
    fn csv_header() -> Vec<u8>;
}

impl<T: ListRow> ListRow for &T {
    fn csv_header() -> Vec<u8> {
        T::csv_header()
    }
}

/// Implements [`ListRow`] for row types with `Default`.
macro_rules! list_rows {
    ($($row:ty),*) => {$(
        impl ListRow for $row {
            fn csv_header() -> Vec<u8> {
                let mut writer = csv::Writer::from_writer(Vec::new());
                // Serializing into memory cannot fail for these plain structs; an empty header
                // would only leave the file blank, as before.
                let _ = writer.serialize(<$row>::default());
                let text = writer.into_inner().unwrap_or_default();
                let end = text.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
                text[..end].to_vec()
            }
        }
    )*};
}

list_rows!(
    history::ActivationView,
    enrolments::EnrolmentView,
    crate::service::courses::CourseView,
    crate::service::courses::WeekView,
    crate::service::courses::HeatCell,
    crate::service::learners::LearnerView,
    models::ModelSummary,
    crate::service::trail::TrailDayView,
    crate::service::trail::TrailStatement
);

/// Rows as CSV (header from the field names) or as `{"items": [...], "next": ...}`.
pub fn list_response<T: ListRow>(
    rows: &[T],
    csv: bool,
    next: Option<String>,
) -> Result<HttpResponse, ApiError> {
    if csv {
        if rows.is_empty() {
            return Ok(csv_response(next.as_deref()).body(T::csv_header()));
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in rows {
            writer.serialize(row).map_err(ApiError::internal)?;
        }
        let body = writer
            .into_inner()
            .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
        return Ok(csv_response(next.as_deref()).body(body));
    }
    let body = json_body(rows, next.as_deref()).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

fn csv_response(next: Option<&str>) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type("text/csv; charset=utf-8");
    if let Some(next) = next {
        response.insert_header(("X-Next-Cursor", next));
    }
    response
}

/// Lists at least this long are serialized on two threads.
const PARALLEL_ROWS: usize = 2_000;

/// `{"items": [...], "next": ...}`, serialized straight from the rows: going through
/// `serde_json::Value` first would build (and allocate) a map per row, which dominated the
/// time of a 10,000-learner list. Long lists are serialized in two halves at once (their
/// 9 MB of JSON took a third of the request's time on one core).
fn json_body<T: Serialize + Sync>(
    rows: &[T],
    next: Option<&str>,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut body = json_buffer(rows.len());
    body.extend_from_slice(b"{\"items\":[");
    if rows.len() >= PARALLEL_ROWS {
        let (first, second) = rows.split_at(rows.len() / 2);
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| items_json(second, json_buffer(second.len())));
            let first = items_json(first, body);
            let second = second
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (first, second)
        });
        body = first?;
        body.push(b',');
        body.extend_from_slice(&second?);
    } else {
        body = items_json(rows, body)?;
    }
    body.extend_from_slice(b"],\"next\":");
    serde_json::to_writer(&mut body, &next)?;
    body.push(b'}');
    Ok(body)
}

/// A buffer for the JSON of `rows` rows, sized up front: growing a 9 MB buffer by doubling
/// copied it over and over.
fn json_buffer(rows: usize) -> Vec<u8> {
    Vec::with_capacity(rows.saturating_mul(1024).min(64 << 20))
}

/// The rows as JSON objects separated by commas, appended to `out`.
fn items_json<T: Serialize>(rows: &[T], mut out: Vec<u8>) -> Result<Vec<u8>, serde_json::Error> {
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, row)?;
    }
    Ok(out)
}

/// The course named by the `course` parameter; 404 when the LRS has never seen it.
pub async fn course_param(state: &AppState, course: &CourseQuery) -> Result<CourseDates, ApiError> {
    let iri = &course.course;
    metrics::course_by_iri(&state.pool, iri)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no course {iri} (no statement has named it)")))
}

/// Course IRIs named in a request body, each once (a course named twice would count its
/// learners twice in a training set or an evaluation).
pub fn distinct_courses(courses: Vec<String>) -> Result<Vec<String>, ApiError> {
    let mut seen = std::collections::HashSet::new();
    let courses: Vec<String> = courses
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect();
    if courses.is_empty() {
        return Err(ApiError::invalid("courses", "name at least one course"));
    }
    Ok(courses)
}

/// A learner's IFI key from a query parameter or an uploaded row.
pub fn learner_ifi(text: &str) -> Result<(String, Value), ApiError> {
    let text = text.trim();
    let agent = if text.starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| ApiError::invalid("learner", format!("is not valid JSON: {e}")))?
    } else if let Some(rest) = text.strip_prefix("account:") {
        // At the first `|`: an IRI (the homePage) cannot hold one, an account name can.
        let (home, name) = rest.split_once('|').ok_or_else(|| {
            ApiError::invalid("learner", "an account key is account:<homePage>|<name>")
        })?;
        json!({"objectType": "Agent", "account": {"homePage": home, "name": name}})
    } else if let Some(mbox) = text.strip_prefix("mbox:") {
        json!({"objectType": "Agent", "mbox": mbox})
    } else if let Some(sum) = text.strip_prefix("mbox_sha1sum:") {
        json!({"objectType": "Agent", "mbox_sha1sum": sum})
    } else if let Some(openid) = text.strip_prefix("openid:") {
        json!({"objectType": "Agent", "openid": openid})
    } else if text.starts_with("mailto:") {
        json!({"objectType": "Agent", "mbox": text})
    } else if text.contains('@') && !text.contains(' ') {
        json!({"objectType": "Agent", "mbox": format!("mailto:{text}")})
    } else {
        return Err(ApiError::invalid(
            "learner",
            "give an IFI key (mbox:mailto:..., account:<homePage>|<name>, openid:..., mbox_sha1sum:...), an Agent as JSON, or an e-mail address",
        ));
    };
    // Every form is held to the rules of an Agent in a statement (a well-formed mailto IRI,
    // 40 hex digits, an absolute openid and homePage...): a malformed key would otherwise
    // enrol a learner no statement can ever name.
    validate_agent(&agent, XapiVersion::V2_0(0))
        .map_err(|e| ApiError::invalid("learner", format!("{}: {}", e.path, e.message)))?;
    if agent.get("objectType").and_then(Value::as_str) == Some("Group") {
        return Err(ApiError::invalid(
            "learner",
            "a learner is an Agent, not a Group",
        ));
    }
    let ifi = ifi_key(&agent)
        .ok_or_else(|| ApiError::invalid("learner", "does not identify an Agent"))?;
    if ifi.len() > MAX_LEARNER_KEY_BYTES {
        return Err(ApiError::invalid(
            "learner",
            format!(
                "identifiers longer than {MAX_LEARNER_KEY_BYTES} bytes are not tracked by the analytics"
            ),
        ));
    }
    Ok((ifi, agent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::analytics::training::MAX_CUTOFF_WEEK;

    #[test]
    fn list_bodies_are_the_same_json_serialized_in_one_part_or_two() {
        for n in [0, 1, 2, PARALLEL_ROWS - 1, PARALLEL_ROWS, PARALLEL_ROWS + 3] {
            let rows: Vec<Value> = (0..n)
                .map(|i| json!({"learner": format!("mbox:mailto:{i}@example.com"), "risk": i}))
                .collect();
            for next in [None, Some("abc\"d")] {
                let body = json_body(&rows, next).expect("serialized");
                let body: Value = serde_json::from_slice(&body).expect("valid JSON");
                assert_eq!(body, json!({"items": rows, "next": next}), "{n} rows");
            }
        }
    }

    #[test]
    fn an_account_key_is_its_own_learner_even_with_a_bar_in_the_name() {
        let agent = json!({"account": {"homePage": "https://lms.example.edu", "name": "A|7"}});
        let key = ifi_key(&agent).expect("an account");
        let (parsed, _) = learner_ifi(&key).expect("the list's key");
        assert_eq!(parsed, key);
    }

    #[test]
    fn cutoff_weeks_and_course_lists_are_checked() {
        assert_eq!(cutoff_week("w", 4, 1).expect("in range"), 4);
        assert!(cutoff_week("w", 0, 1).is_err());
        assert_eq!(cutoff_week("w", 0, 0).expect("as of the start"), 0);
        for week in [u64::from(MAX_CUTOFF_WEEK) + 1, 100_000_000, u64::MAX] {
            assert!(cutoff_week("w", week, 0).is_err(), "{week}");
        }
        let courses = distinct_courses(vec!["a".into(), "b".into(), "a".into()]).expect("two");
        assert_eq!(courses, vec!["a", "b"]);
        assert!(distinct_courses(Vec::new()).is_err());
    }

    #[test]
    fn learners_can_be_named_several_ways() {
        let by_key = learner_ifi("mbox:mailto:ann@example.edu").expect("key").0;
        let by_email = learner_ifi("ann@example.edu").expect("email").0;
        let by_json = learner_ifi(r#"{"mbox": "mailto:ann@example.edu"}"#)
            .expect("json")
            .0;
        assert_eq!(by_key, by_email);
        assert_eq!(by_key, by_json);
        let account = learner_ifi("account:https://lms.example.edu|s1")
            .expect("account")
            .0;
        assert!(account.starts_with("account:"), "{account}");
        assert!(learner_ifi("not a learner").is_err());
        for malformed in [
            "mbox:mailto:",
            "mbox_sha1sum:zz",
            "openid:notauri",
            "account:|",
            r#"{"objectType": "Group", "mbox": "mailto:group@example.edu"}"#,
        ] {
            assert!(learner_ifi(malformed).is_err(), "{malformed}");
        }
    }
}
