//! Liveness and readiness probes, for load balancers and orchestrators (no authentication, no
//! version header: they are not part of the xAPI).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use super::error::ApiError;
use super::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// Liveness: the process is up and serving HTTP.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers. 503 when it does not.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, body = super::error::ErrorBody, description = "the database is unreachable")
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sqlx::query_scalar!("select 1 as \"one!\"").fetch_one(&state.pool),
    )
    .await;
    match probe {
        Ok(Ok(_)) => Ok(HttpResponse::Ok().json(Health { status: "ok" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness probe failed");
            Err(ApiError::Unavailable("the database is unreachable".into()))
        }
        Err(_) => Err(ApiError::Unavailable(
            "the database did not answer in 5 s".into(),
        )),
    }
}
