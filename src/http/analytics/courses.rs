//! Courses: list, detail, weekly series, activity heatmap, settings.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::service::courses::{self, CourseView, HeatCell, WeekView};

/// Courses the LRS has seen, with learners, statements, recent activity and high-risk count.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "page size, default 100, at most 1000"),
        ("cursor" = Option<String>, Query, description = "the `next` value of the previous page"),
        ("format" = Option<String>, Query, description = "json (default) or csv")
    ),
    responses((status = 200, description = "a page of CourseView (JSON), or the whole list as CSV with `format=csv`", content((Page<CourseView> = "application/json"), (String = "text/csv"))))
)]
#[get("/courses")]
pub async fn list_courses(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_list_courses))?;
    let limit = params.page_size("limit", 100, courses::MAX_COURSES_PAGE)?;
    let (views, next) = courses::list(&state.pool, params.get("cursor"), limit).await?;
    list_response(&views, wants_csv(&req, &params)?, next)
}

/// One course.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("course" = String, Query, description = "the course IRI")),
    responses((status = 200, body = courses::CourseDetail), (status = 404, body = ErrorBody))
)]
#[get("/courses/detail")]
pub async fn course_detail(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_course_detail))?;
    let course = course_param(&state, &params).await?;
    let detail = courses::detail(&state.pool, course.id).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Statements, time on task, active and new learners per course week.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("course" = String, Query), ("format" = Option<String>, Query, description = "json or csv")),
    responses((status = 200, description = "a page of WeekView (JSON), or the whole list as CSV with `format=csv`", content((Page<WeekView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/courses/weekly")]
pub async fn course_weekly(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_course_weekly))?;
    let course = course_param(&state, &params).await?;
    let views = courses::weekly(&state.pool, &course).await?;
    list_response(&views, wants_csv(&req, &params)?, None)
}

/// Accesses per activity and course week (cells without accesses are omitted).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("course" = String, Query), ("format" = Option<String>, Query, description = "json or csv")),
    responses((status = 200, description = "a page of HeatCell (JSON), or the whole list as CSV with `format=csv`", content((Page<HeatCell> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/courses/heatmap")]
pub async fn course_heatmap(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_course_heatmap))?;
    let course = course_param(&state, &params).await?;
    let cells = courses::heatmap(&state.pool, &course).await?;
    list_response(&cells, wants_csv(&req, &params)?, None)
}
