//! Canonical Activity definitions (written with statements, see `statements::insert`).

use std::collections::HashMap;

use serde_json::Value;
use sqlx::PgPool;

use super::statements::sha256;

/// The canonical definitions of these Activities, for those that have one.
pub async fn definitions(pool: &PgPool, ids: &[String]) -> sqlx::Result<HashMap<String, Value>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let shas: Vec<Vec<u8>> = ids.iter().map(|id| sha256(id)).collect();
    let rows = sqlx::query!(
        r#"select id, definition as "definition!" from activities
           where id_sha = any($1) and definition is not null"#,
        &shas
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.definition)).collect())
}

/// The canonical definition of one Activity, if the LRS has one.
pub async fn definition(pool: &PgPool, id: &str) -> sqlx::Result<Option<Value>> {
    let row = sqlx::query_scalar!(
        "select definition from activities where id_sha = $1",
        sha256(id)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.flatten())
}
