//! GET /statements: one statement by id, or a filtered page (Communication 2.1.3).

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::cursor::{DEFAULT_PAGE, MAX_PAGE, MoreToken};
use super::response;
use crate::auth::Principal;
use crate::http::error::ApiError;
use crate::http::query::QueryParams;
use crate::store::statements::terms::{TermKind, term, verb_activity_term};
use crate::store::statements::{self as store, Cursor, Lookup, StatementQuery, StoredRow};
use crate::xapi::{
    Format, XapiVersion, activity_ids, format_statement, ifi_key, parse_agent_param,
    substitute_definitions,
};

/// The parameters of a statement query (Communication 2.1.3), as the OpenAPI document lists
/// them; [`StatementParams::NAMES`] is the list this resource accepts, checked equal to it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case, dead_code)]
pub struct StatementParams {
    statementId: Option<Uuid>,
    voidedStatementId: Option<Uuid>,
    /// an Agent or Group, as JSON
    agent: Option<String>,
    /// verb IRI
    verb: Option<String>,
    /// activity IRI
    activity: Option<String>,
    registration: Option<Uuid>,
    related_activities: Option<bool>,
    related_agents: Option<bool>,
    /// stored after this instant
    since: Option<String>,
    /// stored at or before this instant
    until: Option<String>,
    /// page size; 0 = the maximum (1000); default 100
    limit: Option<u32>,
    /// exact (default), ids or canonical
    format: Option<String>,
    attachments: Option<bool>,
    ascending: Option<bool>,
    /// the token of a more link
    more: Option<String>,
}

impl StatementParams {
    pub const NAMES: &[&str] = &[
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "more",
    ];
}

/// What a GET needs beyond its parameters.
pub struct ReadContext<'a> {
    pub pool: &'a sqlx::PgPool,
    pub principal: &'a Principal,
    pub version: XapiVersion,
    pub accept_language: Vec<String>,
}

pub async fn get(ctx: &ReadContext<'_>, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(StatementParams::NAMES)?;
    if let Some(more) = params.get("more") {
        if params.names().count() > 1 {
            return Err(ApiError::invalid(
                "more",
                "a more token already holds the query; send it alone",
            ));
        }
        let token = MoreToken::decode(more)?;
        return page(ctx, req.path(), token).await;
    }
    let by_id = params.contains("statementId") || params.contains("voidedStatementId");
    if by_id {
        single(ctx, &params).await
    } else {
        let token = first_page(ctx, &params)?;
        page(ctx, req.path(), token).await
    }
}

fn format_param(params: &QueryParams) -> Result<Format, ApiError> {
    match params.get("format") {
        None => Ok(Format::Exact),
        Some(text) => Format::parse(text)
            .ok_or_else(|| ApiError::invalid("format", "must be ids, exact or canonical")),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Exact => "exact",
        Format::Ids => "ids",
        Format::Canonical => "canonical",
    }
}

fn only_credential(principal: &Principal) -> Option<Uuid> {
    principal
        .scopes
        .reads_only_own_statements()
        .then_some(principal.credential_id)
}

async fn single(ctx: &ReadContext<'_>, params: &QueryParams) -> Result<HttpResponse, ApiError> {
    if params.contains("statementId") && params.contains("voidedStatementId") {
        return Err(ApiError::bad_request(
            "use statementId or voidedStatementId, not both",
        ));
    }
    if let Some(other) = params
        .names()
        .find(|n| !["statementId", "voidedStatementId", "format", "attachments"].contains(n))
    {
        return Err(ApiError::invalid(
            other,
            "cannot be combined with statementId or voidedStatementId (only format and attachments can)",
        ));
    }
    let (name, lookup) = if params.contains("statementId") {
        ("statementId", Lookup::Live)
    } else {
        ("voidedStatementId", Lookup::Voided)
    };
    let id = params
        .uuid(name)?
        .ok_or_else(|| ApiError::invalid(name, "is empty"))?;
    let format = format_param(params)?;
    let attachments = params.bool("attachments")?.unwrap_or(false);
    let row = store::get_by_id(ctx.pool, id, lookup, only_credential(ctx.principal))
        .await?
        .ok_or_else(|| match lookup {
            Lookup::Live => ApiError::NotFound(format!("no statement {id} (or it is voided)")),
            Lookup::Voided => ApiError::NotFound(format!("no voided statement {id}")),
        })?;
    let stored = row.stored;
    let rendered = render(ctx, vec![row], format).await?;
    let json = rendered.into_iter().next().unwrap_or_default();
    respond(ctx, json.clone(), &[json], attachments, Some(stored)).await
}

