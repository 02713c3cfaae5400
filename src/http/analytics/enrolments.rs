//! Rosters from a student-information system: who is enrolled in a course, since when, whether
//! they withdrew and when, and attributes the institution chooses to send (a programme, a
//! prior-attainment band) for the fairness report.

use std::collections::{BTreeMap, HashMap};

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::params::{CourseQuery, FormatQuery, NewCourseQuery};
use super::{Page, course_param, learner_ifi, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, Params};
use crate::http::state::AppState;
use crate::store::analytics::course_settings;
use crate::store::analytics::enrolments::{self, Enrolment};

/// Rows per upload, at most.
const MAX_ROWS: usize = 100_000;
/// Attributes per learner, at most, and their sizes.
const MAX_ATTRIBUTES: usize = 20;
const MAX_ATTRIBUTE_NAME: usize = 64;
const MAX_ATTRIBUTE_VALUE: usize = 256;

/// One enrolment (JSON form). In CSV: columns `learner`, `enrolled_at`, `withdrawn_at`, and
/// every other column an attribute.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentInput {
    /// An Agent (object), or an IFI key or e-mail address (string).
    #[schema(value_type = Object)]
    learner: Value,
    enrolled_at: Option<DateTime<Utc>>,
    /// When the learner withdrew (null: still enrolled).
    withdrawn_at: Option<DateTime<Utc>>,
    /// Attributes the institution chooses to send, as strings (e.g. `{"programme": "BSc
    /// Biology", "prior_attainment": "B"}`): the evaluation reports the model's accuracy per
    /// value of each.
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RosterSummary {
    /// Enrolments written (new, or replacing the learner's earlier one).
    enrolled: u64,
}

/// A learner on the roster.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct EnrolmentView {
    learner: String,
    name: Option<String>,
    enrolled_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    /// The attributes, as JSON text.
    attributes: String,
    /// Statements in the course: 0 for a learner who never started.
    statements: i64,
    never_started: bool,
}

/// Record a course's roster, or part of it: each learner's enrolment is created or replaced.
/// The course is created if no statement has named it yet. JSON: an array of
/// `{learner, enrolled_at?, withdrawn_at?, attributes?}`; CSV: `learner,enrolled_at,withdrawn_at`
/// and any other columns as attributes.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(NewCourseQuery),
    request_body(content = Vec<EnrolmentInput>, description = "JSON array, or text/csv with a learner column"),
    responses((status = 200, body = RosterSummary), (status = 400, body = ErrorBody))
)]
#[post("/enrolments")]
pub async fn upload_enrolments(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsWrite)?;
    let Params(course) = Params::<NewCourseQuery>::from_query(req.query_string())?;
    let iri = course.course.0.as_str();
    let rows = match super::body_media_type(&req).as_str() {
        "application/json" => {
            serde_json::from_slice::<Vec<EnrolmentInput>>(&body).map_err(|e| {
                ApiError::bad_request(format!("expected a JSON array of enrolments: {e}"))
            })?
        }
        "text/csv" => parse_csv(&body)?,
        other => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "send application/json or text/csv, not {other}"
            )));
        }
    };
    if rows.len() > MAX_ROWS {
        return Err(ApiError::PayloadTooLarge(format!(
            "at most {MAX_ROWS} enrolments per upload"
        )));
    }
    let enrolments = validate(rows)?;
    let course = course_settings::ensure(&state.pool, iri).await?;
    let enrolled = enrolments::upsert(&state.pool, course, &enrolments).await?;
    Ok(HttpResponse::Ok().json(RosterSummary { enrolled }))
}

