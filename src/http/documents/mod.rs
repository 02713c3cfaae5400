//! The three document resources share one implementation (Communication 2.2): State
//! (`/activities/state`), Activity Profile (`/activities/profile`) and Agent Profile
//! (`/agents/profile`) differ only in the parameters that address a document.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#22-documents-resources>

pub mod activity_profile;
pub mod agent_profile;
mod params;
pub mod state;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use self::params::{DocumentIdParam, DocumentScope, Since};
use super::error::ApiError;
use super::params::{And, NoParams, Params, QuerySet};
use super::state::AppState;
use super::statements::http_date;
use crate::service::documents::{self, Preconditions, Write};
use crate::store::documents::{Resource, Scope};
use crate::xapi::XapiVersion;

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

fn etag(sha1: &str) -> String {
    format!("\"{sha1}\"")
}

/// The document in a request: its bytes, their media type and the condition headers.
fn write<'a>(state: &AppState, req: &HttpRequest, body: &'a Bytes) -> Write<'a> {
    Write {
        content_type: req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned(),
        content: body,
        preconditions: preconditions(req),
        max_bytes: state.max_document_bytes,
    }
}

fn preconditions(req: &HttpRequest) -> Preconditions {
    let value = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    Preconditions::new(value(header::IF_MATCH), value(header::IF_NONE_MATCH))
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
            let document = documents::get(&state.pool, &target.scope, id)
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
    let id = target.document_id.unwrap_or_default();
    let write = write(state, req, &body);
    documents::put(&state.pool, &target.scope, &id, write, version).await?;
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
    let id = target.document_id.unwrap_or_default();
    let write = write(state, req, &body);
    documents::post(&state.pool, &target.scope, &id, write).await?;
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
    let id = target.document_id.as_deref();
    documents::delete(&state.pool, &target.scope, id, preconditions(req)).await?;
    Ok(HttpResponse::NoContent().finish())
}
