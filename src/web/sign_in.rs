//! Signing in with a credential's key and secret, and signing out.

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout;
use super::respond;
use super::session::{self, SESSION_COOKIE, SIGN_IN_COOKIE, SignedIn, same_token};
use crate::auth::secret::random_token;
use crate::error::ApiError;
use crate::http::state::AppState;
use crate::service::dashboard_sessions;

/// Where a signed-in browser starts.
const HOME: &str = "/dashboard/courses";

fn form(csrf: &str, key: &str, error: Option<&str>) -> Markup {
    layout::page(
        "Sign in",
        None,
        html! {
            form.sign-in method="post" action="/sign-in" {
                h1 { "Sign in" }
                p.muted { "With the key and secret of a credential of this LRS. You see what the credential may see." }
                @if let Some(error) = error {
                    p.error role="alert" { (error) }
                }
                input type="hidden" name="csrf" value=(csrf);
                label { "Key" input type="text" name="key" value=(key) autocomplete="username" required autofocus; }
                label { "Secret" input type="password" name="secret" autocomplete="current-password" required; }
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// The sign-in form, with a fresh token in the form and in a cookie; a signed-in browser goes
/// to the courses instead.
fn form_page(
    req: &HttpRequest,
    status: StatusCode,
    key: &str,
    error: Option<&str>,
) -> HttpResponse {
    let csrf = random_token(32);
    let markup = form(&csrf, key, error);
    respond::html_with(status, markup, |response| {
        response.cookie(session::cookie(req, SIGN_IN_COOKIE, csrf));
    })
}

#[get("/")]
pub async fn page(req: HttpRequest) -> HttpResponse {
    match session::current(&req).await {
        Ok(Some(_)) => respond::redirect(HOME).finish(),
        Ok(None) => form_page(&req, StatusCode::OK, "", None),
        Err(e) => respond::error(&e, None),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    secret: String,
}

#[post("/sign-in")]
pub async fn submit(req: HttpRequest, state: web::Data<AppState>, body: Bytes) -> HttpResponse {
    let Ok(form) = serde_urlencoded::from_bytes::<SignInForm>(&body) else {
        return form_page(
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some("The form could not be read."),
        );
    };
    let expected = req
        .cookie(SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !same_token(&expected, Some(&form.csrf)) {
        return form_page(
            &req,
            StatusCode::FORBIDDEN,
            &form.key,
            Some("The form has expired or did not come from this page: sign in again."),
        );
    }
    match dashboard_sessions::sign_in(&state.pool, &state.authenticator, &form.key, &form.secret)
        .await
    {
        Ok((token, _)) => respond::redirect(HOME)
            .cookie(session::cookie(&req, SESSION_COOKIE, token))
            .cookie(session::removal(&req, SIGN_IN_COOKIE))
            .finish(),
        Err(ApiError::Unauthorized(_)) => form_page(
            &req,
            StatusCode::UNAUTHORIZED,
            &form.key,
            Some("Unknown key or wrong secret."),
        ),
        Err(e) => respond::error(&e, None),
    }
}

#[derive(Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

#[post("/sign-out")]
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: Bytes,
) -> HttpResponse {
    let form = serde_urlencoded::from_bytes::<SignOutForm>(&body).ok();
    if !same_token(
        &signed_in.session.csrf,
        form.as_ref().map(|f| f.csrf.as_str()),
    ) {
        let error = ApiError::Forbidden("the form did not come from this dashboard".into());
        return respond::error(&error, Some(&signed_in.session));
    }
    if let Err(e) = dashboard_sessions::sign_out(&state.pool, &signed_in.token).await {
        return respond::error(&e, Some(&signed_in.session));
    }
    respond::redirect("/")
        .cookie(session::removal(&req, SESSION_COOKIE))
        .finish()
}
