//! The three document resources share one implementation (Communication 2.2): State
//! (`/activities/state`), Activity Profile (`/activities/profile`) and Agent Profile
//! (`/agents/profile`) differ only in the parameters that address a document.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#22-documents-resources>

pub mod activity_profile;
pub mod agent_profile;
mod params;
mod preconditions;
pub mod state;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{Duration, DurationRound, Utc};

use self::params::{DocumentIdParam, DocumentScope, Since};
use self::preconditions::Preconditions;
use super::error::ApiError;
use super::params::{And, NoParams, Params, QuerySet};
use super::state::AppState;
use super::statements::http_date;
use crate::store::documents::{self, Resource, Scope};
use crate::xapi::{XapiVersion, is_json_media_type, json_object, merge_objects};

/// How a resource addresses its documents.
pub struct Spec {
    pub resource: Resource,
    /// `stateId` or `profileId`.
    pub id_param: &'static str,
}

/// The document (or documents) a request addresses.
struct Target {
    scope: Scope,
    document_id: Option<String>,
}

/// The address in the request's parameters, `S` (the scope) and `I` (the document id), with
/// `E` for what else the operation takes.
fn target<S: DocumentScope, I: DocumentIdParam, E: QuerySet>(
    spec: &Spec,
    req: &HttpRequest,
    version: XapiVersion,
) -> Result<(Target, E), ApiError> {
    let Params(And(scope, And(id, extra))) =
        Params::<And<S, And<I, E>>>::from_query(req.query_string())?;
    Ok((
        Target {
            scope: scope.scope(spec.resource, version)?,
            document_id: id.id(),
        },
        extra,
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
pub async fn get<S: DocumentScope, I: DocumentIdParam>(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
) -> Result<HttpResponse, ApiError> {
    let (target, Since { since }) = target::<S, I, Since>(spec, req, version)?;
    if target.document_id.is_some() && since.is_some() {
        return Err(ApiError::invalid(
            "since",
            format!(
                "only applies when listing documents, not with {}",
                spec.id_param
            ),
        ));
    }
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
            let since = since.map(|t| t.at("since", version)).transpose()?;
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
pub async fn put<S: DocumentScope, I: DocumentIdParam>(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (target, NoParams {}) = target::<S, I, NoParams>(spec, req, version)?;
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
pub async fn post<S: DocumentScope, I: DocumentIdParam>(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (target, NoParams {}) = target::<S, I, NoParams>(spec, req, version)?;
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
pub async fn delete<S: DocumentScope, I: DocumentIdParam>(
    spec: &Spec,
    state: &AppState,
    req: &HttpRequest,
    version: XapiVersion,
) -> Result<HttpResponse, ApiError> {
    let (target, NoParams {}) = target::<S, I, NoParams>(spec, req, version)?;
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
