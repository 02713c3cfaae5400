//! Storing statements (PUT and POST share this pipeline): validate every statement in memory,
//! match attachment parts and signatures, prepare the stored form, then write the batch in one
//! transaction with a constant number of round trips.

use std::collections::HashSet;

use serde_json::Value;
use uuid::Uuid;

use bytes::Bytes;

use super::Ingest;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::store::statements::{
    AttachmentContent, GROUPED_SUBMISSION_LIMIT, InsertError, PreparedStatement, Writer,
    insert_batch,
};
use crate::xapi::{
    PrepareContext, SIGNATURE_USAGE_TYPE, ValidationError, XapiVersion, index_statement,
    prepare_for_storage, validate_statement, verify_signature,
};

/// One attachment part of a multipart request.
pub struct AttachmentPart {
    /// `X-Experience-API-Hash`, lowercased.
    pub sha2: String,
    pub content_type: String,
    pub content: Bytes,
}

/// The statements of a request and the attachment data that came with them.
pub struct Incoming {
    pub statements: Value,
    pub parts: Vec<AttachmentPart>,
}

/// Where the statements of a request came from.
pub enum Shape {
    /// PUT: exactly one statement, with this id.
    Single(Uuid),
    /// POST: one statement or an array of them.
    Batch,
}

/// Validates and stores the statements of a request; returns their ids in request order.
pub async fn store(
    state: &Ingest,
    principal: &Principal,
    version: XapiVersion,
    incoming: Incoming,
    shape: Shape,
) -> Result<Vec<Uuid>, ApiError> {
    let (statements, is_batch) = split(incoming.statements, &shape)?;
    // The write budget covers validation too: the actix worker threads that validate also
    // drive the open transactions, so validating many large batches at once would keep
    // every transaction (and its locks) open longer.
    let _permit = state.write_gate.enter(statements.len()).await;
    let root = |i: usize| {
        if is_batch {
            format!("statements[{i}]")
        } else {
            "statement".to_owned()
        }
    };
    for (i, statement) in statements.iter().enumerate() {
        validate_statement(statement, version).map_err(|e| invalid(e.with_root(&root(i))))?;
    }
    reject_repeated_ids(&statements, is_batch)?;
    let attachments = match_attachments(&statements, incoming.parts, &root)?;

    let ticket = state.clock.ticket();
    let context = PrepareContext {
        stored: ticket.stored,
        authority: principal.authority.clone(),
        version,
    };
    let mut prepared = Vec::with_capacity(statements.len());
    for (i, statement) in statements.into_iter().enumerate() {
        let sent_timestamp = statement.get("timestamp").is_some_and(|t| !t.is_null());
        let stored_form =
            prepare_for_storage(statement, &context).map_err(|e| invalid(e.with_root(&root(i))))?;
        let index = index_statement(&stored_form).map_err(|e| invalid(e.with_root(&root(i))))?;
        prepared.push(PreparedStatement {
            statement: stored_form,
            sent_timestamp,
            index,
            stored: ticket.stored,
        });
    }
    let ids: Vec<Uuid> = prepared.iter().map(|p| p.index.id).collect();
    let attachments = attribute_deliveries(attachments, &prepared);
    let writer = Writer {
        credential_id: principal.credential_id,
        may_define: [Scope::Define, Scope::All, Scope::Admin]
            .iter()
            .any(|s| principal.scopes.contains(*s)),
    };
    // Small submissions share a transaction with others sent at the same time (group
    // commit); attachments and large batches go alone.
    let stored = if attachments.is_empty() && prepared.len() <= GROUPED_SUBMISSION_LIMIT {
        state.group_commit.insert(prepared, writer).await
    } else {
        insert_batch(&state.statement_pool, &prepared, &attachments, &writer).await
    };
    stored.map_err(|e| match e {
        InsertError::Conflict(id) => ApiError::Conflict(format!(
            "statement {id} already exists with different content; statements are immutable"
        )),
        InsertError::Database(e) => e.into(),
        InsertError::Stopped => ApiError::Unavailable("the server is shutting down".into()),
    })?;
    drop(ticket);
    Ok(ids)
}

fn invalid(error: ValidationError) -> ApiError {
    ApiError::Invalid {
        path: error.path,
        message: error.message,
    }
}

