//! The document resources (Communication 2.2 to 2.4): State, Activity Profile and Agent
//! Profile documents, read, listed, written under the concurrency rules of Communication 3.1,
//! merged (POST of JSON objects) and deleted. The HTTP layer reads the address and the headers.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#22-documents-resources>

mod preconditions;

use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::PgPool;

pub use self::preconditions::Preconditions;
use crate::error::ApiError;
use crate::store::documents::{self, Document, Resource, Scope};
use crate::xapi::{XapiVersion, is_json_media_type, json_object, merge_objects};

/// A document to write: its bytes and their media type, and the request's conditions.
pub struct Write<'a> {
    pub content_type: String,
    pub content: &'a [u8],
    pub preconditions: Preconditions,
    /// The largest document stored (`LRS_MAX_DOCUMENT_BYTES`).
    pub max_bytes: usize,
}

fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
}

/// One document, or None.
pub async fn get(pool: &PgPool, scope: &Scope, id: &str) -> Result<Option<Document>, ApiError> {
    Ok(documents::get(pool, &scope.key(id)).await?)
}

/// The ids of a scope's documents (updated after `since`), and when the latest was updated.
pub async fn list_ids(
    pool: &PgPool,
    scope: &Scope,
    since: Option<DateTime<Utc>>,
) -> Result<(Vec<String>, Option<DateTime<Utc>>), ApiError> {
    Ok(documents::list_ids(pool, scope, since).await?)
}

fn check_size(content: &[u8], max_bytes: usize) -> Result<(), ApiError> {
    if content.len() > max_bytes {
        return Err(ApiError::PayloadTooLarge(format!(
            "documents are limited to {max_bytes} bytes (LRS_MAX_DOCUMENT_BYTES)"
        )));
    }
    Ok(())
}

/// PUT: store or replace a document.
pub async fn put(
    pool: &PgPool,
    scope: &Scope,
    id: &str,
    write: Write<'_>,
    version: XapiVersion,
) -> Result<(), ApiError> {
    let Write {
        content_type,
        content,
        preconditions,
        max_bytes,
    } = write;
    check_size(content, max_bytes)?;
    if is_json_media_type(&content_type)
        && serde_json::from_slice::<serde_json::Value>(content).is_err()
    {
        return Err(ApiError::bad_request(
            "the document is declared application/json but is not valid JSON",
        ));
    }
    let key = scope.key(id);
    let mut tx = pool.begin().await?;
    let current = documents::lock(&mut tx, &key).await?;
    preconditions.check(current.as_ref())?;
    if !preconditions.any() {
        // Communication 3.1: a client must not overwrite a document blindly. The State
        // Resource is exempt under 1.0.x; under 2.0 every document resource is concurrent.
        let concurrent = scope.resource != Resource::State || version.is_v2();
        if current.is_some() && concurrent {
            return Err(ApiError::Conflict(
                "the document exists: send If-Match with its ETag to replace it (or If-None-Match: * to create only)"
                    .into(),
            ));
        }
        if current.is_none() && scope.resource != Resource::State && !version.is_v2() {
            return Err(ApiError::bad_request(
                "a PUT to a profile document needs If-Match (to replace) or If-None-Match: * (to create)",
            ));
        }
    }
    documents::save(&mut tx, scope, id, &content_type, content, now()).await?;
    tx.commit().await?;
    Ok(())
}

/// POST: store a new document, or merge a JSON object into a stored JSON object.
pub async fn post(
    pool: &PgPool,
    scope: &Scope,
    id: &str,
    write: Write<'_>,
) -> Result<(), ApiError> {
    let Write {
        content_type,
        content: body,
        preconditions,
        max_bytes,
    } = write;
    check_size(body, max_bytes)?;
    let posted_is_json = is_json_media_type(&content_type);
    if posted_is_json && serde_json::from_slice::<serde_json::Value>(body).is_err() {
        return Err(ApiError::bad_request(
            "the document is declared application/json but is not valid JSON",
        ));
    }
    let key = scope.key(id);
    let mut tx = pool.begin().await?;
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
                .then(|| json_object(body))
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
    check_size(&content, max_bytes)?;
    documents::save(&mut tx, scope, id, &content_type, &content, now()).await?;
    tx.commit().await?;
    Ok(())
}

/// DELETE: one document, or (no id: the State Resource only) every document of the scope.
pub async fn delete(
    pool: &PgPool,
    scope: &Scope,
    id: Option<&str>,
    preconditions: Preconditions,
) -> Result<(), ApiError> {
    match id {
        Some(id) => {
            let key = scope.key(id);
            let mut tx = pool.begin().await?;
            let current = documents::lock(&mut tx, &key).await?;
            preconditions.check(current.as_ref())?;
            if current.is_some() {
                documents::delete(&mut tx, &key).await?;
            }
            tx.commit().await?;
        }
        None => {
            documents::delete_scope(pool, scope).await?;
        }
    }
    Ok(())
}
