//! What the store indexes about a stored statement: the columns behind every query filter of
//! `GET /statements` (Communication 2.1.3) and the Activities and Agents it mentions.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::ValidationError;
use super::ifi::ifi_key;
use super::syntax::parse_any_timestamp;
use super::validate::{CONTEXT_ACTIVITY_KEYS, VOIDED_VERB, is_group};

/// The kind of a statement's object (Data 2.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Activity,
    Agent,
    Group,
    StatementRef,
    SubStatement,
}

impl ObjectKind {
    /// The `objectType` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Activity => "Activity",
            ObjectKind::Agent => "Agent",
            ObjectKind::Group => "Group",
            ObjectKind::StatementRef => "StatementRef",
            ObjectKind::SubStatement => "SubStatement",
        }
    }

    fn of(object: &Value) -> Option<ObjectKind> {
        match object.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => Some(ObjectKind::Activity),
            Some("Agent") => Some(ObjectKind::Agent),
            Some("Group") => Some(ObjectKind::Group),
            Some("StatementRef") => Some(ObjectKind::StatementRef),
            Some("SubStatement") => Some(ObjectKind::SubStatement),
            Some(_) => None,
        }
    }
}

/// An Activity as it appears in a statement, for the store's canonical definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDefinitionRef {
    pub id: String,
    pub definition: Option<Value>,
}

/// An attachment's metadata (Data 2.4.11), for matching multipart parts and serving them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    pub usage_type: String,
    pub sha2: String,
    pub length: u64,
    pub content_type: String,
    /// `fileUrl` when the attachment is referenced rather than sent in the request.
    pub file_url: Option<String>,
}

/// Everything the storage layer indexes about a stored statement.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementIndex {
    pub id: uuid::Uuid,
    /// IFI key of the actor; `None` for an Anonymous Group.
    pub actor: Option<String>,
    /// IFI keys the plain `agent` filter matches: the actor and an Agent/Group object, plus the
    /// members of either when it is a Group (Communication 2.1.3, `agent` parameter).
    pub direct_agents: Vec<String>,
    pub verb_id: String,
    pub object_kind: ObjectKind,
    pub object_activity_id: Option<String>,
    /// IFI key when the object is an Agent or Identified Group.
    pub object_agent: Option<String>,
    pub object_statement_ref: Option<uuid::Uuid>,
    /// The voided statement when this statement voids one (Data 2.3.2).
    pub voids: Option<uuid::Uuid>,
    pub registration: Option<uuid::Uuid>,
    pub timestamp: DateTime<Utc>,
    /// IFI keys for `related_agents=true`: actor, object, authority, instructor, team, 2.0
    /// context agents and groups, the members of every group among them, and the same inside a
    /// SubStatement. Deduplicated, in order of appearance.
    pub related_agents: Vec<String>,
    /// Activity ids for `related_activities=true`: the object and every context activity, also
    /// inside a SubStatement. Deduplicated.
    pub related_activities: Vec<String>,
    /// Every Activity object in the statement (object, context activities, SubStatement).
    pub activities: Vec<ActivityDefinitionRef>,
    /// Every Agent object (not Groups; Group members are included). Deduplicated.
    pub agents: Vec<Value>,
    pub attachments: Vec<AttachmentRef>,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn parse_uuid(v: Option<&Value>) -> Option<uuid::Uuid> {
    v.and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
}

