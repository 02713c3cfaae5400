//! Answers of the dashboard: an HTML page with the headers every page carries, a redirect, an
//! error page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder};
use maud::{Markup, html};

use super::layout;
use crate::error::ApiError;
use crate::service::dashboard_sessions::Session;

/// No script, no frame, nothing from another origin; forms post only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        // Pages show learner data: not kept by the browser or anything in between.
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// A page, with its status.
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    builder(status).body(markup.into_string())
}

/// A signed-in page: its title and content, or the error page.
pub fn page(session: &Session, page: Result<(String, Markup), ApiError>) -> HttpResponse {
    match page {
        Ok((title, markup)) => html(StatusCode::OK, layout::page(&title, Some(session), markup)),
        Err(e) => error(&e, Some(session)),
    }
}

/// A page built by `respond`, which may set cookies.
pub fn html_with(
    status: StatusCode,
    markup: Markup,
    respond: impl FnOnce(&mut HttpResponseBuilder),
) -> HttpResponse {
    let mut response = builder(status);
    respond(&mut response);
    response.body(markup.into_string())
}

/// See other: after a form, or to the sign-in page.
pub fn redirect(to: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// An error as a page: what the API would say, in the page frame. A server error says no more
/// than that (its cause is logged).
pub fn error(error: &ApiError, session: Option<&Session>) -> HttpResponse {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = if status.is_server_error() {
        tracing::error!(error = %error, "dashboard page failed");
        "Something went wrong on the server. Try again in a moment.".to_owned()
    } else {
        error.to_string()
    };
    let title = status.canonical_reason().unwrap_or("Error");
    html(
        status,
        layout::page(
            title,
            session,
            html! {
                h1 { (title) }
                p.error role="alert" { (message) }
                p { a href="/dashboard/courses" { "Back to the courses" } }
            },
        ),
    )
}
