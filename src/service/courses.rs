//! Courses as the analytics show them: the list with headline numbers, one course's dates
//! and deadlines, its weekly series and its activity × week heatmap.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::analytics::course_settings as settings;
use crate::store::analytics::metrics::CourseDates;
use crate::store::analytics::reports::{self, CourseRow};

/// A course with its headline numbers.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct CourseView {
    /// The course IRI (the `course` parameter of the other endpoints).
    pub course: String,
    pub title: Option<String>,
    /// The start: set through the settings, else the day of the first statement.
    pub start_date: Option<NaiveDate>,
    pub start_date_set: bool,
    pub end_date: Option<NaiveDate>,
    /// The current course week (1 = the week starting on the start date).
    pub current_week: Option<i64>,
    pub learners: i64,
    pub statements: i64,
    pub active_last_7_days: i64,
    pub high_risk: i64,
    pub activities: i64,
}

impl From<CourseRow> for CourseView {
    fn from(row: CourseRow) -> Self {
        let start = row.start_date.or(row.first_day);
        CourseView {
            course: row.iri,
            title: row.title,
            start_date: start,
            start_date_set: row.start_date.is_some(),
            end_date: row.end_date,
            current_week: start.map(|s| (Utc::now().date_naive() - s).num_days().div_euclid(7) + 1),
            learners: row.learners,
            statements: row.statements,
            active_last_7_days: row.active_last_7_days,
            high_risk: row.high_risk,
            activities: row.activities,
        }
    }
}

/// An assessment deadline: the activity to submit or attempt, and when it is due.
#[derive(Serialize, Deserialize, Clone, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineView {
    /// The activity IRI.
    pub activity: String,
    pub due: DateTime<Utc>,
    pub title: Option<String>,
}

/// A course with its deadlines.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CourseDetail {
    #[serde(flatten)]
    pub course: CourseView,
    pub deadlines: Vec<DeadlineView>,
}

/// The course with this IRI; 404 when no statement (nor roster, nor settings) has named it.
pub async fn find(pool: &PgPool, iri: &str) -> Result<CourseDates, ApiError> {
    crate::store::analytics::metrics::course_by_iri(pool, iri)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no course {iri} (no statement has named it)")))
}

/// The course with its deadlines.
pub async fn detail(pool: &PgPool, id: i64) -> Result<CourseDetail, ApiError> {
    let row = reports::course(pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such course".into()))?;
    let deadlines = settings::deadlines(pool, id)
        .await?
        .into_iter()
        .map(|d| DeadlineView {
            activity: d.activity,
            due: d.due,
            title: d.title,
        })
        .collect();
    Ok(CourseDetail {
        course: CourseView::from(row),
        deadlines,
    })
}

/// The longest page of the course list.
pub const MAX_COURSES_PAGE: usize = 1000;

/// A page of the courses, in the order they were first seen, after the course of `cursor`
/// (the `next` of the previous page); and the next page's cursor.
pub async fn list(
    pool: &PgPool,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<CourseView>, Option<String>), ApiError> {
    let after = match cursor {
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| ApiError::invalid("cursor", "not a cursor of this list"))?,
        None => 0,
    };
    let limit = limit.clamp(1, MAX_COURSES_PAGE);
    let rows = reports::courses(pool, after, limit as i64 + 1).await?;
    let next = (rows.len() > limit).then(|| rows[limit - 1].id.to_string());
    let views = rows.into_iter().take(limit).map(CourseView::from).collect();
    Ok((views, next))
}

/// One course week.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct WeekView {
    pub week: i32,
    pub week_start: NaiveDate,
    pub statements: i64,
    pub time_on_task_hours: f64,
    /// Learners with at least one statement in the week.
    pub active_learners: i64,
    /// Learners whose first statement falls in the week.
    pub new_learners: i64,
}

/// Statements, time on task, active and new learners per course week; empty for a course
/// with no start date and no statements.
pub async fn weekly(pool: &PgPool, course: &CourseDates) -> Result<Vec<WeekView>, ApiError> {
    let Some(start) = course.start else {
        return Ok(Vec::new());
    };
    Ok(reports::weekly(pool, course.id, start)
        .await?
        .into_iter()
        .map(|w| WeekView {
            week: w.week,
            week_start: start + chrono::Duration::days(7 * i64::from(w.week - 1)),
            statements: w.statements,
            time_on_task_hours: (w.time_secs / 36.0).round() / 100.0,
            active_learners: w.active_learners,
            new_learners: w.new_learners,
        })
        .collect())
}

/// One cell of the activity x week heatmap.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct HeatCell {
    pub activity: String,
    pub activity_name: Option<String>,
    pub activity_type: Option<String>,
    pub week: i32,
    pub accesses: i64,
}

/// Accesses per activity and course week; empty for a course with no start date and no
/// statements.
pub async fn heatmap(pool: &PgPool, course: &CourseDates) -> Result<Vec<HeatCell>, ApiError> {
    let Some(start) = course.start else {
        return Ok(Vec::new());
    };
    Ok(reports::heatmap(pool, course.id, start)
        .await?
        .into_iter()
        .map(|h| HeatCell {
            activity: h.activity_id,
            activity_name: h.name,
            activity_type: h.activity_type,
            week: h.week,
            accesses: h.accesses,
        })
        .collect())
}
