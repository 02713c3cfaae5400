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
    ErrorResponses.modify(&mut doc);
    MetricDescriptions.modify(&mut doc);
    doc
}

/// The learner list's metric columns described from their one definition
/// (`analytics::metrics`).
struct MetricDescriptions;

impl Modify for MetricDescriptions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let Some(RefOr::T(Schema::Object(view))) = components.schemas.get_mut("LearnerView") else {
            return;
        };
        for metric in crate::analytics::metrics::LEARNER_METRICS {
            if let Some(RefOr::T(Schema::Object(property))) = view.properties.get_mut(metric.column)
            {
                property.description = Some(format!(
                    "{} ({}): {}",
                    metric.name, metric.unit, metric.description
                ));
            }
        }
    }
}

/// The error answers any operation can give, added to every operation that does not document
/// them itself, so that the document lists every status a client may meet (a generated client
/// otherwise fails on an "undocumented" 401): 400 (a malformed or unknown parameter), 401 and
/// 403 where credentials are needed, 408 and 413 where there is a body, 503 (the database
/// cannot be reached; with `Retry-After`). Each carries the JSON error body.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::PathItem;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let PathItem {
                get,
                put,
                post,
                delete,
                head,
                patch,
                ..
            } = item;
            for operation in [get, put, post, delete, head, patch].into_iter().flatten() {
                let secured = operation.security.is_some();
                let with_body = operation.request_body.is_some();
                let mut wanted = vec![(
                    "400",
                    "the request is malformed or names an unknown parameter",
                )];
                if secured {
                    wanted.push(("401", "no credentials, an unknown key or a wrong secret"));
                    wanted.push(("403", "the credential lacks the scope this operation needs"));
                }
                if with_body {
                    wanted.push(("408", "the body did not arrive in time"));
                    wanted.push(("413", "the body is larger than the server accepts"));
                    wanted.push((
                        "415",
                        "the body is not of a media type this operation takes",
                    ));
                }
                if path != "/xapi/about" {
                    wanted.push((
                        "503",
                        "the database cannot be reached now; retry after the Retry-After seconds",
                    ));
                }
                for (status, description) in wanted {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_response(description).into());
                }
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
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
