//! A course's settings: title, dates and assessment deadlines, which an administrator can set
//! before the first statement names the course (the course is then created), one field at a
//! time (a field left out keeps its value; `null` clears it).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use sqlx::PgPool;

use crate::error::ApiError;
use crate::service::courses::{CourseDetail, DeadlineView, detail};
use crate::store::analytics::course_settings::{
    self as settings, Change, Deadline, SettingsChange, SettingsError,
};

/// A field of a settings request: left out (keep), `null` (clear) or a value.
#[derive(Debug, Default)]
pub struct Field<T>(Change<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Field(match Option::<T>::deserialize(deserializer)? {
            None => Change::Clear,
            Some(value) => Change::Set(value),
        }))
    }
}

/// Course settings. Every field is optional: one left out keeps its value, `null` clears it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseSettings {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Field<String>,
    /// Week 1 starts on this day; unset = the day of the course's first statement.
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Field<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Field<NaiveDate>,
    /// Assessment deadlines: replace the course's list (`[]` clears it).
    #[serde(default)]
    pub deadlines: Option<Vec<DeadlineView>>,
}

fn deadlines(input: &[DeadlineView]) -> Result<Vec<Deadline>, ApiError> {
    let mut seen = std::collections::HashSet::new();
    input
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if !crate::xapi::is_absolute_iri(&d.activity) {
                return Err(ApiError::invalid(
                    format!("deadlines[{i}].activity"),
                    "must be an absolute IRI",
                ));
            }
            if !seen.insert(d.activity.as_str()) {
                return Err(ApiError::invalid(
                    format!("deadlines[{i}].activity"),
                    "this activity has a deadline already in the list",
                ));
            }
            Ok(Deadline {
                activity: d.activity.clone(),
                due: d.due,
                title: d.title.clone(),
            })
        })
        .collect()
}

/// Applies a settings request to the course `iri` (an absolute IRI), creating the course when
/// no statement has named it yet; answers the course as it now stands.
pub async fn apply(
    pool: &PgPool,
    iri: &str,
    request: CourseSettings,
) -> Result<CourseDetail, ApiError> {
    let deadlines = request.deadlines.as_deref().map(deadlines).transpose()?;
    let change = SettingsChange {
        title: match &request.title.0 {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(title) => Change::Set(title.as_str()),
        },
        start_date: request.start_date.0,
        end_date: request.end_date.0,
        deadlines: deadlines.as_deref(),
    };
    let id = settings::apply(pool, iri, &change)
        .await
        .map_err(|e| match e {
            SettingsError::EndBeforeStart {
                end,
                start,
                start_is_first_day,
            } => ApiError::invalid(
                "end_date",
                format!(
                    "{end} is before {}, {start}",
                    if start_is_first_day {
                        "the day of the course's first statement (its start when start_date is not set)"
                    } else {
                        "start_date"
                    }
                ),
            ),
            SettingsError::Database(e) => e.into(),
        })?;
    detail(pool, id).await
}
