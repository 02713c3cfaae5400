//! Schemathesis (PyPI) against a running server with data in it: thousands of requests
//! generated from the committed OpenAPI document, each response checked against it (status
//! documented, content type, body schema) and for 5xx. This is the test that keeps the
//! document honest for generated clients (before it, the analytics lists were documented as
//! bare arrays and 401/403 were missing from most operations).
//!
//! It needs the `schemathesis` command. `.ci/run` installs it and sets
//! `LRS_REQUIRE_SCHEMATHESIS=1`, under which a missing command fails the test; elsewhere the
//! test says it did not run (`pip install schemathesis==4.32.5` to run it).

use std::process::Command;

use lrs_simulator::SimulationConfig;
use reqwest::Method;
use serde_json::json;

use crate::analytics::model_gate::ingest;
use crate::helpers::spawn_app_with;

/// The schemathesis command line, as `python3 -m schemathesis.cli` (a pip install does not
/// always put its `schemathesis` script on the PATH, e.g. under pyenv before a rehash).
fn schemathesis() -> Command {
    let mut command = Command::new("python3");
    command.args(["-m", "schemathesis.cli"]);
    command
}

fn installed() -> bool {
    schemathesis()
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test]
async fn schemathesis_finds_no_undocumented_answer_and_no_server_error() {
    if !installed() {
        assert!(
            std::env::var_os("LRS_REQUIRE_SCHEMATHESIS").is_none(),
            "schemathesis is required here (pip install schemathesis==4.32.5)"
        );
        eprintln!("schemathesis is not installed: this test did not run");
        return;
    }
    // A course with learners, outcomes, an active model and scores, so that the analytics
    // operations answer with data rather than 404.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let course = ingest(
        &app,
        &SimulationConfig {
            seed: 11,
            run: 1,
            courses: 1,
            learners_per_course: 60,
            weeks: 4,
            ..SimulationConfig::default()
        },
    )
    .await;
    lrs::service::analytics::drain::drain(&app.pool, &lrs::config::Config::default().analytics())
        .await
        .expect("drain");
    let model: serde_json::Value = app
        .admin(Method::POST, "/analytics/models")
        .json(&json!({"courses": [course], "cutoff_week": 2, "activate": true}))
        .send()
        .await
        .expect("train")
        .json()
        .await
        .expect("model");
    lrs::service::analytics::scoring::refresh_stale(&app.pool)
        .await
        .expect("score");
    let learner: String = sqlx::query_scalar("select learner_ifi from learner_courses limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("a learner");

    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "[parameters]\ncourse = {course:?}\nlearner = {learner:?}\nid = {}\n",
            model["id"]
        ),
    )
    .expect("config");
    let app_address = app.address.clone();
    let (key, secret) = (app.admin_key.clone(), app.admin_secret.clone());
    let output = tokio::task::spawn_blocking(move || {
        schemathesis()
            // Its cache (`.schemathesis/`) goes to the working directory: not the checkout.
            .current_dir(dir.path())
            .arg("--config-file")
            .arg(&config)
            .arg("--no-color")
            .arg("run")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .args(["--url", &app_address])
            .args(["--auth", &format!("{key}:{secret}")])
            .args(["-H", "X-Experience-API-Version: 2.0.0"])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", "25"])
            .args(["--workers", "2"])
            .args(["--seed", "1", "--no-shrink"])
            .output()
            .expect("run schemathesis")
    })
    .await
    .expect("schemathesis task");

    let report = String::from_utf8_lossy(&output.stdout);
    // The summary (operations, phases, cases generated), for the CI log.
    let lines: Vec<&str> = report.lines().collect();
    eprintln!("{}", lines[lines.len().saturating_sub(30)..].join("\n"));
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
