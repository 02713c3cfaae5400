//! Trained models and their evaluations.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: i64,
    pub created: DateTime<Utc>,
    pub algorithm: String,
    pub cutoff_week: i32,
    pub training_courses: Vec<String>,
    pub model: Value,
    pub training: Value,
    pub active: bool,
    pub trained_by: String,
}

pub struct NewModel<'a> {
    pub algorithm: &'a str,
    pub cutoff_week: i32,
    pub training_courses: &'a [String],
    pub model: &'a Value,
    pub training: &'a Value,
    pub trained_by: &'a str,
}

pub async fn insert(pool: &PgPool, new: &NewModel<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into analytics_models (algorithm, cutoff_week, training_courses, model, training, trained_by)
           values ($1, $2, $3, $4, $5, $6) returning id"#,
        new.algorithm,
        new.cutoff_week,
        new.training_courses,
        new.model,
        new.training,
        new.trained_by
    )
    .fetch_one(pool)
    .await
}

pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<ModelRow>> {
    sqlx::query_as!(
        ModelRow,
        r#"select id, created, algorithm, cutoff_week, training_courses, model, training, active, trained_by
           from analytics_models order by id desc"#
    )
    .fetch_all(pool)
    .await
}

pub async fn get(pool: &PgPool, id: i64) -> sqlx::Result<Option<ModelRow>> {
    sqlx::query_as!(
        ModelRow,
        r#"select id, created, algorithm, cutoff_week, training_courses, model, training, active, trained_by
           from analytics_models where id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
}

pub async fn active(pool: &PgPool) -> sqlx::Result<Option<ModelRow>> {
    sqlx::query_as!(
        ModelRow,
        r#"select id, created, algorithm, cutoff_week, training_courses, model, training, active, trained_by
           from analytics_models where active"#
    )
    .fetch_optional(pool)
    .await
}

/// Makes this model the one that scores live courses, recording who did and why in the model
/// history; every score becomes stale.
pub async fn activate(
    pool: &PgPool,
    id: i64,
    activation: &super::activations::Activation<'_>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let exists = sqlx::query_scalar!(
        "select id from analytics_models where id = $1 for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if !exists {
        return Ok(false);
    }
    sqlx::query!(
        "update analytics_models set active = false where active and id <> $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update analytics_models set active = true where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    super::activations::record(&mut tx, id, activation).await?;
    // Rows a worker holds are skipped: its commit marks them stale anyway.
    sqlx::query!(
        r#"with free as materialized (
               select course_id, learner_id from learner_courses
               where not risk_stale for update skip locked
           )
           update learner_courses lc set risk_stale = true
           from free where lc.course_id = free.course_id and lc.learner_id = free.learner_id"#
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(Debug, Clone)]
pub struct EvaluationRow {
    pub id: i64,
    pub model_id: i64,
    pub created: DateTime<Utc>,
    pub courses: Vec<String>,
    pub cutoff_week: i32,
    pub metrics: Value,
}

pub async fn insert_evaluation(
    pool: &PgPool,
    model_id: i64,
    courses: &[String],
    cutoff_week: i32,
    metrics: &Value,
) -> sqlx::Result<EvaluationRow> {
    sqlx::query_as!(
        EvaluationRow,
        r#"insert into analytics_evaluations (model_id, courses, cutoff_week, metrics)
           values ($1, $2, $3, $4)
           returning id, model_id, created, courses, cutoff_week, metrics"#,
        model_id,
        courses,
        cutoff_week,
        metrics
    )
    .fetch_one(pool)
    .await
}

pub async fn evaluations(pool: &PgPool, model_id: i64) -> sqlx::Result<Vec<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select id, model_id, created, courses, cutoff_week, metrics
           from analytics_evaluations where model_id = $1 order by id desc"#,
        model_id
    )
    .fetch_all(pool)
    .await
}

