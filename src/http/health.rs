//! Liveness and readiness probes, for load balancers and orchestrators (no authentication, no
//! version header: they are not part of the xAPI).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use super::error::ApiError;
use super::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` (errors have the error body).
    status: &'static str,
}

/// Health: the LRS can serve, i.e. the process answers HTTP and its database answers within
/// 2 s. 503 while the database is down (an embedded cluster being restarted, say), so that a
/// load balancer or an orchestrator can tell.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, body = super::error::ErrorBody, description = "the database does not answer")
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    probe(&state.pool, std::time::Duration::from_secs(2)).await
}

/// Readiness: the database answers within 5 s. 503 when it does not.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, body = super::error::ErrorBody, description = "the database is unreachable")
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    probe(&state.pool, std::time::Duration::from_secs(5)).await
}

async fn probe(
    pool: &sqlx::PgPool,
    patience: std::time::Duration,
) -> Result<HttpResponse, ApiError> {
    let probe = tokio::time::timeout(patience, crate::store::ping(pool)).await;
    match probe {
        Ok(Ok(_)) => Ok(HttpResponse::Ok().json(Health { status: "ok" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health probe failed");
            Err(ApiError::Unavailable("the database is unreachable".into()))
        }
        Err(_) => Err(ApiError::Unavailable(format!(
            "the database did not answer in {} s",
            patience.as_secs()
        ))),
    }
}
