//! Rosters from a student-information system: who is enrolled in a course, since when, whether
//! they withdrew and when, and attributes the institution chooses to send (a programme, a
//! prior-attainment band) for the fairness report.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::params::{CourseQuery, FormatQuery, NewCourseQuery};
use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, Params};
use crate::http::state::AppState;
use crate::service::roster::enrolments::{self, EnrolmentInput, EnrolmentView};

#[derive(Serialize, utoipa::ToSchema)]
pub struct RosterSummary {
    /// Enrolments written (new, or replacing the learner's earlier one).
    enrolled: u64,
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
    let enrolled = enrolments::enrol(&state.pool, iri, rows).await?;
    Ok(HttpResponse::Ok().json(RosterSummary { enrolled }))
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
    let rows = enrolments::list(&state.pool, course.id).await?;
    list_response(&rows, wants_csv(&req, &format), None)
}
