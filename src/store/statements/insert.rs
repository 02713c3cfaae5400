//! Writing a batch of statements: a constant number of round trips whatever the batch size.
//!
//! One data-modifying `WITH` statement inserts the statements (`unnest` of column arrays),
//! their query terms, the voided flags they set, the canonical Activity definitions and the
//! agents they mention. The transaction around it also covers the conflict check, so a batch is
//! stored whole or not at all (Communication 2.1.2).

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::rows::Rows;
use crate::xapi::{StatementIndex, statements_equivalent};

/// A validated statement in its stored form, ready to insert.
pub struct PreparedStatement {
    pub statement: Value,
    /// Whether the client sent a `timestamp`. When it did not, the stored copy carries one the
    /// LRS generated, which must not make a faithful re-send of the id look different.
    pub sent_timestamp: bool,
    pub index: StatementIndex,
    pub stored: chrono::DateTime<chrono::Utc>,
}

/// Attachment content received with the statements.
pub struct AttachmentContent {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Who writes, and with which rights.
#[derive(Clone, Copy)]
pub struct Writer {
    pub credential_id: Uuid,
    /// Whether canonical Activity definitions may be updated (`define` scope).
    pub may_define: bool,
}

/// The statements of one request, with the rights of the credential that sent them.
#[derive(Clone, Copy)]
pub struct Submission<'a> {
    pub statements: &'a [PreparedStatement],
    pub writer: &'a Writer,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// A statement with this id exists and differs (Data 2.3: statements are immutable).
    #[error("statement {0} already exists with different content")]
    Conflict(Uuid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The group-commit writers have stopped (the server is shutting down).
    #[error("the statement writers have stopped")]
    Stopped,
}

/// Inserts a batch atomically. Statements whose id exists with equivalent content are left as
/// they are (re-delivery is harmless); any other existing id fails the whole batch.
///
/// Concurrent batches that share statement ids in different orders can deadlock in the unique
/// index; PostgreSQL then aborts one of them, which is retried here (a few times) rather than
/// failing the client's request.
pub async fn insert_batch(
    pool: &PgPool,
    batch: &[PreparedStatement],
    attachments: &[AttachmentContent],
    writer: &Writer,
) -> Result<(), InsertError> {
    let submission = Submission {
        statements: batch,
        writer,
    };
    insert_submissions(pool, &[submission], attachments).await
}

/// Inserts the statements of several submissions in one transaction, as one batch: all are
/// stored or none. Their ids must be distinct.
pub async fn insert_submissions(
    pool: &PgPool,
    submissions: &[Submission<'_>],
    attachments: &[AttachmentContent],
) -> Result<(), InsertError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match try_insert(pool, submissions, attachments).await {
            Err(InsertError::Database(sqlx::Error::Database(e)))
                if attempt < 4 && matches!(e.code().as_deref(), Some("40P01" | "40001")) =>
            {
                tracing::debug!(attempt, "statement batch deadlocked; retrying");
            }
            other => return other,
        }
    }
}

