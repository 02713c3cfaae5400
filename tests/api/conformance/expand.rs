//! Templates (`{"$template": name, "$set": {...}, "$remove": [...]}`) and placeholders
//! (`{{uuid:a}}`, `{{version}}`, captured values, ...).

use std::collections::HashMap;

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sha1::Digest as _;

/// What placeholders resolve to while one case runs under one version.
pub struct Vars {
    pub version: String,
    pub basic_auth: String,
    uuids: HashMap<String, String>,
    pub captured: HashMap<String, Value>,
    /// `part:N:sha256` and `part:N:length` while a multipart body is being built.
    pub parts: HashMap<String, Value>,
}

impl Vars {
    pub fn new(version: &str, basic_auth: String) -> Vars {
        Vars {
            version: version.to_owned(),
            basic_auth,
            uuids: HashMap::new(),
            captured: HashMap::new(),
            parts: HashMap::new(),
        }
    }

    fn resolve(&mut self, name: &str) -> Result<Value, String> {
        let (head, arg) = match name.split_once(':') {
            Some((h, a)) => (h, Some(a)),
            None => (name, None),
        };
        let value =
            match (head, arg) {
                ("version", None) => Value::String(self.version.clone()),
                ("basic_auth", None) => Value::String(self.basic_auth.clone()),
                ("uuid", Some(label)) => Value::String(
                    self.uuids
                        .entry(label.to_owned())
                        .or_insert_with(|| uuid::Uuid::new_v4().to_string())
                        .clone(),
                ),
                ("sha256", Some(text)) => Value::String(hex::encode(sha2::Sha256::digest(text))),
                ("sha1", Some(text)) => Value::String(hex::encode(sha1::Sha1::digest(text))),
                ("length", Some(text)) => Value::from(text.len()),
                ("now", offset) => {
                    let seconds: i64 = match offset {
                        None => 0,
                        Some(o) => o
                            .trim_start_matches('+')
                            .parse()
                            .map_err(|_| format!("bad offset in {{{{{name}}}}}"))?,
                    };
                    let t = Utc::now() + Duration::seconds(seconds);
                    Value::String(t.to_rfc3339_opts(SecondsFormat::Millis, true))
                }
                ("part", Some(_)) => self.parts.get(name).cloned().ok_or_else(|| {
                    format!("{{{{{name}}}}} is not a part of this multipart body")
                })?,
                _ => self
                    .captured
                    .get(name)
                    .cloned()
                    .ok_or_else(|| format!("unknown placeholder {{{{{name}}}}}"))?,
            };
        Ok(value)
    }

