//! The model history: which model scored live courses when, who or what activated it, and why.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::params::FormatQuery;
use super::{Page, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::http::state::AppState;
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

/// The model history, newest first: every time a model became the one that scores live
/// courses, by whom or what, and why.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(FormatQuery),
    responses((status = 200, description = "a page of ActivationView (JSON), or the whole list as CSV with `format=csv`", content((Page<ActivationView> = "application/json"), (String = "text/csv"))))
)]
#[get("/models/history")]
pub async fn model_history(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(format) = Params::<FormatQuery>::from_query(req.query_string())?;
    let rows: Vec<ActivationView> = activations::history(&state.pool)
        .await?
        .into_iter()
        .map(ActivationView::from)
        .collect();
    list_response(&rows, wants_csv(&req, &format), None)
}
