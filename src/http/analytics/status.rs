//! How far the analytics lag behind the statements: for monitoring, and for scripts that
//! wait until a load has been applied before reading metrics.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{NoParams, Params};
use crate::http::state::AppState;
use crate::service::analytics::status::{self, AnalyticsStatus};

/// The analytics backlog: queued statements, lag, failures and stale scores; and how far the
/// consistency check has verified that every statement reached the metrics.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    responses((status = 200, body = AnalyticsStatus), (status = 403, body = ErrorBody))
)]
#[get("/status")]
pub async fn analytics_status(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    Params::<NoParams>::from_query(req.query_string())?;
    Ok(HttpResponse::Ok().json(status::status(&state.pool).await?))
}
