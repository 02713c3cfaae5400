//! The `format` parameter of `GET /statements` (Communication 2.1.3):
//! * `exact`: as stored;
//! * `ids`: Agents and Groups reduced to objectType and IFI (an Anonymous Group keeps its
//!   members, each reduced to its IFI), Activities to `{id}` and Verbs to `{id}`;
//! * `canonical`: every language map reduced to the single best entry for the request's
//!   Accept-Language. Replacing definitions with the canonical ones the store keeps is the
//!   store's job, done before calling this.

use serde_json::{Map, Value};

use super::language::best_entry;
use super::validate::{CONTEXT_ACTIVITY_KEYS, IFI_PROPERTIES, is_group};

/// Output format of statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Exact,
    Ids,
    Canonical,
}

impl Format {
    /// Parses the `format` query parameter (case-sensitive, as enumerated values are).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "exact" => Some(Format::Exact),
            "ids" => Some(Format::Ids),
            "canonical" => Some(Format::Canonical),
            _ => None,
        }
    }

    /// The parameter's value for this format (what [`Format::parse`] reads).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Exact => "exact",
            Format::Ids => "ids",
            Format::Canonical => "canonical",
        }
    }
}

/// Renders a stored statement in `format`. `accept_language` is the ordered preference list.
pub fn format_statement(stored: &Value, format: Format, accept_language: &[String]) -> Value {
    match format {
        Format::Exact => stored.clone(),
        Format::Ids => ids_statement(stored),
        Format::Canonical => canonical_statement(stored, accept_language),
    }
}

/// Applies `f` to the value under each of `keys` that is present.
fn map_keys(obj: &mut Map<String, Value>, keys: &[&str], f: impl Fn(&Value) -> Value) {
    for k in keys {
        if let Some(v) = obj.get_mut(*k) {
            *v = f(v);
        }
    }
}

fn ids_statement(s: &Value) -> Value {
    let Some(obj) = s.as_object() else {
        return s.clone();
    };
    let mut out = obj.clone();
    map_keys(&mut out, &["actor", "authority"], ids_agent);
    map_keys(&mut out, &["verb"], |v| keep_only(v, &["id"]));
    map_keys(&mut out, &["object"], ids_object);
    if let Some(Value::Object(ctx)) = out.get_mut("context") {
        map_keys(ctx, &["instructor", "team"], ids_agent);
        if let Some(Value::Object(ca)) = ctx.get_mut("contextActivities") {
            map_keys(ca, &CONTEXT_ACTIVITY_KEYS, |list| match list {
                Value::Array(items) => Value::Array(items.iter().map(ids_activity).collect()),
                single => ids_activity(single),
            });
        }
        for (list, key) in [("contextAgents", "agent"), ("contextGroups", "group")] {
            if let Some(Value::Array(entries)) = ctx.get_mut(list) {
                for e in entries.iter_mut().filter_map(Value::as_object_mut) {
                    map_keys(e, &[key], ids_agent);
                }
            }
        }
    }
    Value::Object(out)
}

fn keep_only(v: &Value, keys: &[&str]) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    Value::Object(
        obj.iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect(),
    )
}

/// An Activity is identified by its id alone (the conformance suite expects exactly one key).
fn ids_activity(v: &Value) -> Value {
    keep_only(v, &["id"])
}

/// An Agent or Identified Group keeps objectType and its IFI; an Anonymous Group keeps
/// objectType and its members' ids.
fn ids_agent(v: &Value) -> Value {
    let has_ifi = IFI_PROPERTIES.iter().any(|k| v.get(*k).is_some());
    if is_group(v) && !has_ifi {
        let mut out = keep_only(v, &["objectType"]);
        if let (Some(o), Some(Value::Array(members))) = (out.as_object_mut(), v.get("member")) {
            o.insert(
                "member".into(),
                Value::Array(members.iter().map(ids_agent).collect()),
            );
        }
        return out;
    }
    let mut keys = vec!["objectType"];
    keys.extend(IFI_PROPERTIES);
    keep_only(v, &keys)
}

fn ids_object(v: &Value) -> Value {
    match v.get("objectType").and_then(Value::as_str) {
        None | Some("Activity") => ids_activity(v),
        Some("Agent" | "Group") => ids_agent(v),
        Some("SubStatement") => ids_statement(v),
        _ => v.clone(),
    }
}

fn canonical_statement(s: &Value, langs: &[String]) -> Value {
    let Some(obj) = s.as_object() else {
        return s.clone();
    };
    let mut out = obj.clone();
    if let Some(Value::Object(verb)) = out.get_mut("verb") {
        filter_maps(verb, &["display"], langs);
    }
    map_keys(&mut out, &["object"], |o| {
        match o.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => canonical_activity(o, langs),
            Some("SubStatement") => canonical_statement(o, langs),
            _ => o.clone(),
        }
    });
    if let Some(Value::Object(ca)) = out
        .get_mut("context")
        .and_then(|c| c.get_mut("contextActivities"))
    {
        map_keys(ca, &CONTEXT_ACTIVITY_KEYS, |list| match list {
            Value::Array(items) => {
                Value::Array(items.iter().map(|a| canonical_activity(a, langs)).collect())
            }
            single => canonical_activity(single, langs),
        });
    }
    if let Some(Value::Array(atts)) = out.get_mut("attachments") {
        for a in atts.iter_mut().filter_map(Value::as_object_mut) {
            filter_maps(a, &["display", "description"], langs);
        }
    }
    Value::Object(out)
}

fn canonical_activity(a: &Value, langs: &[String]) -> Value {
    let mut out = a.clone();
    if let Some(Value::Object(def)) = out.get_mut("definition") {
        filter_maps(def, &["name", "description"], langs);
        for list in ["choices", "scale", "source", "target", "steps"] {
            if let Some(Value::Array(components)) = def.get_mut(list) {
                for c in components.iter_mut().filter_map(Value::as_object_mut) {
                    filter_maps(c, &["description"], langs);
                }
            }
        }
    }
    out
}

fn filter_maps(obj: &mut Map<String, Value>, keys: &[&str], langs: &[String]) {
    for k in keys {
        if let Some(Value::Object(m)) = obj.get_mut(*k) {
            *m = best_entry(m, langs);
        }
    }
}
