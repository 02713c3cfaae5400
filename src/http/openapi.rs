//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations by
//! registering the same routes the server uses (see [`super::routes`]), so the document cannot
//! list a route the server lacks or miss one it has.

use std::collections::HashMap;
use std::sync::OnceLock;

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LRS",
        description = "An xAPI 1.0.3 / 2.0.0 Learning Record Store with built-in learning analytics.\n\n\
            Every request under `/xapi` except `GET /xapi/about` needs the `X-Experience-API-Version` \
            header (`1.0.0`..`1.0.3` or `2.0.0`) and HTTP Basic credentials.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BasicAuth),
    tags(
        (name = "xapi", description = "The xAPI resources (IEEE 9274.1.1 / xAPI 1.0.3)"),
        (name = "analytics", description = "Engagement metrics and at-risk scores for instructors and BI tools (scopes `analytics/read`, `analytics/write`); every list also as CSV"),
        (name = "admin", description = "Credential management and erasure on request (scope `admin`)"),
        (name = "operations", description = "Probes for load balancers and orchestrators")
    )
)]
struct ApiDoc;

struct BasicAuth;

impl Modify for BasicAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// The complete document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, paths) = actix_web::App::new()
        .into_utoipa_app()
        .configure(super::routes)
        .split_for_parts();
    let mut doc = ApiDoc::openapi();
    doc.merge(paths);
    doc
}

/// The methods a route serves, for the `Allow` header of a 405 (RFC 9110, 15.5.6), by the
/// route's pattern as actix matched it (`/xapi/statements`, `/analytics/models/{id}`). Taken
/// from the same registration as the document, so it cannot disagree with the routes.
pub fn allowed_methods(pattern: &str) -> Option<&'static str> {
    static ALLOWED: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALLOWED
        .get_or_init(|| {
            openapi()
                .paths
                .paths
                .into_iter()
                .map(|(path, item)| {
                    let mut methods = Vec::new();
                    for (name, operation) in [
                        ("GET", &item.get),
                        ("HEAD", &item.head),
                        ("POST", &item.post),
                        ("PUT", &item.put),
                        ("DELETE", &item.delete),
                        ("PATCH", &item.patch),
                    ] {
                        if operation.is_some() {
                            methods.push(name);
                        }
                    }
                    // actix answers HEAD with a GET handler, and CORS preflights everywhere.
                    if item.get.is_some() && item.head.is_none() {
                        methods.insert(1, "HEAD");
                    }
                    methods.push("OPTIONS");
                    (path, methods.join(", "))
                })
                .collect()
        })
        .get(pattern)
        .map(String::as_str)
}

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut text = openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
