//! The Context object (Data 2.4.6) and the 2.0 context agents and groups.

use serde_json::Value;

use super::activity::activity;
use super::agent::{actor, agent, group};
use super::common::{Check, extensions, iri, string, uuid};
use crate::xapi::error::Path;
use crate::xapi::syntax::is_language_tag;

/// The four context activity types (Data 2.4.6.2).
pub(crate) const CONTEXT_ACTIVITY_KEYS: [&str; 4] = ["parent", "grouping", "category", "other"];

pub(super) fn context(ctx: &Value, object: Option<&Value>, path: &Path) -> Check {
    if let Some(r) = ctx.get("registration") {
        uuid(r, &path.key("registration"))?;
    }
    if let Some(i) = ctx.get("instructor") {
        actor(i, &path.key("instructor"))?;
    }
    if let Some(t) = ctx.get("team") {
        group(t, &path.key("team"))?;
    }
    if let Some(ca) = ctx.get("contextActivities") {
        context_activities(ca, &path.key("contextActivities"))?;
    }
    // Data 2.4.6: revision and platform MUST only be used when the Object is an Activity.
    let object_is_activity = object.is_some_and(|o| {
        o.get("objectType")
            .is_none_or(|t| t.as_str() == Some("Activity"))
    });
    for key in ["revision", "platform"] {
        if ctx.get(key).is_some() && !object_is_activity {
            return Err(path.key(key).err(format!(
                "\"{key}\" may only be used when the statement's object is an Activity"
            )));
        }
    }
    if let Some(l) = ctx.get("language") {
        let p = path.key("language");
        let tag = string(l, &p)?;
        if !is_language_tag(tag) {
            return Err(p.err(format!("{tag:?} is not an RFC 5646 language tag")));
        }
    }
    if let Some(s) = ctx.get("statement") {
        let p = path.key("statement");
        match s.get("id") {
            Some(id) => uuid(id, &p.key("id"))?,
            None => return Err(p.err("a StatementRef needs an id")),
        }
    }
    extensions(ctx, path)?;
    context_agents(ctx, path)?;
    context_groups(ctx, path)
}

/// Data 2.4.6.2: each value is an Activity or an array of Activities.
fn context_activities(ca: &Value, path: &Path) -> Check {
    let map = ca
        .as_object()
        .ok_or_else(|| path.err("must be an object"))?;
    for (key, value) in map {
        let p = path.key(key);
        if !CONTEXT_ACTIVITY_KEYS.contains(&key.as_str()) {
            return Err(p.err("contextActivities keys must be parent, grouping, category or other"));
        }
        match value {
            Value::Array(list) => {
                for (i, a) in list.iter().enumerate() {
                    activity(a, &p.index(i))?;
                }
            }
            single => activity(single, &p)?,
        }
    }
    Ok(())
}

/// xAPI 2.0 `contextAgents`: `{objectType: "contextAgent", agent, relevantTypes?}`.
fn context_agents(ctx: &Value, path: &Path) -> Check {
    let Some(list) = ctx.get("contextAgents").and_then(Value::as_array) else {
        return Ok(());
    };
    let path = path.key("contextAgents");
    for (i, entry) in list.iter().enumerate() {
        let p = path.index(i);
        match entry.get("agent") {
            Some(a) => agent(a, &p.key("agent"))?,
            None => return Err(p.err("a contextAgent needs an agent")),
        }
        relevant_types(entry, &p)?;
    }
    Ok(())
}

/// xAPI 2.0 `contextGroups`: `{objectType: "contextGroup", group, relevantTypes?}`.
fn context_groups(ctx: &Value, path: &Path) -> Check {
    let Some(list) = ctx.get("contextGroups").and_then(Value::as_array) else {
        return Ok(());
    };
    let path = path.key("contextGroups");
    for (i, entry) in list.iter().enumerate() {
        let p = path.index(i);
        match entry.get("group") {
            Some(g) => group(g, &p.key("group"))?,
            None => return Err(p.err("a contextGroup needs a group")),
        }
        relevant_types(entry, &p)?;
    }
    Ok(())
}

/// `relevantTypes`, when present, is a non-empty array of IRIs.
fn relevant_types(entry: &Value, path: &Path) -> Check {
    let Some(types) = entry.get("relevantTypes") else {
        return Ok(());
    };
    let p = path.key("relevantTypes");
    let list = types
        .as_array()
        .ok_or_else(|| p.err("must be an array of IRIs"))?;
    if list.is_empty() {
        return Err(p.err("must not be empty"));
    }
    for (i, t) in list.iter().enumerate() {
        iri(t, &p.index(i))?;
    }
    Ok(())
}
