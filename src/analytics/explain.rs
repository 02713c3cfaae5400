//! A factor of a learner's risk in plain words: the learner's value beside the course average,
//! as an instructor reads it in the learner list ("active 0.8 days a week (course average
//! 3.1)").

/// A factor in plain words: the learner's value beside the course average. For a measure the
/// learner does not have, the imputed value would be a false statement ("last active 42 days
/// ago" of someone never active), so the words say what is missing instead.
pub fn describe(base: &str, value: f64, course_mean: f64, imputed: bool) -> String {
    if imputed && let Some(text) = describe_missing(base, course_mean) {
        return text;
    }
    match base {
        "statements_per_week" => {
            format!("{value:.1} learning actions a week (course average {course_mean:.1})")
        }
        "active_days_per_week" => {
            format!("active {value:.1} days a week (course average {course_mean:.1})")
        }
        "sessions_per_week" => {
            format!("{value:.1} study sessions a week (course average {course_mean:.1})")
        }
        "hours_per_week" => {
            format!("{value:.1} hours a week on task (course average {course_mean:.1})")
        }
        "coverage" => format!(
            "opened {} of the course's activities (course average {})",
            pct(value),
            pct(course_mean)
        ),
        "completions_per_week" => {
            format!("{value:.1} completions a week (course average {course_mean:.1})")
        }
        "attempts_per_week" => {
            format!("{value:.1} assessment attempts a week (course average {course_mean:.1})")
        }
        "mean_score" => format!(
            "mean assessment score {} (course average {})",
            pct(value),
            pct(course_mean)
        ),
        "success_rate" => format!(
            "succeeded in {} of graded attempts (course average {})",
            pct(value),
            pct(course_mean)
        ),
        "days_since_last" => format!(
            "last active {} ago (course average {})",
            days(value),
            days(course_mean)
        ),
        "regularity_days" => format!(
            "study rhythm varies by {value:.1} days between active days (course average {course_mean:.1})"
        ),
        "recent_activity" => format!(
            "active last week at {value:.1} times their earlier weekly rate (course average {course_mean:.1})"
        ),
        "missed_deadlines" => format!(
            "missed {} of the deadlines so far (course average {})",
            pct(value),
            pct(course_mean)
        ),
        "late_deadlines" => format!(
            "late for {} of the deadlines so far (course average {})",
            pct(value),
            pct(course_mean)
        ),
        "deadline_credit" => format!(
            "earned {} of the credit of the assessments due so far (course average {})",
            pct(value),
            pct(course_mean)
        ),
        other => format!("{other} = {value:.2} (course average {course_mean:.2})"),
    }
}

/// A share as a whole percentage: "42%".
fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Whole days, in words: "1 day", "3 days".
fn days(value: f64) -> String {
    let rounded = value.round();
    if rounded == 1.0 {
        "1 day".to_owned()
    } else {
        format!("{rounded:.0} days")
    }
}

fn describe_missing(base: &str, course_mean: f64) -> Option<String> {
    Some(match base {
        "mean_score" => format!(
            "no scored assessment attempt yet (course average score {})",
            pct(course_mean)
        ),
        "success_rate" => format!(
            "no attempt passed or failed yet (course average success {})",
            pct(course_mean)
        ),
        "days_since_last" => format!(
            "no activity in the course yet (course average: last active {} ago)",
            days(course_mean)
        ),
        "regularity_days" => format!(
            "fewer than three active days, so no study rhythm yet (course average: varies by {course_mean:.1} days)"
        ),
        _ => return None,
    })
}
