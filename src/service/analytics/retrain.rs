//! Scheduled retraining: once enough learners have known outcomes, the LRS trains a model by
//! itself, holding the most recent labelled course out for evaluation, and activates it when
//! it scores that course at least as well as the active model does, unless an admin chose the
//! active model: an admin's choice stands until an admin changes it, or until the installation
//! lets the scheduler replace it (`LRS_ANALYTICS_AUTO_REPLACE`). Every activation it makes is
//! recorded in the model history with the comparison behind it.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;

use serde_json::json;

use super::training::{self, TrainSpec};
use crate::store::analytics::activations::{self, ActivatedBy, Activation};
use crate::store::analytics::{models, retraining};

/// When and how the LRS retrains.
#[derive(Debug, Clone)]
pub struct RetrainPolicy {
    /// Minimum time between two scheduled trainings.
    pub every: Duration,
    /// Labelled learners needed across courses.
    pub min_labelled: i64,
    pub cutoff_week: u32,
    /// Whether a better model may replace one an admin activated.
    pub replace_admin_choice: bool,
}

const SCHEDULER: &str = "scheduler";

/// Trains and possibly activates a model when one is due; returns the new model's id.
pub async fn retrain_if_due(pool: &PgPool, policy: &RetrainPolicy) -> anyhow::Result<Option<i64>> {
    let last = models::list(pool)
        .await?
        .into_iter()
        .filter(|m| m.trained_by == SCHEDULER)
        .map(|m| m.created)
        .max();
    if let Some(last) = last
        && (Utc::now() - last).to_std().unwrap_or_default() < policy.every
    {
        return Ok(None);
    }
    let courses = retraining::labelled_courses(pool, 10).await?;
    let labelled: i64 = courses.iter().map(|c| c.labelled).sum();
    if courses.len() < 2 || labelled < policy.min_labelled {
        return Ok(None);
    }
    // One process at a time trains (several LRS processes share the database).
    let Some(lock) = retraining::TrainingLock::try_take(pool).await? else {
        return Ok(None);
    };
    let result =
        train_and_compare(pool, policy, courses.into_iter().map(|c| c.iri).collect()).await;
    lock.release().await?;
    result
}

async fn train_and_compare(
    pool: &PgPool,
    policy: &RetrainPolicy,
    mut courses: Vec<String>,
) -> anyhow::Result<Option<i64>> {
    let Some(holdout) = courses.pop() else {
        return Ok(None);
    };
    let spec = TrainSpec {
        courses,
        cutoff_week: policy.cutoff_week,
        algorithm: None,
        threshold: None,
        target_precision: crate::service::analytics::training::DEFAULT_TARGET_PRECISION,
        include_early_withdrawals: false,
    };
    let id = training::train(pool, &spec, SCHEDULER).await?;
    let holdout = vec![holdout];
    let auc = |e: Option<models::EvaluationRow>| {
        e.and_then(|e| e.metrics.get("roc_auc").and_then(|v| v.as_f64()))
    };
    let new_auc = auc(training::evaluate(pool, id, &holdout, None).await?);
    let active_auc = match models::active(pool).await? {
        Some(active) => auc(training::evaluate(pool, active.id, &holdout, None).await?),
        None => None,
    };
    let better = match (new_auc, active_auc) {
        (Some(new), Some(old)) => new >= old,
        (Some(_), None) => true,
        _ => false,
    };
    let chosen_by_admin = activations::current(pool)
        .await?
        .is_some_and(|a| a.kind == ActivatedBy::Admin.as_str());
    let activate = better && (!chosen_by_admin || policy.replace_admin_choice);
    if activate {
        let holdout = &holdout[0];
        let reason = match (new_auc, active_auc) {
            (Some(new), Some(old)) => format!(
                "scheduled retraining: ROC AUC {new:.3} on {holdout} (held out), the active model {old:.3}"
            ),
            _ => format!(
                "scheduled retraining: ROC AUC {:.3} on {holdout} (held out), no model was active",
                new_auc.unwrap_or(0.0)
            ),
        };
        let evaluation = json!({
            "holdout_course": holdout,
            "cutoff_week": policy.cutoff_week,
            "roc_auc": new_auc,
            "replaced_roc_auc": active_auc,
        });
        let activation = Activation {
            kind: ActivatedBy::Scheduler,
            by: SCHEDULER,
            reason: &reason,
            evaluation: Some(&evaluation),
        };
        models::activate(pool, id, &activation).await?;
    }
    tracing::info!(
        model = id,
        ?new_auc,
        ?active_auc,
        activated = activate,
        kept_admin_choice = better && !activate,
        "scheduled retraining"
    );
    Ok(Some(id))
}
