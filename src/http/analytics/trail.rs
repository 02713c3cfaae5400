//! Drill-down: one learner's daily timeline in a course, and the statements behind it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::params::{CourseQuery, FormatQuery};
use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, Day, PageSize, Params, Timestamp};
use crate::http::state::AppState;
use crate::service::trail::{self, TrailDayView, TrailStatement};
use crate::store::analytics::metrics::CourseDates;

/// A learner in a course.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearnerInCourse {
    /// the course IRI
    course: String,
    /// IFI key, Agent JSON or e-mail address
    learner: String,
}

/// How a trail is cut.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrailQuery {
    /// day (default) or week; weekly rows carry the week's first day and its active days in `active_days`
    #[serde(default)]
    #[param(value_type = Option<String>)]
    granularity: trail::Granularity,
}

/// Which of a learner's statements, and a page of them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementsQuery {
    /// one UTC day
    #[param(value_type = Option<chrono::NaiveDate>)]
    day: Option<Day>,
    #[param(value_type = Option<String>)]
    since: Option<Timestamp>,
    #[param(value_type = Option<String>)]
    until: Option<Timestamp>,
    /// page size, default 1000, at most 1000
    #[serde(default)]
    #[param(value_type = Option<u32>)]
    limit: PageSize<1000, { trail::MAX_STATEMENTS_PAGE }>,
    /// the `next` value of the previous page
    cursor: Option<String>,
}

async fn learner_in_course(
    state: &AppState,
    params: &LearnerInCourse,
) -> Result<(CourseDates, i64), ApiError> {
    let course = course_param(
        state,
        &CourseQuery {
            course: params.course.clone(),
        },
    )
    .await?;
    let learner = crate::service::learners::find(&state.pool, &params.learner).await?;
    Ok((course, learner))
}
/// A learner's timeline in a course, per day or (`granularity=week`) per course week.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(LearnerInCourse, TrailQuery, FormatQuery),
    responses((status = 200, description = "a page of TrailDayView (JSON), or the whole list as CSV with `format=csv`", content((Page<TrailDayView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/learners/trail")]
pub async fn learner_trail(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(who, And(TrailQuery { granularity }, format))) =
        Params::<And<LearnerInCourse, And<TrailQuery, FormatQuery>>>::from_query(
            req.query_string(),
        )?;
    let (course, learner) = learner_in_course(&state, &who).await?;
    let days = trail::days(&state.pool, &course, learner, granularity).await?;
    list_response(&days, wants_csv(&req, &format), None)
}

/// The statements behind a learner's timeline (one day with `day`, else `since`/`until`),
/// oldest first, in pages (`limit`, default and at most 1000; `next` continues).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(LearnerInCourse, StatementsQuery, FormatQuery),
    responses((status = 200, description = "a page of TrailStatement (JSON), or the whole list as CSV with `format=csv`", content((Page<TrailStatement> = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/learners/statements")]
pub async fn learner_statements(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(who, And(query, format))) = Params::<
        And<LearnerInCourse, And<StatementsQuery, FormatQuery>>,
    >::from_query(req.query_string())?;
    let (course, learner) = learner_in_course(&state, &who).await?;
    let version = crate::xapi::XapiVersion::V2_0(0);
    let window = match query.day {
        Some(Day(day)) => {
            let from = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            (Some(from), Some(from + chrono::Duration::days(1)))
        }
        // Unbounded when not given: chrono's extreme instants are outside PostgreSQL's range.
        None => (
            query.since.map(|t| t.at("since", version)).transpose()?,
            query.until.map(|t| t.at("until", version)).transpose()?,
        ),
    };
    let (statements, next) = trail::statements(
        &state.pool,
        &course,
        learner,
        window,
        query.cursor.as_deref(),
        query.limit.0,
    )
    .await?;
    list_response(&statements, wants_csv(&req, &format), next)
}
