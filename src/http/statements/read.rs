//! GET /statements: one statement by id, or a filtered page (Communication 2.1.3). The
//! parameters are read here; the query is `service::statements::query`.

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use uuid::Uuid;

use super::response;
use crate::http::error::ApiError;
use crate::http::params::{CanonicalUuid, Count, Flag, Iri, Params, Timestamp};
use crate::service::statements::MoreToken;
use crate::service::statements::query::{self, Filter, Reader};
use crate::store::statements::Lookup;
use crate::xapi::{Format, parse_agent_param};

/// The parameters of a statement query (Communication 2.1.3): what the OpenAPI document lists
/// and what the resource accepts, read into their types.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct StatementParams {
    #[param(value_type = Option<Uuid>)]
    statementId: Option<CanonicalUuid>,
    #[param(value_type = Option<Uuid>)]
    voidedStatementId: Option<CanonicalUuid>,
    /// an Agent or Group, as JSON
    agent: Option<String>,
    /// verb IRI
    #[param(value_type = Option<String>)]
    verb: Option<Iri>,
    /// activity IRI
    #[param(value_type = Option<String>)]
    activity: Option<Iri>,
    #[param(value_type = Option<Uuid>)]
    registration: Option<CanonicalUuid>,
    #[param(value_type = Option<bool>)]
    related_activities: Option<Flag>,
    #[param(value_type = Option<bool>)]
    related_agents: Option<Flag>,
    /// stored after this instant
    #[param(value_type = Option<String>)]
    since: Option<Timestamp>,
    /// stored at or before this instant
    #[param(value_type = Option<String>)]
    until: Option<Timestamp>,
    /// page size; 0 = the maximum (1000); default 100
    #[param(value_type = Option<u32>)]
    limit: Option<Count>,
    /// exact (default), ids or canonical
    #[param(value_type = Option<String>)]
    format: Option<FormatParam>,
    #[param(value_type = Option<bool>)]
    attachments: Option<Flag>,
    #[param(value_type = Option<bool>)]
    ascending: Option<Flag>,
    /// the token of a more link
    more: Option<String>,
}

impl StatementParams {
    /// The first parameter given that filters a query (neither an id, `more`, nor how the
    /// answer is written).
    fn first_filter(&self) -> Option<&'static str> {
        [
            ("agent", self.agent.is_some()),
            ("verb", self.verb.is_some()),
            ("activity", self.activity.is_some()),
            ("registration", self.registration.is_some()),
            ("related_activities", self.related_activities.is_some()),
            ("related_agents", self.related_agents.is_some()),
            ("since", self.since.is_some()),
            ("until", self.until.is_some()),
            ("limit", self.limit.is_some()),
            ("ascending", self.ascending.is_some()),
        ]
        .into_iter()
        .find_map(|(name, given)| given.then_some(name))
    }

    fn format(&self) -> Format {
        self.format.map_or(Format::Exact, |f| f.0)
    }
}

/// `exact`, `ids` or `canonical`.
#[derive(Debug, Clone, Copy)]
struct FormatParam(Format);

impl<'de> Deserialize<'de> for FormatParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FormatParam, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Format::parse(&text)
            .map(FormatParam)
            .ok_or_else(|| serde::de::Error::custom("must be ids, exact or canonical"))
    }
}

fn flag(value: Option<Flag>) -> bool {
    value.is_some_and(|f| f.0)
}

pub async fn get(reader: &Reader<'_>, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let Params(params) = Params::<StatementParams>::from_query(req.query_string())?;
    if let Some(more) = &params.more {
        let alone = params.first_filter().is_none()
            && params.statementId.is_none()
            && params.voidedStatementId.is_none()
            && params.format.is_none()
            && params.attachments.is_none();
        if !alone {
            return Err(ApiError::invalid(
                "more",
                "a more token already holds the query; send it alone",
            ));
        }
        let token = MoreToken::decode(more)?;
        return page(reader, req.path(), token).await;
    }
    let by_id = match (params.statementId, params.voidedStatementId) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "use statementId or voidedStatementId, not both",
            ));
        }
        (Some(id), None) => Some(("statementId", id.0, Lookup::Live)),
        (None, Some(id)) => Some(("voidedStatementId", id.0, Lookup::Voided)),
        (None, None) => None,
    };
    if let Some((name, id, lookup)) = by_id {
        return single(reader, &params, name, id, lookup).await;
    }
    let agent = params
        .agent
        .as_deref()
        .map(|text| {
            parse_agent_param(text, reader.version)
                .map_err(|e| ApiError::invalid(e.path, e.message))
        })
        .transpose()?;
    let filter = Filter {
        registration: params.registration.map(|r| r.0),
        agent,
        related_agents: flag(params.related_agents),
        activity: params.activity.as_ref().map(|a| a.0.as_str()),
        verb: params.verb.as_ref().map(|v| v.0.as_str()),
        related_activities: flag(params.related_activities),
        limit: params.limit.map(|l| l.0),
        ascending: flag(params.ascending),
        since: params
            .since
            .map(|t| t.at("since", reader.version))
            .transpose()?,
        until: params
            .until
            .map(|t| t.at("until", reader.version))
            .transpose()?,
        format: params.format(),
        attachments: flag(params.attachments),
    };
    let token = query::first_page(&filter)?;
    page(reader, req.path(), token).await
}

/// One statement, by `name` (`statementId` or `voidedStatementId`).
async fn single(
    reader: &Reader<'_>,
    params: &StatementParams,
    name: &str,
    id: Uuid,
    lookup: Lookup,
) -> Result<HttpResponse, ApiError> {
    if let Some(other) = params.first_filter() {
        return Err(ApiError::invalid(
            other,
            format!("cannot be combined with {name} (only format and attachments can)"),
        ));
    }
    let (json, stored) = query::single(reader, id, lookup, params.format()).await?;
    respond(
        reader,
        json.clone(),
        &[json],
        flag(params.attachments),
        Some(stored),
    )
    .await
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
