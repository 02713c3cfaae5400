//! A course's settings: title, dates and assessment deadlines, which an administrator can set
//! before the first statement names the course (the course is then created), one field at a
//! time (a field left out keeps its value; `null` clears it).

use actix_web::{HttpRequest, HttpResponse, get, put, web};

use super::params::{CourseQuery, NewCourseQuery};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::Params;
use crate::http::state::AppState;
use crate::service::course_settings::{self, CourseSettings};
use crate::service::courses::{CourseDetail, detail};

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
    let detail = course_settings::apply(&state.pool, iri, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(detail))
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
