//! The learners of a course with their metrics and risk, and one learner across courses.

use actix_web::{HttpRequest, HttpResponse, get, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::as_of::{Cutoff, as_of};
use super::{course_param, learner_ifi, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::store::analytics::learners::{self as learner_rows, LearnerListRow};
use crate::store::analytics::metrics;
use crate::store::analytics::reports;

/// A learner in a course: engagement metrics, outcome and risk. Column names are stable.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct LearnerView {
    /// The learner's IFI key (the `learner` parameter of the other endpoints).
    learner: String,
    name: Option<String>,
    course: Option<String>,
    statements: i64,
    active_days: i64,
    sessions: i64,
    time_on_task_hours: f64,
    distinct_activities: i64,
    /// Distinct activities touched / activities of the course (0..1).
    coverage: f64,
    completions: i64,
    successes: i64,
    failures: i64,
    attempts: i64,
    mean_score: Option<f64>,
    #[serde(serialize_with = "super::instant")]
    first_activity: Option<DateTime<Utc>>,
    #[serde(serialize_with = "super::instant")]
    last_activity: Option<DateTime<Utc>>,
    days_since_last_activity: Option<f64>,
    /// Standard deviation, in days, of the gaps between active days (lower = more regular).
    regularity_days: Option<f64>,
    /// pass, fail or withdrawn, when known.
    outcome: Option<String>,
    /// Probability of an unsuccessful outcome (0..1) from the active model.
    risk: Option<f64>,
    /// high, medium or low.
    risk_band: Option<String>,
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
        LearnerView {
            learner: row.ifi,
            name: row.name,
            course,
            statements: i64::from(row.statements),
            active_days: i64::from(row.active_days),
            sessions: i64::from(row.sessions),
            time_on_task_hours: round(row.time_secs / 3600.0, 2),
            distinct_activities: i64::from(row.distinct_activities),
            coverage: if activities > 0.0 {
                round(
                    (f64::from(row.distinct_activities) / activities).min(1.0),
                    3,
                )
            } else {
                0.0
            },
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

/// Sort orders of the learner list.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
enum Sort {
    Risk,
    Name,
    LastActivity,
    Statements,
    ActiveDays,
    TimeOnTask,
    Coverage,
}

impl Sort {
    fn parse(text: &str) -> Option<Sort> {
        Some(match text {
            "risk" => Sort::Risk,
            "name" => Sort::Name,
            "last_activity" => Sort::LastActivity,
            "statements" => Sort::Statements,
            "active_days" => Sort::ActiveDays,
            "time_on_task" => Sort::TimeOnTask,
            "coverage" => Sort::Coverage,
            _ => return None,
        })
    }

    /// The sort key of a row (text for names, a number otherwise; missing values sort last).
    fn key(self, v: &LearnerView) -> (f64, String) {
        match self {
            Sort::Risk => (v.risk.unwrap_or(-1.0), String::new()),
            Sort::Name => (0.0, v.name.clone().unwrap_or_default().to_lowercase()),
            Sort::LastActivity => (
                v.last_activity
                    .map_or(f64::MIN, |t| t.timestamp_millis() as f64),
                String::new(),
            ),
            Sort::Statements => (v.statements as f64, String::new()),
            Sort::ActiveDays => (v.active_days as f64, String::new()),
            Sort::TimeOnTask => (v.time_on_task_hours, String::new()),
            Sort::Coverage => (v.coverage, String::new()),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct ListCursor {
    k: f64,
    t: String,
    l: String,
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
    responses((status = 200, description = "{items: [LearnerView], next}", body = Vec<LearnerView>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
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
    let now = Utc::now();
    let activities = metrics::course_activities(&state.pool, course.id).await?;
    let cutoff = match (params.non_negative("as_of_week")?, params.get("as_of")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "as_of",
                "give as_of_week or as_of, not both",
            ));
        }
        (Some(week), None) => Some(Cutoff::Week(u32::try_from(week).unwrap_or(u32::MAX))),
        (None, Some(text)) => Some(Cutoff::Day(parse_day(text)?)),
        (None, None) => None,
    };
    let mut views: Vec<LearnerView> = match cutoff {
        None => learner_rows::course_learners(&state.pool, course.id)
            .await?
            .into_iter()
            .map(|row| LearnerView::from_row(row, None, activities, now))
            .collect(),
        Some(cutoff) => as_of(&state, &course, cutoff).await?,
    };

    if let Some(band) = params.get("band") {
        if !["high", "medium", "low"].contains(&band) {
            return Err(ApiError::invalid("band", "must be high, medium or low"));
        }
        views.retain(|v| v.risk_band.as_deref() == Some(band));
    }
    if let Some(min) = params.get("min_risk") {
        let min: f64 = min
            .parse()
            .map_err(|_| ApiError::invalid("min_risk", "must be a number between 0 and 1"))?;
        views.retain(|v| v.risk.is_some_and(|r| r >= min));
    }
    if let Some(days) = params.get("inactive_days") {
        let days: f64 = days
            .parse()
            .map_err(|_| ApiError::invalid("inactive_days", "must be a number of days"))?;
        views.retain(|v| v.days_since_last_activity.is_none_or(|d| d >= days));
    }
    if let Some(outcome) = params.get("outcome") {
        match outcome {
            "unknown" => views.retain(|v| v.outcome.is_none()),
            "pass" | "fail" | "withdrawn" => {
                views.retain(|v| v.outcome.as_deref() == Some(outcome))
            }
            _ => {
                return Err(ApiError::invalid(
                    "outcome",
                    "must be pass, fail, withdrawn or unknown",
                ));
            }
        }
    }

    let sort = match params.get("sort") {
        None => Sort::Risk,
        Some(s) => Sort::parse(s).ok_or_else(|| ApiError::invalid("sort", "unknown sort order"))?,
    };
    let descending = match params.get("order") {
        None => sort != Sort::Name,
        Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(ApiError::invalid("order", "must be asc or desc")),
    };
    let compare = |a: &(f64, String, &str), b: &(f64, String, &str)| {
        let ordering = a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1));
        let ordering = if descending {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then_with(|| a.2.cmp(b.2))
    };
    // Each view's key is computed once, and positions are sorted rather than the views (a
    // view is a few hundred bytes: moving 10,000 of them around cost more than comparing).
    let keys: Vec<(f64, String, &str)> = views
        .iter()
        .map(|v| {
            let (k, t) = sort.key(v);
            (k, t, v.learner.as_str())
        })
        .collect();
    let mut order: Vec<usize> = (0..views.len()).collect();
    order.sort_by(|&a, &b| compare(&keys[a], &keys[b]));
    if let Some(cursor) = params.get("cursor") {
        let cursor: ListCursor = URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or_else(|| ApiError::invalid("cursor", "not a cursor of this list"))?;
        let position = (cursor.k, cursor.t, cursor.l.as_str());
        order.retain(|&i| compare(&keys[i], &position) == std::cmp::Ordering::Greater);
    }
    let limit = params
        .non_negative("limit")?
        .unwrap_or(100)
        .clamp(1, 10_000) as usize;
    let next = (order.len() > limit).then(|| {
        let (k, t, l) = &keys[order[limit - 1]];
        URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&ListCursor {
                k: *k,
                t: t.clone(),
                l: (*l).to_owned(),
            })
            .unwrap_or_default(),
        )
    });
    order.truncate(limit);
    let page: Vec<&LearnerView> = order.iter().map(|&i| &views[i]).collect();
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
    responses((status = 200, description = "{items: [LearnerView], next: null}", body = Vec<LearnerView>), (status = 404, body = ErrorBody))
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