    /// Substitutes every placeholder of a string; non-string values are written as JSON.
    pub fn text(&mut self, s: &str) -> Result<String, String> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed placeholder in {s:?}"))?;
            match self.resolve(&after[..end])? {
                Value::String(v) => out.push_str(&v),
                other => out.push_str(&other.to_string()),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Substitutes placeholders in every string (keys included) of a JSON value. A string that
    /// is exactly one placeholder takes the placeholder's JSON value (a number, an object...).
    pub fn json(&mut self, v: &Value) -> Result<Value, String> {
        Ok(match v {
            Value::String(s) => {
                let whole = s.starts_with("{{")
                    && s.ends_with("}}")
                    && s.matches("{{").count() == 1
                    && s.len() > 4;
                if whole {
                    self.resolve(&s[2..s.len() - 2])?
                } else {
                    Value::String(self.text(s)?)
                }
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.json(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, x) in map {
                    out.insert(self.text(k)?, self.json(x)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }
}

/// Replaces every `{"$template": ...}` object, recursively.
pub fn templates(v: &Value, library: &Map<String, Value>) -> Result<Value, String> {
    expand(v, library, 0)
}

fn expand(v: &Value, library: &Map<String, Value>, depth: usize) -> Result<Value, String> {
    if depth > 16 {
        return Err("templates nest too deeply (a template that uses itself?)".into());
    }
    match v {
        Value::Array(items) => Ok(Value::Array(
            items
                .iter()
                .map(|i| expand(i, library, depth))
                .collect::<Result<_, _>>()?,
        )),
        Value::Object(map) if map.contains_key("$template") => {
            for key in map.keys() {
                if !["$template", "$set", "$remove"].contains(&key.as_str()) {
                    return Err(format!("unknown template directive {key:?}"));
                }
            }
            let name = map["$template"]
                .as_str()
                .ok_or("$template must name a template")?;
            let base = library
                .get(name)
                .ok_or_else(|| format!("no template named {name:?}"))?;
            let mut out = expand(base, library, depth + 1)?;
            if let Some(set) = map.get("$set") {
                let set = set.as_object().ok_or("$set must be an object")?;
                for (pointer, value) in set {
                    let value = expand(value, library, depth + 1)?;
                    set_pointer(&mut out, pointer, value)?;
                }
            }
            if let Some(remove) = map.get("$remove") {
                let list = remove.as_array().ok_or("$remove must be an array")?;
                for pointer in list {
                    let pointer = pointer.as_str().ok_or("$remove holds pointers")?;
                    remove_pointer(&mut out, pointer)?;
                }
            }
            Ok(out)
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, x) in map {
                out.insert(k.clone(), expand(x, library, depth)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("{pointer:?} is not a JSON pointer"))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Sets the value at `pointer`, creating missing objects on the way; `-` appends to an array.
pub fn set_pointer(root: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let tokens = tokens(pointer)?;
    let (last, parents) = tokens.split_last().ok_or("empty pointer")?;
    let mut node = root;
    for token in parents {
        node = match node {
            Value::Object(map) => map
                .entry(token.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            Value::Array(items) => {
                let i: usize = token
                    .parse()
                    .map_err(|_| format!("{pointer}: {token} is not an index"))?;
                items
                    .get_mut(i)
                    .ok_or_else(|| format!("{pointer}: no element {i}"))?
            }
            _ => return Err(format!("{pointer}: {token} is inside a scalar")),
        };
    }
    match node {
        Value::Object(map) => {
            map.insert(last.clone(), value);
        }
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{pointer}: {last} is not an index"))?;
            *items
                .get_mut(i)
                .ok_or_else(|| format!("{pointer}: no element {i}"))? = value;
        }
        _ => return Err(format!("{pointer}: the parent is a scalar")),
    }
    Ok(())
}

fn remove_pointer(root: &mut Value, pointer: &str) -> Result<(), String> {
    let tokens = tokens(pointer)?;
    let (last, parents) = tokens.split_last().ok_or("empty pointer")?;
    let parent_pointer: String = parents.iter().map(|t| format!("/{t}")).collect();
    let parent = root
        .pointer_mut(&parent_pointer)
        .ok_or_else(|| format!("{pointer}: nothing to remove"))?;
    let removed = match parent {
        Value::Object(map) => map.shift_remove(last).is_some(),
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if removed {
        Ok(())
    } else {
        Err(format!("{pointer}: nothing to remove"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_are_patched_by_pointer() {
        let library = json!({"s": {"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "x"}}});
        let library = library.as_object().cloned().unwrap_or_default();
        let v = json!({"$template": "s", "$set": {"/context/language": "en", "/actor/mbox": null}, "$remove": ["/verb"]});
        let out = templates(&v, &library).unwrap();
        assert_eq!(
            out,
            json!({"actor": {"mbox": null}, "context": {"language": "en"}})
        );
    }

    #[test]
    fn placeholders_are_stable_within_a_case_and_typed_when_whole() {
        let mut vars = Vars::new("2.0.0", "Basic x".into());
        vars.captured.insert("n".into(), json!(3));
        let out = vars
            .json(
                &json!({"a": "{{uuid:a}}", "b": "x-{{uuid:a}}", "n": "{{n}}", "v": "{{version}}"}),
            )
            .unwrap();
        assert_eq!(format!("x-{}", out["a"].as_str().unwrap()), out["b"]);
        assert_eq!(out["n"], 3);
        assert_eq!(out["v"], "2.0.0");
        assert!(vars.text("{{nope}}").is_err());
    }
}
