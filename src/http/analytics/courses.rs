//! Courses: list, detail, weekly series, activity heatmap, settings.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::params::{CourseQuery, FormatQuery};
use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, PageSize, Params};
use crate::http::state::AppState;
use crate::service::courses::{self, CourseView, HeatCell, WeekView};

/// A page of the course list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoursesQuery {
    /// page size, default 100, at most 1000
    #[serde(default)]
    #[param(value_type = Option<u32>)]
    limit: PageSize<100, { courses::MAX_COURSES_PAGE }>,
    /// the `next` value of the previous page
    cursor: Option<String>,
}

/// Courses the LRS has seen, with learners, statements, recent activity and high-risk count.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CoursesQuery, FormatQuery),
    responses((status = 200, description = "a page of CourseView (JSON), or the whole list as CSV with `format=csv`", content((Page<CourseView> = "application/json"), (String = "text/csv"))))
)]
#[get("/courses")]
pub async fn list_courses(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(page, format)) =
        Params::<And<CoursesQuery, FormatQuery>>::from_query(req.query_string())?;
    let (views, next) = courses::list(&state.pool, page.cursor.as_deref(), page.limit.0).await?;
    list_response(&views, wants_csv(&req, &format), next)
}

/// One course.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery),
    responses((status = 200, body = courses::CourseDetail), (status = 404, body = ErrorBody))
)]
#[get("/courses/detail")]
pub async fn course_detail(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(course) = Params::<CourseQuery>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let detail = courses::detail(&state.pool, course.id).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Statements, time on task, active and new learners per course week.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery, FormatQuery),
    responses((status = 200, description = "a page of WeekView (JSON), or the whole list as CSV with `format=csv`", content((Page<WeekView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/courses/weekly")]
pub async fn course_weekly(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(course, format)) =
        Params::<And<CourseQuery, FormatQuery>>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let views = courses::weekly(&state.pool, &course).await?;
    list_response(&views, wants_csv(&req, &format), None)
}

/// Accesses per activity and course week (cells without accesses are omitted).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery, FormatQuery),
    responses((status = 200, description = "a page of HeatCell (JSON), or the whole list as CSV with `format=csv`", content((Page<HeatCell> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/courses/heatmap")]
pub async fn course_heatmap(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(course, format)) =
        Params::<And<CourseQuery, FormatQuery>>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let cells = courses::heatmap(&state.pool, &course).await?;
    list_response(&cells, wants_csv(&req, &format), None)
}
