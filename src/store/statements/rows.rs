//! The column arrays of a batch insert: statements, their query terms (own and inherited),
//! voided flags, canonical Activity definitions and agents, deduplicated the way one
//! `INSERT ... ON CONFLICT` statement needs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::insert::Submission;
use super::terms::{array_literal, own_terms};
use crate::xapi::StatementIndex;

/// Column arrays for the `unnest` insert.
#[derive(Default)]
pub(super) struct Rows {
    pub ids: Vec<Uuid>,
    /// The credential that wrote each statement.
    pub credentials: Vec<Uuid>,
    pub stored: Vec<chrono::DateTime<chrono::Utc>>,
    pub voids: Vec<Option<Uuid>>,
    pub object_refs: Vec<Option<Uuid>>,
    pub statements: Vec<String>,
    pub voided: Vec<bool>,
    /// Each statement's terms as a PostgreSQL array literal (`{1,2,3}`): unnest cannot take a
    /// two-dimensional ragged array.
    pub terms: Vec<String>,
    pub definition_shas: Vec<Vec<u8>>,
    pub definition_ids: Vec<String>,
    pub definitions: Vec<String>,
    pub definition_sources: Vec<Uuid>,
    pub agent_shas: Vec<Vec<u8>>,
    pub agent_ifis: Vec<String>,
    pub agent_values: Vec<String>,
    pub agent_names: Vec<String>,
    pub agent_sources: Vec<Uuid>,
    /// Analytics queue partition of each statement.
    pub parts: Vec<i16>,
}

