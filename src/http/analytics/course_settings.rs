//! A course's settings: title, dates and assessment deadlines, which an administrator can set
//! before the first statement names the course (the course is then created), one field at a
//! time (a field left out keeps its value; `null` clears it).

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use super::params::{CourseQuery, NewCourseQuery};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::Params;
use crate::http::state::AppState;
use crate::service::courses::{CourseDetail, DeadlineView, detail};
use crate::store::analytics::course_settings::{
    self as settings, Change, Deadline, SettingsChange, SettingsError,
};

/// A field of a settings request: left out (keep), `null` (clear) or a value.
#[derive(Debug, Default)]
struct Field<T>(Change<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Field(match Option::<T>::deserialize(deserializer)? {
            None => Change::Clear,
            Some(value) => Change::Set(value),
        }))
    }
}

/// Course settings. Every field is optional: one left out keeps its value, `null` clears it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseSettings {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    title: Field<String>,
    /// Week 1 starts on this day; unset = the day of the course's first statement.
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    start_date: Field<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    end_date: Field<NaiveDate>,
    /// Assessment deadlines: replace the course's list (`[]` clears it).
    #[serde(default)]
    deadlines: Option<Vec<DeadlineView>>,
}

fn deadlines(input: &[DeadlineView]) -> Result<Vec<Deadline>, ApiError> {
    let mut seen = std::collections::HashSet::new();
    input
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if !crate::xapi::is_absolute_iri(&d.activity) {
                return Err(ApiError::invalid(
                    format!("deadlines[{i}].activity"),
                    "must be an absolute IRI",
                ));
            }
            if !seen.insert(d.activity.as_str()) {
                return Err(ApiError::invalid(
                    format!("deadlines[{i}].activity"),
                    "this activity has a deadline already in the list",
                ));
            }
            Ok(Deadline {
                activity: d.activity.clone(),
                due: d.due,
                title: d.title.clone(),
            })
        })
        .collect()
}

/// Set a course's title, dates and deadlines, creating the course if no statement has named
/// it yet. A field left out keeps its value; `null` clears it; `deadlines` replaces the list.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(NewCourseQuery),
    request_body = CourseSettings,
    responses((status = 200, body = CourseDetail), (status = 400, body = ErrorBody))
)]
#[put("/courses/settings")]
pub async fn put_course_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CourseSettings>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsWrite)?;
    let Params(course) = Params::<NewCourseQuery>::from_query(req.query_string())?;
    let iri = course.course.0.as_str();
    let request = body.into_inner();
    let deadlines = request.deadlines.as_deref().map(deadlines).transpose()?;
    let change = SettingsChange {
        title: match &request.title.0 {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(title) => Change::Set(title.as_str()),
        },
        start_date: request.start_date.0,
        end_date: request.end_date.0,
        deadlines: deadlines.as_deref(),
    };
    let id = settings::apply(&state.pool, iri, &change)
        .await
        .map_err(|e| match e {
            SettingsError::EndBeforeStart {
                end,
                start,
                start_is_first_day,
            } => ApiError::invalid(
                "end_date",
                format!(
                    "{end} is before {}, {start}",
                    if start_is_first_day {
                        "the day of the course's first statement (its start when start_date is not set)"
                    } else {
                        "start_date"
                    }
                ),
            ),
            SettingsError::Database(e) => e.into(),
        })?;
    Ok(HttpResponse::Ok().json(detail(&state.pool, id).await?))
}

/// The course's settings as they stand (the detail, with its deadlines).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery),
    responses((status = 200, body = CourseDetail), (status = 404, body = ErrorBody))
)]
#[get("/courses/settings")]
pub async fn get_course_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(course) = Params::<CourseQuery>::from_query(req.query_string())?;
    let course = super::course_param(&state, &course).await?;
    Ok(HttpResponse::Ok().json(detail(&state.pool, course.id).await?))
}