/// Computes the index of a prepared (stored) statement.
pub fn index_statement(stored_stmt: &Value) -> Result<StatementIndex, ValidationError> {
    let err = |path: &str, msg: &str| ValidationError::new(format!("statement.{path}"), msg);
    let id = parse_uuid(stored_stmt.get("id")).ok_or_else(|| err("id", "missing or not a UUID"))?;
    let actor_value = stored_stmt
        .get("actor")
        .ok_or_else(|| err("actor", "missing"))?;
    let verb_id = stored_stmt
        .pointer("/verb/id")
        .and_then(Value::as_str)
        .ok_or_else(|| err("verb.id", "missing"))?
        .to_owned();
    let object = stored_stmt
        .get("object")
        .ok_or_else(|| err("object", "missing"))?;
    let object_kind = ObjectKind::of(object).ok_or_else(|| err("object.objectType", "unknown"))?;
    let timestamp = stored_stmt
        .get("timestamp")
        .or_else(|| stored_stmt.get("stored"))
        .and_then(Value::as_str)
        .and_then(parse_any_timestamp)
        .ok_or_else(|| err("timestamp", "missing or not a timestamp"))?
        .with_timezone(&Utc);

    let object_statement_ref = match object_kind {
        ObjectKind::StatementRef => parse_uuid(object.get("id")),
        _ => None,
    };
    let mut index = StatementIndex {
        id,
        actor: ifi_key(actor_value),
        direct_agents: Vec::new(),
        voids: object_statement_ref.filter(|_| verb_id == VOIDED_VERB),
        verb_id,
        object_kind,
        object_activity_id: match object_kind {
            ObjectKind::Activity => object.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        },
        object_agent: match object_kind {
            ObjectKind::Agent | ObjectKind::Group => ifi_key(object),
            _ => None,
        },
        object_statement_ref,
        registration: parse_uuid(stored_stmt.pointer("/context/registration")),
        timestamp,
        related_agents: Vec::new(),
        related_activities: Vec::new(),
        activities: Vec::new(),
        agents: Vec::new(),
        attachments: attachments(stored_stmt),
    };
    add_agent_keys(&mut index.direct_agents, actor_value);
    if matches!(object_kind, ObjectKind::Agent | ObjectKind::Group) {
        add_agent_keys(&mut index.direct_agents, object);
    }
    walk(stored_stmt, &mut index);
    if let Some(authority) = stored_stmt.get("authority") {
        visit_actor(authority, &mut index);
    }
    Ok(index)
}

/// The IFI of an Agent/Group and of its members.
fn add_agent_keys(keys: &mut Vec<String>, actor: &Value) {
    if let Some(k) = ifi_key(actor) {
        push_unique(keys, k);
    }
    for m in actor
        .get("member")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(k) = ifi_key(m) {
            push_unique(keys, k);
        }
    }
}

/// Records an Agent or Group (and its members) as related and as known agents.
fn visit_actor(actor: &Value, index: &mut StatementIndex) {
    add_agent_keys(&mut index.related_agents, actor);
    if is_group(actor) {
        for m in actor
            .get("member")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            push_unique(&mut index.agents, m.clone());
        }
    } else {
        push_unique(&mut index.agents, actor.clone());
    }
}

fn visit_activity(activity: &Value, index: &mut StatementIndex) {
    let Some(id) = activity.get("id").and_then(Value::as_str) else {
        return;
    };
    push_unique(&mut index.related_activities, id.to_owned());
    index.activities.push(ActivityDefinitionRef {
        id: id.to_owned(),
        definition: activity.get("definition").cloned(),
    });
}

/// The parts shared by a statement and a SubStatement.
fn walk(stmt: &Value, index: &mut StatementIndex) {
    if let Some(actor) = stmt.get("actor") {
        visit_actor(actor, index);
    }
    if let Some(object) = stmt.get("object") {
        match ObjectKind::of(object) {
            Some(ObjectKind::Activity) => visit_activity(object, index),
            Some(ObjectKind::Agent | ObjectKind::Group) => visit_actor(object, index),
            Some(ObjectKind::SubStatement) => walk(object, index),
            _ => {}
        }
    }
    let Some(context) = stmt.get("context") else {
        return;
    };
    for key in ["instructor", "team"] {
        if let Some(a) = context.get(key) {
            visit_actor(a, index);
        }
    }
    for (list, key) in [("contextAgents", "agent"), ("contextGroups", "group")] {
        for entry in context
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(a) = entry.get(key) {
                visit_actor(a, index);
            }
        }
    }
    if let Some(ca) = context.get("contextActivities") {
        for key in CONTEXT_ACTIVITY_KEYS {
            match ca.get(key) {
                Some(Value::Array(list)) => list.iter().for_each(|a| visit_activity(a, index)),
                Some(single) => visit_activity(single, index),
                None => {}
            }
        }
    }
}

fn attachments(stmt: &Value) -> Vec<AttachmentRef> {
    let list = stmt.get("attachments").and_then(Value::as_array);
    let text = |a: &Value, k: &str| {
        a.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    list.into_iter()
        .flatten()
        .map(|a| AttachmentRef {
            usage_type: text(a, "usageType"),
            sha2: text(a, "sha2"),
            length: a.get("length").and_then(Value::as_u64).unwrap_or(0),
            content_type: text(a, "contentType"),
            file_url: a.get("fileUrl").and_then(Value::as_str).map(str::to_owned),
        })
        .collect()
}
