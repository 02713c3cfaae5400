//! The raw PostgreSQL rate for the same rows on the same server: what a perfect LRS, doing
//! nothing but inserting, would reach. The table has the same columns and indexes as
//! `statements`, and each row carries the statement's JSON text and its terms array, as the
//! LRS stores them.
//!
//! A second baseline also writes each statement's query-index rows (`statement_terms`, about
//! ten per statement) in the same transaction: the database's share of what the LRS must write
//! for its filters, so that the LRS's own overhead can be read apart from its schema's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lrs::store::statements::terms::array_literal;
use sqlx::postgres::{PgPool, PgPoolCopyExt};
use tokio::sync::Mutex;

use crate::data::Templates;
use crate::stats::{Phase, histogram, record};

pub async fn setup(pool: &PgPool) -> anyhow::Result<()> {
    cleanup(pool).await?;
    sqlx::query("create table bench_raw (like statements including all)")
        .execute(pool)
        .await?;
    sqlx::query("create table bench_raw_terms (like statement_terms including all)")
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn cleanup(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("drop table if exists bench_raw, bench_raw_terms")
        .execute(pool)
        .await?;
    Ok(())
}

/// The name of a raw phase (the report pairs it with its LRS counterpart by name).
pub fn phase_name(method: Method, connections: usize) -> String {
    match method {
        Method::SingleRow => format!("raw PostgreSQL 1-row transactions @ {connections}"),
        Method::MultiRow(n) => format!("raw PostgreSQL {n}-row INSERT @ {connections}"),
        Method::Copy(n) => format!("raw PostgreSQL COPY {n} rows @ {connections}"),
        Method::WithTerms(n) => {
            format!("raw PostgreSQL {n}-row transactions with term rows @ {connections}")
        }
    }
}

#[derive(Clone, Copy)]
pub enum Method {
    /// One row per transaction.
    SingleRow,
    /// A multi-row INSERT of `n` rows per transaction.
    MultiRow(usize),
    /// COPY of `n` rows per command.
    Copy(usize),
    /// `n` rows per transaction with their term rows.
    WithTerms(usize),
}

pub async fn phase(
    pool: &PgPool,
    templates: Arc<Templates>,
    method: Method,
    connections: usize,
    duration: Duration,
) -> Phase {
    let hist = Arc::new(Mutex::new(histogram()));
    let rows = Arc::new(AtomicU64::new(0));
    let ops = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (pool, templates, hist) = (pool.clone(), templates.clone(), hist.clone());
        let (rows, ops, errors) = (rows.clone(), ops.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut local = histogram();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let result = match method {
                    Method::SingleRow => insert(&pool, &templates, 1, INSERT).await,
                    Method::MultiRow(n) => insert(&pool, &templates, n, INSERT).await,
                    Method::Copy(n) => copy(&pool, &templates, n).await,
                    Method::WithTerms(n) => insert(&pool, &templates, n, INSERT_WITH_TERMS).await,
                };
                record(&mut local, sent.elapsed());
                ops.fetch_add(1, Ordering::Relaxed);
                match result {
                    Ok(n) => {
                        rows.fetch_add(n, Ordering::Relaxed);
                    }
                    Err(e) => {
                        // The first failure is shown: a phase of silent errors measures nothing.
                        if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("raw PostgreSQL phase error: {e:#}");
                        }
                    }
                }
            }
            let _ = hist.lock().await.add(&local);
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let hist = hist.lock().await;
    Phase::new(
        &phase_name(method, connections),
        rows.load(Ordering::Relaxed),
        ops.load(Ordering::Relaxed),
        started.elapsed(),
        &hist,
        errors.load(Ordering::Relaxed),
    )
}

/// The rows alone.
const INSERT: &str = "insert into bench_raw (id, stored, terms, statement)
     select id, now(), t::bigint[], s from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, s, t)";

/// The rows and their term rows, in one statement as the LRS writes them.
const INSERT_WITH_TERMS: &str = "with ins as (
         insert into bench_raw (id, stored, terms, statement)
         select id, now(), t::bigint[], s
         from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, s, t)
         returning seq, stored, terms
     )
     insert into bench_raw_terms (term, stored, seq)
     select unnest(terms), stored, seq from ins";

/// One transaction of `n` statements (BEGIN, the insert, COMMIT).
async fn insert(
    pool: &PgPool,
    templates: &Templates,
    n: usize,
    sql: &'static str,
) -> anyhow::Result<u64> {
    let (ids, statements, terms) = rows(templates, n);
    let mut tx = pool.begin().await?;
    sqlx::query(sql)
        .bind(&ids)
        .bind(&statements)
        .bind(&terms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n as u64)
}

/// `n` statements: ids, JSON texts and terms as array literals (as the LRS binds them).
fn rows(templates: &Templates, n: usize) -> (Vec<uuid::Uuid>, Vec<String>, Vec<String>) {
    let mut ids = Vec::with_capacity(n);
    let mut statements = Vec::with_capacity(n);
    let mut terms = Vec::with_capacity(n);
    for _ in 0..n {
        let (id, json, statement_terms) = templates.statement_with_terms();
        ids.push(id);
        statements.push(json);
        terms.push(array_literal(&statement_terms));
    }
    (ids, statements, terms)
}

async fn copy(pool: &PgPool, templates: &Templates, n: usize) -> anyhow::Result<u64> {
    let mut data = String::with_capacity(n * 1500);
    let now = chrono::Utc::now().to_rfc3339();
    for _ in 0..n {
        let (id, json, terms) = templates.statement_with_terms();
        // COPY text format: backslashes are escapes.
        data.push_str(&format!(
            "{id}\t{now}\t{}\t{}\n",
            array_literal(&terms),
            json.replace('\\', "\\\\")
        ));
    }
    let mut copy = pool
        .copy_in_raw("copy bench_raw (id, stored, terms, statement) from stdin")
        .await?;
    copy.send(data.into_bytes()).await?;
    Ok(copy.finish().await?)
}
