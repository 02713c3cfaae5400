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

use self::params::{CourseQuery, FormatQuery};
use super::error::ApiError;
use super::params::ListFormat;
use super::state::AppState;
use crate::store::analytics::metrics::CourseDates;

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
    crate::service::models::ActivationView,
    crate::service::roster::enrolments::EnrolmentView,
    crate::service::courses::CourseView,
    crate::service::courses::WeekView,
    crate::service::courses::HeatCell,
    crate::service::learners::LearnerView,
    crate::service::models::ModelSummary,
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
    crate::service::courses::find(&state.pool, &course.course).await
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

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
}
