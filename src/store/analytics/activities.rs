//! The activities of each course, who touched them (coverage) and when (the heatmap).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::events::Change;
use crate::store::text::storable;

/// What the course knows about one of its activities, from the statements that touched it.
pub struct ActivityMeta {
    pub course_id: i64,
    pub activity_sha: Vec<u8>,
    pub activity_id: String,
    pub name: Option<String>,
    pub activity_type: Option<String>,
    pub first_ts: DateTime<Utc>,
}

/// Applies a batch's event changes to the activity tables.
pub async fn apply(
    conn: &mut PgConnection,
    changes: &[Change],
    seen: &[ActivityMeta],
) -> sqlx::Result<()> {
    upsert_course_activities(conn, seen).await?;
    heatmap(conn, changes).await?;
    count_additions(conn, changes).await?;
    // Removals (voids) are rare: the touched triples are recounted from the events, which
    // also finds the new first touch when the first one went.
    let triples: HashSet<(i64, i64, Vec<u8>)> = changes
        .iter()
        .filter(|c| c.sign < 0)
        .filter_map(|c| {
            c.activity_sha
                .clone()
                .map(|sha| (c.course_id, c.learner_id, sha))
        })
        .collect();
    if triples.is_empty() {
        return Ok(());
    }
    let courses: Vec<i64> = triples.iter().map(|t| t.0).collect();
    let learners: Vec<i64> = triples.iter().map(|t| t.1).collect();
    let shas: Vec<Vec<u8>> = triples.iter().map(|t| t.2.clone()).collect();
    // Recount each touched (course, learner, activity) from the events: exact whatever the
    // order of arrivals and voids. The learner's events in the course are read through the
    // primary key's (course, learner) prefix: voids are too rare to keep an index on the
    // activity that every statement would pay for (migration 000011).
    sqlx::query!(
        r#"
        with t as (
            select * from unnest($1::bigint[], $2::bigint[], $3::bytea[])
                as t(course_id, learner_id, activity_sha)
        ),
        counted as (
            select t.course_id, t.learner_id, t.activity_sha, c.n, c.first_ts
            from t cross join lateral (
                select count(*)::int as n, min(e.ts) as first_ts from learning_events e
                where e.course_id = t.course_id and e.learner_id = t.learner_id
                  and e.activity_sha = t.activity_sha
            ) c
        ),
        gone as (
            delete from learner_activities la using counted c
            where la.course_id = c.course_id and la.learner_id = c.learner_id
              and la.activity_sha = c.activity_sha and c.n = 0
        )
        insert into learner_activities (course_id, learner_id, activity_sha, first_ts, events)
        select course_id, learner_id, activity_sha, first_ts, n from counted where n > 0
        on conflict (course_id, learner_id, activity_sha) do update
        set first_ts = excluded.first_ts, events = excluded.events
        "#,
        &courses,
        &learners,
        &shas
    )
    .execute(&mut *conn)
    .await?;
    // A course activity starts when its first learner touches it and leaves the course when
    // every touch of it has been voided.
    sqlx::query!(
        r#"
        with a as (select distinct * from unnest($1::bigint[], $2::bytea[]) as a(course_id, activity_sha)),
        firsts as (
            select a.course_id, a.activity_sha,
                   (select min(la.first_ts) from learner_activities la
                    where la.course_id = a.course_id and la.activity_sha = a.activity_sha) as first_ts
            from a
        ),
        gone as (
            delete from course_activities ca using firsts f
            where ca.course_id = f.course_id and ca.activity_sha = f.activity_sha
              and f.first_ts is null
        )
        update course_activities ca set first_ts = f.first_ts
        from firsts f
        where ca.course_id = f.course_id and ca.activity_sha = f.activity_sha
          and f.first_ts is not null and ca.first_ts <> f.first_ts
        "#,
        &courses,
        &shas
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// (course, learner, activity) and (events, first touch).
type Touches = HashMap<(i64, i64, Vec<u8>), (i32, DateTime<Utc>)>;

/// Added events count up their learner's activity: O(1) per event, whatever the history.
async fn count_additions(conn: &mut PgConnection, changes: &[Change]) -> sqlx::Result<()> {
    let mut added: Touches = HashMap::new();
    for change in changes.iter().filter(|c| c.sign > 0) {
        if let Some(sha) = &change.activity_sha {
            let entry = added
                .entry((change.course_id, change.learner_id, sha.clone()))
                .or_insert((0, change.ts));
            entry.0 += 1;
            entry.1 = entry.1.min(change.ts);
        }
    }
    if added.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<_> = added.into_iter().collect();
    // Key order: concurrent workers lock shared rows in the same order.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    sqlx::query!(
        r#"insert into learner_activities (course_id, learner_id, activity_sha, events, first_ts)
           select * from unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::int[], $5::timestamptz[])
           on conflict (course_id, learner_id, activity_sha) do update
           set events = learner_activities.events + excluded.events,
               first_ts = least(learner_activities.first_ts, excluded.first_ts)"#,
        &rows.iter().map(|r| r.0.0).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.0.1).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.0.2.clone()).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.1.0).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.1.1).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn upsert_course_activities(
    conn: &mut PgConnection,
    seen: &[ActivityMeta],
) -> sqlx::Result<()> {
    let mut merged: HashMap<(i64, Vec<u8>), &ActivityMeta> = HashMap::new();
    for meta in seen {
        let entry = merged
            .entry((meta.course_id, meta.activity_sha.clone()))
            .or_insert(meta);
        if meta.first_ts < entry.first_ts {
            *entry = meta;
        }
    }
    if merged.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<&ActivityMeta> = merged.into_values().collect();
    rows.sort_by(|a, b| (a.course_id, &a.activity_sha).cmp(&(b.course_id, &b.activity_sha)));
    sqlx::query!(
        r#"insert into course_activities (course_id, activity_sha, activity_id, name, type, first_ts)
           select * from unnest($1::bigint[], $2::bytea[], $3::text[], $4::text[], $5::text[],
                                $6::timestamptz[])
           on conflict (course_id, activity_sha) do update
           set first_ts = least(course_activities.first_ts, excluded.first_ts),
               name = coalesce(excluded.name, course_activities.name),
               type = coalesce(excluded.type, course_activities.type)"#,
        &rows.iter().map(|r| r.course_id).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.activity_sha.clone()).collect::<Vec<_>>(),
        // Names come from statements' language maps and may hold NUL (see `store::text`).
        &rows.iter().map(|r| storable(&r.activity_id).into_owned()).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.name.as_deref().map(|n| storable(n).into_owned())).collect::<Vec<_>>() as &[Option<String>],
        &rows.iter().map(|r| r.activity_type.as_deref().map(|t| storable(t).into_owned())).collect::<Vec<_>>() as &[Option<String>],
        &rows.iter().map(|r| r.first_ts).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Access counts per activity and day move with each added or removed event.
