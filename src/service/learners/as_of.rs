//! The learner list as of a cutoff (the end of a course week, or a day): metrics from the days
//! before the cutoff and scores computed on the fly by the active model, i.e. what an
//! instructor could have known then.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use sqlx::PgPool;

use super::LearnerView;
use crate::analytics::features::{CourseContext, course_features};
use crate::analytics::model::TrainedModel;
use crate::error::ApiError;
use crate::service::analytics::scoring::{for_model, risk, top_factors};
use crate::service::analytics::training::cutoff_day;
use crate::store::analytics::learners::{self as learner_rows, LearnerListRow};
use crate::store::analytics::{metrics, models};

/// When the list is taken.
pub(super) enum Cutoff {
    /// The end of this course week.
    Week(u32),
    /// The start of this (UTC) day: statements of earlier days count.
    Day(NaiveDate),
}

/// Metrics and (on-the-fly) scores as of a cutoff.
pub(super) async fn as_of(
    pool: &PgPool,
    course: &metrics::CourseDates,
    cutoff: Cutoff,
) -> Result<Vec<LearnerView>, ApiError> {
    let start = course
        .start
        .ok_or_else(|| ApiError::bad_request("the course has no start date and no statements"))?;
    let (cutoff, weeks) = match cutoff {
        Cutoff::Week(week) => (cutoff_day(start, week.max(1)), f64::from(week.max(1))),
        Cutoff::Day(day) => (day, ((day - start).num_days() as f64 / 7.0).max(1.0)),
    };
    let cutoff_ts = cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut rows = metrics::as_of(pool, course.id, cutoff).await?;
    let activities = metrics::course_activities_before(pool, course.id, cutoff).await?;
    let deadlines_due =
        crate::store::analytics::progress::fill(pool, course.id, cutoff_ts, &mut rows).await?;
    let context = CourseContext {
        weeks,
        activities,
        deadlines_due,
    };
    let metrics_only: Vec<_> = rows.iter().map(|r| r.metrics.clone()).collect();
    let (features, means) = course_features(&metrics_only, &context);
    let model = models::active(pool).await?;
    let trained: Option<(i64, TrainedModel)> =
        model.and_then(|m| serde_json::from_value(m.model).ok().map(|t| (m.id, t)));
    // By id: a linear search per learner was quadratic, 10,000 x 10,000 comparisons.
    let mut names: HashMap<i64, (String, Option<String>)> =
        learner_rows::course_learner_names(pool, course.id)
            .await?
            .into_iter()
            .map(|(id, ifi, name)| (id, (ifi, name)))
            .collect();
    let mut views = Vec::with_capacity(rows.len());
    for (row, feature_row) in rows.iter().zip(&features) {
        let (ifi, name) = names.remove(&row.learner_id).unwrap_or_default();
        let (risk, band, factors, model_id) = match &trained {
            Some((id, model)) => {
                let names = crate::analytics::features::feature_names();
                let internal = |e: crate::analytics::model::ModelError| {
                    ApiError::internal(anyhow::anyhow!("{e}"))
                };
                let model_row = for_model(model, &names, feature_row).map_err(internal)?;
                let model_means = for_model(model, &names, &means).map_err(internal)?;
                let (p, band) = risk(model, &model_row).map_err(internal)?;
                let contributions = model
                    .contributions(&model_row, &model_means)
                    .map_err(internal)?;
                (
                    Some(p),
                    Some(band.to_owned()),
                    Some(top_factors(
                        &contributions,
                        feature_row,
                        &means,
                        &row.metrics,
                        3,
                    )),
                    Some(*id),
                )
            }
            None => (None, None, None, None),
        };
        let m = &row.metrics;
        let mut list_row = LearnerListRow {
            course_id: course.id,
            learner_id: row.learner_id,
            ifi,
            name,
            statements: m.statements as i32,
            active_days: m.active_days as i32,
            sessions: m.sessions as i32,
            time_secs: m.time_secs,
            completions: m.completions as i32,
            successes: m.successes as i32,
            failures: m.failures as i32,
            attempts: m.attempts as i32,
            score_sum: m.score_sum,
            distinct_activities: m.distinct_activities as i32,
            first_ts: None,
            last_ts: m
                .days_since_last
                .map(|d| cutoff_ts - Duration::seconds((d * 86_400.0) as i64)),
            regularity: m.regularity,
            outcome: row.outcome.clone(),
            risk_probability: risk,
            risk_band: band,
            risk_model_id: model_id,
            // The factors are set below; the as-of list has no scoring time.
            ..LearnerListRow::default()
        };
        if let Some(factors) = &factors {
            list_row.set_factors(factors);
        }
        views.push(LearnerView::from_row(list_row, None, activities, cutoff_ts));
    }
    Ok(views)
}
