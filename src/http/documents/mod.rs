//! The three document resources share one implementation (Communication 2.2): State
//! (`/activities/state`), Activity Profile (`/activities/profile`) and Agent Profile
//! (`/agents/profile`) differ only in the parameters that address a document.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#22-documents-resources>

pub mod activity_profile;
pub mod agent_profile;
mod preconditions;
pub mod state;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{Duration, DurationRound, Utc};

use self::preconditions::Preconditions;
use super::error::ApiError;
use super::query::QueryParams;
use super::state::AppState;
use super::statements::http_date;
use crate::store::documents::{self, Resource, Scope};
use crate::xapi::{
    XapiVersion, ifi_key, is_json_media_type, json_object, merge_objects, parse_agent_param,
};

/// How a resource addresses its documents.
pub struct Spec {
    pub resource: Resource,
    /// `stateId` or `profileId`.
    pub id_param: &'static str,
    pub has_activity: bool,
    pub has_agent: bool,
    pub has_registration: bool,
}

/// The document (or documents) a request addresses.
struct Target {
    scope: Scope,
    document_id: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Read,
    Write,
    Delete,
}

fn target(
    spec: &Spec,
    req: &HttpRequest,
    version: XapiVersion,
    operation: Operation,
) -> Result<(Target, QueryParams), ApiError> {
    let params = QueryParams::parse(req.query_string())?;
    let mut allowed = vec![spec.id_param];
    if spec.has_activity {
        allowed.push("activityId");
    }
    if spec.has_agent {
        allowed.push("agent");
    }
    if spec.has_registration {
        allowed.push("registration");
    }
    if operation == Operation::Read {
        allowed.push("since");
    }
    params.allow_only(&allowed)?;

    let activity_id = if spec.has_activity {
        let id = params.required("activityId")?;
        params.iri("activityId")?;
        Some(id.to_owned())
    } else {
        None
    };
    let agent = if spec.has_agent {
        let text = params.required("agent")?;
        let agent =
            parse_agent_param(text, version).map_err(|e| ApiError::invalid(e.path, e.message))?;
        Some(ifi_key(&agent).ok_or_else(|| {
            ApiError::invalid("agent", "must identify an Agent by one identifier")
        })?)
    } else {
        None
    };
    let registration = if spec.has_registration {
        params.uuid("registration")?
    } else {
        None
    };
    let document_id = params.get(spec.id_param).map(str::to_owned);
    // A document id is returned as it was given (the id lists); PostgreSQL's text cannot hold
    // NUL, so such an id is refused rather than stored altered.
    if document_id.as_deref().is_some_and(|id| id.contains('\0')) {
        return Err(ApiError::invalid(
            spec.id_param,
            "must not contain the NUL character (U+0000)",
        ));
    }
    let id_required = match operation {
        Operation::Write => true,
        // Deleting every document of a scope is a State Resource feature only.
        Operation::Delete => spec.resource != Resource::State,
        Operation::Read => false,
    };
    if id_required && document_id.is_none() {
        return Err(ApiError::invalid(
            spec.id_param,
            "this parameter is required",
        ));
    }
    if document_id.is_some() && params.contains("since") {
        return Err(ApiError::invalid(
            "since",
            format!(
                "only applies when listing documents, not with {}",
                spec.id_param
            ),
        ));
    }
    Ok((
        Target {
            scope: Scope {
                resource: spec.resource,
                activity_id,
                agent,
                registration,
            },
            document_id,
        },
        params,
    ))
}

fn now() -> chrono::DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
}

fn etag(sha1: &str) -> String {
    format!("\"{sha1}\"")
}

fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

/// GET (and HEAD): one document with its ETag, or the ids of the scope's documents.
pub async fn get(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
) -> Result<HttpResponse, ApiError> {
    let (target, params) = target(spec, req, version, Operation::Read)?;
    match &target.document_id {
        Some(id) => {
            let document = documents::get(&state.pool, &target.scope.key(id))
                .await?
                .ok_or_else(|| {
                    ApiError::NotFound(format!("no document with {} {id}", spec.id_param))
                })?;
            Ok(HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, document.content_type))
                .insert_header((header::ETAG, etag(&document.sha1)))
                .insert_header((header::LAST_MODIFIED, http_date(document.updated)))
                .body(document.content))
        }
        None => {
            let since = params.timestamp("since", version)?;
            let (ids, latest) = documents::list_ids(&state.pool, &target.scope, since).await?;
            // Communication 2.2: a list carries the time of its most recently modified document.
            let mut response = HttpResponse::Ok();
            if let Some(latest) = latest {
                response.insert_header((header::LAST_MODIFIED, http_date(latest)));
            }
            Ok(response.json(ids))
        }
    }
}

