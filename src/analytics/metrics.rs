//! The one definition of each learner metric: its column (the JSON field and CSV column of the
//! learner list), its name in words, its unit and what it counts. The OpenAPI document's
//! description of each column comes from here (`http::openapi`), and tests hold the learner
//! list's columns and docs/ANALYTICS.md's table to it.

/// A learner metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// The column of the learner list (`LearnerView`), in JSON and CSV.
    pub column: &'static str,
    /// The metric in words, as docs/ANALYTICS.md and a page name it.
    pub name: &'static str,
    pub unit: &'static str,
    /// What it counts, in one sentence.
    pub description: &'static str,
}

/// The learner metrics, in the order of the learner list's columns.
pub const LEARNER_METRICS: &[Metric] = &[
    Metric {
        column: "statements",
        name: "statements",
        unit: "statements",
        description: "statements of the learner in the course",
    },
    Metric {
        column: "active_days",
        name: "active days",
        unit: "days",
        description: "days with at least one statement",
    },
    Metric {
        column: "sessions",
        name: "sessions",
        unit: "sessions",
        description: "runs of statements with no gap longer than the session gap",
    },
    Metric {
        column: "time_on_task_hours",
        name: "time on task",
        unit: "hours",
        description: "result.duration of each statement when present (at most 4 h), else the time to the next statement within the session gap",
    },
    Metric {
        column: "distinct_activities",
        name: "distinct activities",
        unit: "activities",
        description: "distinct object Activities of the learner's statements",
    },
    Metric {
        column: "coverage",
        name: "coverage",
        unit: "share (0..1)",
        description: "distinct activities / Activities of the course (those anybody touched), at most 1",
    },
    Metric {
        column: "completions",
        name: "completions",
        unit: "statements",
        description: "statements with result.completion true or the verb completed",
    },
    Metric {
        column: "successes",
        name: "successes",
        unit: "statements",
        description: "statements with result.success true or the verb passed",
    },
    Metric {
        column: "failures",
        name: "failures",
        unit: "statements",
        description: "statements with result.success false or the verb failed",
    },
    Metric {
        column: "attempts",
        name: "attempts",
        unit: "statements",
        description: "statements with a score (result.score.scaled, else (raw - min) / (max - min))",
    },
    Metric {
        column: "mean_score",
        name: "mean score",
        unit: "scaled score (0..1)",
        description: "mean of the attempts' scaled scores",
    },
    Metric {
        column: "first_activity",
        name: "first activity",
        unit: "instant",
        description: "timestamp of the learner's first statement in the course",
    },
    Metric {
        column: "last_activity",
        name: "last activity",
        unit: "instant",
        description: "timestamp of the learner's last statement in the course",
    },
    Metric {
        column: "days_since_last_activity",
        name: "days since last activity",
        unit: "days",
        description: "now (or the as-of cutoff) minus the last activity",
    },
    Metric {
        column: "regularity_days",
        name: "regularity",
        unit: "days",
        description: "standard deviation of the gaps between consecutive active days (three active days needed; lower is steadier)",
    },
];

/// The metric of a column.
pub fn by_column(column: &str) -> Option<&'static Metric> {
    LEARNER_METRICS.iter().find(|m| m.column == column)
}