impl Rows {
    /// Rows of one or more submissions stored together (group commit); a later statement
    /// may refer to, or void, one of an earlier submission as if they had come in one batch.
    pub fn build(submissions: &[Submission<'_>], inherited: &HashMap<Uuid, Vec<i64>>) -> Rows {
        let mut rows = Rows::default();
        // Terms per statement id, including what it inherits, so that a later statement of
        // the batch referring to an earlier one inherits from it.
        let mut batch_terms: HashMap<Uuid, Vec<i64>> = HashMap::new();
        let voided_in_batch: HashSet<Uuid> = submissions
            .iter()
            .flat_map(|s| s.statements)
            .filter_map(|p| p.index.voids)
            .collect();
        let mut definitions: Vec<(&str, &Value, Uuid)> = Vec::new();
        let mut agents: HashMap<String, (Value, Vec<String>, Uuid)> = HashMap::new();

        let statements = submissions
            .iter()
            .flat_map(|s| s.statements.iter().map(move |p| (p, s.writer)));
        for (prepared, writer) in statements {
            let index = &prepared.index;
            let mut terms = own_terms(index);
            if let Some(target) = index.object_statement_ref {
                let from_target = batch_terms.get(&target).or_else(|| inherited.get(&target));
                if let Some(extra) = from_target {
                    terms.extend(extra);
                    terms.sort_unstable();
                    terms.dedup();
                }
            }
            rows.ids.push(index.id);
            rows.credentials.push(writer.credential_id);
            rows.parts.push(partition(index));
            rows.stored.push(prepared.stored);
            rows.voids.push(index.voids);
            rows.object_refs.push(index.object_statement_ref);
            rows.statements.push(json_text(&prepared.statement));
            rows.voided
                .push(index.voids.is_none() && voided_in_batch.contains(&index.id));
            rows.terms.push(array_literal(&terms));
            batch_terms.insert(index.id, terms);

            if writer.may_define {
                for activity in &index.activities {
                    if let Some(definition) = &activity.definition {
                        definitions.push((&activity.id, definition, index.id));
                    }
                }
            }
            for agent in &index.agents {
                let Some(ifi) = crate::xapi::ifi_key(agent) else {
                    continue;
                };
                let entry = agents
                    .entry(ifi)
                    .or_insert_with(|| (identifier_only(agent), Vec::new(), index.id));
                if let Some(name) = agent.get("name").and_then(Value::as_str)
                    && !entry.1.iter().any(|n| n == name)
                {
                    entry.1.push(name.to_owned());
                }
            }
        }

        // One row per Activity: ON CONFLICT DO UPDATE cannot touch a row twice in one
        // statement, so definitions of the same Activity within the batch merge here first.
        // Most statements about an Activity repeat its definition word for word, which cannot
        // change the merge: those are compared, not merged (merging copies both).
        let mut merged: Vec<(&str, Cow<'_, Value>, Uuid)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (id, definition, source) in definitions {
            match position.get(id) {
                Some(&i) => {
                    let current = &mut merged[i].1;
                    if **current != *definition {
                        *current = Cow::Owned(merge_definition(current, definition));
                    }
                }
                None => {
                    position.insert(id, merged.len());
                    merged.push((id, Cow::Borrowed(definition), source));
                }
            }
        }
        for (id, definition, source) in merged {
            rows.definition_shas.push(sha256(id));
            rows.definition_ids.push(id.to_owned());
            rows.definitions.push(json_text(&definition));
            rows.definition_sources.push(source);
        }
        for (ifi, (agent, names, source)) in agents {
            rows.agent_shas.push(sha256(&ifi));
            rows.agent_ifis.push(ifi);
            rows.agent_values.push(json_text(&agent));
            rows.agent_names.push(text_array_literal(&names));
            rows.agent_sources.push(source);
        }
        rows
    }
}

/// Analytics queue partitions (see the `analytics_queue` migration).
pub const PARTITIONS: i16 = 64;

/// The partition of a statement: a hash of its actor, so that one learner's statements always
/// fall in the same partition.
fn partition(index: &StatementIndex) -> i16 {
    let key = index.actor.clone().unwrap_or_else(|| index.id.to_string());
    i16::from(Sha256::digest(key.as_bytes())[0]) % PARTITIONS
}

pub fn sha256(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

/// The Agent reduced to objectType and its identifier (names are kept apart).
fn identifier_only(agent: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Value::Object(map) = agent {
        for key in ["objectType", "mbox", "mbox_sha1sum", "openid", "account"] {
            if let Some(value) = map.get(key) {
                out.insert(key.to_owned(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// Same rule as the SQL function `lrs_merge_definition`, for definitions within one batch.
fn merge_definition(old: &Value, new: &Value) -> Value {
    let (Value::Object(old_map), Value::Object(new_map)) = (old, new) else {
        return new.clone();
    };
    let mut merged = old_map.clone();
    for (key, value) in new_map {
        let united = match (key.as_str(), old_map.get(key), value) {
            ("name" | "description", Some(Value::Object(a)), Value::Object(b)) => {
                let mut map = a.clone();
                map.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
                Value::Object(map)
            }
            _ => value.clone(),
        };
        merged.insert(key.clone(), united);
    }
    Value::Object(merged)
}

/// A value's JSON text. `serde_json::to_string` writes into a byte buffer, whereas `Value`'s
/// `Display` (`to_string()`) goes through `fmt::Write` piece by piece: serialising the
/// statements that way was 44% of building a batch's rows in a profile of POST 100 @ 4.
/// Serialising a `Value` cannot fail; the fallback only keeps this function total.
fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| value.to_string())
}

/// A PostgreSQL text[] literal with every element quoted and escaped.
fn text_array_literal(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn definitions_in_one_batch_unite_language_maps() {
        let old = json!({"name": {"en-US": "a"}, "type": "http://t/1"});
        let new = json!({"name": {"fr-FR": "b"}, "type": "http://t/2"});
        assert_eq!(
            merge_definition(&old, &new),
            json!({"name": {"en-US": "a", "fr-FR": "b"}, "type": "http://t/2"})
        );
    }

    #[test]
    fn array_literals_escape_quotes_and_backslashes() {
        assert_eq!(
            text_array_literal(&["a\"b".into(), "c\\d".into()]),
            r#"{"a\"b","c\\d"}"#
        );
        assert_eq!(array_literal(&[1, -2]), "{1,-2}");
        assert_eq!(array_literal(&[]), "{}");
    }
}
