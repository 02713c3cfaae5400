//! Scheduled retraining: once enough outcomes are known, the LRS trains and activates a model
//! by itself, and not again before the interval.

use std::time::Duration;

use lrs::service::analytics::retrain::{RetrainPolicy, retrain_if_due};
use lrs::store::analytics::models;
use lrs_simulator::SimulationConfig;

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{drain, get_json};
use super::model_gate::{ingest, run_config};
use crate::helpers::{TestApp, spawn_app_with};

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
        replace_admin_choice: false,
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

/// The scheduler's policy for these tests: due whenever asked.
fn always_due(replace_admin_choice: bool) -> RetrainPolicy {
    RetrainPolicy {
        every: Duration::ZERO,
        min_labelled: 100,
        cutoff_week: 3,
        replace_admin_choice,
    }
}

/// Two labelled runs; an admin trains a weak model (week 1) on the older one and activates
/// it. Returns its id.
async fn admin_choice(app: &TestApp) -> i64 {
    let older = ingest(app, &small(21, 1)).await;
    ingest(app, &small(22, 2)).await;
    drain(app).await;
    let response = app
        .admin(Method::POST, "/analytics/models")
        .json(&json!({"courses": [older], "cutoff_week": 1, "activate": true}))
        .send()
        .await
        .expect("train");
    assert_eq!(response.status().as_u16(), 201);
    let model: Value = response.json().await.expect("model");
    model["id"].as_i64().expect("id")
}

#[tokio::test]
async fn a_model_an_admin_activated_stays_until_an_admin_changes_it() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let chosen = admin_choice(&app).await;

    let trained = retrain_if_due(&app.pool, &always_due(false))
        .await
        .expect("retrain")
        .expect("a model was trained");

    let active = models::active(&app.pool)
        .await
        .expect("db")
        .expect("active");
    assert_eq!(active.id, chosen, "the admin's choice stands");
    assert_ne!(trained, chosen);
    let history = get_json(&app, "/analytics/models/history").await;
    let items = history["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{history}");
    assert_eq!(items[0]["model"], chosen);
    assert_eq!(items[0]["kind"], "admin");
    assert_eq!(items[0]["by"], app.admin_key.as_str());
}

#[tokio::test]
async fn an_installation_that_opts_in_lets_a_better_model_replace_it_visibly() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let chosen = admin_choice(&app).await;

    let trained = retrain_if_due(&app.pool, &always_due(true))
        .await
        .expect("retrain")
        .expect("a model was trained");

    let active = models::active(&app.pool)
        .await
        .expect("db")
        .expect("active");
    assert_eq!(
        active.id, trained,
        "the week-3 model beats the week-1 choice"
    );
    let history = get_json(&app, "/analytics/models/history").await;
    let items = history["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{history}");
    assert_eq!(items[0]["model"], trained);
    assert_eq!(items[0]["kind"], "scheduler");
    assert!(
        items[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("ROC AUC")),
        "{history}"
    );
    let comparison: Value =
        serde_json::from_str(items[0]["evaluation"].as_str().expect("evaluation")).expect("json");
    assert!(comparison["roc_auc"].as_f64() >= comparison["replaced_roc_auc"].as_f64());
    assert_eq!(items[1]["model"], chosen);
}
