//! The Statement Resource (xAPI 1.0.3 Communication 2.1; IEEE 9274.1.1 4.1.6.1).
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#21-statement-resource>

mod body;
mod read;
mod response;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, put, route, web};

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::params::{CanonicalUuid, NoParams, Params};
use super::state::AppState;
use super::version::Version;
use crate::auth::Access;
use crate::service::statements;

pub use read::accept_languages;
pub use response::http_date;

fn content_type(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// The id a statement is stored under.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementIdQuery {
    /// the id of the statement
    #[serde(rename = "statementId")]
    #[param(rename = "statementId", value_type = Uuid)]
    statement_id: CanonicalUuid,
}

/// Store one statement under the id given by `statementId`.
///
/// 204 when stored, or when a statement with this id exists and is equivalent (re-delivery);
/// 409 when one exists with different content. Accepts `application/json`, or
/// `multipart/mixed` with attachment data.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(
        StatementIdQuery,
        ("X-Experience-API-Version" = String, Header, description = "1.0.0 to 1.0.3, or 2.0.0")
    ),
    request_body(content = Object, description = "a Statement", content_type = "application/json"),
    responses(
        (status = 204, description = "stored"),
        (status = 400, body = ErrorBody, description = "invalid statement or parameters"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the id is taken by a different statement")
    )
)]
#[put("/statements")]
pub async fn put_statement(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let principal = auth.require(Access::StatementsWrite)?;
    let Params(StatementIdQuery {
        statement_id: CanonicalUuid(id),
    }) = Params::from_query(req.query_string())?;
    let incoming = body::read(content_type(&req), body).await?;
    statements::store(
        &state.ingest,
        principal,
        version,
        incoming,
        statements::Shape::Single(id),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Store one statement or an array of them; answers their ids, in order.
///
/// A batch is stored whole or not at all. Statements without an id get one.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(("X-Experience-API-Version" = String, Header, description = "1.0.0 to 1.0.3, or 2.0.0")),
    request_body(content = Object, description = "a Statement or an array of Statements", content_type = "application/json"),
    responses(
        (status = 200, body = Vec<Uuid>, description = "the ids of the statements, in request order"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)
    )
)]
#[post("/statements")]
pub async fn post_statements(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let principal = auth.require(Access::StatementsWrite)?;
    Params::<NoParams>::from_query(req.query_string())?;
    let incoming = body::read(content_type(&req), body).await?;
    let ids = statements::store(
        &state.ingest,
        principal,
        version,
        incoming,
        statements::Shape::Batch,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ids))
}

/// Fetch one statement (`statementId` or `voidedStatementId`) or a page of statements.
///
/// Pages are newest first unless `ascending=true`; `more` holds the path of the next page, or
/// "" at the end. Voided statements leave query results but stay fetchable by
/// `voidedStatementId`. `attachments=true` answers `multipart/mixed` with the attachment data.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(
        read::StatementParams,
        ("X-Experience-API-Version" = String, Header, description = "1.0.0 to 1.0.3, or 2.0.0")
    ),
    responses(
        (status = 200, description = "a Statement, or a StatementResult {statements, more}; with `attachments=true`, `multipart/mixed`: that JSON as the first part, then one part per attachment (Content-Type, Content-Transfer-Encoding: binary, X-Experience-API-Hash)", content((Object = "application/json"), (String = "multipart/mixed"))),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such statement")
    )
)]
#[route("/statements", method = "GET", method = "HEAD")]
pub async fn get_statements(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let principal = auth.require(Access::StatementsRead)?;
    let reader = crate::service::statements::query::Reader {
        pool: &state.pool,
        principal,
        version,
        accept_language: accept_languages(&req),
    };
    read::get(&reader, &req).await
}
