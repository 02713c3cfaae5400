//! Scoring live courses with the active model: a probability of an unsuccessful outcome, a
//! band, and the three factors that contribute most, in plain words.
//!
//! The worker marks a learner's score stale whenever a batch changes their metrics; this
//! module rescores the stale learners of each course from the current totals, with features
//! relative to the course's current averages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::analytics::features::{
    CourseContext, LearnerMetrics, base_feature, course_features, describe, feature_names,
    is_imputed,
};
use crate::analytics::model::TrainedModel;
use crate::store::analytics::metrics::{self, CourseDates, LearnerRow};
use crate::store::analytics::models::{self, Score, StoredScore};
use crate::store::analytics::progress;

/// The instant live scores describe: now, or the course's end, or (for a course nobody has
/// been active in for [`QUIET_DAYS`]) that long after its latest statement, whichever comes
/// first. Scoring a finished course as of today would count every learner as months inactive;
/// freezing a live course at its last statement would hide a whole class going quiet (after a
/// weekend, every learner would still read "last active 1 day ago").
pub fn reference_instant(
    now: DateTime<Utc>,
    end: Option<NaiveDate>,
    last_activity: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let end = end
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    let quiet = last_activity.map(|t| t + chrono::Duration::days(QUIET_DAYS));
    [Some(now), end, quiet]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now)
}

/// The longest a course with stale scores waits for its next scoring.
const MAX_RESCORE_PAUSE: std::time::Duration = std::time::Duration::from_secs(60);

/// Days without any statement after which a course without an end date counts as finished.
pub const QUIET_DAYS: i64 = 14;

/// How far a live course's scores may fall behind the clock. Days without activity grow while
/// nothing is written, and with them risks and the words that explain them; a course is
/// scored again in full once its scores are this old.
pub const DRIFT: Duration = Duration::hours(1);

/// How often the scorer looks for courses whose scores have drifted.
const DRIFT_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Weeks from the course start to the reference instant, at least one.
pub fn weeks_elapsed(start: NaiveDate, reference: DateTime<Utc>) -> f64 {
    ((reference.date_naive() - start).num_days() as f64 / 7.0).max(1.0)
}

/// A learner's risk: the calibrated probability of an unsuccessful outcome, and the band. The
/// band compares the class-balanced score with the model's threshold, which (at 0.5) flags
/// learners whose risk exceeds the base rate of the courses the model learned from.
pub fn risk(
    model: &TrainedModel,
    row: &[f64],
) -> Result<(f64, &'static str), crate::analytics::model::ModelError> {
    let probability = model.calibrated_probability(row)?;
    let band = model.band(model.probability(row)?).as_str();
    Ok((probability, band))
}

/// Rescores the courses that have stale learners, now; returns the number of learners scored.
pub async fn refresh_stale(pool: &PgPool) -> anyhow::Result<usize> {
    Scorer::default().round(pool).await
}

/// The live scorer's memory: when each course was last scored and how long that took.
///
/// Scoring a course reads every learner of it (the features are relative to the course's
/// averages), so under sustained ingest a large course is rescored at most once per twenty
/// times its scoring time: scoring then takes at most about 5% of the machine per course,
/// and a course of 10,000 learners is rescored about every second. The pause is capped at
/// [`MAX_RESCORE_PAUSE`]: a first scoring slowed down by a heavy load (27 s for a course of
/// 6,000 learners scored in the middle of the benchmark's ingest) otherwise left the course's
/// 10,000 learners unscored for nine minutes.
#[derive(Default)]
pub struct Scorer {
    next: HashMap<i64, Instant>,
    drift_checked: Option<Instant>,
}

