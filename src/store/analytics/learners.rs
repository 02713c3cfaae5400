//! The learners of a course, or the courses of a learner, with their totals and risk: the rows
//! behind the learner lists of the analytics API.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

/// A learner of a course, with current totals and risk.
#[derive(Debug, Clone, Default)]
pub struct LearnerListRow {
    pub course_id: i64,
    pub learner_id: i64,
    pub ifi: String,
    pub name: Option<String>,
    pub statements: i32,
    pub active_days: i32,
    pub sessions: i32,
    pub time_secs: f64,
    pub completions: i32,
    pub successes: i32,
    pub failures: i32,
    pub attempts: i32,
    pub score_sum: f64,
    pub distinct_activities: i32,
    pub first_ts: Option<DateTime<Utc>>,
    pub last_ts: Option<DateTime<Utc>>,
    pub regularity: Option<f64>,
    pub outcome: Option<String>,
    pub risk_probability: Option<f64>,
    pub risk_band: Option<String>,
    // The top three factors, stored as columns (migration 000007): decoding 10,000 JSON
    // values, in the LRS or in PostgreSQL, cost more than the rest of the query.
    pub factor_1: Option<String>,
    pub factor_1_contribution: Option<f64>,
    pub factor_1_explanation: Option<String>,
    pub factor_2: Option<String>,
    pub factor_2_contribution: Option<f64>,
    pub factor_2_explanation: Option<String>,
    pub factor_3: Option<String>,
    pub factor_3_contribution: Option<f64>,
    pub factor_3_explanation: Option<String>,
    pub risk_model_id: Option<i64>,
    pub risk_updated: Option<DateTime<Utc>>,
    /// The row's key in the list's order, when PostgreSQL sorted it (`learner_page`).
    pub sort_key: Option<f64>,
}

impl LearnerListRow {
    /// Sets the factor columns from a `[{factor, contribution, explanation}]` list.
    pub fn set_factors(&mut self, factors: &Value) {
        let text = |i: usize, field: &str| {
            factors
                .get(i)
                .and_then(|f| f.get(field))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let number = |i: usize| {
            factors
                .get(i)
                .and_then(|f| f.get("contribution"))
                .and_then(Value::as_f64)
        };
        (
            self.factor_1,
            self.factor_1_contribution,
            self.factor_1_explanation,
        ) = (text(0, "factor"), number(0), text(0, "explanation"));
        (
            self.factor_2,
            self.factor_2_contribution,
            self.factor_2_explanation,
        ) = (text(1, "factor"), number(1), text(1, "explanation"));
        (
            self.factor_3,
            self.factor_3_contribution,
            self.factor_3_explanation,
        ) = (text(2, "factor"), number(2), text(2, "explanation"));
    }
}

/// A query of learner rows (`LearnerListRow`): `$before` (a `WITH`, or ""), the list's
/// columns, `$sort_key` as `sort_key`, then `$after` (`FROM` and the rest). Every query that
/// reads learner rows goes through it, so the column list is written once; it is a macro
/// because `query_as!` checks its SQL at compile time and so takes only literals.
macro_rules! learner_rows {
    ($before:tt, $sort_key:tt, $after:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            $crate::store::analytics::learners::LearnerListRow,
            $before + "
            select lc.course_id, lc.learner_id, lc.learner_ifi as ifi, lc.learner_name as name, lc.statements, lc.active_days, lc.sessions,
                   lc.time_secs, lc.completions, lc.successes, lc.failures, lc.attempts, lc.score_sum,
                   lc.distinct_activities, lc.first_ts, lc.last_ts, lc.regularity,
                   coalesce(lc.uploaded_outcome, lc.statement_outcome) as outcome,
                   lc.risk_probability, lc.risk_band,
                   lc.risk_factor_1 as factor_1, lc.risk_factor_1_contribution as factor_1_contribution,
                   lc.risk_factor_1_explanation as factor_1_explanation,
                   lc.risk_factor_2 as factor_2, lc.risk_factor_2_contribution as factor_2_contribution,
                   lc.risk_factor_2_explanation as factor_2_explanation,
                   lc.risk_factor_3 as factor_3, lc.risk_factor_3_contribution as factor_3_contribution,
                   lc.risk_factor_3_explanation as factor_3_explanation,
                   lc.risk_model_id, lc.risk_updated, "
                + $sort_key
                + " as sort_key "
                + $after,
            $($arg),*
        )
    };
}
pub(crate) use learner_rows;

/// The learners of a course, with totals and risk. The IFI and name are the row's own copies
/// (migration 000009): joining `learners` for them made PostgreSQL probe every learner of the
/// store before a large course's list could be sent.
pub async fn course_learners(pool: &PgPool, course_id: i64) -> sqlx::Result<Vec<LearnerListRow>> {
    learner_rows!(
        "",
        "null::float8",
        "from learner_courses lc where lc.course_id = $1",
        course_id
    )
    .fetch_all(pool)
    .await
}

/// A course's learners' IFI keys and names, by learner id.
pub async fn course_learner_names(
    pool: &PgPool,
    course_id: i64,
) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    let rows = sqlx::query!(
        r#"
        select learner_id, learner_ifi, learner_name
        from learner_courses
        where course_id = $1
        "#,
        course_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.learner_id, r.learner_ifi, r.learner_name))
        .collect())
}

/// The courses of one learner, with totals and risk, ordered by course IRI.
pub async fn learner_courses(pool: &PgPool, learner_id: i64) -> sqlx::Result<Vec<LearnerListRow>> {
    learner_rows!(
        "",
        "null::float8",
        "from learner_courses lc join courses c on c.id = lc.course_id
         where lc.learner_id = $1
         order by c.iri",
        learner_id
    )
    .fetch_all(pool)
    .await
}
