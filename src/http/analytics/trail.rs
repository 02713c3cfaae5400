//! Drill-down: one learner's daily timeline in a course, and the statements behind it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{Page, course_param, learner_ifi, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::store::analytics::reports;

/// One day of a learner's activity in a course.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct TrailDayView {
    /// The day, or the first day of the week.
    day: NaiveDate,
    week: Option<i64>,
    /// 1 for a day with activity; the active days of a week.
    active_days: i32,
    statements: i32,
    sessions: i32,
    time_on_task_minutes: f64,
    completions: i32,
    successes: i32,
    failures: i32,
    attempts: i32,
    mean_score: Option<f64>,
}

async fn learner_in_course(
    state: &AppState,
    params: &QueryParams,
) -> Result<(i64, i64, Option<NaiveDate>), ApiError> {
    let course = course_param(state, params).await?;
    let (ifi, _) = learner_ifi(params.required("learner")?)?;
    let learner = reports::learner_id(&state.pool, &ifi)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no learner {ifi}")))?;
    Ok((course.id, learner, course.start))
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
    params.allow_only(&["course", "learner", "granularity", "format"])?;
    let weekly = match params.get("granularity") {
        None | Some("day") => false,
        Some("week") => true,
        Some(_) => return Err(ApiError::invalid("granularity", "must be day or week")),
    };
    let (course, learner, start) = learner_in_course(&state, &params).await?;
    let mut rows = reports::trail(&state.pool, course, learner).await?;
    if weekly {
        rows = by_week(rows, start);
    }
    let days: Vec<TrailDayView> = rows
        .into_iter()
        .map(|d| TrailDayView {
            day: d.day,
            week: start.map(|s| (d.day - s).num_days().div_euclid(7) + 1),
            active_days: d.active_days,
            statements: d.statements,
            sessions: d.sessions,
            time_on_task_minutes: (d.time_secs / 0.6).round() / 100.0,
            completions: d.completions,
            successes: d.successes,
            failures: d.failures,
            attempts: d.attempts,
            mean_score: (d.attempts > 0).then(|| d.score_sum / f64::from(d.attempts)),
        })
        .collect();
    list_response(&days, wants_csv(&req, &params)?, None)
}

/// Sums days into course weeks (weeks start on the course start).
fn by_week(days: Vec<reports::TrailDay>, start: Option<NaiveDate>) -> Vec<reports::TrailDay> {
    let Some(start) = start else { return days };
    let mut weeks: Vec<reports::TrailDay> = Vec::new();
    for day in days {
        let offset = (day.day - start).num_days().div_euclid(7);
        let week_start = start + chrono::Duration::days(7 * offset);
        match weeks.last_mut() {
            Some(week) if week.day == week_start => {
                week.active_days += day.active_days;
                week.statements += day.statements;
                week.sessions += day.sessions;
                week.time_secs += day.time_secs;
                week.completions += day.completions;
                week.successes += day.successes;
                week.failures += day.failures;
                week.attempts += day.attempts;
                week.score_sum += day.score_sum;
            }
            _ => weeks.push(reports::TrailDay {
                day: week_start,
                ..day
            }),
        }
    }
    weeks
}

/// A statement behind the timeline.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct TrailStatement {
    timestamp: DateTime<Utc>,
    statement_id: Option<String>,
    verb: Option<String>,
    activity: Option<String>,
    activity_name: Option<String>,
    score: Option<f64>,
    success: Option<bool>,
    completion: Option<bool>,
    duration: Option<String>,
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
    params.allow_only(&[
        "course", "learner", "day", "since", "until", "limit", "cursor", "format",
    ])?;
    let limit = params.page_size("limit", 1000, 1000)?;
    let after = params.get("cursor").map(parse_cursor).transpose()?;
    let (course, learner, _) = learner_in_course(&state, &params).await?;
    let version = crate::xapi::XapiVersion::V2_0(0);
    let (from, to) = match params.get("day") {
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
    let mut rows = reports::trail_statements(
        &state.pool,
        course,
        learner,
        (from, to),
        after,
        limit as i64 + 1,
    )
    .await?;
    let next = (rows.len() > limit).then(|| {
        let (ts, seq, _) = &rows[limit - 1];
        format!("{}.{seq}", ts.timestamp_micros())
    });
    rows.truncate(limit);
    let text = |s: &Value, p: &str| s.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let statements: Vec<TrailStatement> = rows
        .into_iter()
        .map(|(ts, _, s)| TrailStatement {
            timestamp: ts,
            statement_id: text(&s, "/id"),
            verb: text(&s, "/verb/id"),
            activity: text(&s, "/object/id"),
            activity_name: s
                .pointer("/object/definition/name")
                .and_then(Value::as_object)
                .and_then(|m| m.values().next())
                .and_then(Value::as_str)
                .map(str::to_owned),
            score: s.pointer("/result/score/scaled").and_then(Value::as_f64),
            success: s.pointer("/result/success").and_then(Value::as_bool),
            completion: s.pointer("/result/completion").and_then(Value::as_bool),
            duration: text(&s, "/result/duration"),
        })
        .collect();
    list_response(&statements, wants_csv(&req, &params)?, next)
}

/// A `next` value of this list: the instant (microseconds) and sequence number of the last
/// statement of the previous page.
fn parse_cursor(text: &str) -> Result<(DateTime<Utc>, i64), ApiError> {
    text.split_once('.')
        .and_then(|(micros, seq)| {
            let ts = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            Some((ts, seq.parse().ok()?))
        })
        .ok_or_else(|| ApiError::invalid("cursor", "not a cursor of this list"))
}
