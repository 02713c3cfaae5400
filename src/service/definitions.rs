//! What the LRS knows about an Activity (its canonical definition, Communication 2.5) and
//! about an Agent (a Person object, Communication 2.4).

use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store;
use crate::xapi::ifi_key;

/// An Activity with its canonical definition, or with just its id when the LRS knows none.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Activity {
    /// Always `Activity`.
    #[serde(rename = "objectType")]
    pub object_type: &'static str,
    /// The Activity IRI.
    pub id: String,
    /// The canonical definition: the latest from an authoritative source, merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub definition: Option<Value>,
}

pub async fn activity(pool: &PgPool, id: &str) -> Result<Activity, ApiError> {
    Ok(Activity {
        object_type: "Activity",
        id: id.to_owned(),
        definition: store::activities::definition(pool, id).await?,
    })
}

/// Everything the LRS knows about an Agent: each identifier and name as an array
/// (Communication 2.4.1). Absent properties are left out (none is required: a Person has the
/// one identifier it was asked by, and names only if the LRS has seen some).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Person {
    /// Always `Person`.
    #[serde(rename = "objectType")]
    pub object_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub name: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>, required = false)]
    pub mbox: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>, required = false)]
    pub mbox_sha1sum: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>, required = false)]
    pub openid: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>, required = false)]
    pub account: Vec<Value>,
}

/// The Person for an Agent (already a valid Agent object): the names the LRS has seen for its
/// identifier, and the name the request gives first when it is new. An Agent the LRS has never
/// seen still gets a Person with what the request says.
pub async fn person(pool: &PgPool, agent: &Value) -> Result<Person, ApiError> {
    if agent.get("objectType").and_then(Value::as_str) == Some("Group") {
        return Err(ApiError::invalid("agent", "must be an Agent, not a Group"));
    }
    let ifi = ifi_key(agent)
        .ok_or_else(|| ApiError::invalid("agent", "must identify the Agent by one identifier"))?;
    let mut names = store::agents::names(pool, &ifi).await?;
    if let Some(name) = agent.get("name").and_then(Value::as_str)
        && !names.iter().any(|n| n == name)
    {
        names.insert(0, name.to_owned());
    }
    let identifier = |property: &str| agent.get(property).cloned().into_iter().collect();
    Ok(Person {
        object_type: "Person",
        name: names,
        mbox: identifier("mbox"),
        mbox_sha1sum: identifier("mbox_sha1sum"),
        openid: identifier("openid"),
        account: identifier("account"),
    })
}