async fn try_insert(
    pool: &PgPool,
    submissions: &[Submission<'_>],
    attachments: &[AttachmentContent],
) -> Result<(), InsertError> {
    let batch: Vec<&PreparedStatement> = submissions.iter().flat_map(|s| s.statements).collect();
    let mut tx = pool.begin().await?;
    // The insert below takes its rows as arrays. PostgreSQL would plan it afresh for every
    // small batch (a custom plan knows each array's length, so it looks cheaper than the
    // generic one), and planning its ten CTEs cost as much CPU as executing them: a third of
    // the machine's CPU under single-statement POSTs. So the generic plan is cached and
    // reused. A generic plan made while the tables were small would scan them whole for
    // ever after, though; every lookup here is by key, so sequential scans are ruled out
    // and the cached plan probes indexes whatever the table sizes were when it was made.
    //
    // The same round trip waits while an erasure runs (`store::erasure`): a statement naming
    // the person, or inheriting their terms, must not commit between the erasure's reads and
    // its commit.
    sqlx::query!(
        "select set_config('plan_cache_mode', 'force_generic_plan', true) as plan_cache_mode,
                set_config('enable_seqscan', 'off', true) as enable_seqscan,
                pg_advisory_xact_lock_shared($1)::text as erasure_lock",
        crate::store::erasure::ERASURE_LOCK
    )
    .fetch_one(&mut *tx)
    .await?;
    if !attachments.is_empty() {
        insert_attachments(&mut tx, attachments).await?;
    }
    let inherited = inherited_terms(&mut tx, &batch).await?;
    let rows = Rows::build(submissions, &inherited);
    let inserted = sqlx::query!(
        r#"
        with input as (
            select * from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[],
                                 $5::text[], $6::bool[], $7::text[], $18::smallint[], $8::uuid[])
                with ordinality as t(id, stored, voids, object_ref, statement, voided, terms, part,
                                     credential_id, ord)
        ),
        ins as (
            insert into statements (id, stored, voids, object_ref, credential_id, terms, statement, voided)
            select i.id, i.stored, i.voids, i.object_ref, i.credential_id, i.terms::bigint[], i.statement,
                   -- voided in this batch, or by a voiding statement that arrived first
                   i.voided or (i.voids is null
                                and exists (select 1 from statements v where v.voids = i.id))
            from input i
            order by i.ord
            on conflict (id) do nothing
            returning seq, id, stored
        ),
        terms as (
            insert into statement_terms (term, stored, seq)
            select distinct t.term, ins.stored, ins.seq
            from ins
            join input i on i.id = ins.id
            cross join lateral unnest(i.terms::bigint[]) as t(term)
            -- No `on conflict`: the rows are new (fresh seq), and its check would cost an index
            -- probe per row before each insert.
        ),
        voiding as (
            -- Earlier statements voided by this batch; a voiding statement is never voided
            -- (Data 2.3.2).
            update statements s set voided = true
            where s.id in (select i.voids from input i join ins on ins.id = i.id)
              and s.voids is null and not s.voided
        ),
        -- The positions in the batch of the statements inserted (not re-sent ones).
        inserted as (
            select coalesce(array_agg(i.ord), '{}') as ords from ins join input i on i.id = ins.id
        ),
        -- Each Activity's definition from the inserted statements only, its runs merged in
        -- order (see `Rows::definition_ords`).
        definitions as (
            select d.id_sha, min(d.id) as id,
                   lrs_merge_definitions(d.definition::jsonb order by d.run) as definition
            from unnest($9::bytea[], $10::text[], $11::text[], $12::text[], $17::int[])
                as d(id_sha, id, definition, ords, run)
            where d.ords::bigint[] && (select ords from inserted)
            group by d.id_sha
        ),
        -- Canonical definitions and agents are shared by every statement about them: an
        -- unconditional upsert would lock the same hot rows in every transaction and serialise
        -- concurrent writers. New keys are inserted without touching existing rows, and only
        -- rows whose content actually changes are updated (and so locked).
        new_definitions as (
            insert into activities (id_sha, id, definition, updated)
            select d.id_sha, d.id, d.definition, now()
            from definitions d
            order by d.id_sha
            on conflict (id_sha) do nothing
        ),
        changed_definitions as (
            update activities a
            set definition = lrs_merge_definition(a.definition, d.definition), updated = now()
            from definitions d
            where a.id_sha = d.id_sha
              -- The same definition again (the common case) cannot change the merge; the
              -- cheap comparison spares calling the SQL function.
              and a.definition is distinct from d.definition
              and a.definition is distinct from lrs_merge_definition(a.definition, d.definition)
        ),
        queued as (
            -- The analytics worker applies new statements from this queue (same transaction:
            -- nothing stored escapes the analytics, nothing rolled back reaches them).
            insert into analytics_queue (seq, part)
            select ins.seq, i.part from ins join input i on i.id = ins.id
        ),
        new_people as (
            insert into agents (ifi_sha, ifi, agent, names)
            select a.ifi_sha, a.ifi, a.agent::jsonb, a.names::text[]
            from unnest($13::bytea[], $14::text[], $15::text[], $16::text[])
                as a(ifi_sha, ifi, agent, names)
            order by a.ifi_sha
            on conflict (ifi_sha) do nothing
        ),
        renamed_people as (
            update agents g
            set names = array(select distinct unnest(g.names || a.names::text[]))
            from unnest($13::bytea[], $14::text[], $15::text[], $16::text[])
                as a(ifi_sha, ifi, agent, names)
            where g.ifi_sha = a.ifi_sha and not (g.names @> a.names::text[])
        )
        select ins.id as "id!",
               exists (select 1 from statements r where r.object_ref = ins.id) as "referenced!"
        from ins
        "#,
        &rows.ids,
        &rows.stored,
        &rows.voids as &[Option<Uuid>],
        &rows.object_refs as &[Option<Uuid>],
        &rows.statements,
        &rows.voided,
        &rows.terms,
        &rows.credentials,
        &rows.definition_shas,
        &rows.definition_ids,
        &rows.definitions,
        &rows.definition_ords,
        &rows.agent_shas,
        &rows.agent_ifis,
        &rows.agent_values,
        &rows.agent_names,
        &rows.definition_runs,
        &rows.parts,
    )
    .fetch_all(&mut *tx)
    .await?;
    let referenced: Vec<Uuid> = inserted
        .iter()
        .filter(|r| r.referenced)
        .map(|r| r.id)
        .collect();
    let inserted: HashSet<Uuid> = inserted.into_iter().map(|r| r.id).collect();

    check_existing(&mut tx, &batch, &inserted).await?;
    if !referenced.is_empty() {
        propagate_to_referrers(&mut tx, &referenced).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Statements not inserted exist already: each must be equivalent to the one sent.
async fn check_existing(
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

/// Terms inherited through StatementRef objects whose target is already stored (targets in the
/// same batch are resolved in memory by [`Rows::build`]).
async fn inherited_terms(
    tx: &mut sqlx::PgConnection,
    batch: &[&PreparedStatement],
) -> Result<HashMap<Uuid, Vec<i64>>, sqlx::Error> {
    let batch_ids: HashSet<Uuid> = batch.iter().map(|p| p.index.id).collect();
    let targets: Vec<Uuid> = batch
        .iter()
        .filter_map(|p| p.index.object_statement_ref)
        .filter(|target| !batch_ids.contains(target))
        .collect();
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
async fn propagate_to_referrers(
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

async fn insert_attachments(
    tx: &mut sqlx::PgConnection,
    attachments: &[AttachmentContent],
) -> Result<(), sqlx::Error> {
    let shas: Vec<String> = attachments.iter().map(|a| a.sha2.clone()).collect();
    let types: Vec<String> = attachments.iter().map(|a| a.content_type.clone()).collect();
    let contents: Vec<Vec<u8>> = attachments.iter().map(|a| a.content.clone()).collect();
    sqlx::query!(
        r#"insert into attachments (sha2, content_type, content)
           select * from unnest($1::text[], $2::text[], $3::bytea[])
           on conflict (sha2) do nothing"#,
        &shas,
        &types,
        &contents
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
