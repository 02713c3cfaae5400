//! A course as the analytics show it: its headline numbers, dates and deadlines.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::analytics::course_settings as settings;
use crate::store::analytics::reports::{self, CourseRow};

/// A course with its headline numbers.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct CourseView {
    /// The course IRI (the `course` parameter of the other endpoints).
    course: String,
    title: Option<String>,
    /// The start: set through the settings, else the day of the first statement.
    start_date: Option<NaiveDate>,
    start_date_set: bool,
    end_date: Option<NaiveDate>,
    /// The current course week (1 = the week starting on the start date).
    current_week: Option<i64>,
    learners: i64,
    statements: i64,
    active_last_7_days: i64,
    high_risk: i64,
    activities: i64,
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
    course: CourseView,
    deadlines: Vec<DeadlineView>,
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
