//! Courses, learners and registrations.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::store::statements::sha256;
use crate::store::text::{storable, storable_json};

/// A course as named by a statement, with the day of that statement.
pub struct CourseSeen {
    pub iri: String,
    pub title: Option<String>,
    pub day: NaiveDate,
}

/// Creates unknown courses and returns the id of every course named. A title seen in a
/// statement fills an empty title; `first_day` moves earlier as earlier statements arrive.
pub async fn upsert_courses(
    conn: &mut PgConnection,
    courses: &[CourseSeen],
) -> sqlx::Result<HashMap<String, i64>> {
    // One row per course (ON CONFLICT cannot touch a row twice in one statement).
    let mut merged: Vec<(String, Option<String>, NaiveDate)> = Vec::new();
    for course in courses {
        match merged.iter_mut().find(|(iri, _, _)| *iri == course.iri) {
            Some(entry) => {
                entry.2 = entry.2.min(course.day);
                if entry.1.is_none() {
                    entry.1.clone_from(&course.title);
                }
            }
            None => merged.push((course.iri.clone(), course.title.clone(), course.day)),
        }
    }
    // Courses are keyed by the hash of the IRI as named; the stored text is the storable form
    // (`store::text`), so ids are matched back to the names by hash.
    let shas: Vec<Vec<u8>> = merged.iter().map(|c| sha256(&c.0)).collect();
    let iris: Vec<String> = merged.iter().map(|c| storable(&c.0).into_owned()).collect();
    let titles: Vec<Option<String>> = merged
        .iter()
        .map(|c| c.1.as_deref().map(|t| storable(t).into_owned()))
        .collect();
    let days: Vec<NaiveDate> = merged.iter().map(|c| c.2).collect();
    // Existing courses are read, not upserted: an upsert would lock the course row in every
    // batch and serialise the workers. Only an empty title gets filled in.
    let rows = sqlx::query!(
        r#"with input as (
               select * from unnest($1::text[], $2::bytea[], $3::text[], $4::date[]) as c(i, s, t, d)
           ),
           new as (
               insert into courses (iri, iri_sha, title, first_day)
               select i, s, t, d from input order by s
               on conflict (iri_sha) do nothing
               returning id, iri_sha
           ),
           titled as (
               update courses c set title = input.t
               from input
               where c.iri_sha = input.s and c.title is null and input.t is not null
           )
           select id as "id!", iri_sha as "iri_sha!" from new
           union all
           select c.id, c.iri_sha from courses c join input on c.iri_sha = input.s"#,
        &iris,
        &shas,
        &titles as &[Option<String>],
        &days
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut found: Vec<(Vec<u8>, i64)> = rows.into_iter().map(|r| (r.iri_sha, r.id)).collect();
    let missing = missing_keys(&shas, &found);
    if !missing.is_empty() {
        let late = sqlx::query!(
            r#"select id, iri_sha from courses where iri_sha = any($1)"#,
            &missing
        )
        .fetch_all(&mut *conn)
        .await?;
        found.extend(late.into_iter().map(|r| (r.iri_sha, r.id)));
    }
    let names: Vec<&str> = merged.iter().map(|c| c.0.as_str()).collect();
    complete(
        ids_by_name(&shas, &names, found.into_iter()),
        &names,
        "course",
    )
}

/// The keys that the upsert returned no id for: rows another transaction inserted after this
/// statement's snapshot was taken. Its `on conflict do nothing` waited for that transaction
/// and skipped them, and its own `select` cannot see them (they are newer than its
/// snapshot). Under READ COMMITTED the next statement has a new snapshot and does: these are
/// read again. Without that second read, four workers applying the first statements of a new
/// course at once lost about half of them from the metrics.
fn missing_keys(shas: &[Vec<u8>], found: &[(Vec<u8>, i64)]) -> Vec<Vec<u8>> {
    shas.iter()
        .filter(|sha| !found.iter().any(|(f, _)| f == *sha))
        .cloned()
        .collect()
}

/// Every name must have an id: a name left out would silently drop its statements from the
/// analytics (and their queue rows with them). Failing the batch instead sends it back to the
/// queue, to be retried one statement at a time and recorded as failed if it still fails.
fn complete(
    ids: HashMap<String, i64>,
    names: &[&str],
    what: &str,
) -> sqlx::Result<HashMap<String, i64>> {
    if let Some(name) = names.iter().find(|n| !ids.contains_key(**n)) {
        return Err(sqlx::Error::Protocol(format!(
            "the {what} {name:?} has no id after its upsert"
        )));
    }
    Ok(ids)
}

/// Ids by the name the caller used, from rows keyed by the hash of that name: the stored text
/// is the storable form (`store::text`) and may differ from the name.
fn ids_by_name(
    shas: &[Vec<u8>],
    names: &[&str],
    rows: impl Iterator<Item = (Vec<u8>, i64)>,
) -> HashMap<String, i64> {
    let by_sha: HashMap<&[u8], &str> = shas
        .iter()
        .map(Vec::as_slice)
        .zip(names.iter().copied())
        .collect();
    rows.filter_map(|(sha, id)| Some(((*by_sha.get(sha.as_slice())?).to_owned(), id)))
        .collect()
}

/// A learner as named by a statement.
pub struct LearnerSeen {
    pub ifi: String,
    pub agent: Value,
    pub name: Option<String>,
}