fn validate(rows: Vec<EnrolmentInput>) -> Result<Vec<Enrolment>, ApiError> {
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let text = match row.learner {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let (ifi, agent) = learner_ifi(&text)
            .map_err(|e| ApiError::invalid(format!("[{i}].learner"), e.to_string()))?;
        if let Some(first) = first_row.insert(ifi.clone(), i) {
            return Err(ApiError::invalid(
                format!("[{i}].learner"),
                format!("the same learner as row [{first}]; give each learner once"),
            ));
        }
        if let (Some(enrolled), Some(withdrawn)) = (row.enrolled_at, row.withdrawn_at)
            && withdrawn < enrolled
        {
            return Err(ApiError::invalid(
                format!("[{i}].withdrawn_at"),
                "is before enrolled_at",
            ));
        }
        if row.attributes.len() > MAX_ATTRIBUTES {
            return Err(ApiError::invalid(
                format!("[{i}].attributes"),
                format!("at most {MAX_ATTRIBUTES} attributes"),
            ));
        }
        for (name, value) in &row.attributes {
            if name.is_empty() || name.chars().count() > MAX_ATTRIBUTE_NAME {
                return Err(ApiError::invalid(
                    format!("[{i}].attributes"),
                    format!("an attribute name must be 1 to {MAX_ATTRIBUTE_NAME} characters"),
                ));
            }
            if value.chars().count() > MAX_ATTRIBUTE_VALUE {
                return Err(ApiError::invalid(
                    format!("[{i}].attributes.{name}"),
                    format!("at most {MAX_ATTRIBUTE_VALUE} characters"),
                ));
            }
        }
        out.push(Enrolment {
            ifi,
            agent,
            enrolled_at: row.enrolled_at,
            withdrawn_at: row.withdrawn_at,
            attributes: serde_json::to_value(&row.attributes).unwrap_or(Value::Null),
        });
    }
    Ok(out)
}

fn parse_csv(body: &[u8]) -> Result<Vec<EnrolmentInput>, ApiError> {
    let mut reader = csv::Reader::from_reader(body);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::bad_request(format!("unreadable CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let position = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let learner = position("learner")
        .ok_or_else(|| ApiError::bad_request("the CSV needs a 'learner' column"))?;
    let (enrolled, withdrawn) = (position("enrolled_at"), position("withdrawn_at"));
    let instant =
        |row: usize, column: &str, text: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            DateTime::parse_from_rfc3339(text.trim())
                .map(|t| Some(t.with_timezone(&Utc)))
                .or_else(|_| {
                    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                        .map(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
                })
                .map_err(|_| {
                    ApiError::invalid(
                        format!("[{row}].{column}"),
                        "must be a date (2026-09-01) or an RFC 3339 instant",
                    )
                })
        };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| ApiError::bad_request(format!("CSV row {}: {e}", i + 2)))?;
        let cell = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or_default();
        let attributes = headers
            .iter()
            .enumerate()
            .filter(|(c, _)| {
                Some(*c) != Some(learner) && Some(*c) != enrolled && Some(*c) != withdrawn
            })
            .filter_map(|(c, name)| {
                let value = record.get(c).unwrap_or_default().trim();
                (!value.is_empty()).then(|| (name.clone(), value.to_owned()))
            })
            .collect();
        rows.push(EnrolmentInput {
            learner: Value::String(cell(Some(learner)).trim().to_owned()),
            enrolled_at: instant(i, "enrolled_at", cell(enrolled))?,
            withdrawn_at: instant(i, "withdrawn_at", cell(withdrawn))?,
            attributes,
        });
    }
    Ok(rows)
}

/// The course's roster: each enrolled learner, with their statements in the course (0 for one
/// who never started).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery, FormatQuery),
    responses((status = 200, description = "a page of EnrolmentView (JSON), or the whole list as CSV with `format=csv`", content((Page<EnrolmentView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/courses/enrolments")]
pub async fn course_enrolments(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(course, format)) =
        Params::<And<CourseQuery, FormatQuery>>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let rows: Vec<EnrolmentView> = enrolments::list(&state.pool, course.id)
        .await?
        .into_iter()
        .map(|r| EnrolmentView {
            learner: r.learner_ifi,
            name: r.learner_name,
            enrolled_at: r.enrolled_at,
            withdrawn_at: r.withdrawn_at,
            attributes: r.attributes.to_string(),
            never_started: r.statements == 0,
            statements: r.statements,
        })
        .collect();
    list_response(&rows, wants_csv(&req, &format), None)
}
