//! The statement browser: statements filtered by agent, verb, activity, registration and time,
//! newest first, in pages (the `more` of the Statement Resource), and one statement's JSON. A
//! credential that may read only its own statements sees only those, as in the API.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::session::SignedIn;
use super::{encode, respond, without_empty_fields};
use crate::auth::Access;
use crate::error::ApiError;
use crate::http::params::{CanonicalUuid, Iri, Params, Timestamp};
use crate::http::state::AppState;
use crate::service::roster::learner_key;
use crate::service::statements::MoreToken;
use crate::service::statements::query::{self, Filter, Reader};
use crate::store::statements::Lookup;
use crate::xapi::{Format, XapiVersion};

/// Statements per page.
const PAGE: u64 = 25;
const PATH: &str = "/dashboard/statements";

/// The browser's filters, or the `more` of a page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowserParams {
    /// an IFI key, an e-mail address or an Agent as JSON
    agent: Option<String>,
    #[param(value_type = Option<String>)]
    verb: Option<Iri>,
    #[param(value_type = Option<String>)]
    activity: Option<Iri>,
    #[param(value_type = Option<String>)]
    registration: Option<CanonicalUuid>,
    #[param(value_type = Option<String>)]
    since: Option<Timestamp>,
    #[param(value_type = Option<String>)]
    until: Option<Timestamp>,
    /// the next page, as the previous page's link gives it
    more: Option<String>,
}

/// One statement.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementParam {
    #[param(value_type = String)]
    id: CanonicalUuid,
}

fn reader<'a>(state: &'a AppState, signed_in: &'a SignedIn) -> Reader<'a> {
    Reader {
        pool: &state.pool,
        principal: &signed_in.session.principal,
        version: XapiVersion::V2_0(0),
        accept_language: Vec::new(),
    }
}

#[get("/dashboard/statements")]
pub async fn browser(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let session = &signed_in.session;
    let page = render(&state, &req, &signed_in).await;
    respond::page(
        session,
        page.map(|markup| ("Statements".to_owned(), markup)),
    )
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    signed_in: &SignedIn,
) -> Result<Markup, ApiError> {
    signed_in
        .session
        .principal
        .require(Access::StatementsRead)?;
    let query = without_empty_fields(req.query_string());
    let Params(params) = Params::<BrowserParams>::from_query(&query)?;
    let reader = reader(state, signed_in);
    let token = match &params.more {
        Some(more) => MoreToken::decode(more)?,
        None => {
            let agent = params
                .agent
                .as_deref()
                .map(|text| learner_key(text).map(|(_, agent)| agent))
                .transpose()
                .map_err(|_| {
                    ApiError::invalid(
                        "agent",
                        "give an IFI key, an e-mail address or an Agent as JSON",
                    )
                })?;
            let version = XapiVersion::V2_0(0);
            query::first_page(&Filter {
                registration: params.registration.map(|r| r.0),
                agent,
                activity: params.activity.as_ref().map(|a| a.0.as_str()),
                verb: params.verb.as_ref().map(|v| v.0.as_str()),
                since: params.since.map(|t| t.at("since", version)).transpose()?,
                until: params.until.map(|t| t.at("until", version)).transpose()?,
                limit: Some(PAGE),
                format: Format::Exact,
                ..Filter::default()
            })?
        }
    };
    let page = query::page(&reader, PATH, token).await?;
    let statements: Vec<Value> = page
        .statements
        .iter()
        .filter_map(|text| serde_json::from_str(text).ok())
        .collect();
    Ok(html! {
        h1 { "Statements" }
        @if signed_in.session.principal.scopes.reads_only_own_statements() {
            p.muted { "This credential may read only the statements it wrote." }
        }
        (filters(&params))
        @if statements.is_empty() {
            p { "No statement matches." }
        } @else {
            div.table-wrap {
                table {
                    thead { tr {
                        th scope="col" { "Stored (UTC)" }
                        th scope="col" { "Actor" }
                        th scope="col" { "Verb" }
                        th scope="col" { "Object" }
                        th scope="col" { span.visually-hidden { "Statement" } }
                    } }
                    tbody { @for s in &statements { (row(s)) } }
                }
            }
        }
        @if !page.more.is_empty() {
            nav.pager aria-label="pages" { a href=(page.more) { "Older statements" } }
        }
    })
}

fn filters(params: &BrowserParams) -> Markup {
    html! {
        form.filters method="get" action=(PATH) {
            label { "Agent " input type="text" name="agent" placeholder="mbox:mailto:... or e-mail"
                value=[params.agent.as_deref()]; }
            label { "Verb IRI " input type="url" name="verb" value=[params.verb.as_ref().map(|v| v.0.as_str())]; }
            label { "Activity IRI " input type="url" name="activity" value=[params.activity.as_ref().map(|a| a.0.as_str())]; }
            label { "Registration " input type="text" name="registration"
                value=[params.registration.map(|r| r.0.hyphenated().to_string())]; }
            label { "Stored after " input type="text" name="since" placeholder="2026-01-31T00:00:00Z"; }
            label { "Stored up to " input type="text" name="until" placeholder="2026-02-28T00:00:00Z"; }
            button type="submit" { "Search" }
        }
    }
}

/// A language map's first entry, or the fallback.
fn display<'a>(map: &'a Value, fallback: &'a str) -> &'a str {
    map.as_object()
        .and_then(|m| {
            m.get("en")
                .or_else(|| m.get("en-US"))
                .or_else(|| m.values().next())
        })
        .and_then(Value::as_str)
        .unwrap_or(fallback)
}

fn row(s: &Value) -> Markup {
    let id = s["id"].as_str().unwrap_or_default();
    let actor = &s["actor"];
    let actor_text = actor["name"]
        .as_str()
        .or_else(|| actor["mbox"].as_str())
        .or_else(|| actor["account"]["name"].as_str())
        .unwrap_or("(unnamed)");
    let verb_id = s["verb"]["id"].as_str().unwrap_or_default();
    let object = &s["object"];
    let object_id = object["id"].as_str().unwrap_or_default();
    html! {
        tr {
            td { (s["stored"].as_str().unwrap_or_default().get(..19).unwrap_or_default().replace('T', " ")) }
            td { (actor_text) }
            td { span title=(verb_id) { (display(&s["verb"]["display"], verb_id)) } }
            td { span title=(object_id) { (display(&object["definition"]["name"], object_id)) } }
            td { a href={"/dashboard/statement?id=" (encode(id))} { "JSON" } }
        }
    }
}

#[get("/dashboard/statement")]
pub async fn statement(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let session = &signed_in.session;
    let answer = async {
        session.principal.require(Access::StatementsRead)?;
        let Params(param) = Params::<StatementParam>::from_query(req.query_string())?;
        let reader = reader(&state, &signed_in);
        let (json, _) = query::single(&reader, param.id.0, Lookup::Live, Format::Exact).await?;
        let pretty = serde_json::from_str::<Value>(&json)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or(json);
        Ok::<_, ApiError>(html! {
            p { a href=(PATH) { "← Statements" } }
            h1 { "Statement " (param.id.0.hyphenated()) }
            pre.json { (pretty) }
        })
    };
    respond::page(
        session,
        answer.await.map(|markup| ("Statement".to_owned(), markup)),
    )
}
