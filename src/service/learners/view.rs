//! A learner of a course as the learner list shows it: metrics, outcome, risk and its three
//! reasons, with stable column names (the JSON fields and the CSV columns alike).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::analytics::learners::LearnerListRow;

// The metrics' columns are those of `analytics::metrics::LEARNER_METRICS`, in its order, and
// the OpenAPI document describes them from it.
/// A learner in a course: engagement metrics, outcome and risk. Column names are stable.
#[derive(Serialize, Default, utoipa::ToSchema, Clone)]
pub struct LearnerView {
    /// The learner's IFI key (the `learner` parameter of the other endpoints).
    pub learner: String,
    pub name: Option<String>,
    pub course: Option<String>,
    pub statements: i64,
    pub active_days: i64,
    pub sessions: i64,
    pub time_on_task_hours: f64,
    pub distinct_activities: i64,
    pub coverage: f64,
    pub completions: i64,
    pub successes: i64,
    pub failures: i64,
    pub attempts: i64,
    pub mean_score: Option<f64>,
    #[serde(serialize_with = "instant")]
    pub first_activity: Option<DateTime<Utc>>,
    #[serde(serialize_with = "instant")]
    pub last_activity: Option<DateTime<Utc>>,
    pub days_since_last_activity: Option<f64>,
    pub regularity_days: Option<f64>,
    /// pass, fail or withdrawn, when known.
    pub outcome: Option<String>,
    /// Probability of an unsuccessful outcome (0..1) from the active model.
    pub risk: Option<f64>,
    /// high, medium or low.
    pub risk_band: Option<String>,
    pub factor_1: Option<String>,
    pub factor_1_contribution: Option<f64>,
    pub factor_1_explanation: Option<String>,
    pub factor_2: Option<String>,
    pub factor_2_contribution: Option<f64>,
    pub factor_2_explanation: Option<String>,
    pub factor_3: Option<String>,
    pub factor_3_contribution: Option<f64>,
    pub factor_3_explanation: Option<String>,
    pub model_id: Option<i64>,
    #[serde(serialize_with = "instant")]
    pub scored_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub sort_values: SortValues,
}

/// The unrounded values a list is sorted and filtered by (`order`, `filter`): the
/// response rounds them, and rounding made ties that PostgreSQL, sorting the same rows, would
/// not see.
#[derive(Clone, Default)]
pub struct SortValues {
    pub risk: Option<f64>,
    pub time_secs: f64,
    pub coverage: f64,
}

fn round(v: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}

impl LearnerView {
    pub fn from_row(
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

/// An optional instant as RFC 3339, exactly as chrono's own `Serialize` writes it (`Z`, as
/// many fractional digits as needed), but formatted once into a string: chrono's formatter
/// goes through `collect_str`, which escapes it character by character, and three instants
/// per learner made that visible in 10,000-learner lists.
pub fn instant<S: serde::Serializer>(
    value: &Option<chrono::DateTime<chrono::Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(t) => {
            serializer.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::LearnerView;
    use crate::analytics::metrics::LEARNER_METRICS;

    #[test]
    fn the_metric_columns_are_the_catalogs_in_its_order() {
        let view = serde_json::to_value(LearnerView::default()).expect("a view");
        let columns: Vec<&str> = view
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let first = columns
            .iter()
            .position(|c| *c == LEARNER_METRICS[0].column)
            .expect("the first metric");
        let metrics: Vec<&str> = LEARNER_METRICS.iter().map(|m| m.column).collect();
        assert_eq!(columns[first..first + metrics.len()], metrics[..]);
    }
}
