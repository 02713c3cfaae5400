//! The model history: each time a model became the active one (migration 000016).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

/// Who activated a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivatedBy {
    /// A person, through the API (pinned: the scheduler does not replace it unless the
    /// installation opts in).
    Admin,
    /// The scheduled retraining.
    Scheduler,
}

impl ActivatedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivatedBy::Admin => "admin",
            ActivatedBy::Scheduler => "scheduler",
        }
    }
}

/// One activation, as recorded.
pub struct Activation<'a> {
    pub kind: ActivatedBy,
    /// The credential's key, or "scheduler".
    pub by: &'a str,
    pub reason: &'a str,
    pub evaluation: Option<&'a Value>,
}

#[derive(Debug, Clone)]
pub struct ActivationRow {
    pub id: i64,
    pub model_id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub by: String,
    pub reason: String,
    pub evaluation: Option<Value>,
}

pub async fn record(
    conn: &mut PgConnection,
    model_id: i64,
    activation: &Activation<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into analytics_model_activations (model_id, kind, by, reason, evaluation)
           values ($1, $2, $3, $4, $5)"#,
        model_id,
        activation.kind.as_str(),
        activation.by,
        activation.reason,
        activation.evaluation
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every activation, newest first.
pub async fn history(pool: &PgPool) -> sqlx::Result<Vec<ActivationRow>> {
    sqlx::query_as!(
        ActivationRow,
        r#"select id, model_id, at, kind, by, reason, evaluation
           from analytics_model_activations order by at desc, id desc"#
    )
    .fetch_all(pool)
    .await
}

/// How the model active now became active (None without an active model).
pub async fn current(pool: &PgPool) -> sqlx::Result<Option<ActivationRow>> {
    sqlx::query_as!(
        ActivationRow,
        r#"select a.id, a.model_id, a.at, a.kind, a.by, a.reason, a.evaluation
           from analytics_model_activations a
           join analytics_models m on m.id = a.model_id and m.active
           order by a.at desc, a.id desc limit 1"#
    )
    .fetch_optional(pool)
    .await
}