/// PUT: store or replace a document.
pub async fn put(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (target, _) = target(spec, req, version, Operation::Write)?;
    let id = target.document_id.clone().unwrap_or_default();
    let content_type = content_type(req);
    check_size(state, &body)?;
    if is_json_media_type(&content_type)
        && serde_json::from_slice::<serde_json::Value>(&body).is_err()
    {
        return Err(ApiError::bad_request(
            "the document is declared application/json but is not valid JSON",
        ));
    }
    let preconditions = Preconditions::from_request(req);
    let key = target.scope.key(&id);
    let mut tx = state.pool.begin().await?;
    let current = documents::lock(&mut tx, &key).await?;
    preconditions.check(current.as_ref())?;
    if !preconditions.any() {
        // Communication 3.1: a client must not overwrite a document blindly. The State
        // Resource is exempt under 1.0.x; under 2.0 every document resource is concurrent.
        let concurrent = spec.resource != Resource::State || version.is_v2();
        if current.is_some() && concurrent {
            return Err(ApiError::Conflict(
                "the document exists: send If-Match with its ETag to replace it (or If-None-Match: * to create only)"
                    .into(),
            ));
        }
        if current.is_none() && spec.resource != Resource::State && !version.is_v2() {
            return Err(ApiError::bad_request(
                "a PUT to a profile document needs If-Match (to replace) or If-None-Match: * (to create)",
            ));
        }
    }
    documents::save(&mut tx, &target.scope, &id, &content_type, &body, now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// POST: store a new document, or merge a JSON object into a stored JSON object.
pub async fn post(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (target, _) = target(spec, req, version, Operation::Write)?;
    let id = target.document_id.clone().unwrap_or_default();
    let content_type = content_type(req);
    check_size(state, &body)?;
    let posted_is_json = is_json_media_type(&content_type);
    if posted_is_json && serde_json::from_slice::<serde_json::Value>(&body).is_err() {
        return Err(ApiError::bad_request(
            "the document is declared application/json but is not valid JSON",
        ));
    }
    let preconditions = Preconditions::from_request(req);
    let key = target.scope.key(&id);
    let mut tx = state.pool.begin().await?;
    let current = documents::lock(&mut tx, &key).await?;
    preconditions.check(current.as_ref())?;
    let (content_type, content) = match current {
        None => (content_type, body.to_vec()),
        Some(current) => {
            let stored = is_json_media_type(&current.content_type)
                .then(|| json_object(&current.content))
                .flatten()
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "the stored document is not a JSON object, so a POST cannot merge into it; use PUT",
                    )
                })?;
            let posted = posted_is_json
                .then(|| json_object(&body))
                .flatten()
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "a POST to an existing document must be a JSON object sent as application/json",
                    )
                })?;
            let merged = serde_json::Value::Object(merge_objects(stored, posted));
            (
                "application/json".to_owned(),
                merged.to_string().into_bytes(),
            )
        }
    };
    check_size(state, &content)?;
    documents::save(&mut tx, &target.scope, &id, &content_type, &content, now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// DELETE: one document, or (State Resource only) every document of the scope.
pub async fn delete(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
) -> Result<HttpResponse, ApiError> {
    let (target, _) = target(spec, req, version, Operation::Delete)?;
    let preconditions = Preconditions::from_request(req);
    match &target.document_id {
        Some(id) => {
            let key = target.scope.key(id);
            let mut tx = state.pool.begin().await?;
            let current = documents::lock(&mut tx, &key).await?;
            preconditions.check(current.as_ref())?;
            if current.is_some() {
                documents::delete(&mut tx, &key).await?;
            }
            tx.commit().await?;
        }
        None => {
            documents::delete_scope(&state.pool, &target.scope).await?;
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

fn check_size(state: &AppState, content: &[u8]) -> Result<(), ApiError> {
    if content.len() > state.max_document_bytes {
        return Err(ApiError::PayloadTooLarge(format!(
            "documents are limited to {} bytes (LRS_MAX_DOCUMENT_BYTES)",
            state.max_document_bytes
        )));
    }
    Ok(())
}
