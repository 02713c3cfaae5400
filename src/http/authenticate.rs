//! Authentication before anything else about a request is read.
//!
//! A handler's extractors run side by side: with credentials checked by the handler's
//! [`Authenticated`] argument, its body extractor had already read (and buffered) the whole body
//! of a request whose key was unknown, so forty 30 MB POSTs with a made-up key held almost a
//! gigabyte, and a JSON body was parsed (and its errors answered) before a wrong secret was.
//! This middleware runs first, for every route that needs credentials: an unauthenticated
//! request is answered 401 before a byte of its body is read. What it found is handed to the
//! handler's extractor through the request's extensions.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};

use super::auth::{Authenticated, authenticate_header};
use super::state::AppState;

/// Route prefixes whose every route needs credentials (the xAPI's `/about` excepted).
const PROTECTED: [&str; 3] = ["/xapi/", "/analytics/", "/admin/"];

fn needs_credentials(req: &ServiceRequest) -> bool {
    // Unmatched paths fall through to the 404/405 answer, which reveals nothing.
    let Some(pattern) = req.match_pattern() else {
        return false;
    };
    PROTECTED.iter().any(|prefix| pattern.starts_with(prefix))
        && pattern.trim_end_matches('/') != "/xapi/about"
}

pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if !needs_credentials(&req) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .cloned();
    match authenticate_header(state.as_deref().map(|s| &**s), header.as_ref()).await {
        Ok(principal) => {
            req.extensions_mut().insert(Authenticated(principal));
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(error) => {
            let response = error.error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}
