//! How the LRS's one error type (`crate::error::ApiError`) is answered over HTTP: its status,
//! `Retry-After` on a 503, a Basic challenge on a 401, and the JSON body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::error::RETRY_AFTER_SECS;
pub use crate::error::{ApiError, ErrorBody, is_outage};

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            // `{:#}` prints the whole context chain on one line.
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::Unavailable(_) = self {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
        }
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Basic realm="xAPI LRS", charset="UTF-8""#),
            ));
        }
        response.json(self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_responses_carry_a_basic_challenge() {
        let response = ApiError::Unauthorized("no".into()).error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(challenge.starts_with("Basic "), "{challenge}");
    }

    #[test]
    fn every_error_is_answered_with_its_status() {
        for error in [
            ApiError::bad_request("x"),
            ApiError::Conflict("x".into()),
            ApiError::Unavailable("x".into()),
            ApiError::internal(anyhow::anyhow!("x")),
        ] {
            assert_eq!(error.error_response().status().as_u16(), error.status());
        }
    }
}
