//! The column arrays of a batch insert: statements, their query terms (own and inherited),
//! voided flags, canonical Activity definitions and agents, deduplicated the way one
//! `INSERT ... ON CONFLICT` statement needs.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::batch::Submission;
use super::terms::{array_literal, own_terms};
use crate::store::text::{storable, storable_json};
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
    /// One row per run of equal definitions of an Activity in consecutive statements that
    /// mention it (usually one per Activity: statements repeat a definition word for word).
    pub definition_shas: Vec<Vec<u8>>,
    pub definition_ids: Vec<String>,
    pub definitions: Vec<String>,
    /// The positions in the batch (1-based, as `WITH ORDINALITY` numbers the statements) of
    /// the statements that carried the run's definition, as an array literal: only the runs
    /// of statements actually inserted are merged. A re-sent statement is not inserted, and
    /// its definition, merged when it was first stored, must not undo what came since.
    pub definition_ords: Vec<String>,
    /// The run's position among its Activity's runs: the merge order.
    pub definition_runs: Vec<i32>,
    pub agent_shas: Vec<Vec<u8>>,
    pub agent_ifis: Vec<String>,
    pub agent_values: Vec<String>,
    pub agent_names: Vec<String>,
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
        let mut definitions: Vec<(&str, &Value, i64)> = Vec::new();
        let mut agents: HashMap<String, (Value, Vec<String>)> = HashMap::new();

        let statements = submissions
            .iter()
            .flat_map(|s| s.statements.iter().map(move |p| (p, s.writer)));
        for (ord, (prepared, writer)) in (1_i64..).zip(statements) {
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
                        definitions.push((&activity.id, definition, ord));
                    }
                }
            }
            for agent in &index.agents {
                let Some(ifi) = crate::xapi::ifi_key(agent) else {
                    continue;
                };
                // Agents and their names are recorded whether or not the statement turns out
                // to be new: a statement that is not inserted is a re-sent one, whose agents
                // and names were recorded when it was first stored, so recording them again
                // changes nothing.
                let entry = agents
                    .entry(ifi)
                    .or_insert_with(|| (identifier_only(agent), Vec::new()));
                if let Some(name) = agent.get("name").and_then(Value::as_str)
                    && !entry.1.iter().any(|n| n == name)
                {
                    entry.1.push(name.to_owned());
                }
            }
        }

        for (id, run, definition, ords) in definition_runs(definitions) {
            rows.definition_shas.push(sha256(id));
            rows.definition_ids.push(id.to_owned());
            rows.definitions.push(json_text(&storable_json(definition)));
            rows.definition_ords.push(array_literal(&ords));
            rows.definition_runs.push(run);
        }
        for (ifi, (agent, names)) in agents {
            rows.agent_shas.push(sha256(&ifi));
            rows.agent_ifis.push(storable(&ifi).into_owned());
            rows.agent_values.push(json_text(&storable_json(&agent)));
            rows.agent_names.push(text_array_literal(&names));
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

/// An Activity's definitions in the batch, as runs of the same definition in consecutive
/// statements that mention the Activity: (id, run number, definition, positions of its
/// statements). PostgreSQL merges the runs of inserted statements in run order
/// (`lrs_merge_definitions`); a definition repeated word for word cannot change a merge, so
/// it only joins its run.
fn definition_runs<'a>(
    definitions: Vec<(&'a str, &'a Value, i64)>,
) -> Vec<(&'a str, i32, &'a Value, Vec<i64>)> {
    let mut runs: Vec<(&str, i32, &Value, Vec<i64>)> = Vec::new();
    // The index in `runs` of each Activity's latest run.
    let mut latest: HashMap<&str, usize> = HashMap::new();
    for (id, definition, ord) in definitions {
        match latest.get(id).copied() {
            Some(i) if *runs[i].2 == *definition => runs[i].3.push(ord),
            Some(i) => {
                let run = runs[i].1 + 1;
                latest.insert(id, runs.len());
                runs.push((id, run, definition, vec![ord]));
            }
            None => {
                latest.insert(id, runs.len());
                runs.push((id, 0, definition, vec![ord]));
            }
        }
    }
    runs
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
        .map(|s| storable(s))
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repeated_definitions_join_their_run_and_changes_start_one() {
        let (one, two) = (
            json!({"name": {"en-US": "a"}}),
            json!({"type": "http://t/2"}),
        );
        let other = json!({"name": {"en-US": "x"}});
        let runs = definition_runs(vec![
            ("http://a", &one, 1),
            ("http://b", &other, 2),
            ("http://a", &one, 3),
            ("http://a", &two, 4),
            ("http://a", &one, 5),
        ]);
        let shape: Vec<(&str, i32, Vec<i64>)> = runs
            .iter()
            .map(|(id, run, _, ords)| (*id, *run, ords.clone()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("http://a", 0, vec![1, 3]),
                ("http://b", 0, vec![2]),
                ("http://a", 1, vec![4]),
                ("http://a", 2, vec![5]),
            ]
        );
        assert_eq!(*runs[2].2, two);
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
