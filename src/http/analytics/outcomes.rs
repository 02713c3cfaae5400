//! Outcome upload for student-information systems: who passed, failed or withdrew.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::course_param;
use super::params::CourseQuery;
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, Flag, Params};
use crate::http::state::AppState;
use crate::service::roster::outcomes;

/// Whether outcomes may enrol their learners.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnrolQuery {
    /// enrol learners who are not in the course yet (default false: refused)
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    enrol: Flag,
}

/// One uploaded outcome (JSON form). In CSV: columns `learner,outcome`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRow {
    /// An Agent (object), or an IFI key or e-mail address (string).
    #[schema(value_type = Object)]
    learner: Value,
    /// pass, fail or withdrawn (passed, failed, completed, dropped... are understood too).
    outcome: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UploadSummary {
    /// Outcomes recorded.
    recorded: u64,
}

/// Record outcomes for learners of a course (they take precedence over outcomes read from
/// statements). JSON: an array of `{learner, outcome}`; CSV: `learner,outcome` with a header.
///
/// Every learner must be in the course already (a statement in it, or a place on its roster):
/// an outcome for anyone else is refused (400, naming the row), since it would otherwise enrol
/// them silently. `enrol=true` enrols them explicitly.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery, EnrolQuery),
    request_body(content = Vec<OutcomeRow>, description = "JSON array, or text/csv with columns learner,outcome"),
    responses((status = 200, body = UploadSummary), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/outcomes")]
pub async fn upload_outcomes(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsWrite)?;
    let Params(And(course, EnrolQuery { enrol: Flag(enrol) })) =
        Params::<And<CourseQuery, EnrolQuery>>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let raw: Vec<(String, String)> = match super::body_media_type(&req).as_str() {
        "application/json" => {
            let rows: Vec<OutcomeRow> = serde_json::from_slice(&body).map_err(|e| {
                ApiError::bad_request(format!(
                    "expected a JSON array of {{learner, outcome}}: {e}"
                ))
            })?;
            rows.into_iter()
                .map(|r| {
                    let learner = match r.learner {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (learner, r.outcome)
                })
                .collect()
        }
        "text/csv" => parse_csv(&body)?,
        other => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "send application/json or text/csv, not {other}"
            )));
        }
    };
    let recorded = outcomes::record(&state.pool, course.id, &raw, enrol).await?;
    Ok(HttpResponse::Ok().json(UploadSummary { recorded }))
}

fn parse_csv(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::bad_request(format!("unreadable CSV header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| ApiError::bad_request(format!("the CSV needs a '{name}' column")))
    };
    let (learner, outcome) = (column("learner")?, column("outcome")?);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| ApiError::bad_request(format!("CSV row {}: {e}", i + 2)))?;
        rows.push((
            record.get(learner).unwrap_or_default().to_owned(),
            record.get(outcome).unwrap_or_default().to_owned(),
        ));
    }
    Ok(rows)
}
