//! GET /statements: one statement by id, or a filtered page (Communication 2.1.3). The
//! parameters are read here; the query is `service::statements::query`.

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::response;
use crate::http::error::ApiError;
use crate::http::query::QueryParams;
use crate::service::statements::MoreToken;
use crate::service::statements::query::{self, Filter, Reader};
use crate::store::statements::Lookup;
use crate::xapi::{Format, parse_agent_param};

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

pub async fn get(reader: &Reader<'_>, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
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
        return page(reader, req.path(), token).await;
    }
    let by_id = params.contains("statementId") || params.contains("voidedStatementId");
    if by_id {
        single(reader, &params).await
    } else {
        // Checked in the order the specification lists them, so that the first wrong one is
        // the one named.
        let related_agents = params.bool("related_agents")?.unwrap_or(false);
        let related_activities = params.bool("related_activities")?.unwrap_or(false);
        let registration = params.uuid("registration")?;
        let agent = params
            .get("agent")
            .map(|text| {
                parse_agent_param(text, reader.version)
                    .map_err(|e| ApiError::invalid(e.path, e.message))
            })
            .transpose()?;
        let activity = params.iri("activity")?;
        let verb = params.iri("verb")?;
        let limit = params.non_negative("limit")?;
        let ascending = params.bool("ascending")?.unwrap_or(false);
        let filter = Filter {
            registration,
            agent,
            related_agents,
            activity,
            verb,
            related_activities,
            limit,
            ascending,
            since: params.timestamp("since", reader.version)?,
            until: params.timestamp("until", reader.version)?,
            format: format_param(&params)?,
            attachments: params.bool("attachments")?.unwrap_or(false),
        };
        let token = query::first_page(&filter)?;
        page(reader, req.path(), token).await
    }
}

fn format_param(params: &QueryParams) -> Result<Format, ApiError> {
    match params.get("format") {
        None => Ok(Format::Exact),
        Some(text) => Format::parse(text)
            .ok_or_else(|| ApiError::invalid("format", "must be ids, exact or canonical")),
    }
}

async fn single(reader: &Reader<'_>, params: &QueryParams) -> Result<HttpResponse, ApiError> {
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
    let id: Uuid = params
        .uuid(name)?
        .ok_or_else(|| ApiError::invalid(name, "is empty"))?;
    let format = format_param(params)?;
    let attachments = params.bool("attachments")?.unwrap_or(false);
    let (json, stored) = query::single(reader, id, lookup, format).await?;
    respond(reader, json.clone(), &[json], attachments, Some(stored)).await
}

async fn page(reader: &Reader<'_>, path: &str, token: MoreToken) -> Result<HttpResponse, ApiError> {
    let page = query::page(reader, path, token).await?;
    let json = response::statement_result(&page.statements, &page.more);
    respond(
        reader,
        json,
        &page.statements,
        page.attachments,
        page.last_modified,
    )
    .await
}

/// JSON, or multipart with the attachment data of the statements when asked.
async fn respond(
    reader: &Reader<'_>,
    json: String,
    statements: &[String],
    attachments: bool,
    last_modified: Option<DateTime<Utc>>,
) -> Result<HttpResponse, ApiError> {
    if !attachments {
        return Ok(response::json(json, last_modified));
    }
    let contents = query::attachments(reader, statements).await?;
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