async fn heatmap(conn: &mut PgConnection, changes: &[Change]) -> sqlx::Result<()> {
    let mut deltas: HashMap<(i64, Vec<u8>, NaiveDate), i32> = HashMap::new();
    for change in changes {
        if let Some(sha) = &change.activity_sha {
            *deltas
                .entry((change.course_id, sha.clone(), change.ts.date_naive()))
                .or_default() += change.sign;
        }
    }
    deltas.retain(|_, d| *d != 0);
    if deltas.is_empty() {
        return Ok(());
    }
    let mut courses = Vec::new();
    let mut shas = Vec::new();
    let mut days = Vec::new();
    let mut counts = Vec::new();
    let mut deltas: Vec<_> = deltas.into_iter().collect();
    deltas.sort_by(|a, b| a.0.cmp(&b.0));
    for ((course, sha, day), delta) in deltas {
        courses.push(course);
        shas.push(sha);
        days.push(day);
        counts.push(delta);
    }
    sqlx::query!(
        r#"insert into course_activity_days (course_id, activity_sha, day, accesses)
           select * from unnest($1::bigint[], $2::bytea[], $3::date[], $4::int[])
           on conflict (course_id, activity_sha, day) do update
           set accesses = course_activity_days.accesses + excluded.accesses"#,
        &courses,
        &shas,
        &days,
        &counts
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from course_activity_days where course_id = any($1) and accesses <= 0",
        &courses
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
