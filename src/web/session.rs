//! The session of a request: the `lrs_session` cookie, looked up in PostgreSQL
//! (`service::dashboard_sessions`), and the checks of the forms it posts (CSRF).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::respond;
use crate::error::ApiError;
use crate::http::state::AppState;
use crate::service::dashboard_sessions::{self, Session};

pub const SESSION_COOKIE: &str = "lrs_session";
/// The sign-in form's token before there is a session (login CSRF): the form and this cookie
/// must carry the same.
pub const SIGN_IN_COOKIE: &str = "lrs_sign_in";

/// A cookie the browser sends back only to this site, never to scripts; `Secure` when the
/// request came over TLS.
pub fn cookie(req: &HttpRequest, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .finish()
}

/// The same cookie, expired.
pub fn removal(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    let mut cookie = cookie(req, name, String::new());
    cookie.make_removal();
    cookie
}

/// A signed-in request. Without a live session, the page answers with the sign-in page.
pub struct SignedIn {
    pub session: Session,
    pub token: String,
}

/// No live session: to the sign-in page.
#[derive(Debug)]
pub enum NotSignedIn {
    Redirect,
    Failed(ApiError),
}

impl std::fmt::Display for NotSignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotSignedIn::Redirect => f.write_str("not signed in"),
            NotSignedIn::Failed(e) => e.fmt(f),
        }
    }
}

impl ResponseError for NotSignedIn {
    fn status_code(&self) -> StatusCode {
        match self {
            NotSignedIn::Redirect => StatusCode::SEE_OTHER,
            NotSignedIn::Failed(e) => {
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            NotSignedIn::Redirect => respond::redirect("/").finish(),
            NotSignedIn::Failed(e) => respond::error(e, None),
        }
    }
}

/// The session of a request's cookie, if it is live.
pub async fn current(req: &HttpRequest) -> Result<Option<SignedIn>, ApiError> {
    let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(ApiError::internal(anyhow::anyhow!("no application state")));
    };
    let session = dashboard_sessions::find(&state.pool, &token, state.dashboard_idle).await?;
    Ok(session.map(|session| SignedIn { session, token }))
}

impl FromRequest for SignedIn {
    type Error = NotSignedIn;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<SignedIn, NotSignedIn>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match current(&req).await {
                Ok(Some(signed_in)) => Ok(signed_in),
                Ok(None) => Err(NotSignedIn::Redirect),
                Err(e) => Err(NotSignedIn::Failed(e)),
            }
        })
    }
}

/// Whether a posted form carries the token it must: compared in constant time.
pub fn same_token(expected: &str, given: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    given.is_some_and(|given| {
        !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    })
}
