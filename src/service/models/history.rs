//! The model history: which model scored live courses when, who or what activated it, and why.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::analytics::activations::{self, ActivationRow};

/// One activation of a model.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct ActivationView {
    /// The model that became active.
    model: i64,
    at: DateTime<Utc>,
    /// `admin` (through the API) or `scheduler` (the scheduled retraining).
    kind: String,
    /// The credential key of the admin, or `scheduler`.
    by: String,
    reason: String,
    /// The scheduler's comparison that justified it (ROC AUC of the new and the active model
    /// on the held-out course), as JSON text; empty for an admin's choice.
    evaluation: Option<String>,
}

impl From<ActivationRow> for ActivationView {
    fn from(row: ActivationRow) -> Self {
        ActivationView {
            model: row.model_id,
            at: row.at,
            kind: row.kind,
            by: row.by,
            reason: row.reason,
            evaluation: row.evaluation.map(|e| e.to_string()),
        }
    }
}

/// Every activation, newest first.
pub async fn history(pool: &PgPool) -> Result<Vec<ActivationView>, ApiError> {
    Ok(activations::history(pool)
        .await?
        .into_iter()
        .map(ActivationView::from)
        .collect())
}
