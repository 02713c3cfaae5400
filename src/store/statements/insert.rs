//! Writing a batch of statements: a constant number of round trips whatever the batch size.
//!
//! One data-modifying `WITH` statement inserts the statements (`unnest` of column arrays),
//! their query terms, the voided flags they set, the canonical Activity definitions and the
//! agents they mention. A batch is stored whole or not at all (Communication 2.1.2): usually
//! by that statement alone, which is its own transaction; when the batch needs checks around
//! the insert (an id stored already, StatementRefs to stored statements, attachments), in a
//! transaction that runs them (`checks`).

use std::collections::{HashMap, HashSet};

use sqlx::PgPool;
use uuid::Uuid;

use super::batch::{AttachmentContent, InsertError, PreparedStatement, Submission, Writer};
use super::checks;
use super::rows::Rows;

/// Inserts a batch atomically. Statements whose id exists with equivalent content are left as
/// they are (re-delivery is harmless); any other existing id fails the whole batch.
///
/// `pool` is the statement writers' pool ([`super::writer_pool`]). Concurrent batches that share
/// statement ids in different orders can deadlock in the unique index; PostgreSQL then aborts
/// one of them, which is retried here (a few times) rather than failing the client's request.
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
    let batch: Vec<&PreparedStatement> = submissions.iter().flat_map(|s| s.statements).collect();
    let mut mode = if attachments.is_empty() && checks::outside_targets(&batch).is_empty() {
        Mode::Alone
    } else {
        Mode::Transaction
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = match mode {
            Mode::Alone => insert_alone(pool, submissions, batch.len()).await,
            Mode::Transaction => {
                insert_in_transaction(pool, submissions, &batch, attachments).await
            }
        };
        match result {
            Err(InsertError::Database(sqlx::Error::Database(e)))
                if mode == Mode::Alone && e.code().as_deref() == Some(NEEDS_TRANSACTION) =>
            {
                mode = Mode::Transaction;
                attempt = 0;
            }
            Err(InsertError::Database(sqlx::Error::Database(e)))
                if attempt < 4 && matches!(e.code().as_deref(), Some("40P01" | "40001")) =>
            {
                tracing::debug!(attempt, "statement batch deadlocked; retrying");
            }
            Ok(Stored::Incomplete) => {
                mode = Mode::Transaction;
                attempt = 0;
            }
            Ok(Stored::All) => return Ok(()),
            Err(other) => return Err(other),
        }
    }
}

/// How a batch is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The insert alone, as one SQL statement (its own transaction): no BEGIN, no COMMIT, one
    /// round trip. Under single-statement POSTs each group of them paid four round trips
    /// (BEGIN, settings, insert, COMMIT), and each waited for the backend and then the writer
    /// task to be scheduled on a CPU shared with everything else: fewer round trips answered
    /// POST 1 @ 32 about 10% faster (docs/BENCHMARKS.md, "`83f6c4d`").
    Alone,
    /// BEGIN, the reads and checks the batch needs around the insert, COMMIT.
    Transaction,
}

/// What an insert alone did.
enum Stored {
    /// Every statement of the batch is new and stored.
    All,
    /// Nothing was written: an id of the batch is stored already, or a stored statement
    /// targets one of its statements. The transaction path compares the statements with the
    /// stored ones and passes terms on.
    Incomplete,
}

/// SQLSTATE raised by `lrs_needs_transaction()` (migration 000014).
const NEEDS_TRANSACTION: &str = "LRS01";

