//! Statement queries (Communication 2.1.3): one statement by id, or a filtered page in stored
//! order with a `more` token for the next; in the exact, ids or canonical format; limited to
//! the credential's own statements for a `statements/read/mine` credential.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::more::{DEFAULT_PAGE, MAX_PAGE, MoreToken};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::store::statements::terms::{TermKind, term, verb_activity_term};
use crate::store::statements::{
    self as store, AttachmentRow, Cursor, Lookup, StatementQuery, StoredRow,
};
use crate::xapi::{
    Format, XapiVersion, activity_ids, format_statement, ifi_key, substitute_definitions,
};

/// Who reads, and how statements are to be rendered for them.
pub struct Reader<'a> {
    pub pool: &'a sqlx::PgPool,
    pub principal: &'a Principal,
    pub version: XapiVersion,
    /// Language preferences, for the canonical format.
    pub accept_language: Vec<String>,
}

/// The filters of a statement query.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    pub registration: Option<Uuid>,
    /// An Agent or Group (`xapi::parse_agent_param`).
    pub agent: Option<Value>,
    pub related_agents: bool,
    pub activity: Option<&'a str>,
    pub verb: Option<&'a str>,
    pub related_activities: bool,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// 0 asks for the most a page holds; None for the default.
    pub limit: Option<u64>,
    pub ascending: bool,
    pub format: Format,
    pub attachments: bool,
}

/// A page of statements as JSON text, with the `more` path of the next page ("" at the end).
pub struct Page {
    pub statements: Vec<String>,
    pub more: String,
    /// The latest `stored` of the page.
    pub last_modified: Option<DateTime<Utc>>,
    pub attachments: bool,
}

pub fn only_credential(principal: &Principal) -> Option<Uuid> {
    principal
        .scopes
        .reads_only_own_statements()
        .then_some(principal.credential_id)
}

/// One statement (or, with [`Lookup::Voided`], one voided statement) as JSON text, and when it
/// was stored.
pub async fn single(
    reader: &Reader<'_>,
    id: Uuid,
    lookup: Lookup,
    format: Format,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let row = store::get_by_id(reader.pool, id, lookup, only_credential(reader.principal))
        .await?
        .ok_or_else(|| match lookup {
            Lookup::Live => ApiError::NotFound(format!("no statement {id} (or it is voided)")),
            Lookup::Voided => ApiError::NotFound(format!("no voided statement {id}")),
        })?;
    let stored = row.stored;
    let rendered = render(reader, vec![row], format).await?;
    Ok((rendered.into_iter().next().unwrap_or_default(), stored))
}

/// The first page's token from the filters.
pub fn first_page(filter: &Filter<'_>) -> Result<MoreToken, ApiError> {
    // Most selective first: the first term drives the index scan.
    let mut terms = Vec::new();
    if let Some(registration) = filter.registration {
        terms.push(term(
            TermKind::Registration,
            &registration.hyphenated().to_string(),
        ));
    }
    if let Some(agent) = &filter.agent {
        let ifi = ifi_key(agent)
            .ok_or_else(|| ApiError::invalid("agent", "must identify an Agent or Group"))?;
        let kind = if filter.related_agents {
            TermKind::RelatedAgent
        } else {
            TermKind::Agent
        };
        terms.push(term(kind, &ifi));
    }
    match (filter.activity, filter.verb) {
        // The object Activity with the verb: one term for the pair (see TermKind::VerbActivity).
        (Some(activity), Some(verb)) if !filter.related_activities => {
            terms.push(verb_activity_term(verb, activity));
        }
        (activity, verb) => {
            if let Some(activity) = activity {
                let kind = if filter.related_activities {
                    TermKind::RelatedActivity
                } else {
                    TermKind::Activity
                };
                terms.push(term(kind, activity));
            }
            if let Some(verb) = verb {
                terms.push(term(TermKind::Verb, verb));
            }
        }
    }
    let page_size = match filter.limit {
        None => DEFAULT_PAGE,
        Some(0) => MAX_PAGE,
        Some(n) => i64::try_from(n).unwrap_or(MAX_PAGE).min(MAX_PAGE),
    };
    Ok(MoreToken {
        terms,
        since: filter.since,
        until: filter.until,
        ascending: filter.ascending,
        page_size,
        format: filter.format.as_str().to_owned(),
        attachments: filter.attachments,
        cursor: None,
    })
}

/// The page a token asks for; `path` is what the `more` link of the next page starts with.
pub async fn page(reader: &Reader<'_>, path: &str, token: MoreToken) -> Result<Page, ApiError> {
    let format = Format::parse(&token.format).unwrap_or_default();
    let query = StatementQuery {
        terms: token.terms.clone(),
        since: token.since,
        until: token.until,
        ascending: token.ascending,
        limit: token.page_size + 1,
        after: token.cursor,
        only_credential: only_credential(reader.principal),
    };
    let mut rows = store::query(reader.pool, &query).await?;
    let has_more = rows.len() as i64 > token.page_size;
    rows.truncate(usize::try_from(token.page_size).unwrap_or(0));
    let more = match (has_more, rows.last()) {
        (true, Some(last)) => {
            let next = MoreToken {
                cursor: Some(Cursor {
                    stored: last.stored,
                    seq: last.seq,
                }),
                ..token.clone()
            };
            format!("{path}?more={}", next.encode())
        }
        _ => String::new(),
    };
    let last_modified = rows.iter().map(|r| r.stored).max();
    let statements = render(reader, rows, format).await?;
    Ok(Page {
        statements,
        more,
        last_modified,
        attachments: token.attachments,
    })
}

/// Statements in the requested format, as JSON text.
async fn render(
    reader: &Reader<'_>,
    rows: Vec<StoredRow>,
    format: Format,
) -> Result<Vec<String>, ApiError> {
    if format == Format::Exact {
        return Ok(rows.into_iter().map(|r| r.statement).collect());
    }
    let mut statements: Vec<Value> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.statement).map_err(ApiError::internal))
        .collect::<Result<_, _>>()?;
    if format == Format::Canonical {
        let ids: Vec<String> = statements.iter().flat_map(activity_ids).collect();
        let canonical = crate::store::activities::definitions(reader.pool, &ids).await?;
        for statement in &mut statements {
            substitute_definitions(statement, &|id| canonical.get(id).cloned());
        }
    }
    Ok(statements
        .iter()
        .map(|s| format_statement(s, format, &reader.accept_language).to_string())
        .collect())
}

/// The attachment data the statements (JSON text) declare, that the reader may be given.
pub async fn attachments(
    reader: &Reader<'_>,
    statements: &[String],
) -> Result<Vec<AttachmentRow>, ApiError> {
    let mut shas: Vec<String> = Vec::new();
    for text in statements {
        let statement: Value = serde_json::from_str(text).map_err(ApiError::internal)?;
        let declared = statement
            .get("attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("sha2").and_then(Value::as_str));
        for sha in declared {
            let sha = sha.to_ascii_lowercase();
            if !shas.contains(&sha) {
                shas.push(sha);
            }
        }
    }
    Ok(store::attachments(reader.pool, &shas, only_credential(reader.principal)).await?)
}
