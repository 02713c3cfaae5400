//! CORS for browser-based learning content (xAPI 1.0.3 Communication 1.3 notes that content
//! is often served from another origin than the LRS).
//!
//! Any origin may call the LRS: authentication travels in the `Authorization` header, never in
//! cookies, so allowing origins grants nothing a page could not already do with a credential.

use actix_cors::Cors;
use actix_web::http::{Method, header};

use super::version::VERSION_HEADER;

pub fn cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            VERSION_HEADER,
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            VERSION_HEADER,
            header::HeaderName::from_static("x-experience-api-consistent-through"),
        ])
        .max_age(86_400)
}
