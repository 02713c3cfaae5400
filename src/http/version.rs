//! The `X-Experience-API-Version` header (xAPI 1.0.3 Communication 3.3, "Versioning").
//!
//! Every request under the xAPI base path except `GET /about` must carry a supported version
//! (1.0.x or 2.0.x); the version chosen drives validation and behaviour for the whole request,
//! and every response carries the header back.

use std::future::{Ready, ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};

use super::auth::parse_basic;
use super::error::ApiError;
use super::state::AppState;
use crate::xapi::XapiVersion;

pub const VERSION_HEADER: HeaderName = HeaderName::from_static("x-experience-api-version");
pub const XAPI_BASE: &str = "/xapi";
/// Echoed on responses to requests that chose no valid version (and on `/about`).
pub const LATEST: &str = "2.0.0";

pub fn is_xapi_path(path: &str) -> bool {
    path == XAPI_BASE || path.starts_with("/xapi/")
}

fn is_about(path: &str) -> bool {
    path.trim_end_matches('/') == "/xapi/about"
}

fn credential_key(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    parse_basic(value.to_str().ok()?).ok().map(|(key, _)| key)
}

/// Middleware: checks the header on xAPI requests, stores the parsed version in the request
/// extensions for the [`Version`] extractor, and sets the header on every xAPI response.
pub async fn require_version(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if !is_xapi_path(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let requested = req
        .headers()
        .get(VERSION_HEADER)
        .map(|value| value.to_str().ok().and_then(XapiVersion::parse_header));
    let memory = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.version_memory.clone());
    let key = credential_key(&req);
    let remembered = || {
        key.as_ref()
            .zip(memory.as_ref())
            .and_then(|(key, memory)| memory.get(key))
            .map_or(LATEST, XapiVersion::as_str)
    };
    let version = match requested {
        Some(Some(version)) => Some(version),
        _ if is_about(req.path()) => None,
        None => {
            let error = ApiError::bad_request(
                "the X-Experience-API-Version header is required (e.g. \"1.0.3\" or \"2.0.0\")",
            );
            let echoed = remembered();
            return Ok(with_header(req.error_response(error), echoed).map_into_right_body());
        }
        Some(None) => {
            let error = ApiError::bad_request(
                "unsupported X-Experience-API-Version; this LRS accepts 1.0.0 to 1.0.3 and 2.0.0",
            );
            let echoed = remembered();
            return Ok(with_header(req.error_response(error), echoed).map_into_right_body());
        }
    };
    if let Some(version) = version {
        req.extensions_mut().insert(version);
    }
    let response = next.call(req).await?;
    if let (Some(version), Some(key), Some(memory)) = (version, key, memory)
        && response.status().is_success()
    {
        memory.insert(key, version);
    }
    let echoed = version.map_or(LATEST, XapiVersion::as_str);
    Ok(with_header(response, echoed).map_into_left_body())
}

fn with_header<B>(mut response: ServiceResponse<B>, version: &'static str) -> ServiceResponse<B> {
    response
        .headers_mut()
        .insert(VERSION_HEADER, HeaderValue::from_static(version));
    response
}

/// The xAPI version the request chose.
#[derive(Debug, Clone, Copy)]
pub struct Version(pub XapiVersion);

impl FromRequest for Version {
    type Error = ApiError;
    type Future = Ready<Result<Version, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<XapiVersion>()
                .copied()
                .map(Version)
                .ok_or_else(|| {
                    ApiError::bad_request("the X-Experience-API-Version header is required")
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_xapi_tree_is_versioned() {
        assert!(is_xapi_path("/xapi/statements"));
        assert!(is_xapi_path("/xapi"));
        assert!(!is_xapi_path("/xapifoo"));
        assert!(!is_xapi_path("/health"));
        assert!(is_about("/xapi/about"));
        assert!(is_about("/xapi/about/"));
    }
}
