//! Credential management over HTTP (scope `admin`), the same operations as
//! `lrs credentials create|list|revoke`.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auth::Authenticated;
use super::error::ApiError;
use super::state::AppState;
use crate::auth::{Access, Scope, Scopes};
use crate::http::params::{NoParams, Params};
use crate::service::credentials::{self, CredentialInfo};

/// A credential as listed (never its secret).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CredentialView {
    id: Uuid,
    key: String,
    name: String,
    scopes: Vec<String>,
    /// The Agent statements written with this credential are attributed to.
    #[schema(value_type = Object)]
    authority: serde_json::Value,
    created_at: chrono::DateTime<chrono::Utc>,
    revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<CredentialInfo> for CredentialView {
    fn from(row: CredentialInfo) -> Self {
        CredentialView {
            id: row.id,
            key: row.key,
            name: row.name,
            scopes: row.scopes,
            authority: row.authority,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCredentialRequest {
    /// Who or what uses the credential.
    name: String,
    /// Scopes to grant, e.g. `["statements/write", "statements/read/mine"]`.
    scopes: Vec<Scope>,
    /// A chosen key; generated when absent.
    key: Option<String>,
}

/// A new credential. The secret appears in this response only.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssuedCredential {
    key: String,
    secret: String,
    credential: CredentialView,
}

/// List every credential, revoked ones included.
#[utoipa::path(
    tag = "admin",
    security(("basic" = [])),
    responses(
        (status = 200, body = Vec<CredentialView>),
        (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)
    )
)]
#[get("/credentials")]
pub async fn list_credentials(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::Admin)?;
    let rows = credentials::list(&state.pool).await?;
    let views: Vec<CredentialView> = rows.into_iter().map(CredentialView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Create a credential; the response holds its secret, which is not kept.
#[utoipa::path(
    tag = "admin",
    security(("basic" = [])),
    request_body = NewCredentialRequest,
    responses(
        (status = 201, body = IssuedCredential),
        (status = 400, body = super::error::ErrorBody),
        (status = 409, body = super::error::ErrorBody, description = "the key is taken")
    )
)]
#[post("/credentials")]
pub async fn create_credential(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    body: web::Json<NewCredentialRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::Admin)?;
    let body = body.into_inner();
    let issued = credentials::create(
        &state.pool,
        body.name,
        Scopes::new(body.scopes),
        body.key,
        &state.authority_homepage,
    )
    .await?;
    Ok(HttpResponse::Created().json(IssuedCredential {
        key: issued.info.key.clone(),
        secret: issued.secret,
        credential: issued.info.into(),
    }))
}

/// Revoke a credential. It stops working at once, on every LRS process.
#[utoipa::path(
    tag = "admin",
    security(("basic" = [])),
    params(("key" = String, Path, description = "the credential's key")),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody, description = "no active credential has this key"),
        (status = 409, body = super::error::ErrorBody, description = "the key is the start-up credential (`LRS_ADMIN_KEY`)")
    )
)]
#[delete("/credentials/{key}")]
pub async fn revoke_credential(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::Admin)?;
    credentials::revoke(&state.pool, &key, state.bootstrap_key.as_deref()).await?;
    state.authenticator.forget_verifications();
    Ok(HttpResponse::NoContent().finish())
}
