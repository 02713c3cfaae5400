//! Alternate Request Syntax (xAPI 1.0.3 Communication 1.3), for clients that can only send
//! POST (old browsers' cross-origin requests): `POST <resource>?method=PUT` with a form body
//! whose fields carry the headers (`Authorization`, `X-Experience-API-Version`, ...), the
//! request body (`content`) and the query parameters.
//!
//! This middleware runs before routing, version checking and authentication, and rewrites such
//! a request into the request it stands for. xAPI 2.0 removed the syntax: under 2.0 a `method`
//! parameter is refused.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, Uri};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, ResponseError};

use super::error::ApiError;
use super::version::{LATEST, VERSION_HEADER, is_xapi_path};
use crate::xapi::XapiVersion;

/// Form fields that stand for request headers.
const HEADER_FIELDS: [&str; 6] = [
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
];

pub async fn alternate_syntax(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, Error> {
    let has_method = is_xapi_path(req.path())
        && form_urlencoded::parse(req.query_string().as_bytes()).any(|(name, _)| name == "method");
    if !has_method {
        return next
            .call(req)
            .await
            .map(|res| res.map_into_boxed_body().map_into_left_body());
    }
    // Errors echo the version of the request as sent, not one a form field tried to set.
    let sent_version = req
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(XapiVersion::parse_header)
        .map_or(LATEST, XapiVersion::as_str);
    match rewrite(&mut req).await {
        Ok(method) => {
            let response = next.call(req).await?.map_into_boxed_body();
            // The connection still carries a POST, so the server would send the body of an
            // emulated HEAD: drop it here.
            let response = if method == Method::HEAD {
                response.map_body(|_, _| BoxBody::new(()))
            } else {
                response
            };
            Ok(response.map_into_left_body())
        }
        Err(error) => {
            // This middleware runs before the version middleware, so its errors carry the
            // version header themselves (Communication 3.3: every response has it).
            let mut response = error.error_response();
            response
                .headers_mut()
                .insert(VERSION_HEADER, HeaderValue::from_static(sent_version));
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// Rewrites the request in place; returns the method it stands for.
async fn rewrite(req: &mut ServiceRequest) -> Result<Method, ApiError> {
    let header_version = req
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(XapiVersion::parse_header);
    if header_version.is_some_and(XapiVersion::is_v2) {
        return Err(not_in_v2());
    }
    if req.method() != Method::POST {
        return Err(ApiError::bad_request(
            "Alternate Request Syntax requests must be sent as POST",
        ));
    }
    let query: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if let Some((name, _)) = query.iter().find(|(n, _)| n != "method") {
        return Err(ApiError::invalid(
            name.clone(),
            "with Alternate Request Syntax every parameter goes in the form body; only method may be in the URL",
        ));
    }
    let method = query
        .iter()
        .find(|(n, _)| n == "method")
        .map(|(_, v)| v.to_ascii_uppercase())
        .unwrap_or_default();
    let method = match method.as_str() {
        "GET" => Method::GET,
        "HEAD" => Method::HEAD,
        "PUT" => Method::PUT,
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        _ => {
            return Err(ApiError::invalid(
                "method",
                "must be GET, HEAD, PUT, POST or DELETE",
            ));
        }
    };
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(ApiError::bad_request(
            "Alternate Request Syntax needs a body of type application/x-www-form-urlencoded",
        ));
    }
    let form = req
        .extract::<Bytes>()
        .await
        .map_err(|e| ApiError::bad_request(format!("cannot read the form body: {e}")))?;

    let mut params = form_urlencoded::Serializer::new(String::new());
    let mut content: Option<String> = None;
    let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
    for (name, value) in form_urlencoded::parse(&form) {
        let lower = name.to_ascii_lowercase();
        if HEADER_FIELDS.contains(&lower.as_str()) {
            let name = HeaderName::from_bytes(lower.as_bytes())
                .map_err(|_| ApiError::invalid(name.to_string(), "not a header name"))?;
            let value = HeaderValue::from_str(&value)
                .map_err(|_| ApiError::invalid(lower.clone(), "not a valid header value"))?;
            headers.push((name, value));
        } else if name == "content" {
            content = Some(value.into_owned());
        } else {
            params.append_pair(&name, &value);
        }
    }
    for (name, value) in headers {
        req.headers_mut().insert(name, value);
    }
    let effective = req
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(XapiVersion::parse_header);
    if effective.is_some_and(XapiVersion::is_v2) {
        return Err(not_in_v2());
    }

    let query = params.finish();
    let uri = if query.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{query}", req.path())
    };
    let uri: Uri = uri
        .parse()
        .map_err(|_| ApiError::bad_request("the rewritten request URI is invalid"))?;
    let body = Bytes::from(content.unwrap_or_default());
    let head = req.head_mut();
    head.method = method.clone();
    head.uri = uri;
    if head.headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.to_str()
            .is_ok_and(|v| v.starts_with("application/x-www-form-urlencoded"))
    }) {
        head.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    head.headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    req.set_payload(Payload::from(body));
    Ok(method)
}

fn not_in_v2() -> ApiError {
    ApiError::bad_request(
        "Alternate Request Syntax (the method parameter) was removed in xAPI 2.0; send the request itself",
    )
}
