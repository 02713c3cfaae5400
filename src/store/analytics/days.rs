//! Recomputing learner days around changed events, and the course days that sum them.
//!
//! Sessions and time on task of an event depend on its neighbours: the session-start flag on
//! the previous event, the time (gap to the next event, up to the session gap) on the next. So a
//! change at instant t recomputes every day from the day of the event before the earliest
//! change to the day of the event after the latest one, for that learner and course only.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

/// The changed span of one learner in one course.
#[derive(Debug, Clone)]
pub struct Window {
    pub course_id: i64,
    pub learner_id: i64,
    pub lo: DateTime<Utc>,
    pub hi: DateTime<Utc>,
}

/// One learner-day of aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    pub course_id: i64,
    pub learner_id: i64,
    pub day: NaiveDate,
    pub statements: i32,
    pub sessions: i32,
    pub time_secs: f64,
    pub completions: i32,
    pub successes: i32,
    pub failures: i32,
    pub attempts: i32,
    pub score_sum: f64,
}

struct DayRange {
    course_id: i64,
    learner_id: i64,
    from_day: NaiveDate,
    to_day: NaiveDate,
}

/// Recomputes the learner days of the windows and applies the differences to the course days.
pub async fn recompute(
    conn: &mut PgConnection,
    windows: &[Window],
    session_gap_secs: f64,
) -> sqlx::Result<()> {
    if windows.is_empty() {
        return Ok(());
    }
    let ranges = day_ranges(conn, windows).await?;
    let courses: Vec<i64> = ranges.iter().map(|r| r.course_id).collect();
    let learners: Vec<i64> = ranges.iter().map(|r| r.learner_id).collect();
    let from: Vec<NaiveDate> = ranges.iter().map(|r| r.from_day).collect();
    let to: Vec<NaiveDate> = ranges.iter().map(|r| r.to_day).collect();

    let new_rows = sqlx::query_as!(
        DayRow,
        r#"
        with d as (
            select * from unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[])
                as d(course_id, learner_id, from_day, to_day)
        ),
        ev as (
            select d.course_id, d.learner_id, d.from_day, d.to_day, e.ts, e.completed,
                   e.succeeded, e.failed, e.scaled, e.duration_secs,
                   lag(e.ts) over p as prev_ts, lead(e.ts) over p as next_ts
            from d cross join lateral (
                (select e.ts, e.seq, e.completed, e.succeeded, e.failed, e.scaled, e.duration_secs
                 from learning_events e
                 where e.course_id = d.course_id and e.learner_id = d.learner_id
                   and e.ts >= (d.from_day::timestamp at time zone 'UTC')
                   and e.ts < ((d.to_day + 1)::timestamp at time zone 'UTC'))
                union all
                (select e.ts, e.seq, e.completed, e.succeeded, e.failed, e.scaled, e.duration_secs
                 from learning_events e
                 where e.course_id = d.course_id and e.learner_id = d.learner_id
                   and e.ts < (d.from_day::timestamp at time zone 'UTC')
                 order by e.ts desc, e.seq desc limit 1)
                union all
                (select e.ts, e.seq, e.completed, e.succeeded, e.failed, e.scaled, e.duration_secs
                 from learning_events e
                 where e.course_id = d.course_id and e.learner_id = d.learner_id
                   and e.ts >= ((d.to_day + 1)::timestamp at time zone 'UTC')
                 order by e.ts, e.seq limit 1)
            ) e
            window p as (partition by d.course_id, d.learner_id order by e.ts, e.seq)
        )
        select course_id as "course_id!", learner_id as "learner_id!",
               (ts at time zone 'UTC')::date as "day!",
               count(*)::int as "statements!",
               (count(*) filter (where prev_ts is null
                                    or ts - prev_ts > make_interval(secs => $5)))::int as "sessions!",
               coalesce(sum(coalesce(duration_secs,
                   case when next_ts - ts <= make_interval(secs => $5)
                        then extract(epoch from next_ts - ts)::float8 else 0 end)), 0)::float8
                   as "time_secs!",
               (count(*) filter (where completed))::int as "completions!",
               (count(*) filter (where succeeded))::int as "successes!",
               (count(*) filter (where failed))::int as "failures!",
               count(scaled)::int as "attempts!",
               coalesce(sum(scaled), 0)::float8 as "score_sum!"
        from ev
        where ts >= (from_day::timestamp at time zone 'UTC')
          and ts < ((to_day + 1)::timestamp at time zone 'UTC')
        group by 1, 2, 3
        "#,
        &courses,
        &learners,
        &from,
        &to,
        session_gap_secs
    )
    .fetch_all(&mut *conn)
    .await?;

    let old_rows = sqlx::query_as!(
        DayRow,
        r#"
        select ld.course_id, ld.learner_id, ld.day, ld.statements, ld.sessions, ld.time_secs,
               ld.completions, ld.successes, ld.failures, ld.attempts, ld.score_sum
        from unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[])
            as d(course_id, learner_id, from_day, to_day)
        join learner_days ld on ld.course_id = d.course_id and ld.learner_id = d.learner_id
            and ld.day between d.from_day and d.to_day
        "#,
        &courses,
        &learners,
        &from,
        &to
    )
    .fetch_all(&mut *conn)
    .await?;

    write_learner_days(conn, &old_rows, &new_rows).await?;
    write_course_deltas(conn, &old_rows, &new_rows).await
}

