//! Reading statements: one by id, or a page of a filtered query.
//!
//! Pages use keyset pagination on (stored, seq), never OFFSET: a page costs the same at any
//! depth, and statements arriving meanwhile do not shift later pages. Filtered queries scan the
//! `statement_terms` key of their most selective term in order and probe it for the others.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// One statement as stored: its JSON text (returned as-is for `format=exact`).
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub seq: i64,
    pub stored: DateTime<Utc>,
    pub statement: String,
}

/// Which of the two single-statement lookups (Communication 2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// `statementId`: a statement that is not voided.
    Live,
    /// `voidedStatementId`: a statement that is voided.
    Voided,
}

pub async fn get_by_id(
    pool: &PgPool,
    id: Uuid,
    lookup: Lookup,
    only_credential: Option<Uuid>,
) -> sqlx::Result<Option<StoredRow>> {
    sqlx::query_as!(
        StoredRow,
        r#"select seq, stored, statement
           from statements
           where id = $1 and voided = $2 and ($3::uuid is null or credential_id = $3)"#,
        id,
        lookup == Lookup::Voided,
        only_credential
    )
    .fetch_optional(pool)
    .await
}

/// A position in the (stored, seq) order: the last row of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    pub stored: DateTime<Utc>,
    pub seq: i64,
}

/// A statement query, already reduced to terms.
#[derive(Debug, Clone, Default)]
pub struct StatementQuery {
    /// Every term a statement must carry; the first drives the scan (put the most selective
    /// first).
    pub terms: Vec<i64>,
    /// Stored strictly after.
    pub since: Option<DateTime<Utc>>,
    /// Stored at or before.
    pub until: Option<DateTime<Utc>>,
    pub ascending: bool,
    /// Rows to fetch (the caller asks one more than the page size to learn whether more exist).
    pub limit: i64,
    pub after: Option<Cursor>,
    /// `statements/read/mine`: only statements written by this credential.
    pub only_credential: Option<Uuid>,
}

/// Index entries counted per term when choosing the driver: enough to tell a rare term from
/// a common one, cheap enough (a fraction of a millisecond) to do on every page.
const SELECTIVITY_PROBE: i64 = 2000;

/// The terms, rarest first (counts capped at [`SELECTIVITY_PROBE`]; ties keep the caller's
/// order). A fixed order fails on pairs such as a common activity with a rare verb: scanning
/// every statement about the activity to probe each for the verb took over 100 ms at a
/// million statements.
async fn rarest_first(pool: &PgPool, terms: &[i64]) -> sqlx::Result<Vec<i64>> {
    if terms.len() < 2 {
        return Ok(terms.to_vec());
    }
    let counts = sqlx::query!(
        r#"select t.term as "term!", t.ord as "ord!",
                  (select count(*) from (select 1 from statement_terms s
                                         where s.term = t.term limit $2) x) as "n!"
           from unnest($1::bigint[]) with ordinality as t(term, ord)"#,
        terms,
        SELECTIVITY_PROBE
    )
    .fetch_all(pool)
    .await?;
    let mut ranked: Vec<(i64, i64, i64)> =
        counts.into_iter().map(|r| (r.n, r.ord, r.term)).collect();
    ranked.sort_unstable();
    Ok(ranked.into_iter().map(|(_, _, term)| term).collect())
}

