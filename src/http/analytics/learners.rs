//! The learners of a course with their metrics and risk, and one learner across courses.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::as_of::{Cutoff, as_of};
use super::list_filter::Filter;
use super::list_order::ListOrder;
use super::list_page::sql_page;
use super::{Page, course_param, cutoff_week, learner_ifi, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::store::analytics::learners::{self as learner_rows, LearnerListRow};
use crate::store::analytics::metrics;
use crate::store::analytics::reports;

/// A learner in a course: engagement metrics, outcome and risk. Column names are stable.
#[derive(Serialize, Default, utoipa::ToSchema, Clone)]
pub struct LearnerView {
    /// The learner's IFI key (the `learner` parameter of the other endpoints).
    pub(super) learner: String,
    pub(super) name: Option<String>,
    course: Option<String>,
    pub(super) statements: i64,
    pub(super) active_days: i64,
    sessions: i64,
    pub(super) time_on_task_hours: f64,
    distinct_activities: i64,
    /// Distinct activities touched / activities of the course (0..1).
    pub(super) coverage: f64,
    completions: i64,
    successes: i64,
    failures: i64,
    attempts: i64,
    mean_score: Option<f64>,
    #[serde(serialize_with = "super::instant")]
    first_activity: Option<DateTime<Utc>>,
    #[serde(serialize_with = "super::instant")]
    pub(super) last_activity: Option<DateTime<Utc>>,
    pub(super) days_since_last_activity: Option<f64>,
    /// Standard deviation, in days, of the gaps between active days (lower = more regular).
    regularity_days: Option<f64>,
    /// pass, fail or withdrawn, when known.
    pub(super) outcome: Option<String>,
    /// Probability of an unsuccessful outcome (0..1) from the active model.
    pub(super) risk: Option<f64>,
    /// high, medium or low.
    pub(super) risk_band: Option<String>,
    factor_1: Option<String>,
    factor_1_contribution: Option<f64>,
    factor_1_explanation: Option<String>,
    factor_2: Option<String>,
    factor_2_contribution: Option<f64>,
    factor_2_explanation: Option<String>,
    factor_3: Option<String>,
    factor_3_contribution: Option<f64>,
    factor_3_explanation: Option<String>,
    model_id: Option<i64>,
    #[serde(serialize_with = "super::instant")]
    scored_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub(super) sort_values: SortValues,
}

/// The unrounded values a list is sorted and filtered by (`list_order`, `list_filter`): the
/// response rounds them, and rounding made ties that PostgreSQL, sorting the same rows, would
/// not see.
#[derive(Clone, Default)]
pub(super) struct SortValues {
    pub risk: Option<f64>,
    pub time_secs: f64,
    pub coverage: f64,
}

fn round(v: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}

impl LearnerView {
    pub(super) fn from_row(
        row: LearnerListRow,
        course: Option<String>,
        activities: f64,
        now: DateTime<Utc>,
    ) -> LearnerView {
        let coverage = if activities > 0.0 {
            (f64::from(row.distinct_activities) / activities).min(1.0)
        } else {
            0.0
        };
        LearnerView {
            sort_values: SortValues {
                risk: row.risk_probability,
                time_secs: row.time_secs,
                coverage,
            },
            learner: row.ifi,
            name: row.name,
            course,
            statements: i64::from(row.statements),
            active_days: i64::from(row.active_days),
            sessions: i64::from(row.sessions),
            time_on_task_hours: round(row.time_secs / 3600.0, 2),
            distinct_activities: i64::from(row.distinct_activities),
            coverage: round(coverage, 3),
            completions: i64::from(row.completions),
            successes: i64::from(row.successes),
            failures: i64::from(row.failures),
            attempts: i64::from(row.attempts),
            mean_score: (row.attempts > 0)
                .then(|| round(row.score_sum / f64::from(row.attempts), 3)),
            first_activity: row.first_ts,
            last_activity: row.last_ts,
            days_since_last_activity: row
                .last_ts
                .map(|t| round((now - t).num_seconds() as f64 / 86_400.0, 1)),
            regularity_days: row.regularity.map(|r| round(r, 2)),
            outcome: row.outcome,
            risk: row.risk_probability.map(|p| round(p, 4)),
            risk_band: row.risk_band,
            factor_1: row.factor_1,
            factor_1_contribution: row.factor_1_contribution,
            factor_1_explanation: row.factor_1_explanation,
            factor_2: row.factor_2,
            factor_2_contribution: row.factor_2_contribution,
            factor_2_explanation: row.factor_2_explanation,
            factor_3: row.factor_3,
            factor_3_contribution: row.factor_3_contribution,
            factor_3_explanation: row.factor_3_explanation,
            model_id: row.risk_model_id,
            scored_at: row.risk_updated,
        }
    }
}

/// A day, from `YYYY-MM-DD` or an RFC 3339 instant (its UTC day).
fn parse_day(text: &str) -> Result<chrono::NaiveDate, ApiError> {
    text.parse::<chrono::NaiveDate>()
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&Utc).date_naive())
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "as_of",
                "must be a date (YYYY-MM-DD) or an RFC 3339 instant",
            )
        })
}

