//! Scheduled retraining: once enough outcomes are known, the LRS trains and activates a model
//! by itself, and not again before the interval.

use std::time::Duration;

use lrs::analytics::retrain::{RetrainPolicy, retrain_if_due};
use lrs::analytics::simulator::SimulationConfig;
use lrs::store::analytics::models;

use super::fixtures::drain;
use super::model_gate::{ingest, run_config};
use crate::helpers::spawn_app_with;

fn small(seed: u64, run: u32) -> SimulationConfig {
    SimulationConfig {
        learners_per_course: 60,
        weeks: 6,
        ..run_config(seed, run)
    }
}

#[tokio::test]
async fn the_lrs_retrains_by_itself_once_enough_outcomes_are_known() {
    // Arrange: two labelled runs, no model yet.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let policy = RetrainPolicy {
        every: Duration::from_secs(3600),
        min_labelled: 100,
        cutoff_week: 3,
    };
    ingest(&app, &small(11, 1)).await;
    assert_eq!(
        retrain_if_due(&app.pool, &policy).await.expect("check"),
        None,
        "one course is not enough: a run must be held out"
    );
    ingest(&app, &small(12, 2)).await;
    drain(&app).await;

    // Act
    let trained = retrain_if_due(&app.pool, &policy).await.expect("retrain");

    // Assert: a model, trained on the older run, evaluated on the newer one, active.
    let id = trained.expect("a model was trained");
    let active = models::active(&app.pool)
        .await
        .expect("db")
        .expect("an active model");
    assert_eq!(active.id, id);
    assert_eq!(active.trained_by, "scheduler");
    assert_eq!(active.training_courses.len(), 1);
    let evaluations = models::evaluations(&app.pool, id).await.expect("db");
    assert!(!evaluations.is_empty(), "evaluated on the held-out run");
    assert_eq!(
        retrain_if_due(&app.pool, &policy).await.expect("check"),
        None,
        "not due again within the interval"
    );
}
