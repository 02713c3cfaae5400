//! Drill-down: one learner's daily timeline in a course, and the statements behind it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;

use super::{Page, course_param, learner_ifi, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::service::trail::{self, TrailDayView, TrailStatement};
use crate::store::analytics::metrics::CourseDates;
use crate::store::analytics::reports;

async fn learner_in_course(
    state: &AppState,
    params: &QueryParams,
) -> Result<(CourseDates, i64), ApiError> {
    let course = course_param(state, params).await?;
    let (ifi, _) = learner_ifi(params.required("learner")?)?;
    let learner = reports::learner_id(&state.pool, &ifi)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no learner {ifi}")))?;
    Ok((course, learner))
}

/// A learner's timeline in a course, per day or (`granularity=week`) per course week.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(
        ("course" = String, Query), ("learner" = String, Query),
        ("granularity" = Option<String>, Query, description = "day (default) or week; weekly rows carry the week's first day and its active days in `active_days`"),
        ("format" = Option<String>, Query)
    ),
    responses((status = 200, description = "a page of TrailDayView (JSON), or the whole list as CSV with `format=csv`", content((Page<TrailDayView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/learners/trail")]
pub async fn learner_trail(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_learner_trail))?;
    let granularity = trail::Granularity::parse(params.get("granularity"))?;
    let (course, learner) = learner_in_course(&state, &params).await?;
    let days = trail::days(&state.pool, &course, learner, granularity).await?;
    list_response(&days, wants_csv(&req, &params)?, None)
}

/// The statements behind a learner's timeline (one day with `day`, else `since`/`until`),
/// oldest first, in pages (`limit`, default and at most 1000; `next` continues).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(
        ("course" = String, Query), ("learner" = String, Query),
        ("day" = Option<NaiveDate>, Query, description = "one UTC day"),
        ("since" = Option<String>, Query), ("until" = Option<String>, Query),
        ("limit" = Option<u32>, Query, description = "page size, default 1000, at most 1000"),
        ("cursor" = Option<String>, Query, description = "the `next` value of the previous page"),
        ("format" = Option<String>, Query)
    ),
    responses((status = 200, description = "a page of TrailStatement (JSON), or the whole list as CSV with `format=csv`", content((Page<TrailStatement> = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/learners/statements")]
pub async fn learner_statements(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_learner_statements))?;
    let limit = params.page_size("limit", 1000, trail::MAX_STATEMENTS_PAGE)?;
    let (course, learner) = learner_in_course(&state, &params).await?;
    let version = crate::xapi::XapiVersion::V2_0(0);
    let window = match params.get("day") {
        Some(day) => {
            let day: NaiveDate = day
                .parse()
                .map_err(|_| ApiError::invalid("day", "must be a date (YYYY-MM-DD)"))?;
            let from = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            (Some(from), Some(from + chrono::Duration::days(1)))
        }
        // Unbounded when not given: chrono's extreme instants are outside PostgreSQL's range.
        None => (
            params.timestamp("since", version)?,
            params.timestamp("until", version)?,
        ),
    };
    let (statements, next) = trail::statements(
        &state.pool,
        &course,
        learner,
        window,
        params.get("cursor"),
        limit,
    )
    .await?;
    list_response(&statements, wants_csv(&req, &params)?, next)
}
