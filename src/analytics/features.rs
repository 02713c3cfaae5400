//! Model features: a learner's engagement as of a cutoff, raw and relative to the course.
//!
//! Counts are turned into weekly rates (divided by the weeks elapsed at the cutoff) so that a
//! model trained at week 4 can score a course at week 7; each rate also appears relative to
//! the course average at the same cutoff, which is what separates a quiet course from a quiet
//! learner. Pure: the store computes [`LearnerMetrics`], this module the vectors.

use super::model::RiskSign;

/// A learner's engagement in a course, summed up to a cutoff.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnerMetrics {
    pub statements: f64,
    pub active_days: f64,
    pub sessions: f64,
    pub time_secs: f64,
    pub completions: f64,
    pub successes: f64,
    pub failures: f64,
    pub attempts: f64,
    pub score_sum: f64,
    pub distinct_activities: f64,
    /// Days between the last activity and the cutoff; None without activity.
    pub days_since_last: Option<f64>,
    /// Standard deviation of the gaps between active days; None with fewer than three.
    pub regularity: Option<f64>,
    /// Active days in the seven days before the cutoff.
    pub recent_active_days: f64,
    /// Deadlines due by the cutoff that the learner met (a statement on the activity by the
    /// due time), met late, and the credit earned on them (best scaled score, 1 for an
    /// activity without scores).
    pub deadlines_on_time: f64,
    pub deadlines_late: f64,
    pub deadline_credit: f64,
}

/// The course at the cutoff.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseContext {
    /// Weeks from the course start to the cutoff (at least 1).
    pub weeks: f64,
    /// Activities of the course touched by anyone before the cutoff.
    pub activities: f64,
    /// Deadlines of the course due by the cutoff.
    pub deadlines_due: f64,
}

/// Raw features, in vector order.
pub const RAW: [&str; 15] = [
    "statements_per_week",
    "active_days_per_week",
    "sessions_per_week",
    "hours_per_week",
    "coverage",
    "completions_per_week",
    "attempts_per_week",
    "mean_score",
    "success_rate",
    "days_since_last",
    "regularity_days",
    "recent_activity",
    "missed_deadlines",
    "late_deadlines",
    "deadline_credit",
];

/// Raw features that also appear relative to the course mean (`rel_<name>`).
pub const RELATIVE: [&str; 8] = [
    "statements_per_week",
    "active_days_per_week",
    "sessions_per_week",
    "hours_per_week",
    "coverage",
    "attempts_per_week",
    "mean_score",
    "days_since_last",
];

/// Which way each feature of [`feature_names`] may push the risk: more engagement, coverage,
/// completions, attempts, score and success mean less risk; more days since the last activity
/// and a more irregular rhythm mean more. A relative feature goes the way of its raw one.
pub fn risk_signs() -> Vec<RiskSign> {
    feature_names()
        .iter()
        .map(|name| match base_feature(name) {
            "days_since_last" | "regularity_days" | "missed_deadlines" | "late_deadlines" => {
                RiskSign::HigherIsRiskier
            }
            _ => RiskSign::HigherIsSafer,
        })
        .collect()
}

pub fn feature_names() -> Vec<String> {
    RAW.iter()
        .map(|n| (*n).to_owned())
        .chain(RELATIVE.iter().map(|n| format!("rel_{n}")))
        .collect()
}

