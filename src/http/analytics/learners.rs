//! The learners of a course with their metrics and risk, and one learner across courses
//! (`service::learners`).

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::params::{CourseQuery, FormatQuery, LearnerQuery};
use super::{Page, course_param, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{And, Params};
use crate::http::state::AppState;
use crate::service::learners::{self, LearnerView, ListQuery};

/// The learners of a course with metrics and risk, filtered, sorted and paged.
///
/// With `as_of_week`, metrics (and the active model's scores) use only statements before the
/// end of that course week: what an instructor could have known then.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(CourseQuery, ListQuery, FormatQuery),
    responses((status = 200, description = "a page of LearnerView (JSON), or the whole list as CSV with `format=csv`", content((Page<LearnerView> = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/courses/learners")]
pub async fn course_learners(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(course, And(query, format))) =
        Params::<And<CourseQuery, And<ListQuery, FormatQuery>>>::from_query(req.query_string())?;
    let course = course_param(&state, &course).await?;
    let csv = wants_csv(&req, &format);
    let page = learners::course_learners(&state.pool, &course, &query).await?;
    list_response(&page.rows(), csv, page.next.clone())
}

/// One learner across every course they are in.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(LearnerQuery, FormatQuery),
    responses((status = 200, description = "a page of LearnerView (JSON), or the whole list as CSV with `format=csv`", content((Page<LearnerView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/learners/courses")]
pub async fn learner_courses(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(And(learner, format)) =
        Params::<And<LearnerQuery, FormatQuery>>::from_query(req.query_string())?;
    let learner = learners::find(&state.pool, &learner.learner).await?;
    let views = learners::learner_courses(&state.pool, learner).await?;
    list_response(&views, wants_csv(&req, &format), None)
}