pub async fn upsert_learners(
    conn: &mut PgConnection,
    learners: &[LearnerSeen],
) -> sqlx::Result<HashMap<String, i64>> {
    let mut merged: Vec<&LearnerSeen> = Vec::new();
    for learner in learners {
        if !merged.iter().any(|l| l.ifi == learner.ifi) {
            merged.push(learner);
        }
    }
    // Keyed by the hash of the identifier as named, stored in its storable form (as courses).
    let shas: Vec<Vec<u8>> = merged.iter().map(|l| sha256(&l.ifi)).collect();
    let ifis: Vec<String> = merged
        .iter()
        .map(|l| storable(&l.ifi).into_owned())
        .collect();
    let agents: Vec<String> = merged
        .iter()
        .map(|l| storable_json(&l.agent).to_string())
        .collect();
    let names: Vec<Option<String>> = merged
        .iter()
        .map(|l| l.name.as_deref().map(|n| storable(n).into_owned()))
        .collect();
    let rows = sqlx::query!(
        r#"with input as (
               select * from unnest($1::text[], $2::bytea[], $3::text[], $4::text[]) as t(i, s, a, n)
           ),
           new as (
               insert into learners (ifi, ifi_sha, agent, name)
               select i, s, a::jsonb, n from input order by s
               on conflict (ifi_sha) do nothing
               returning id, ifi_sha
           ),
           renamed as (
               -- Only a changed name writes (and locks) the row.
               update learners l set name = input.n
               from input
               where l.ifi_sha = input.s and input.n is not null and l.name is distinct from input.n
               returning l.id, l.name
           ),
           -- The copy the learner lists read (migration 000009). A row of this learner that
           -- another transaction is inserting is not seen here; it took the name it read, and
           -- the worker's next update of that pair reads it again.
           renamed_courses as (
               update learner_courses lc set learner_name = r.name
               from renamed r
               where lc.learner_id = r.id
           )
           select id as "id!", ifi_sha as "ifi_sha!" from new
           union all
           select l.id, l.ifi_sha from learners l join input on l.ifi_sha = input.s"#,
        &ifis,
        &shas,
        &agents,
        &names as &[Option<String>]
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut found: Vec<(Vec<u8>, i64)> = rows.into_iter().map(|r| (r.ifi_sha, r.id)).collect();
    // As for courses (see `missing_keys`).
    let missing = missing_keys(&shas, &found);
    if !missing.is_empty() {
        let late = sqlx::query!(
            r#"select id, ifi_sha from learners where ifi_sha = any($1)"#,
            &missing
        )
        .fetch_all(&mut *conn)
        .await?;
        found.extend(late.into_iter().map(|r| (r.ifi_sha, r.id)));
    }
    let names: Vec<&str> = merged.iter().map(|l| l.ifi.as_str()).collect();
    complete(
        ids_by_name(&shas, &names, found.into_iter()),
        &names,
        "learner",
    )
}

/// Advisory-lock class of a registration (the second key is a hash of it).
const REGISTRATION_LOCK: i32 = 7_301;

/// Serialises the workers' use of these registrations until the transaction ends.
///
/// A statement whose registration names no known course yet is parked, and a worker that
/// learns the registration's course takes the parked statements back. Without a lock, the
/// park of one worker and the learning of another could each miss the other's uncommitted
/// row, and the parked statement stayed parked for ever. Taken in a fixed order (by key), so
/// two workers cannot deadlock on them.
pub async fn lock_registrations(
    conn: &mut PgConnection,
    registrations: &[Uuid],
) -> sqlx::Result<()> {
    if registrations.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"select count(*) as "locked!" from (
               select pg_advisory_xact_lock($1, k)
               from (select distinct hashtext(r::text) as k from unnest($2::uuid[]) as r order by k) keys
           ) taken"#,
        REGISTRATION_LOCK,
        registrations
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}

/// Records registration → course pairs; returns the registrations that were new (their
/// pending statements can now be applied).
pub async fn remember_registrations(
    conn: &mut PgConnection,
    pairs: &[(Uuid, i64)],
) -> sqlx::Result<Vec<Uuid>> {
    let mut unique: Vec<(Uuid, i64)> = Vec::new();
    for pair in pairs {
        if !unique.iter().any(|(r, _)| *r == pair.0) {
            unique.push(*pair);
        }
    }
    let registrations: Vec<Uuid> = unique.iter().map(|p| p.0).collect();
    let courses: Vec<i64> = unique.iter().map(|p| p.1).collect();
    sqlx::query_scalar!(
        r#"insert into registration_courses (registration, course_id)
           select * from unnest($1::uuid[], $2::bigint[])
           on conflict (registration) do nothing
           returning registration"#,
        &registrations,
        &courses
    )
    .fetch_all(&mut *conn)
    .await
}

pub async fn courses_of_registrations(
    conn: &mut PgConnection,
    registrations: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, i64>> {
    let rows = sqlx::query!(
        "select registration, course_id from registration_courses where registration = any($1)",
        registrations
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.registration, r.course_id))
        .collect())
}

/// Parks statements whose registration names no known course yet.
pub async fn park(conn: &mut PgConnection, pending: &[(Uuid, i64)]) -> sqlx::Result<()> {
    let registrations: Vec<Uuid> = pending.iter().map(|p| p.0).collect();
    let seqs: Vec<i64> = pending.iter().map(|p| p.1).collect();
    sqlx::query!(
        r#"insert into analytics_pending (registration, seq)
           select * from unnest($1::uuid[], $2::bigint[]) on conflict do nothing"#,
        &registrations,
        &seqs
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes the parked statements of these registrations back.
pub async fn unpark(conn: &mut PgConnection, registrations: &[Uuid]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "delete from analytics_pending where registration = any($1) returning seq",
        registrations
    )
    .fetch_all(&mut *conn)
    .await
}
