//! What goes to the LRS after a simulation's statements, one request per course: its settings
//! (start and deadlines), its roster, and the learners' outcomes.

use anyhow::bail;
use bytes::Bytes;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::super::config::SimulationConfig;
use super::super::outcome::LearnerOutcome;
use super::{Connection, OutcomeUpload, send};

/// Each course's start date and assessment deadlines (`plan`), one request per course. An LRS
/// without the endpoint (404, an older one) keeps its own course dates.
pub(super) async fn upload_settings(
    connection: &Connection,
    config: &SimulationConfig,
) -> anyhow::Result<()> {
    for plan in super::super::plan::plans(config) {
        let body = Bytes::from(serde_json::to_vec(&plan.settings)?);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("course", &plan.iri)
            .finish();
        let path = format!("/analytics/courses/settings?{query}");
        let response = send(connection.retry, || {
            connection.put(&path).body(body.clone())
        })
        .await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            bail!(
                "the LRS refused the settings of {} with {status}: {text}",
                plan.iri
            );
        }
    }
    Ok(())
}

/// One request per course, with body `[{"learner": <Agent>, "enrolled_at": ..., "withdrawn_at":
/// ..., "attributes": {...}}, ...]`: every learner is then in the course, active or not.
pub(super) async fn upload_rosters(
    connection: &Connection,
    outcomes: &[LearnerOutcome],
) -> anyhow::Result<OutcomeUpload> {
    upload_per_course(
        connection,
        outcomes,
        "/analytics/enrolments",
        "roster",
        |o| {
            json!({
                "learner": o.learner,
                "enrolled_at": o.enrolled_at,
                "withdrawn_at": o.withdrawn_at,
                "attributes": o.attributes,
            })
        },
    )
    .await
}

/// One request per course, with body `[{"learner": <Agent>, "outcome": "pass"}, ...]`.
pub(super) async fn upload_outcomes(
    connection: &Connection,
    outcomes: &[LearnerOutcome],
) -> anyhow::Result<OutcomeUpload> {
    upload_per_course(
        connection,
        outcomes,
        "/analytics/outcomes",
        "outcomes",
        |o| json!({ "learner": o.learner, "outcome": o.outcome.as_str() }),
    )
    .await
}

/// POSTs `path?course=<IRI>` once per course, with a JSON array of `row` of each of its
/// learners. An LRS without the endpoint (404) makes the upload `Unsupported`; any other
/// refusal stops the run, naming `what`.
async fn upload_per_course(
    connection: &Connection,
    outcomes: &[LearnerOutcome],
    path: &str,
    what: &str,
    row: impl Fn(&LearnerOutcome) -> Value,
) -> anyhow::Result<OutcomeUpload> {
    let mut uploaded = 0;
    for (course, group) in by_course(outcomes) {
        let body: Vec<Value> = group.iter().map(&row).collect();
        let body = Bytes::from(serde_json::to_vec(&body)?);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("course", course)
            .finish();
        let url = format!("{path}?{query}");
        let response = send(connection.retry, || {
            connection.post(&url).body(body.clone())
        })
        .await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(OutcomeUpload::Unsupported);
        }
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            bail!("the LRS refused the {what} of {course} with {status}: {text}");
        }
        uploaded += group.len();
    }
    Ok(OutcomeUpload::Uploaded(uploaded))
}

/// Consecutive runs of the same course (outcomes come by course).
fn by_course(outcomes: &[LearnerOutcome]) -> Vec<(&str, &[LearnerOutcome])> {
    outcomes
        .chunk_by(|a, b| a.course == b.course)
        .filter_map(|group| group.first().map(|o| (o.course.as_str(), group)))
        .collect()
}