pub async fn query(pool: &PgPool, q: &StatementQuery) -> sqlx::Result<Vec<StoredRow>> {
    let after_stored = q.after.map(|c| c.stored);
    let after_seq = q.after.map(|c| c.seq);
    let terms = rarest_first(pool, &q.terms).await?;
    match (terms.split_first(), q.ascending) {
        (None, false) => {
            sqlx::query_as!(
                StoredRow,
                r#"select seq, stored, statement
                   from statements
                   where not voided
                     and stored > coalesce($1::timestamptz, '-infinity') and stored <= coalesce($2::timestamptz, 'infinity')
                     and (stored, seq) < (coalesce($3, 'infinity'::timestamptz),
                                          coalesce($4, 9223372036854775807))
                     and ($5::uuid is null or credential_id = $5)
                   order by stored desc, seq desc
                   limit $6"#,
                q.since,
                q.until,
                after_stored,
                after_seq,
                q.only_credential,
                q.limit
            )
            .fetch_all(pool)
            .await
        }
        (None, true) => {
            sqlx::query_as!(
                StoredRow,
                r#"select seq, stored, statement
                   from statements
                   where not voided
                     and stored > coalesce($1::timestamptz, '-infinity') and stored <= coalesce($2::timestamptz, 'infinity')
                     and (stored, seq) > (coalesce($3, '-infinity'::timestamptz), coalesce($4, 0::bigint))
                     and ($5::uuid is null or credential_id = $5)
                   order by stored, seq
                   limit $6"#,
                q.since,
                q.until,
                after_stored,
                after_seq,
                q.only_credential,
                q.limit
            )
            .fetch_all(pool)
            .await
        }
        (Some((driver, others)), false) => {
            sqlx::query_as!(
                StoredRow,
                r#"select s.seq, s.stored, s.statement
                   from statement_terms d
                   join statements s on s.seq = d.seq
                   where d.term = $1
                     and d.stored > coalesce($2::timestamptz, '-infinity') and d.stored <= coalesce($3::timestamptz, 'infinity')
                     and (d.stored, d.seq) < (coalesce($4, 'infinity'::timestamptz),
                                              coalesce($5, 9223372036854775807))
                     and not s.voided
                     and ($6::uuid is null or s.credential_id = $6)
                     and not exists (
                         select 1 from unnest($7::bigint[]) as o(term)
                         where not exists (select 1 from statement_terms x
                                           where x.term = o.term and x.stored = d.stored
                                             and x.seq = d.seq))
                   order by d.stored desc, d.seq desc
                   limit $8"#,
                driver,
                q.since,
                q.until,
                after_stored,
                after_seq,
                q.only_credential,
                others,
                q.limit
            )
            .fetch_all(pool)
            .await
        }
        (Some((driver, others)), true) => {
            sqlx::query_as!(
                StoredRow,
                r#"select s.seq, s.stored, s.statement
                   from statement_terms d
                   join statements s on s.seq = d.seq
                   where d.term = $1
                     and d.stored > coalesce($2::timestamptz, '-infinity') and d.stored <= coalesce($3::timestamptz, 'infinity')
                     and (d.stored, d.seq) > (coalesce($4, '-infinity'::timestamptz), coalesce($5, 0::bigint))
                     and not s.voided
                     and ($6::uuid is null or s.credential_id = $6)
                     and not exists (
                         select 1 from unnest($7::bigint[]) as o(term)
                         where not exists (select 1 from statement_terms x
                                           where x.term = o.term and x.stored = d.stored
                                             and x.seq = d.seq))
                   order by d.stored, d.seq
                   limit $8"#,
                driver,
                q.since,
                q.until,
                after_stored,
                after_seq,
                q.only_credential,
                others,
                q.limit
            )
            .fetch_all(pool)
            .await
        }
    }
}

/// Attachment content by SHA-2, for `attachments=true` responses.
pub struct AttachmentRow {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// With `only_credential` (a reader limited to its own statements), only content that one of
/// that credential's statements delivered (migration 000015): declaring another's hash is not
/// enough to read its bytes.
pub async fn attachments(
    pool: &PgPool,
    shas: &[String],
    only_credential: Option<Uuid>,
) -> sqlx::Result<Vec<AttachmentRow>> {
    if shas.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        AttachmentRow,
        r#"select a.sha2, a.content_type, a.content from attachments a
           where a.sha2 = any($1)
             and ($2::uuid is null or exists (
                 select from attachment_deliveries d join statements s on s.id = d.statement_id
                 where d.sha2 = a.sha2 and s.credential_id = $2))"#,
        shas,
        only_credential
    )
    .fetch_all(pool)
    .await
}