impl Scorer {
    pub async fn round(&mut self, pool: &PgPool) -> anyhow::Result<usize> {
        let mut courses = models::stale_courses(pool, 100).await?;
        if self
            .drift_checked
            .is_none_or(|t| t.elapsed() >= DRIFT_CHECK)
        {
            self.drift_checked = Some(Instant::now());
            for course in models::drifted_courses(pool, Utc::now() - DRIFT, 100).await? {
                if !courses.contains(&course) {
                    courses.push(course);
                }
            }
        }
        if courses.is_empty() {
            return Ok(0);
        }
        let Some(row) = models::active(pool).await? else {
            for course in courses {
                models::clear_stale(pool, course).await?;
            }
            return Ok(0);
        };
        let model: Arc<TrainedModel> = Arc::new(serde_json::from_value(row.model)?);
        let mut scored = 0;
        for course in courses {
            if self.next.get(&course).is_some_and(|t| Instant::now() < *t) {
                continue;
            }
            let started = Instant::now();
            if let Some(dates) = metrics::course_by_id(pool, course).await? {
                scored += score_course(pool, &dates, row.id, &model).await?;
            }
            let pause = (started.elapsed() * 20).min(MAX_RESCORE_PAUSE);
            self.next.insert(course, Instant::now() + pause);
        }
        Ok(scored)
    }
}

/// Scores every learner of a course with this model; writes the scores that are stale or
/// have moved. When the instant the scores describe has moved by [`DRIFT`] or more since the
/// course was last scored in full, the round is a full one: a learner's explanation is also
/// rewritten when only its words changed ("last active 3 days ago" becoming 4).
pub async fn score_course(
    pool: &PgPool,
    course: &CourseDates,
    model_id: i64,
    model: &Arc<TrainedModel>,
) -> anyhow::Result<usize> {
    let stored = models::stored_scores(pool, course.id).await?;
    let last = metrics::course_last_activity(pool, course.id).await?;
    let now = Utc::now();
    let reference = reference_instant(now, course.end, last);
    let full = course
        .scored_reference
        .is_none_or(|r| (reference - r).abs() >= DRIFT);
    let mut learners = metrics::current(pool, course.id, reference).await?;
    if learners.is_empty() {
        if full {
            // Nothing to score (an erasure took the last learner): not drifted either.
            models::set_scored_reference(pool, course.id, reference, false).await?;
        }
        return Ok(0);
    }
    let deadlines_due = progress::fill(pool, course.id, reference, &mut learners).await?;
    let context = CourseContext {
        weeks: course
            .start
            .map_or(1.0, |start| weeks_elapsed(start, reference)),
        activities: metrics::course_activities(pool, course.id).await?,
        deadlines_due,
    };
    let model = Arc::clone(model);
    // Features relative to the course's averages, a score and its explanation per learner:
    // tens of milliseconds of CPU for a large course with nothing to await, so on the
    // blocking pool rather than on a thread of the runtime the group-commit writers share
    // (see `service::analytics::apply::read_off_runtime`).
    let scores = tokio::task::spawn_blocking(move || {
        moved_scores(&learners, &stored, &context, model_id, &model, full)
    })
    .await??;
    models::write_scores(pool, course.id, model_id, &scores).await?;
    if full {
        models::set_scored_reference(pool, course.id, reference, reference == now).await?;
    }
    Ok(scores.len())
}

/// The scores of the learners whose score is stale or has moved (all of them in a full round,
/// unless only an unchanged explanation would be rewritten).
fn moved_scores(
    learners: &[LearnerRow],
    stored: &HashMap<i64, StoredScore>,
    context: &CourseContext,
    model_id: i64,
    model: &TrainedModel,
    full: bool,
) -> anyhow::Result<Vec<Score>> {
    let metrics_only: Vec<_> = learners.iter().map(|l| l.metrics.clone()).collect();
    let (rows, means) = course_features(&metrics_only, context);
    let names = feature_names();
    let model_means = for_model(model, &names, &means)?;
    let mut scores = Vec::new();
    for (learner, row) in learners.iter().zip(&rows) {
        let model_row = for_model(model, &names, row)?;
        let (probability, band) = risk(model, &model_row)?;
        let before = stored.get(&learner.learner_id);
        let moved = before.is_none_or(|b| {
            b.stale
                || b.model_id != Some(model_id)
                || b.band.as_deref() != Some(band)
                || b.probability
                    .is_none_or(|p| (p - probability).abs() >= 0.005)
        });
        if !moved && !full {
            continue;
        }
        let contributions = model.contributions(&model_row, &model_means)?;
        let factors = top_factors(&contributions, row, &means, &learner.metrics, 3);
        if !moved && before.is_some_and(|b| b.explanations == explanations(&factors)) {
            continue;
        }
        scores.push(Score {
            learner_id: learner.learner_id,
            probability,
            band: band.to_owned(),
            factors,
            version: before.map_or(-1, |b| b.version),
        });
    }
    Ok(scores)
}

