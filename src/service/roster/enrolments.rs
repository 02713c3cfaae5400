//! Rosters from a student-information system: who is enrolled in a course, since when, whether
//! they withdrew and when, and attributes the institution chooses to send (a programme, a
//! prior-attainment band) for the fairness report.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;

use super::learner_key::learner_key;
use crate::error::ApiError;
use crate::store::analytics::course_settings;
use crate::store::analytics::enrolments::{self, Enrolment};

/// Rows per upload, at most.
pub const MAX_ROWS: usize = 100_000;
/// Attributes per learner, at most, and their sizes.
const MAX_ATTRIBUTES: usize = 20;
const MAX_ATTRIBUTE_NAME: usize = 64;
const MAX_ATTRIBUTE_VALUE: usize = 256;

/// One enrolment (JSON form). In CSV: columns `learner`, `enrolled_at`, `withdrawn_at`, and
/// every other column an attribute.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentInput {
    /// An Agent (object), or an IFI key or e-mail address (string).
    #[schema(value_type = Object)]
    pub learner: Value,
    pub enrolled_at: Option<DateTime<Utc>>,
    /// When the learner withdrew (null: still enrolled).
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Attributes the institution chooses to send, as strings (e.g. `{"programme": "BSc
    /// Biology", "prior_attainment": "B"}`): the evaluation reports the model's accuracy per
    /// value of each.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// A learner on the roster.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct EnrolmentView {
    learner: String,
    name: Option<String>,
    enrolled_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    /// The attributes, as JSON text.
    attributes: String,
    /// Statements in the course: 0 for a learner who never started.
    statements: i64,
    never_started: bool,
}

/// Records enrolments in the course `course` (an absolute IRI), creating the course when no
/// statement has named it yet: each learner's enrolment is created or replaced. Returns how
/// many were written.
pub async fn enrol(
    pool: &PgPool,
    course: &str,
    rows: Vec<EnrolmentInput>,
) -> Result<u64, ApiError> {
    if rows.len() > MAX_ROWS {
        return Err(ApiError::PayloadTooLarge(format!(
            "at most {MAX_ROWS} enrolments per upload"
        )));
    }
    let enrolments = validate(rows)?;
    let course = course_settings::ensure(pool, course).await?;
    Ok(enrolments::upsert(pool, course, &enrolments).await?)
}

/// The course's roster: each enrolled learner, with their statements in the course.
pub async fn list(pool: &PgPool, course: i64) -> Result<Vec<EnrolmentView>, ApiError> {
    let rows: Vec<EnrolmentView> = enrolments::list(pool, course)
        .await?
        .into_iter()
        .map(|r| EnrolmentView {
            learner: r.learner_ifi,
            name: r.learner_name,
            enrolled_at: r.enrolled_at,
            withdrawn_at: r.withdrawn_at,
            attributes: r.attributes.to_string(),
            never_started: r.statements == 0,
            statements: r.statements,
        })
        .collect();
    Ok(rows)
}

fn validate(rows: Vec<EnrolmentInput>) -> Result<Vec<Enrolment>, ApiError> {
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let text = match row.learner {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let (ifi, agent) = learner_key(&text)
            .map_err(|e| ApiError::invalid(format!("[{i}].learner"), e.to_string()))?;
        if let Some(first) = first_row.insert(ifi.clone(), i) {
            return Err(ApiError::invalid(
                format!("[{i}].learner"),
                format!("the same learner as row [{first}]; give each learner once"),
            ));
        }
        if let (Some(enrolled), Some(withdrawn)) = (row.enrolled_at, row.withdrawn_at)
            && withdrawn < enrolled
        {
            return Err(ApiError::invalid(
                format!("[{i}].withdrawn_at"),
                "is before enrolled_at",
            ));
        }
        if row.attributes.len() > MAX_ATTRIBUTES {
            return Err(ApiError::invalid(
                format!("[{i}].attributes"),
                format!("at most {MAX_ATTRIBUTES} attributes"),
            ));
        }
        for (name, value) in &row.attributes {
            if name.is_empty() || name.chars().count() > MAX_ATTRIBUTE_NAME {
                return Err(ApiError::invalid(
                    format!("[{i}].attributes"),
                    format!("an attribute name must be 1 to {MAX_ATTRIBUTE_NAME} characters"),
                ));
            }
            if value.chars().count() > MAX_ATTRIBUTE_VALUE {
                return Err(ApiError::invalid(
                    format!("[{i}].attributes.{name}"),
                    format!("at most {MAX_ATTRIBUTE_VALUE} characters"),
                ));
            }
        }
        out.push(Enrolment {
            ifi,
            agent,
            enrolled_at: row.enrolled_at,
            withdrawn_at: row.withdrawn_at,
            attributes: serde_json::to_value(&row.attributes).unwrap_or(Value::Null),
        });
    }
    Ok(out)
}
