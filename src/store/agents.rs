//! Agents seen in statements (written with statements, see `statements::insert`).

use sqlx::PgPool;

use super::statements::sha256;

/// The names statements have used for the agent with this IFI key.
pub async fn names(pool: &PgPool, ifi: &str) -> sqlx::Result<Vec<String>> {
    let names = sqlx::query_scalar!("select names from agents where ifi_sha = $1", sha256(ifi))
        .fetch_optional(pool)
        .await?;
    Ok(names.unwrap_or_default())
}
