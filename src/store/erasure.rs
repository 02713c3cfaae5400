//! The SQL of an erasure: every row that holds or indexes a person's data, found through the
//! keys the rest of the store already uses (query terms, SHA-256 of the IFI key).
//!
//! The caller (`crate::service::erasure`) runs these in one transaction, decides which statements to
//! delete, and takes the events out of the analytics in between.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::statements::parse_stored;

/// Held exclusively by an erasure, and shared by every transaction that could write about the
/// person meanwhile: statement inserts, analytics batches (taken before they claim from the
/// queue) and outcome uploads. Without it, a statement committed after the erasure read the
/// candidates would survive it, and a batch or upload could re-create the learner rows it
/// deleted. Writers do not wait for each other (the lock is shared); they pause while an
/// erasure runs.
pub const ERASURE_LOCK: i64 = 0x4c52_535f_4552_4153; // "LRS_ERAS"

/// Waits for writers in flight, and keeps new ones out until the transaction ends.
pub async fn lock_out_analytics(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock($1)", ERASURE_LOCK)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Taken by analytics batches and outcome uploads: waits while an erasure runs (shared, so
/// writers never wait for each other).
pub async fn wait_for_erasures(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock_shared($1)", ERASURE_LOCK)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A statement that mentions one of the terms, as stored.
pub struct Candidate {
    pub seq: i64,
    pub id: uuid::Uuid,
    pub stored: DateTime<Utc>,
    pub terms: Vec<i64>,
    pub statement: serde_json::Value,
}

/// The statements indexed under any of these terms, by sequence number.
pub async fn candidate_seqs(conn: &mut PgConnection, terms: &[i64]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select distinct seq from statement_terms where term = any($1) order by seq",
        terms
    )
    .fetch_all(&mut *conn)
    .await
}

/// These statements, as stored.
pub async fn candidates(conn: &mut PgConnection, seqs: &[i64]) -> sqlx::Result<Vec<Candidate>> {
    let rows = sqlx::query!(
        "select seq, id, stored, terms, statement from statements where seq = any($1) order by seq",
        seqs
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Candidate {
                seq: r.seq,
                id: r.id,
                stored: r.stored,
                terms: r.terms,
                statement: parse_stored(&r.statement)?,
            })
        })
        .collect()
}

/// Index rows to delete: (term, stored, seq), the primary key of `statement_terms`.
#[derive(Default)]
pub struct TermRows {
    pub terms: Vec<i64>,
    pub stored: Vec<DateTime<Utc>>,
    pub seqs: Vec<i64>,
}

impl TermRows {
    pub fn push(&mut self, term: i64, stored: DateTime<Utc>, seq: i64) {
        self.terms.push(term);
        self.stored.push(stored);
        self.seqs.push(seq);
    }
}