/// Each window widened to whole days, from the event before it to the event after it.
async fn day_ranges(conn: &mut PgConnection, windows: &[Window]) -> sqlx::Result<Vec<DayRange>> {
    // One window per learner-course pair.
    let mut merged: HashMap<(i64, i64), (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    for w in windows {
        let entry = merged
            .entry((w.course_id, w.learner_id))
            .or_insert((w.lo, w.hi));
        entry.0 = entry.0.min(w.lo);
        entry.1 = entry.1.max(w.hi);
    }
    let mut courses = Vec::new();
    let mut learners = Vec::new();
    let mut lo = Vec::new();
    let mut hi = Vec::new();
    for ((course, learner), (l, h)) in merged {
        courses.push(course);
        learners.push(learner);
        lo.push(l);
        hi.push(h);
    }
    let rows = sqlx::query!(
        r#"
        select w.course_id as "course_id!", w.learner_id as "learner_id!",
               (coalesce((select e.ts from learning_events e
                          where e.course_id = w.course_id and e.learner_id = w.learner_id
                            and e.ts < w.lo order by e.ts desc limit 1), w.lo)
                at time zone 'UTC')::date as "from_day!",
               (coalesce((select e.ts from learning_events e
                          where e.course_id = w.course_id and e.learner_id = w.learner_id
                            and e.ts > w.hi order by e.ts limit 1), w.hi)
                at time zone 'UTC')::date as "to_day!"
        from unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])
            as w(course_id, learner_id, lo, hi)
        "#,
        &courses,
        &learners,
        &lo,
        &hi
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DayRange {
            course_id: r.course_id,
            learner_id: r.learner_id,
            from_day: r.from_day,
            to_day: r.to_day,
        })
        .collect())
}

type DayKey = (i64, i64, NaiveDate);

fn key(row: &DayRow) -> DayKey {
    (row.course_id, row.learner_id, row.day)
}

async fn write_learner_days(
    conn: &mut PgConnection,
    old_rows: &[DayRow],
    new_rows: &[DayRow],
) -> sqlx::Result<()> {
    let new_keys: std::collections::HashSet<DayKey> = new_rows.iter().map(key).collect();
    let gone: Vec<&DayRow> = old_rows
        .iter()
        .filter(|r| !new_keys.contains(&key(r)))
        .collect();
    if !gone.is_empty() {
        let c: Vec<i64> = gone.iter().map(|r| r.course_id).collect();
        let l: Vec<i64> = gone.iter().map(|r| r.learner_id).collect();
        let d: Vec<NaiveDate> = gone.iter().map(|r| r.day).collect();
        sqlx::query!(
            r#"delete from learner_days ld
               using unnest($1::bigint[], $2::bigint[], $3::date[]) as g(course_id, learner_id, day)
               where ld.course_id = g.course_id and ld.learner_id = g.learner_id and ld.day = g.day"#,
            &c,
            &l,
            &d
        )
        .execute(&mut *conn)
        .await?;
    }
    let old: HashMap<DayKey, &DayRow> = old_rows.iter().map(|r| (key(r), r)).collect();
    let changed: Vec<&DayRow> = new_rows
        .iter()
        .filter(|r| old.get(&key(r)) != Some(r))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"insert into learner_days (course_id, learner_id, day, statements, sessions, time_secs,
                                     completions, successes, failures, attempts, score_sum)
           select * from unnest($1::bigint[], $2::bigint[], $3::date[], $4::int[], $5::int[],
                                $6::float8[], $7::int[], $8::int[], $9::int[], $10::int[],
                                $11::float8[])
           on conflict (course_id, learner_id, day) do update
           set statements = excluded.statements, sessions = excluded.sessions,
               time_secs = excluded.time_secs, completions = excluded.completions,
               successes = excluded.successes, failures = excluded.failures,
               attempts = excluded.attempts, score_sum = excluded.score_sum"#,
        &changed.iter().map(|r| r.course_id).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.learner_id).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.day).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.statements).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.sessions).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.time_secs).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.completions).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.successes).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.failures).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.attempts).collect::<Vec<_>>(),
        &changed.iter().map(|r| r.score_sum).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Course days move by the difference between the old and new learner days.
async fn write_course_deltas(
    conn: &mut PgConnection,
    old_rows: &[DayRow],
    new_rows: &[DayRow],
) -> sqlx::Result<()> {
    let mut deltas: HashMap<(i64, NaiveDate), (i64, f64, i32)> = HashMap::new();
    for (rows, sign) in [(old_rows, -1i64), (new_rows, 1i64)] {
        for row in rows {
            let entry = deltas.entry((row.course_id, row.day)).or_default();
            entry.0 += sign * i64::from(row.statements);
            entry.1 += sign as f64 * row.time_secs;
            entry.2 += sign as i32;
        }
    }
    deltas.retain(|_, d| d.0 != 0 || d.1.abs() > 1e-9 || d.2 != 0);
    if deltas.is_empty() {
        return Ok(());
    }
    let mut courses = Vec::new();
    let mut days = Vec::new();
    let mut statements = Vec::new();
    let mut times = Vec::new();
    let mut learners = Vec::new();
    // Key order: concurrent workers update shared course days in the same order.
    let mut deltas: Vec<_> = deltas.into_iter().collect();
    deltas.sort_by_key(|(key, _)| *key);
    for ((course, day), (s, t, l)) in deltas {
        courses.push(course);
        days.push(day);
        statements.push(s);
        times.push(t);
        learners.push(l);
    }
    sqlx::query!(
        r#"insert into course_days (course_id, day, statements, time_secs, active_learners)
           select * from unnest($1::bigint[], $2::date[], $3::bigint[], $4::float8[], $5::int[])
           on conflict (course_id, day) do update
           set statements = course_days.statements + excluded.statements,
               time_secs = course_days.time_secs + excluded.time_secs,
               active_learners = course_days.active_learners + excluded.active_learners"#,
        &courses,
        &days,
        &statements,
        &times,
        &learners
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from course_days where course_id = any($1) and active_learners <= 0",
        &courses
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
