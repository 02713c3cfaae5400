//! Current totals per learner and course, recomputed from the learner days of the pairs a
//! batch touched (a few dozen rows per pair).

use sqlx::PgConnection;

pub async fn recompute(conn: &mut PgConnection, pairs: &[(i64, i64)]) -> sqlx::Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let courses: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    let learners: Vec<i64> = pairs.iter().map(|p| p.1).collect();
    sqlx::query!(
        r#"
        with p as (
            select distinct * from unnest($1::bigint[], $2::bigint[]) as p(course_id, learner_id)
        ),
        days as (
            select ld.*, ld.day - lag(ld.day) over (partition by ld.course_id, ld.learner_id
                                                     order by ld.day) as gap
            from learner_days ld join p using (course_id, learner_id)
        ),
        agg as (
            select course_id, learner_id, sum(statements)::int as statements,
                   count(*)::int as active_days, sum(sessions)::int as sessions,
                   sum(time_secs)::float8 as time_secs, sum(completions)::int as completions,
                   sum(successes)::int as successes, sum(failures)::int as failures,
                   sum(attempts)::int as attempts, sum(score_sum)::float8 as score_sum,
                   case when count(gap) >= 2 then stddev_pop(gap)::float8 end as regularity
            from days group by course_id, learner_id
        ),
        acts as (
            select la.course_id, la.learner_id, count(*)::int as n
            from learner_activities la join p using (course_id, learner_id)
            group by la.course_id, la.learner_id
        ),
        span as (
            select p.course_id, p.learner_id,
                   (select min(e.ts) from learning_events e
                    where e.course_id = p.course_id and e.learner_id = p.learner_id) as first_ts,
                   (select max(e.ts) from learning_events e
                    where e.course_id = p.course_id and e.learner_id = p.learner_id) as last_ts,
                   o.outcome, o.ts as outcome_at
            from p left join lateral (
                select e.outcome, e.ts from learning_events e
                where e.course_id = p.course_id and e.learner_id = p.learner_id
                  and e.outcome is not null
                order by e.ts desc, e.seq desc limit 1
            ) o on true
        )
        insert into learner_courses as lc (course_id, learner_id, statements, active_days, sessions,
            time_secs, completions, successes, failures, attempts, score_sum,
            distinct_activities, first_ts, last_ts, regularity, statement_outcome,
            statement_outcome_at, risk_stale, learner_ifi, learner_name)
        select s.course_id, s.learner_id, coalesce(a.statements, 0), coalesce(a.active_days, 0),
               coalesce(a.sessions, 0), coalesce(a.time_secs, 0), coalesce(a.completions, 0),
               coalesce(a.successes, 0), coalesce(a.failures, 0), coalesce(a.attempts, 0),
               coalesce(a.score_sum, 0), coalesce(x.n, 0), s.first_ts, s.last_ts,
               a.regularity, s.outcome, s.outcome_at, true, l.ifi, l.name
        from span s
        join learners l on l.id = s.learner_id
        left join agg a using (course_id, learner_id)
        left join acts x using (course_id, learner_id)
        on conflict (course_id, learner_id) do update
        set statements = excluded.statements, active_days = excluded.active_days,
            sessions = excluded.sessions, time_secs = excluded.time_secs,
            completions = excluded.completions, successes = excluded.successes,
            failures = excluded.failures, attempts = excluded.attempts,
            score_sum = excluded.score_sum, distinct_activities = excluded.distinct_activities,
            first_ts = excluded.first_ts, last_ts = excluded.last_ts,
            regularity = excluded.regularity, statement_outcome = excluded.statement_outcome,
            statement_outcome_at = excluded.statement_outcome_at, risk_stale = true,
            learner_name = excluded.learner_name
        "#,
        &courses,
        &learners
    )
    .execute(&mut *conn)
    .await?;
    // A learner whose every statement in the course was voided, and who has no uploaded
    // outcome and no place on the course's roster, is no longer in the course.
    sqlx::query!(
        r#"delete from learner_courses lc
           using unnest($1::bigint[], $2::bigint[]) as p(course_id, learner_id)
           where lc.course_id = p.course_id and lc.learner_id = p.learner_id
             and lc.statements = 0 and lc.uploaded_outcome is null
             and not exists (select from enrolments e
                             where e.course_id = lc.course_id and e.learner_id = lc.learner_id)"#,
        &courses,
        &learners
    )
    .execute(&mut *conn)
    .await?;
    // The course starts (unless set) with its earliest statement.
    sqlx::query!(
        r#"update courses c
           set first_day = (select min(cd.day) from course_days cd where cd.course_id = c.id)
           where c.id = any($1)
             and c.first_day is distinct from (select min(cd.day) from course_days cd where cd.course_id = c.id)"#,
        &courses
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
