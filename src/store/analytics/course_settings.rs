//! A course's settings, set by an administrator: title, dates and assessment deadlines. Setting
//! them creates the course when no statement has named it yet, and a field left out keeps its
//! value.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::store::statements::sha256;
use crate::store::text::storable;

/// What a settings request does to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Left out of the request: the field keeps its value.
    #[default]
    Keep,
    /// `null`: the field is cleared.
    Clear,
    Set(T),
}

impl<T: Copy> Change<T> {
    /// Whether the field is written, and the value written.
    fn parts(self) -> (bool, Option<T>) {
        match self {
            Change::Keep => (false, None),
            Change::Clear => (true, None),
            Change::Set(value) => (true, Some(value)),
        }
    }
}

/// An assessment deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub activity: String,
    pub due: DateTime<Utc>,
    pub title: Option<String>,
}

pub struct SettingsChange<'a> {
    pub title: Change<&'a str>,
    pub start_date: Change<NaiveDate>,
    pub end_date: Change<NaiveDate>,
    /// The course's deadlines, replacing those it had; None keeps them.
    pub deadlines: Option<&'a [Deadline]>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The end date falls before the start (set, or the day of the first statement).
    #[error("{end} is before {start}")]
    EndBeforeStart {
        end: NaiveDate,
        start: NaiveDate,
        start_is_first_day: bool,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Applies the change to the course `iri`, creating it if needed; returns its id. Every risk
/// score of the course becomes stale (weekly rates move with its dates).
pub async fn apply(
    pool: &PgPool,
    iri: &str,
    change: &SettingsChange<'_>,
) -> Result<i64, SettingsError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match apply_once(pool, iri, change).await {
            Err(SettingsError::Database(e))
                if tries < 5 && crate::store::retry::is_transient(&e) => {}
            other => return other,
        }
    }
}

async fn apply_once(
    pool: &PgPool,
    iri: &str,
    change: &SettingsChange<'_>,
) -> Result<i64, SettingsError> {
    let mut tx = pool.begin().await?;
    let (set_title, title) = change.title.parts();
    let (set_start, start) = change.start_date.parts();
    let (set_end, end) = change.end_date.parts();
    let title = title.map(|t| storable(t).into_owned());
    let stored_iri = storable(iri);
    let course = sqlx::query!(
        r#"insert into courses (iri, iri_sha, title, start_date, end_date)
           values ($1, $2, $4, $6, $8)
           on conflict (iri_sha) do update set
               title = case when $3 then excluded.title else courses.title end,
               start_date = case when $5 then excluded.start_date else courses.start_date end,
               end_date = case when $7 then excluded.end_date else courses.end_date end
           returning id, start_date, first_day, end_date"#,
        stored_iri.as_ref(),
        sha256(iri),
        set_title,
        title,
        set_start,
        start,
        set_end,
        end
    )
    .fetch_one(&mut *tx)
    .await?;
    if let (Some(start), Some(end)) = (course.start_date.or(course.first_day), course.end_date)
        && end < start
    {
        return Err(SettingsError::EndBeforeStart {
            end,
            start,
            start_is_first_day: course.start_date.is_none(),
        });
    }
    if let Some(deadlines) = change.deadlines {
        replace_deadlines(&mut tx, course.id, deadlines).await?;
    }
    super::enrolments::mark_stale(&mut tx, course.id).await?;
    tx.commit().await?;
    Ok(course.id)
}

/// The id of the course `iri`, created (with nothing set) if no statement or request has named
/// it yet. Nothing of an existing course changes.
pub async fn ensure(pool: &PgPool, iri: &str) -> sqlx::Result<i64> {
    let stored_iri = storable(iri);
    sqlx::query!(
        "insert into courses (iri, iri_sha) values ($1, $2) on conflict (iri_sha) do nothing",
        stored_iri.as_ref(),
        sha256(iri)
    )
    .execute(pool)
    .await?;
    // A statement of its own: it sees the row whoever inserted it (`entities::missing_keys`).
    sqlx::query_scalar!("select id from courses where iri_sha = $1", sha256(iri))
        .fetch_one(pool)
        .await
}

async fn replace_deadlines(
    conn: &mut PgConnection,
    course_id: i64,
    deadlines: &[Deadline],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from course_deadlines where course_id = $1",
        course_id
    )
    .execute(&mut *conn)
    .await?;
    let shas: Vec<Vec<u8>> = deadlines.iter().map(|d| sha256(&d.activity)).collect();
    let ids: Vec<String> = deadlines
        .iter()
        .map(|d| storable(&d.activity).into_owned())
        .collect();
    let dues: Vec<DateTime<Utc>> = deadlines.iter().map(|d| d.due).collect();
    let titles: Vec<Option<String>> = deadlines
        .iter()
        .map(|d| d.title.as_deref().map(|t| storable(t).into_owned()))
        .collect();
    sqlx::query!(
        r#"insert into course_deadlines (course_id, activity_sha, activity_id, due, title)
           select $1, * from unnest($2::bytea[], $3::text[], $4::timestamptz[], $5::text[])"#,
        course_id,
        &shas,
        &ids,
        &dues,
        &titles as &[Option<String>]
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The course's deadlines, earliest first.
pub async fn deadlines(pool: &PgPool, course_id: i64) -> sqlx::Result<Vec<Deadline>> {
    Ok(sqlx::query!(
        r#"select activity_id, due, title from course_deadlines
           where course_id = $1 order by due, activity_id"#,
        course_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Deadline {
        activity: r.activity_id,
        due: r.due,
        title: r.title,
    })
    .collect())
}
