//! What a batch needs besides the insert when it cannot be stored as one plain SQL statement:
//! ids that are already stored (a re-send, or a conflict), StatementRef targets stored
//! earlier, and earlier statements that target a new one. All rare; they run inside the
//! batch's transaction (see `insert`).

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use uuid::Uuid;

use super::batch::{InsertError, PreparedStatement};
use crate::xapi::statements_equivalent;

/// The StatementRef targets of the batch that are not in it (those in it are resolved in
/// memory by `Rows::build`): their terms must be read from the store.
pub fn outside_targets(batch: &[&PreparedStatement]) -> Vec<Uuid> {
    let batch_ids: HashSet<Uuid> = batch.iter().map(|p| p.index.id).collect();
    batch
        .iter()
        .filter_map(|p| p.index.object_statement_ref)
        .filter(|target| !batch_ids.contains(target))
        .collect()
}

/// Statements not inserted exist already: each must be equivalent to the one sent.
pub async fn check_existing(
    tx: &mut sqlx::PgConnection,
    batch: &[&PreparedStatement],
    inserted: &HashSet<Uuid>,
) -> Result<(), InsertError> {
    let existing_ids: Vec<Uuid> = batch
        .iter()
        .map(|p| p.index.id)
        .filter(|id| !inserted.contains(id))
        .collect();
    if existing_ids.is_empty() {
        return Ok(());
    }
    let stored: HashMap<Uuid, Value> = sqlx::query!(
        "select id, statement from statements where id = any($1)",
        &existing_ids
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    // Stored text that does not parse (it cannot: the LRS wrote it) compares as different.
    .filter_map(|row| Some((row.id, super::parse_stored(&row.statement).ok()?)))
    .collect();
    for prepared in batch.iter().filter(|p| !inserted.contains(&p.index.id)) {
        let same = stored.get(&prepared.index.id).is_some_and(|existing| {
            if prepared.sent_timestamp {
                statements_equivalent(existing, &prepared.statement)
            } else {
                // Rare path (a re-sent id): a copy without the generated timestamp.
                let mut resent = prepared.statement.clone();
                if let Value::Object(map) = &mut resent {
                    map.remove("timestamp");
                }
                statements_equivalent(existing, &resent)
            }
        });
        if !same {
            return Err(InsertError::Conflict(prepared.index.id));
        }
    }
    Ok(())
}

/// Terms inherited through StatementRef objects whose target is already stored.
pub async fn inherited_terms(
    tx: &mut sqlx::PgConnection,
    batch: &[&PreparedStatement],
) -> Result<HashMap<Uuid, Vec<i64>>, sqlx::Error> {
    let targets = outside_targets(batch);
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query!(
        "select id, terms from statements where id = any($1)",
        &targets
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.terms)).collect())
}

/// When a statement arrives after statements that target it through a StatementRef, those
/// (and, recursively, their own referrers) inherit its terms. Rare: out-of-order delivery.
pub async fn propagate_to_referrers(
    tx: &mut sqlx::PgConnection,
    targets: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        with recursive referrers(terms, seq, stored, id, depth) as (
            select t.terms, s.seq, s.stored, s.id, 1
            from statements t join statements s on s.object_ref = t.id
            where t.id = any($1)
          union
            select r.terms, s.seq, s.stored, s.id, r.depth + 1
            from referrers r join statements s on s.object_ref = r.id
            where r.depth < 8
        ),
        gained as (
            select r.seq, r.stored, array_agg(distinct term) as terms
            from referrers r cross join lateral unnest(r.terms) as term
            group by r.seq, r.stored
        ),
        updated as (
            update statements s
            set terms = array(select distinct unnest(s.terms || g.terms))
            from gained g where s.seq = g.seq
        )
        insert into statement_terms (term, stored, seq)
        select unnest(g.terms), g.stored, g.seq from gained g
        on conflict do nothing
        "#,
        targets
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
