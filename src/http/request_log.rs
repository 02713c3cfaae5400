//! One span per request, keyed on the route template, and one log line when it ends.
//!
//! The raw URI is never recorded: xAPI query strings carry agents (e-mail addresses) and
//! registrations.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;

pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let method = req.method().to_string();
    let span = tracing::info_span!(
        "request",
        %method,
        %route,
        request_id = %uuid::Uuid::new_v4(),
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match &result {
        Ok(response) => {
            let status = response.status().as_u16();
            if response.status().is_server_error() {
                tracing::error!(status, elapsed_ms, "request finished");
            } else {
                tracing::info!(status, elapsed_ms, "request finished");
            }
        }
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            tracing::info!(status, elapsed_ms, "request finished");
        }
    }
    result
}