/// The statements of the request as a list, with PUT's id rules applied.
fn split(statements: Value, shape: &Shape) -> Result<(Vec<Value>, bool), ApiError> {
    match (statements, shape) {
        (Value::Object(mut statement), Shape::Single(id)) => {
            // Communication 2.1.1: the statementId parameter names the statement; an id in the
            // body must agree with it.
            match statement.get("id") {
                None => {
                    statement.insert("id".into(), Value::String(id.hyphenated().to_string()));
                }
                Some(Value::String(given))
                    if Uuid::parse_str(given).is_ok_and(|given| given == *id) => {}
                Some(_) => {
                    return Err(ApiError::invalid(
                        "statement.id",
                        "differs from the statementId parameter",
                    ));
                }
            }
            Ok((vec![Value::Object(statement)], false))
        }
        (Value::Array(_), Shape::Single(_)) => Err(ApiError::bad_request(
            "PUT takes a single statement; POST a batch instead",
        )),
        (Value::Array(list), Shape::Batch) => {
            if list.is_empty() {
                return Err(ApiError::bad_request("the batch holds no statement"));
            }
            Ok((list, true))
        }
        (statement @ Value::Object(_), Shape::Batch) => Ok((vec![statement], false)),
        _ => Err(ApiError::bad_request(
            "the body must be a statement (a JSON object) or an array of statements",
        )),
    }
}

/// A batch may not hold one id twice (xAPI 2.0; harmless and sensible for 1.0.3 too).
fn reject_repeated_ids(statements: &[Value], is_batch: bool) -> Result<(), ApiError> {
    if !is_batch {
        return Ok(());
    }
    let mut seen = HashSet::new();
    for (i, statement) in statements.iter().enumerate() {
        if let Some(id) = statement.get("id").and_then(Value::as_str) {
            let id = id.to_ascii_lowercase();
            if !seen.insert(id.clone()) {
                return Err(ApiError::invalid(
                    format!("statements[{i}].id"),
                    format!("the batch uses the id {id} more than once"),
                ));
            }
        }
    }
    Ok(())
}

/// Pairs multipart parts with the attachments the statements declare (Data 2.4.11): every part
/// must belong to a declared attachment, every declared attachment without a `fileUrl` must
/// have a part, and signatures are verified against their statement.
fn match_attachments(
    statements: &[Value],
    parts: Vec<AttachmentPart>,
    root: &dyn Fn(usize) -> String,
) -> Result<Vec<AttachmentContent>, ApiError> {
    let declared: Vec<(usize, &Value)> = statements
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.get("attachments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(move |a| (i, a))
        })
        .collect();
    let sha_of = |a: &Value| {
        a.get("sha2")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    for part in &parts {
        if !declared
            .iter()
            .any(|(_, a)| sha_of(a).as_deref() == Some(&part.sha2))
        {
            return Err(ApiError::bad_request(format!(
                "the multipart part with X-Experience-API-Hash {} matches no attachment of the statements",
                part.sha2
            )));
        }
    }
    for (i, attachment) in &declared {
        let sha2 = sha_of(attachment).unwrap_or_default();
        let part = parts.iter().find(|p| p.sha2 == sha2);
        let has_url = attachment.get("fileUrl").is_some();
        if part.is_none() && !has_url {
            return Err(ApiError::invalid(
                format!("{}.attachments", root(*i)),
                format!("attachment {sha2} has no fileUrl and no part in the request"),
            ));
        }
        let is_signature =
            attachment.get("usageType").and_then(Value::as_str) == Some(SIGNATURE_USAGE_TYPE);
        if is_signature {
            let part = part.ok_or_else(|| {
                ApiError::invalid(
                    format!("{}.attachments", root(*i)),
                    "a signature attachment must be sent in the request",
                )
            })?;
            verify_signature(&statements[*i], &part.content)
                .map_err(|e| invalid(e.with_root(&root(*i))))?;
        }
    }
    let mut contents: Vec<AttachmentContent> = Vec::new();
    for part in parts {
        if contents.iter().all(|c| c.sha2 != part.sha2) {
            contents.push(AttachmentContent {
                sha2: part.sha2,
                content_type: part.content_type,
                content: part.content.to_vec(),
                statements: Vec::new(),
            });
        }
    }
    Ok(contents)
}

/// Names, for each attachment content received, the statements of the request that declare it
/// (by their ids, known once prepared): those delivered it, and a credential that may read only
/// its own statements is served only content that one of them delivered.
fn attribute_deliveries(
    mut attachments: Vec<AttachmentContent>,
    prepared: &[PreparedStatement],
) -> Vec<AttachmentContent> {
    for attachment in &mut attachments {
        attachment.statements = prepared
            .iter()
            .filter(|p| {
                p.statement
                    .get("attachments")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.get("sha2").and_then(Value::as_str))
                    .any(|sha| sha.eq_ignore_ascii_case(&attachment.sha2))
            })
            .map(|p| p.index.id)
            .collect();
    }
    attachments
}