/// A full feature row (or the course means), named `names`, as `model` takes it: a model
/// trained before a feature was added knows fewer.
pub fn for_model(
    model: &TrainedModel,
    names: &[String],
    row: &[f64],
) -> Result<Vec<f64>, crate::analytics::model::ModelError> {
    crate::analytics::features::project(names, &model.feature_names, row).ok_or_else(|| {
        crate::analytics::model::ModelError::InvalidModel(
            "the model uses a feature this LRS does not compute".to_owned(),
        )
    })
}

/// The factor names and explanations of a score, as stored (see [`models::StoredScore`]).
fn explanations(factors: &Value) -> Vec<Option<String>> {
    (0..3)
        .flat_map(|i| {
            let factor = &factors[i];
            [
                factor["factor"].as_str().map(str::to_owned),
                factor["explanation"].as_str().map(str::to_owned),
            ]
        })
        .collect()
}

/// The largest contributions, raw and relative forms of one measure counted together, as
/// `[{factor, effect, contribution, value, course_average, explanation}]`.
pub fn top_factors(
    contributions: &[crate::analytics::model::Contribution],
    row: &[f64],
    means: &[f64],
    learner: &LearnerMetrics,
    count: usize,
) -> Value {
    let names = feature_names();
    let mut by_base: HashMap<&str, f64> = HashMap::new();
    for c in contributions {
        *by_base.entry(base_feature(&c.feature)).or_default() += c.contribution;
    }
    let mut ranked: Vec<(&str, f64)> = by_base.into_iter().collect();
    ranked.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    let factors: Vec<Value> = ranked
        .into_iter()
        .filter(|(_, c)| c.abs() > 1e-9)
        .take(count)
        .map(|(base, contribution)| {
            let index = names.iter().position(|n| n == base).unwrap_or(0);
            let value = row.get(index).copied().unwrap_or(0.0);
            let mean = means.get(index).copied().unwrap_or(0.0);
            json!({
                "factor": base,
                "effect": if contribution > 0.0 { "raises risk" } else { "lowers risk" },
                "contribution": (contribution * 1000.0).round() / 1000.0,
                "value": value,
                "course_average": mean,
                "explanation": describe(base, value, mean, is_imputed(base, learner)),
            })
        })
        .collect();
    Value::Array(factors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_quiet_course_is_scored_as_of_two_weeks_after_its_last_statement() {
        let now = at("2026-11-22T12:00:00Z");
        let last = Some(at("2025-11-13T10:00:00Z"));
        assert_eq!(
            reference_instant(now, None, last),
            at("2025-11-27T10:00:00Z")
        );
        let weekend = Some(at("2026-11-20T17:00:00Z"));
        assert_eq!(reference_instant(now, None, weekend), now, "not frozen yet");
        let live = Some(at("2026-11-22T11:59:00Z"));
        assert_eq!(reference_instant(now, None, live), now);
        let ended = NaiveDate::from_ymd_opt(2026, 6, 30);
        assert_eq!(
            reference_instant(now, ended, live),
            at("2026-07-01T00:00:00Z")
        );
        let start = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
        assert_eq!(weeks_elapsed(start, at("2025-09-29T00:00:00Z")), 4.0);
    }
}