pub async fn delete_terms(conn: &mut PgConnection, rows: &TermRows) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        r#"delete from statement_terms t
           using unnest($1::bigint[], $2::timestamptz[], $3::bigint[]) as x(term, stored, seq)
           where t.term = x.term and t.stored = x.stored and t.seq = x.seq"#,
        &rows.terms,
        &rows.stored,
        &rows.seqs
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Deletes the statements and their places in the analytics queue.
pub async fn delete_statements(conn: &mut PgConnection, seqs: &[i64]) -> sqlx::Result<u64> {
    for query in [
        sqlx::query!("delete from analytics_queue where seq = any($1)", seqs),
        sqlx::query!("delete from analytics_pending where seq = any($1)", seqs),
        sqlx::query!("delete from analytics_failures where seq = any($1)", seqs),
    ] {
        query.execute(&mut *conn).await?;
    }
    Ok(
        sqlx::query!("delete from statements where seq = any($1)", seqs)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// Replaces the terms of statements that keep existing (they only inherited the person's
/// terms through a StatementRef).
pub async fn set_terms(
    conn: &mut PgConnection,
    seqs: &[i64],
    terms: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update statements s set terms = x.terms::bigint[]
           from unnest($1::bigint[], $2::text[]) as x(seq, terms)
           where s.seq = x.seq"#,
        seqs,
        terms
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes attachment contents that no remaining statement lists, and the records of deliveries
/// by erased statements. Attachments are shared by hash (Data 2.4.11), and nothing but the
/// statement text records who uses one, so this reads every statement once (a few seconds at
/// a million statements, while ingest waits): only run when an erased statement had
/// attachments.
pub async fn delete_unused_attachments(
    conn: &mut PgConnection,
    sha2s: &[String],
) -> sqlx::Result<u64> {
    if sha2s.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        r#"delete from attachment_deliveries d
           where d.sha2 = any($1)
             and not exists (select from statements s where s.id = d.statement_id)"#,
        sha2s
    )
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query!(
        r#"with used as (
               select distinct h.sha2
               from statements s cross join unnest($1::text[]) as h(sha2)
               where strpos(s.statement, h.sha2) > 0
           )
           delete from attachments a
           where a.sha2 = any($1) and a.sha2 not in (select sha2 from used)"#,
        sha2s
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Forgets which course registrations belong to, for registrations no remaining statement
/// carries (cmi5 registrations are one learner's enrolment).
pub async fn delete_registrations(
    conn: &mut PgConnection,
    registrations: &[uuid::Uuid],
    terms: &[i64],
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"delete from registration_courses r
           using unnest($1::uuid[], $2::bigint[]) as x(registration, term)
           where r.registration = x.registration
             and not exists (select 1 from statement_terms t where t.term = x.term)"#,
        registrations,
        terms
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every `mbox` IFI key the store holds (statements' agents and documents' agents), to find
/// the address behind an `mbox_sha1sum`.
pub async fn mbox_keys(conn: &mut PgConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select ifi as "ifi!" from agents where ifi like 'mbox:%'
           union
           select agent_ifi as "ifi!" from documents where agent_ifi like 'mbox:%'"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// The authority Agents of every credential, revoked ones included.
pub async fn authorities(
    conn: &mut PgConnection,
) -> sqlx::Result<Vec<(String, serde_json::Value)>> {
    Ok(sqlx::query!("select key, authority from credentials")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.key, r.authority))
        .collect())
}

/// State and Agent Profile documents of these agents (`agent_sha` = SHA-256 of the IFI key).
pub async fn delete_documents(
    conn: &mut PgConnection,
    agent_shas: &[Vec<u8>],
) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from documents where agent_sha = any($1)",
        agent_shas
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// The Agents resource's record of these agents and the names seen for them.
pub async fn delete_agents(conn: &mut PgConnection, ifi_shas: &[Vec<u8>]) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("delete from agents where ifi_sha = any($1)", ifi_shas)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// The analytics learner ids of these agents.
pub async fn learner_ids(conn: &mut PgConnection, ifi_shas: &[Vec<u8>]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!("select id from learners where ifi_sha = any($1)", ifi_shas)
        .fetch_all(&mut *conn)
        .await
}

/// The courses these learners are enrolled in (one entry per enrolment).
pub async fn enrolments(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select course_id from learner_courses where learner_id = any($1)",
        ids
    )
    .fetch_all(&mut *conn)
    .await
}

/// What the analytics still hold of these learners once their events are gone: the
/// learner-course rows (with uploaded outcomes and risk scores) and the learner record.
/// `courses` are their enrolments: the keys of these tables start with the course.
pub async fn delete_learners(
    conn: &mut PgConnection,
    ids: &[i64],
    courses: &[i64],
) -> sqlx::Result<()> {
    for query in [
        sqlx::query!(
            "delete from learning_events where course_id = any($2) and learner_id = any($1)",
            ids,
            courses
        ),
        sqlx::query!(
            "delete from learner_days where course_id = any($2) and learner_id = any($1)",
            ids,
            courses
        ),
        sqlx::query!(
            "delete from learner_activities where course_id = any($2) and learner_id = any($1)",
            ids,
            courses
        ),
    ] {
        query.execute(&mut *conn).await?;
    }
    sqlx::query!(
        "delete from learner_courses where learner_id = any($1)",
        ids
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from learners where id = any($1)", ids)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The other learners of these courses are scored relative to their course, which changed.
pub async fn mark_courses_stale(conn: &mut PgConnection, courses: &[i64]) -> sqlx::Result<()> {
    sqlx::query!(
        "update learner_courses set risk_stale = true where course_id = any($1) and not risk_stale",
        courses
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
