//! The About resource (xAPI 1.0.3 Communication 2.8, "About Resource").

use actix_web::{HttpResponse, route};
use serde::Serialize;

use crate::http::params::{NoParams, Params};
use crate::xapi::SUPPORTED_VERSIONS;

/// What the LRS supports.
#[derive(Serialize, utoipa::ToSchema)]
pub struct About {
    /// xAPI versions this LRS accepts in `X-Experience-API-Version`.
    #[schema(example = json!(["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]))]
    version: Vec<&'static str>,
}

/// Versions supported by this LRS. Needs no credentials and no version header.
///
/// https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#28-about-resource
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    responses((status = 200, body = About, headers(("X-Experience-API-Version" = String))))
)]
#[route("/about", method = "GET", method = "HEAD")]
pub async fn about(_: Params<NoParams>) -> HttpResponse {
    HttpResponse::Ok().json(About {
        version: SUPPORTED_VERSIONS.to_vec(),
    })
}
