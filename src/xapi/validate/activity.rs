//! Activities and Activity Definitions, including interaction activities (Data 2.4.4.1).

use serde_json::Value;

use super::common::{Check, extensions, iri, optional_iri, optional_language_map, string};
use crate::xapi::error::Path;

/// The interaction component lists and the interaction types that support each
/// (Data 2.4.4.1, "Interaction Components").
const COMPONENT_LISTS: [(&str, &[&str]); 5] = [
    ("choices", &["choice", "sequencing"]),
    ("scale", &["likert"]),
    ("source", &["matching"]),
    ("target", &["matching"]),
    ("steps", &["performance"]),
];

pub(crate) fn activity(v: &Value, path: &Path) -> Check {
    match v.get("id") {
        Some(id) => iri(id, &path.key("id"))?,
        None => return Err(path.err("an Activity needs an id")),
    }
    match v.get("definition") {
        Some(d) => definition(d, &path.key("definition")),
        None => Ok(()),
    }
}

fn definition(d: &Value, path: &Path) -> Check {
    optional_language_map(d, "name", path)?;
    optional_language_map(d, "description", path)?;
    optional_iri(d, "type", path)?;
    optional_iri(d, "moreInfo", path)?;
    extensions(d, path)?;
    interaction(d, path)
}

/// Interaction properties need an `interactionType` (conformance XAPI-00064), and a component
/// list is only meaningful for the interaction types that support it; the LRS MAY reject the
/// others (Data 2.4.4.1 "Interaction Activities" requirements).
fn interaction(d: &Value, path: &Path) -> Check {
    let interaction_type = d.get("interactionType").and_then(Value::as_str);
    let mut used: Vec<&str> = COMPONENT_LISTS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| d.get(*k).is_some())
        .collect();
    if d.get("correctResponsesPattern").is_some() {
        used.push("correctResponsesPattern");
    }
    let Some(ty) = interaction_type else {
        return match used.first() {
            Some(first) => Err(path.err(format!(
                "\"{first}\" is only allowed with an interactionType"
            ))),
            None => Ok(()),
        };
    };
    for (list, types) in COMPONENT_LISTS {
        let Some(components) = d.get(list) else {
            continue;
        };
        let p = path.key(list);
        if !types.contains(&ty) {
            return Err(p.err(format!(
                "interaction component list \"{list}\" is not supported for interactionType {ty:?}"
            )));
        }
        component_list(components, &p)?;
    }
    Ok(())
}

/// Data 2.4.4.1: within an array of interaction components, ids MUST be distinct.
fn component_list(list: &Value, path: &Path) -> Check {
    let items = list
        .as_array()
        .ok_or_else(|| path.err("must be an array"))?;
    let mut seen: Vec<&str> = Vec::with_capacity(items.len());
    for (i, c) in items.iter().enumerate() {
        let p = path.index(i);
        let id = match c.get("id") {
            Some(id) => string(id, &p.key("id"))?,
            None => return Err(p.err("an interaction component needs an id")),
        };
        if seen.contains(&id) {
            return Err(p
                .key("id")
                .err(format!("duplicate interaction component id {id:?}")));
        }
        seen.push(id);
        optional_language_map(c, "description", &p)?;
    }
    Ok(())
}
