//! The model history: which model scored live courses when, who or what activated it, and why.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::params::FormatQuery;
use super::{Page, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::http::state::AppState;
use crate::service::models::{self, ActivationView};

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
    let rows = models::history(&state.pool).await?;
    list_response(&rows, wants_csv(&req, &format), None)
}
