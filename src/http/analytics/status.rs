//! How far the analytics lag behind the statements: for monitoring, and for scripts that
//! wait until a load has been applied before reading metrics.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::query::QueryParams;
use crate::http::state::AppState;
use crate::store::analytics::queue;

/// The analytics backlog.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnalyticsStatus {
    /// Statements stored but not yet applied to the metrics.
    queued: i64,
    /// When the oldest of them was stored (null when none waits).
    oldest_queued_stored: Option<DateTime<Utc>>,
    /// Seconds since then: the current freshness lag (0 when nothing waits).
    lag_seconds: f64,
    /// Statements the worker could not apply (see the server log for why).
    failed: i64,
    /// Learner-course pairs whose risk score waits for a refresh.
    stale_scores: i64,
    /// True when nothing waits: metrics and scores reflect every stored statement.
    up_to_date: bool,
    /// The consistency check: statements stored up to this instant were verified to have
    /// reached the metrics (null before its first round).
    verified_through: Option<DateTime<Utc>>,
    /// When the check last ran.
    verified_at: Option<DateTime<Utc>>,
    /// Statements the check found missing from the metrics and applied again, since the
    /// store was created (0 unless something went wrong: see the server log).
    repaired: i64,
}

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
    QueryParams::parse(req.query_string())?.allow_only(&[])?;
    let status = queue::status(&state.pool).await?;
    let verified = crate::store::analytics::verify::watermark(&state.pool).await?;
    let lag_seconds = status.oldest_stored.map_or(0.0, |t| {
        ((Utc::now() - t).num_milliseconds() as f64 / 1000.0).max(0.0)
    });
    Ok(HttpResponse::Ok().json(AnalyticsStatus {
        queued: status.queued,
        oldest_queued_stored: status.oldest_stored,
        lag_seconds,
        failed: status.failures,
        stale_scores: status.stale_scores,
        up_to_date: status.queued == 0 && status.stale_scores == 0,
        verified_through: verified.through_stored,
        verified_at: verified.at,
        repaired: verified.repaired,
    }))
}