/// The insert as one SQL statement. It aborts itself (`NEEDS_TRANSACTION`) when a statement's
/// id is already stored or a stored statement targets a new one: both need the checks of
/// [`insert_in_transaction`], and nothing of the batch may be committed before them.
async fn insert_alone(
    pool: &PgPool,
    submissions: &[Submission<'_>],
    statements: usize,
) -> Result<Stored, InsertError> {
    let mut conn = pool.acquire().await?;
    let rows = Rows::build(submissions, &HashMap::new());
    let inserted = run_insert(&mut conn, &rows, true).await?;
    // All ids stored already: the insert returned no row, so its check had nothing to abort.
    if inserted.len() < statements {
        return Ok(Stored::Incomplete);
    }
    Ok(Stored::All)
}

async fn insert_in_transaction(
    pool: &PgPool,
    submissions: &[Submission<'_>],
    batch: &[&PreparedStatement],
    attachments: &[AttachmentContent],
) -> Result<Stored, InsertError> {
    let mut tx = pool.begin().await?;
    // The insert takes this lock too; here it also covers the reads before it.
    crate::store::erasure::wait_for_erasures(&mut tx).await?;
    if !attachments.is_empty() {
        insert_attachments(&mut tx, attachments).await?;
    }
    let inherited = checks::inherited_terms(&mut tx, batch).await?;
    let rows = Rows::build(submissions, &inherited);
    let inserted = run_insert(&mut tx, &rows, false).await?;
    let referenced: Vec<Uuid> = inserted
        .iter()
        .filter(|r| r.referenced)
        .map(|r| r.id)
        .collect();
    let inserted: HashSet<Uuid> = inserted.into_iter().map(|r| r.id).collect();

    checks::check_existing(&mut tx, batch, &inserted).await?;
    if !referenced.is_empty() {
        checks::propagate_to_referrers(&mut tx, &referenced).await?;
    }
    tx.commit().await?;
    Ok(Stored::All)
}

/// A statement the insert stored, and whether a stored statement targets it.
struct Inserted {
    id: Uuid,
    referenced: bool,
}

/// The insert: statements, their terms, the voided flags they set, definitions, agents and the
/// analytics queue, in one SQL statement. With `alone`, it aborts itself rather than store a
/// batch that needs the checks of a transaction (see [`insert_alone`]).
///
/// Its plan is cached and generic, and sequential scans are off, on the writers' connections
/// ([`super::writer_pool`]).
async fn run_insert(
    conn: &mut sqlx::PgConnection,
    rows: &Rows,
    alone: bool,
) -> Result<Vec<Inserted>, InsertError> {
    let inserted = sqlx::query!(
        r#"
        with erasures as (
            -- Waits while an erasure runs (`store::erasure::ERASURE_LOCK`): a statement naming
            -- the person, or inheriting their terms, must not commit between the erasure's
            -- reads and its commit. Every write below reads this first, so the lock comes
            -- before any row lock that an erasure could be waiting for.
            select pg_advisory_xact_lock_shared($19)::text as held
        ),
        -- Alone, a batch that needs the checks of a transaction (an id stored already, as
        -- when a client re-sends; a stored statement that targets a new one) writes nothing
        -- and returns no row, so that the caller stores it in a transaction. Found before the
        -- insert, it raises no error: the abort below is left for the rare race with a
        -- concurrent insert of the same id, and the re-sends that clients make all the time
        -- no longer each leave an ERROR with the whole statement text in PostgreSQL's log.
        clear as (
            select not $20::bool
                or (not exists (select from statements s where s.id = any($1::uuid[]))
                    and not exists (select from statements r where r.object_ref = any($1::uuid[])))
                as clear
        ),
        input as (
            select * from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[],
                                 $5::text[], $6::bool[], $7::text[], $18::smallint[], $8::uuid[])
                with ordinality as t(id, stored, voids, object_ref, statement, voided, terms, part,
                                     credential_id, ord)
            where exists (select from erasures) and (select clear from clear)
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
        -- The new statements that stored statements target (out-of-order delivery): those
        -- must pass their terms on (`checks::propagate_to_referrers`).
        referrers as (
            select distinct r.object_ref as id from ins join statements r on r.object_ref = ins.id
        ),
        -- Alone (no transaction around this statement), a batch that needs the checks after
        -- the insert aborts the statement here, before anything of it is written about its
        -- agents: an id already stored, or a stored statement that targets a new one (see
        -- `insert_alone`).
        checked as (
            select case
                when not $20::bool then true
                when not (select clear from clear) then false
                when (select count(*) from ins) = cardinality($1::uuid[])
                     and not exists (select from referrers)
                    then true
                else lrs_needs_transaction()
            end as passed
        ),
        new_people as (
            insert into agents (ifi_sha, ifi, agent, names)
            select a.ifi_sha, a.ifi, a.agent::jsonb, a.names::text[]
            from unnest($13::bytea[], $14::text[], $15::text[], $16::text[])
                as a(ifi_sha, ifi, agent, names)
            where exists (select from erasures) and (select passed from checked)
            order by a.ifi_sha
            on conflict (ifi_sha) do nothing
        ),
        renamed_people as (
            update agents g
            set names = array(select distinct unnest(g.names || a.names::text[]))
            from unnest($13::bytea[], $14::text[], $15::text[], $16::text[])
                as a(ifi_sha, ifi, agent, names)
            where g.ifi_sha = a.ifi_sha and not (g.names @> a.names::text[])
              and exists (select from erasures) and (select passed from checked)
        )
        select ins.id as "id!",
               exists (select from referrers f where f.id = ins.id) as "referenced!",
               -- Read for every row returned, so that the check runs whenever anything was
               -- inserted, whatever else in the statement reads it.
               (select passed from checked) as "checked!"
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
        crate::store::erasure::ERASURE_LOCK,
        alone,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(inserted
        .into_iter()
        .map(|r| Inserted {
            id: r.id,
            referenced: r.referenced,
        })
        .collect())
}

async fn insert_attachments(
    tx: &mut sqlx::PgConnection,
    attachments: &[AttachmentContent],
) -> Result<(), sqlx::Error> {
    let shas: Vec<String> = attachments.iter().map(|a| a.sha2.clone()).collect();
    let types: Vec<String> = attachments.iter().map(|a| a.content_type.clone()).collect();
    let contents: Vec<Vec<u8>> = attachments.iter().map(|a| a.content.clone()).collect();
    let (delivered, by): (Vec<String>, Vec<Uuid>) = attachments
        .iter()
        .flat_map(|a| a.statements.iter().map(|id| (a.sha2.clone(), *id)))
        .unzip();
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
    sqlx::query!(
        r#"insert into attachment_deliveries (sha2, statement_id)
           select * from unnest($1::text[], $2::uuid[])
           on conflict do nothing"#,
        &delivered,
        &by
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