/// Feature rows for the learners of one course (same order), and the course mean of each
/// feature (for explanations).
pub fn course_features(
    learners: &[LearnerMetrics],
    course: &CourseContext,
) -> (Vec<Vec<f64>>, Vec<f64>) {
    let weeks = course.weeks.max(1.0);
    let elapsed_days = weeks * 7.0;
    let mean_of = |values: Vec<f64>| -> Option<f64> {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    // Imputation values: the course's own averages among learners who have the measure.
    let score_fill = mean_of(
        learners
            .iter()
            .filter(|l| l.attempts > 0.0)
            .map(|l| l.score_sum / l.attempts)
            .collect(),
    )
    .unwrap_or(0.5);
    let success_fill = mean_of(
        learners
            .iter()
            .filter(|l| l.successes + l.failures > 0.0)
            .map(|l| l.successes / (l.successes + l.failures))
            .collect(),
    )
    .unwrap_or(0.5);
    let raw_rows: Vec<Vec<f64>> = learners
        .iter()
        .map(|l| {
            vec![
                l.statements / weeks,
                l.active_days / weeks,
                l.sessions / weeks,
                l.time_secs / 3600.0 / weeks,
                if course.activities > 0.0 {
                    (l.distinct_activities / course.activities).min(1.0)
                } else {
                    0.0
                },
                l.completions / weeks,
                l.attempts / weeks,
                if l.attempts > 0.0 {
                    l.score_sum / l.attempts
                } else {
                    score_fill
                },
                if l.successes + l.failures > 0.0 {
                    l.successes / (l.successes + l.failures)
                } else {
                    success_fill
                },
                l.days_since_last.unwrap_or(elapsed_days).min(elapsed_days),
                // Without three active days there is no rhythm to speak of: as irregular as
                // the elapsed time allows.
                l.regularity.unwrap_or(elapsed_days / 2.0),
                recent_activity(l, weeks),
                share(
                    course.deadlines_due - l.deadlines_on_time - l.deadlines_late,
                    course.deadlines_due,
                ),
                share(l.deadlines_late, course.deadlines_due),
                share(l.deadline_credit, course.deadlines_due),
            ]
        })
        .collect();
    let raw_means: Vec<f64> = (0..RAW.len())
        .map(|j| mean_of(raw_rows.iter().map(|r| r[j]).collect()).unwrap_or(0.0))
        .collect();
    let rows: Vec<Vec<f64>> = raw_rows
        .into_iter()
        .map(|mut row| {
            let relative: Vec<f64> = RELATIVE
                .iter()
                .map(|name| {
                    let j = raw_index(name);
                    let mean = raw_means[j];
                    if mean.abs() > 1e-9 {
                        row[j] / mean
                    } else {
                        1.0
                    }
                })
                .collect();
            row.extend(relative);
            row
        })
        .collect();
    let means: Vec<f64> = (0..RAW.len() + RELATIVE.len())
        .map(|j| mean_of(rows.iter().map(|r| r[j]).collect()).unwrap_or(0.0))
        .collect();
    (rows, means)
}

/// The trajectory: active days in the last week against the learner's weekly average in the
/// weeks before it, 1 when there is nothing to compare (the first week, or no activity at all),
/// at most 3 (a learner starting late, say).
fn recent_activity(learner: &LearnerMetrics, weeks: f64) -> f64 {
    let earlier_weeks = weeks - 1.0;
    let earlier = learner.active_days - learner.recent_active_days;
    if earlier_weeks < 1.0 || learner.active_days <= 0.0 {
        return 1.0;
    }
    let usual = earlier / earlier_weeks;
    if usual <= 0.0 {
        return 3.0;
    }
    (learner.recent_active_days / usual).min(3.0)
}

/// `part / whole`, 0 when there is no whole.
fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn raw_index(name: &str) -> usize {
    RAW.iter().position(|n| *n == name).unwrap_or(0)
}

/// `row` (features named `from`) reduced to the features named `to`, in that order: a model
/// trained before a feature was added scores with the features it knows. None when `to` names
/// a feature `from` lacks.
pub fn project(from: &[String], to: &[String], row: &[f64]) -> Option<Vec<f64>> {
    to.iter()
        .map(|name| {
            from.iter()
                .position(|f| f == name)
                .and_then(|j| row.get(j).copied())
        })
        .collect()
}

/// The raw feature a (raw or relative) feature is about.
pub fn base_feature(name: &str) -> &str {
    name.strip_prefix("rel_").unwrap_or(name)
}

/// Whether the learner lacks the measure a feature is about, so that the feature holds the
/// value [`course_features`] imputed (the course's average score, the elapsed time...).
pub fn is_imputed(base: &str, learner: &LearnerMetrics) -> bool {
    match base {
        "mean_score" => learner.attempts <= 0.0,
        "success_rate" => learner.successes + learner.failures <= 0.0,
        "days_since_last" => learner.days_since_last.is_none(),
        "regularity_days" => learner.regularity.is_none(),
        _ => false,
    }
}

pub use super::explain::describe;

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(statements: f64, active_days: f64) -> LearnerMetrics {
        LearnerMetrics {
            statements,
            active_days,
            days_since_last: Some(1.0),
            ..LearnerMetrics::default()
        }
    }

    #[test]
    fn rates_are_per_week_and_relative_to_the_course_mean() {
        let course = CourseContext {
            weeks: 2.0,
            activities: 10.0,
            deadlines_due: 0.0,
        };
        let (rows, means) = course_features(&[learner(40.0, 6.0), learner(20.0, 2.0)], &course);
        assert_eq!(rows[0].len(), feature_names().len());
        assert_eq!(rows[0][0], 20.0, "40 statements over 2 weeks");
        assert_eq!(means[0], 15.0);
        let rel = feature_names()
            .iter()
            .position(|n| n == "rel_statements_per_week")
            .expect("rel");
        assert!((rows[0][rel] - 20.0 / 15.0).abs() < 1e-12);
        assert!(
            (means[rel] - 1.0).abs() < 1e-12,
            "relative features average 1"
        );
    }

    #[test]
    fn missing_measures_are_imputed_without_nan() {
        let course = CourseContext {
            weeks: 0.0,
            activities: 0.0,
            deadlines_due: 0.0,
        };
        let (rows, means) = course_features(&[LearnerMetrics::default()], &course);
        assert!(rows[0].iter().chain(means.iter()).all(|v| v.is_finite()));
        let (rows, _) = course_features(&[], &course);
        assert!(rows.is_empty());
    }

    #[test]
    fn descriptions_put_the_learner_beside_the_course() {
        let text = describe("active_days_per_week", 1.0, 3.5, false);
        assert_eq!(text, "active 1.0 days a week (course average 3.5)");
        assert_eq!(base_feature("rel_coverage"), "coverage");
    }

    #[test]
    fn a_missing_measure_is_described_as_missing_not_by_its_imputed_value() {
        let never = LearnerMetrics::default();
        let course = CourseContext {
            weeks: 3.0,
            activities: 4.0,
            deadlines_due: 0.0,
        };
        let (rows, means) = course_features(&[never.clone(), learner(9.0, 3.0)], &course);
        let days = RAW
            .iter()
            .position(|n| *n == "days_since_last")
            .expect("days");
        assert_eq!(rows[0][days], 21.0, "imputed as the elapsed time");
        for base in [
            "days_since_last",
            "mean_score",
            "success_rate",
            "regularity_days",
        ] {
            assert!(is_imputed(base, &never), "{base}");
            let j = RAW.iter().position(|n| *n == base).expect("raw");
            let text = describe(base, rows[0][j], means[j], is_imputed(base, &never));
            assert!(
                text.starts_with("no ") || text.starts_with("fewer "),
                "{text}"
            );
        }
        assert_eq!(
            describe("days_since_last", rows[0][days], means[days], true),
            "no activity in the course yet (course average: last active 11 days ago)"
        );
        let active = learner(9.0, 3.0);
        assert!(!is_imputed("days_since_last", &active));
        assert!(
            is_imputed("regularity_days", &active),
            "fewer than three gaps"
        );
        assert!(!is_imputed("statements_per_week", &never));
        assert_eq!(
            describe("days_since_last", 1.0, 11.0, false),
            "last active 1 day ago (course average 11 days)"
        );
    }
}
