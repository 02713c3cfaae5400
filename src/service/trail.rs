//! A learner's trail in a course, for the drill-down: their days (or weeks) of activity, and
//! the statements behind them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::analytics::metrics::CourseDates;
use crate::store::analytics::reports;

/// Rows per course day, or per course week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Granularity {
    #[default]
    Day,
    Week,
}

/// `day` or `week`.
impl<'de> serde::Deserialize<'de> for Granularity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Granularity, D::Error> {
        match &*std::borrow::Cow::<str>::deserialize(d)? {
            "day" => Ok(Granularity::Day),
            "week" => Ok(Granularity::Week),
            _ => Err(serde::de::Error::custom("must be day or week")),
        }
    }
}

/// One day of a learner's activity in a course.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct TrailDayView {
    /// The day, or the first day of the week.
    pub day: NaiveDate,
    pub week: Option<i64>,
    /// 1 for a day with activity; the active days of a week.
    pub active_days: i32,
    pub statements: i32,
    pub sessions: i32,
    pub time_on_task_minutes: f64,
    pub completions: i32,
    pub successes: i32,
    pub failures: i32,
    pub attempts: i32,
    pub mean_score: Option<f64>,
}

/// The learner's active days (or weeks) in the course, oldest first.
pub async fn days(
    pool: &PgPool,
    course: &CourseDates,
    learner: i64,
    granularity: Granularity,
) -> Result<Vec<TrailDayView>, ApiError> {
    let start = course.start;
    let mut rows = reports::trail(pool, course.id, learner).await?;
    if granularity == Granularity::Week {
        rows = by_week(rows, start);
    }
    Ok(rows
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
        .collect())
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
    pub timestamp: DateTime<Utc>,
    pub statement_id: Option<String>,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub activity_name: Option<String>,
    pub score: Option<f64>,
    pub success: Option<bool>,
    pub completion: Option<bool>,
    pub duration: Option<String>,
}

/// The longest page of a learner's statements.
pub const MAX_STATEMENTS_PAGE: usize = 1000;

/// A page of the learner's statements in the course within `[from, to)` (either end open),
/// oldest first, after `cursor` (the `next` of the previous page); and the next page's cursor.
pub async fn statements(
    pool: &PgPool,
    course: &CourseDates,
    learner: i64,
    (from, to): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<TrailStatement>, Option<String>), ApiError> {
    let after = cursor.map(parse_cursor).transpose()?;
    let limit = limit.clamp(1, MAX_STATEMENTS_PAGE);
    let mut rows = reports::trail_statements(
        pool,
        course.id,
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
    let statements = rows
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
    Ok((statements, next))
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