/// The first page's token from the query parameters.
fn first_page(ctx: &ReadContext<'_>, params: &QueryParams) -> Result<MoreToken, ApiError> {
    let related_agents = params.bool("related_agents")?.unwrap_or(false);
    let related_activities = params.bool("related_activities")?.unwrap_or(false);
    // Most selective first: the first term drives the index scan.
    let mut terms = Vec::new();
    if let Some(registration) = params.uuid("registration")? {
        terms.push(term(
            TermKind::Registration,
            &registration.hyphenated().to_string(),
        ));
    }
    if let Some(text) = params.get("agent") {
        let agent = parse_agent_param(text, ctx.version)
            .map_err(|e| ApiError::invalid(e.path, e.message))?;
        let ifi = ifi_key(&agent)
            .ok_or_else(|| ApiError::invalid("agent", "must identify an Agent or Group"))?;
        let kind = if related_agents {
            TermKind::RelatedAgent
        } else {
            TermKind::Agent
        };
        terms.push(term(kind, &ifi));
    }
    match (params.iri("activity")?, params.iri("verb")?) {
        // The object Activity with the verb: one term for the pair (see TermKind::VerbActivity).
        (Some(activity), Some(verb)) if !related_activities => {
            terms.push(verb_activity_term(verb, activity));
        }
        (activity, verb) => {
            if let Some(activity) = activity {
                let kind = if related_activities {
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
    let page_size = match params.non_negative("limit")? {
        None => DEFAULT_PAGE,
        Some(0) => MAX_PAGE,
        Some(n) => i64::try_from(n).unwrap_or(MAX_PAGE).min(MAX_PAGE),
    };
    let ascending = params.bool("ascending")?.unwrap_or(false);
    Ok(MoreToken {
        terms,
        since: params.timestamp("since", ctx.version)?,
        until: params.timestamp("until", ctx.version)?,
        ascending,
        page_size,
        format: format_name(format_param(params)?).to_owned(),
        attachments: params.bool("attachments")?.unwrap_or(false),
        cursor: None,
    })
}

async fn page(
    ctx: &ReadContext<'_>,
    path: &str,
    token: MoreToken,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(&token.format).unwrap_or_default();
    let query = StatementQuery {
        terms: token.terms.clone(),
        since: token.since,
        until: token.until,
        ascending: token.ascending,
        limit: token.page_size + 1,
        after: token.cursor,
        only_credential: only_credential(ctx.principal),
    };
    let mut rows = store::query(ctx.pool, &query).await?;
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
    let statements = render(ctx, rows, format).await?;
    let json = response::statement_result(&statements, &more);
    respond(ctx, json, &statements, token.attachments, last_modified).await
}

/// Statements in the requested format, as JSON text.
async fn render(
    ctx: &ReadContext<'_>,
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
        let canonical = crate::store::activities::definitions(ctx.pool, &ids).await?;
        for statement in &mut statements {
            substitute_definitions(statement, &|id| canonical.get(id).cloned());
        }
    }
    Ok(statements
        .iter()
        .map(|s| format_statement(s, format, &ctx.accept_language).to_string())
        .collect())
}

/// JSON, or multipart with the attachment data of the statements when asked.
async fn respond(
    ctx: &ReadContext<'_>,
    json: String,
    statements: &[String],
    attachments: bool,
    last_modified: Option<DateTime<Utc>>,
) -> Result<HttpResponse, ApiError> {
    if !attachments {
        return Ok(response::json(json, last_modified));
    }
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
    let contents = store::attachments(ctx.pool, &shas, only_credential(ctx.principal)).await?;
    Ok(response::multipart(json, &contents, last_modified))
}

/// The Accept-Language header as an ordered preference list (highest q first).
pub fn accept_languages(req: &HttpRequest) -> Vec<String> {
    let Some(header) = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut entries: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            if tag.is_empty() {
                return None;
            }
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, i, tag.to_owned()))
        })
        .filter(|(q, _, _)| *q > 0.0)
        .collect();
    entries.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.into_iter().map(|(_, _, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::StatementParams;

    #[test]
    fn the_accepted_parameters_are_the_documented_ones() {
        let documented: Vec<String> = <StatementParams as utoipa::IntoParams>::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(documented, StatementParams::NAMES);
    }
}
