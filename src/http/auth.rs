//! HTTP Basic authentication as a typed extractor (xAPI 1.0.3 Communication 4.1).
//!
//! A handler that takes an [`Authenticated`] argument cannot run unauthenticated; it then
//! checks the scope it needs with [`Authenticated::require`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::error::ApiError;
use super::state::AppState;
use crate::auth::{Access, Principal};

/// The caller, authenticated.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Principal>);

impl Authenticated {
    /// 403 unless the credential holds a scope granting `access`.
    pub fn require(&self, access: Access) -> Result<&Principal, ApiError> {
        self.0.require(access)?;
        Ok(&self.0)
    }
}

/// Splits an `Authorization: Basic ...` value into key and secret.
pub fn parse_basic(value: &str) -> Result<(String, String), ApiError> {
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| unauthorized("the Authorization header must use the Basic scheme"))?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(unauthorized(
            "the Authorization header must use the Basic scheme",
        ));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| unauthorized("the Basic credentials are not valid base64"))?;
    let text = String::from_utf8(decoded)
        .map_err(|_| unauthorized("the Basic credentials are not valid UTF-8"))?;
    let (key, secret) = text
        .split_once(':')
        .ok_or_else(|| unauthorized("the Basic credentials must be key:secret"))?;
    Ok((key.to_owned(), secret.to_owned()))
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::Unauthorized(message.to_owned())
}

/// Authenticates the value of an `Authorization` header (None: the request sent none).
pub async fn authenticate_header(
    state: Option<&AppState>,
    header: Option<&header::HeaderValue>,
) -> Result<Arc<Principal>, ApiError> {
    let state =
        state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
    let value = header
        .ok_or_else(|| unauthorized("this resource requires HTTP Basic authentication"))?
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not ASCII"))?;
    let (key, secret) = parse_basic(value)?;
    Ok(state.authenticator.authenticate(&key, &secret).await?)
}

/// The principal the `authenticate` middleware found; requests it did not see (none of the
/// server's routes, but a route added outside its prefixes) are authenticated here.
impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Authenticated, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(found) = req.extensions().get::<Authenticated>() {
            let found = found.clone();
            return Box::pin(async move { Ok(found) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req.headers().get(header::AUTHORIZATION).cloned();
        Box::pin(async move {
            let principal =
                authenticate_header(state.as_deref().map(|s| &**s), header.as_ref()).await?;
            Ok(Authenticated(principal))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_split_at_the_first_colon() {
        let value = format!("Basic {}", STANDARD.encode("key:sec:ret"));
        let (key, secret) = parse_basic(&value).expect("valid");
        assert_eq!((key.as_str(), secret.as_str()), ("key", "sec:ret"));
    }

    #[test]
    fn other_schemes_and_garbage_are_unauthorized() {
        for value in [
            "Bearer abc",
            "Basic !!!",
            "Basic",
            &format!("Basic {}", STANDARD.encode("nocolon")),
        ] {
            assert!(
                matches!(parse_basic(value), Err(ApiError::Unauthorized(_))),
                "{value}"
            );
        }
    }
}