/// Courses with learners whose score is stale.
pub async fn stale_courses(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"select distinct course_id as "course_id!" from learner_courses where risk_stale limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Live courses (last scored as of "now") whose last full scoring is older than `before`,
/// oldest first.
pub async fn drifted_courses(
    pool: &PgPool,
    before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"select id from courses where scored_live and scored_reference < $1
           order by scored_reference limit $2"#,
        before,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Records a full scoring: the instant it described, and whether that was "now" (a live
/// course, whose scores drift with the clock) rather than the course's end or quiet day.
pub async fn set_scored_reference(
    pool: &PgPool,
    course_id: i64,
    reference: DateTime<Utc>,
    live: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update courses set scored_reference = $2, scored_live = $3 where id = $1",
        course_id,
        reference,
        live
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A learner's new score.
pub struct Score {
    pub learner_id: i64,
    pub probability: f64,
    pub band: String,
    pub factors: Value,
    /// The version (`xmin`) of the learner's row when its metrics were read.
    pub version: i64,
}

/// A learner's stored score, and the version (`xmin`) of the row.
pub struct StoredScore {
    pub probability: Option<f64>,
    pub band: Option<String>,
    pub model_id: Option<i64>,
    pub stale: bool,
    pub version: i64,
    /// Each stored factor's name and explanation, in order (six entries).
    pub explanations: Vec<Option<String>>,
}

/// The stored scores of a course's learners. Read before the metrics a new score is computed
/// from: a row whose version has moved by the time the score is written was changed by the
/// worker meanwhile, and stays stale.
pub async fn stored_scores(
    pool: &PgPool,
    course_id: i64,
) -> sqlx::Result<std::collections::HashMap<i64, StoredScore>> {
    let rows = sqlx::query!(
        r#"select learner_id, risk_probability, risk_band, risk_model_id, risk_stale,
                  xmin::text::bigint as "version!",
                  risk_factor_1, risk_factor_1_explanation, risk_factor_2,
                  risk_factor_2_explanation, risk_factor_3, risk_factor_3_explanation
           from learner_courses where course_id = $1"#,
        course_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.learner_id,
                StoredScore {
                    probability: r.risk_probability,
                    band: r.risk_band,
                    model_id: r.risk_model_id,
                    stale: r.risk_stale,
                    version: r.version,
                    explanations: vec![
                        r.risk_factor_1,
                        r.risk_factor_1_explanation,
                        r.risk_factor_2,
                        r.risk_factor_2_explanation,
                        r.risk_factor_3,
                        r.risk_factor_3_explanation,
                    ],
                },
            )
        })
        .collect())
}

pub async fn write_scores(
    pool: &PgPool,
    course_id: i64,
    model_id: i64,
    scores: &[Score],
) -> sqlx::Result<()> {
    if scores.is_empty() {
        return Ok(());
    }
    // SKIP LOCKED: scoring never waits for (or deadlocks with) a worker's batch; the rows the
    // batch holds are marked stale by its commit and scored next round.
    sqlx::query!(
        r#"with s as (
               select u.learner_id, u.p, u.band, u.factors::jsonb as factors, u.version
               from unnest($3::bigint[], $4::float8[], $5::text[], $6::text[], $7::bigint[])
                   as u(learner_id, p, band, factors, version)
           ),
           free as materialized (
               select lc.learner_id from learner_courses lc join s using (learner_id)
               where lc.course_id = $1 for update of lc skip locked
           )
           update learner_courses lc
           set risk_probability = s.p, risk_band = s.band,
               risk_factor_1 = s.factors->0->>'factor',
               risk_factor_1_contribution = (s.factors->0->>'contribution')::float8,
               risk_factor_1_explanation = s.factors->0->>'explanation',
               risk_factor_2 = s.factors->1->>'factor',
               risk_factor_2_contribution = (s.factors->1->>'contribution')::float8,
               risk_factor_2_explanation = s.factors->1->>'explanation',
               risk_factor_3 = s.factors->2->>'factor',
               risk_factor_3_contribution = (s.factors->2->>'contribution')::float8,
               risk_factor_3_explanation = s.factors->2->>'explanation',
               risk_model_id = $2, risk_updated = now(),
               risk_stale = (lc.xmin::text::bigint <> s.version)
           from s join free using (learner_id)
           where lc.course_id = $1 and lc.learner_id = s.learner_id"#,
        course_id,
        model_id,
        &scores.iter().map(|s| s.learner_id).collect::<Vec<_>>(),
        &scores.iter().map(|s| s.probability).collect::<Vec<_>>(),
        &scores.iter().map(|s| s.band.clone()).collect::<Vec<_>>(),
        &scores
            .iter()
            .map(|s| s.factors.to_string())
            .collect::<Vec<_>>(),
        &scores.iter().map(|s| s.version).collect::<Vec<_>>(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Clears the stale flag of a course's learners when no model can score them.
pub async fn clear_stale(pool: &PgPool, course_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update learner_courses set risk_stale = false
           where course_id = $1
             and learner_id = any(array(select learner_id from learner_courses
                                        where course_id = $1 and risk_stale
                                        for update skip locked))"#,
        course_id
    )
    .execute(pool)
    .await?;
    Ok(())
}