const LIST_PARAMS: &[&str] = &[
    "course",
    "band",
    "min_risk",
    "inactive_days",
    "outcome",
    "sort",
    "order",
    "limit",
    "cursor",
    "as_of_week",
    "as_of",
    "format",
];

/// The learners of a course with metrics and risk, filtered, sorted and paged.
///
/// With `as_of_week`, metrics (and the active model's scores) use only statements before the
/// end of that course week: what an instructor could have known then.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(
        ("course" = String, Query),
        ("band" = Option<String>, Query, description = "high, medium or low"),
        ("min_risk" = Option<f64>, Query, description = "only learners at or above this risk (0..1)"),
        ("inactive_days" = Option<f64>, Query, description = "only learners inactive for at least this many days"),
        ("outcome" = Option<String>, Query, description = "pass, fail, withdrawn or unknown"),
        ("sort" = Option<String>, Query, description = "risk (default), name, last_activity, statements, active_days, time_on_task, coverage"),
        ("order" = Option<String>, Query, description = "desc (default) or asc"),
        ("limit" = Option<u32>, Query, description = "page size, default 100, at most 10000"),
        ("cursor" = Option<String>, Query),
        ("as_of_week" = Option<u32>, Query, description = "metrics and scores as of the end of this course week"),
        ("as_of" = Option<String>, Query, description = "metrics and scores as of this day (YYYY-MM-DD or an instant, day resolution): statements of earlier days count"),
        ("format" = Option<String>, Query, description = "json or csv")
    ),
    responses((status = 200, description = "a page of LearnerView (JSON), or the whole list as CSV with `format=csv`", content((Page<LearnerView> = "application/json"), (String = "text/csv"))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/courses/learners")]
pub async fn course_learners(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(LIST_PARAMS)?;
    let course = course_param(&state, &params).await?;
    let csv = wants_csv(&req, &params)?;
    let cutoff = match (params.non_negative("as_of_week")?, params.get("as_of")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "as_of",
                "give as_of_week or as_of, not both",
            ));
        }
        (Some(week), None) => Some(Cutoff::Week(cutoff_week("as_of_week", week, 0)?)),
        (None, Some(text)) => Some(Cutoff::Day(parse_day(text)?)),
        (None, None) => None,
    };
    let filter = Filter::parse(&params)?;
    let order = ListOrder::parse(&params, course.id)?;

    let mut views: Vec<LearnerView> = match cutoff {
        None => {
            let now = Utc::now();
            let activities = metrics::course_activities(&state.pool, course.id).await?;
            if let Some((page, next)) =
                sql_page(&state, course.id, activities, &filter, &order, now).await?
            {
                return list_response(&page, csv, next);
            }
            learner_rows::course_learners(&state.pool, course.id)
                .await?
                .into_iter()
                .map(|row| LearnerView::from_row(row, None, activities, now))
                .collect()
        }
        Some(cutoff) => as_of(&state, &course, cutoff).await?,
    };
    views.retain(|v| filter.keeps(v));
    let (page, next) = order.page(&views);
    list_response(&page, csv, next)
}

/// One learner across every course they are in.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(
        ("learner" = String, Query, description = "IFI key, Agent JSON or e-mail address"),
        ("format" = Option<String>, Query, description = "json or csv")
    ),
    responses((status = 200, description = "a page of LearnerView (JSON), or the whole list as CSV with `format=csv`", content((Page<LearnerView> = "application/json"), (String = "text/csv"))), (status = 404, body = ErrorBody))
)]
#[get("/learners/courses")]
pub async fn learner_courses(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(&["learner", "format"])?;
    let (ifi, _) = learner_ifi(params.required("learner")?)?;
    let learner = reports::learner_id(&state.pool, &ifi)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no learner {ifi}")))?;
    let now = Utc::now();
    let mut views = Vec::new();
    for row in learner_rows::learner_courses(&state.pool, learner).await? {
        let Some(course) = metrics::course_by_id(&state.pool, row.course_id).await? else {
            continue;
        };
        let activities = metrics::course_activities(&state.pool, course.id).await?;
        views.push(LearnerView::from_row(
            row,
            Some(course.iri),
            activities,
            now,
        ));
    }
    list_response(&views, wants_csv(&req, &params)?, None)
}
