//! Courses: list, detail, weekly series, activity heatmap, settings.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Serialize;

use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::service::courses::CourseView;
use crate::store::analytics::reports;

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
    params.allow_only(&["limit", "cursor", "format"])?;
    let limit = params.page_size("limit", 100, 1000)? as i64;
    let after = match params.get("cursor") {
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| ApiError::invalid("cursor", "not a cursor of this list"))?,
        None => 0,
    };
    let rows = reports::courses(&state.pool, after, limit + 1).await?;
    let next = (rows.len() as i64 > limit).then(|| rows[limit as usize - 1].id.to_string());
    let views: Vec<CourseView> = rows
        .into_iter()
        .take(limit as usize)
        .map(CourseView::from)
        .collect();
    list_response(&views, wants_csv(&req, &params)?, next)
}

/// One course.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("course" = String, Query, description = "the course IRI")),
    responses((status = 200, body = crate::service::courses::CourseDetail), (status = 404, body = ErrorBody))
)]
#[get("/courses/detail")]
pub async fn course_detail(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(&["course"])?;
    let course = course_param(&state, &params).await?;
    let detail = crate::service::courses::detail(&state.pool, course.id).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// One course week.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct WeekView {
    week: i32,
    week_start: NaiveDate,
    statements: i64,
    time_on_task_hours: f64,
    /// Learners with at least one statement in the week.
    active_learners: i64,
    /// Learners whose first statement falls in the week.
    new_learners: i64,
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
    params.allow_only(&["course", "format"])?;
    let course = course_param(&state, &params).await?;
    let Some(start) = course.start else {
        return list_response::<WeekView>(&[], wants_csv(&req, &params)?, None);
    };
    let rows = reports::weekly(&state.pool, course.id, start).await?;
    let views: Vec<WeekView> = rows
        .into_iter()
        .map(|w| WeekView {
            week: w.week,
            week_start: start + chrono::Duration::days(7 * i64::from(w.week - 1)),
            statements: w.statements,
            time_on_task_hours: (w.time_secs / 36.0).round() / 100.0,
            active_learners: w.active_learners,
            new_learners: w.new_learners,
        })
        .collect();
    list_response(&views, wants_csv(&req, &params)?, None)
}

/// One cell of the activity x week heatmap.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct HeatCell {
    activity: String,
    activity_name: Option<String>,
    activity_type: Option<String>,
    week: i32,
    accesses: i64,
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
    params.allow_only(&["course", "format"])?;
    let course = course_param(&state, &params).await?;
    let Some(start) = course.start else {
        return list_response::<HeatCell>(&[], wants_csv(&req, &params)?, None);
    };
    let cells: Vec<HeatCell> = reports::heatmap(&state.pool, course.id, start)
        .await?
        .into_iter()
        .map(|h| HeatCell {
            activity: h.activity_id,
            activity_name: h.name,
            activity_type: h.activity_type,
            week: h.week,
            accesses: h.accesses,
        })
        .collect();
    list_response(&cells, wants_csv(&req, &params)?, None)
}
