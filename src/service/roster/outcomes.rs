//! Outcomes from a student-information system: who passed, failed or withdrew, the labels
//! the at-risk models learn from.

use std::collections::{HashMap, HashSet};

use sqlx::PgPool;

use super::learner_key::learner_key;
use crate::analytics::classify::Outcome;
use crate::error::ApiError;
use crate::store::analytics::{enrolments, reports};

/// Rows per upload, at most.
pub const MAX_ROWS: usize = 100_000;

/// Records the outcomes of `rows` (learner, outcome as written) in the course. A learner who is
/// not in the course is refused, naming the row, unless `enrol` (which enrols them). Returns
/// how many were recorded.
pub async fn record(
    pool: &PgPool,
    course: i64,
    rows: &[(String, String)],
    enrol: bool,
) -> Result<u64, ApiError> {
    let raw = rows;
    if raw.len() > MAX_ROWS {
        return Err(ApiError::PayloadTooLarge(
            "at most 100,000 outcomes per upload".into(),
        ));
    }
    let mut outcomes = Vec::with_capacity(raw.len());
    // A learner twice in one upload has no defined winner: refused, naming both rows.
    let mut rows_by_learner: HashMap<String, usize> = HashMap::new();
    for (i, (learner, outcome)) in raw.iter().enumerate() {
        let (ifi, agent) = learner_key(learner)
            .map_err(|e| ApiError::invalid(format!("[{i}].learner"), e.to_string()))?;
        if let Some(first) = rows_by_learner.insert(ifi.clone(), i) {
            return Err(ApiError::invalid(
                format!("[{i}].learner"),
                format!("the same learner as row [{first}]; give each learner once"),
            ));
        }
        let outcome = Outcome::parse(outcome).ok_or_else(|| {
            ApiError::invalid(format!("[{i}].outcome"), "must be pass, fail or withdrawn")
        })?;
        outcomes.push((ifi, agent, outcome.as_str().to_owned()));
    }
    if !enrol {
        let ifis: Vec<String> = outcomes.iter().map(|o| o.0.clone()).collect();
        let known: HashSet<String> = enrolments::in_course(pool, course, &ifis)
            .await?
            .into_iter()
            .collect();
        if let Some((i, (ifi, _, _))) = outcomes
            .iter()
            .enumerate()
            .find(|(_, o)| !known.contains(&o.0))
        {
            return Err(ApiError::invalid(
                format!("[{i}].learner"),
                format!(
                    "{ifi} is not in this course (no statement in it, not on its roster); \
                     enrol them first (POST /analytics/enrolments), or send enrol=true"
                ),
            ));
        }
    }
    Ok(reports::upload_outcomes(pool, course, &outcomes).await?)
}
