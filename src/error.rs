//! The one error type of the LRS, shared by the services and every front end, and its JSON
//! body.
//!
//! Client mistakes map to the 4xx statuses the xAPI specification names (1.0.3 Communication
//! 3.2, "Error Codes"); everything else is an opaque 500 whose cause chain goes to the log,
//! never to the client. `http::error` turns it into a response.

use serde::Serialize;

use crate::auth::{AuthError, MissingScope};

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The HTTP status, repeated for clients that only keep the body.
    pub status: u16,
    /// Stable machine-readable code, e.g. `invalid_statement`, `unauthorized`.
    pub code: &'static str,
    /// What went wrong, in words meant for a developer.
    pub message: String,
    /// The offending property path, for validation errors (e.g. `actor.mbox`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// A statement, parameter or document that breaks a rule of the specification.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(message.into())
    }

    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    /// A failure of the server. When its cause is that the database cannot be reached, the
    /// client gets 503 with `Retry-After` instead of 500: nothing is wrong with the request,
    /// and the same request will succeed once the database is back.
    pub fn internal(error: impl Into<anyhow::Error>) -> ApiError {
        let error = error.into();
        let outage = error
            .chain()
            .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
            .any(is_outage);
        if outage {
            tracing::warn!(
                error = format!("{error:#}"),
                "the database cannot be reached"
            );
            return ApiError::Unavailable(DATABASE_UNAVAILABLE.into());
        }
        ApiError::Internal(error)
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) | ApiError::Invalid { .. } => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::Conflict(_) => 409,
            ApiError::PreconditionFailed(_) => 412,
            ApiError::RequestTimeout(_) => 408,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Unavailable(_) => 503,
            ApiError::Internal(_) => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Invalid { .. } => "invalid",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PreconditionFailed(_) => "precondition_failed",
            ApiError::RequestTimeout(_) => "request_timeout",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            status: self.status(),
            code: self.code(),
            message: self.to_string(),
            property: match self {
                ApiError::Invalid { path, .. } => Some(path.clone()),
                _ => None,
            },
        }
    }
}

/// The message of a 503 caused by the database.
const DATABASE_UNAVAILABLE: &str = "the database cannot be reached now; retry shortly";
/// `Retry-After` of every 503, in seconds.
pub(crate) const RETRY_AFTER_SECS: &str = "5";

/// Whether an error says the database cannot be reached (down, restarting, refusing
/// connections, or every connection busy), rather than anything about the request.
pub fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        // 08: connection exceptions; 57P01-57P03: the server is shutting down, crashed or
        // starting; 53300: too many connections.
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        match error {
            sqlx::Error::PoolTimedOut => {
                ApiError::Unavailable("the database is overloaded; retry shortly".into())
            }
            ref outage if is_outage(outage) => ApiError::internal(error),
            // A deadlock or serialization failure that the code did not retry itself: nothing
            // is wrong with the request, which will succeed if sent again.
            ref conflict if crate::store::retry::is_transient(conflict) => {
                tracing::warn!(error = %error, "a request's transaction lost a conflict");
                ApiError::Unavailable(
                    "the request met a concurrent change and was aborted; retry it".into(),
                )
            }
            // Text the client sent that PostgreSQL cannot hold: the NUL character, in `text`
            // (22021) or as a `\u0000` escape in `jsonb` (22P05). The paths that must store
            // such text replace it first (`store::text`); anywhere else it is the client's
            // input, refused rather than a 500.
            // A date the client gave that PostgreSQL's date or timestamp cannot represent
            // (before 4713 BC, say): 22008.
            sqlx::Error::Database(e) if e.code().as_deref() == Some("22008") => {
                ApiError::bad_request("a date in the request is outside the range this LRS stores")
            }
            sqlx::Error::Database(e) if matches!(e.code().as_deref(), Some("22021" | "22P05")) => {
                ApiError::bad_request(
                    "the request contains the NUL character (U+0000), which cannot be stored here",
                )
            }
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> ApiError {
        match error {
            AuthError::Invalid => ApiError::Unauthorized("unknown key or wrong secret".into()),
            AuthError::Internal(e) => ApiError::internal(e),
        }
    }
}

impl From<MissingScope> for ApiError {
    fn from(error: MissingScope) -> ApiError {
        ApiError::Forbidden(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_tell_the_client_nothing() {
        let error = ApiError::internal(anyhow::anyhow!("password=hunter2 in a connection string"));
        let body = error.body();
        assert_eq!(body.status, 500);
        assert_eq!(body.message, "internal server error");
    }

    #[test]
    fn validation_errors_name_the_property() {
        let body = ApiError::invalid("actor.mbox", "must be a mailto: IRI").body();
        assert_eq!(body.status, 400);
        assert_eq!(body.property.as_deref(), Some("actor.mbox"));
        assert_eq!(body.message, "actor.mbox: must be a mailto: IRI");
    }
}
