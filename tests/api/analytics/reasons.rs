//! Reasons that read the right way round: a factor shown as raising a learner's risk must be
//! one where the learner is on the risky side of the course average, and one shown as
//! lowering it on the safe side. Checked on the words an instructor reads, for every learner
//! of a scored course.

use lrs::analytics::features::{feature_names, risk_signs};
use lrs::analytics::model::RiskSign;
use serde_json::Value;

/// The learner's value and the course average an explanation states, when it states both
/// ("4.5 learning actions a week (course average 31.8)", "opened 12% of the course's
/// activities (course average 40%)"). None for a measure described as missing.
fn stated(explanation: &str) -> Option<(f64, f64)> {
    let number = regex::Regex::new(r"-?\d+(?:\.\d+)?").ok()?;
    let (before, after) = explanation.split_once("course average")?;
    let value = number.find(before)?.as_str().parse().ok()?;
    let mean = number.find(after)?.as_str().parse().ok()?;
    Some((value, mean))
}

fn sign_of(factor: &str) -> RiskSign {
    feature_names()
        .iter()
        .zip(risk_signs())
        .find(|(name, _)| name.as_str() == factor)
        .map_or(RiskSign::Free, |(_, sign)| sign)
}

/// The factors of these learner-list items that read backwards, as "learner: explanation
/// (effect)".
pub fn backwards(items: &[Value]) -> Vec<String> {
    let mut wrong = Vec::new();
    for item in items {
        for i in 1..=3 {
            let (Some(factor), Some(contribution), Some(explanation)) = (
                item[format!("factor_{i}")].as_str(),
                item[format!("factor_{i}_contribution")].as_f64(),
                item[format!("factor_{i}_explanation")].as_str(),
            ) else {
                continue;
            };
            let Some((value, mean)) = stated(explanation) else {
                continue;
            };
            let raises = contribution > 0.0;
            let risky_side = match sign_of(factor) {
                RiskSign::HigherIsRiskier => value > mean,
                RiskSign::HigherIsSafer => value < mean,
                RiskSign::Free => continue,
            };
            let safe_side = match sign_of(factor) {
                RiskSign::HigherIsRiskier => value < mean,
                RiskSign::HigherIsSafer => value > mean,
                RiskSign::Free => continue,
            };
            // Equal as displayed (rounded) is neither side: not counted.
            if (raises && safe_side) || (!raises && risky_side) {
                wrong.push(format!(
                    "{}: {explanation} ({})",
                    item["learner"],
                    if raises { "raises risk" } else { "lowers risk" }
                ));
            }
        }
    }
    wrong
}

/// Pearson's correlation of two fields of the learner-list items.
pub fn correlation(items: &[Value], a: &str, b: &str) -> f64 {
    let pairs: Vec<(f64, f64)> = items
        .iter()
        .filter_map(|i| Some((i[a].as_f64()?, i[b].as_f64()?)))
        .collect();
    let n = pairs.len() as f64;
    let (mean_a, mean_b) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let covariance: f64 = pairs.iter().map(|p| (p.0 - mean_a) * (p.1 - mean_b)).sum();
    let spread_a: f64 = pairs.iter().map(|p| (p.0 - mean_a).powi(2)).sum();
    let spread_b: f64 = pairs.iter().map(|p| (p.1 - mean_b).powi(2)).sum();
    covariance / (spread_a * spread_b).sqrt()
}

#[test]
fn explanations_state_the_value_and_the_average() {
    assert_eq!(
        stated("4.5 learning actions a week (course average 31.8)"),
        Some((4.5, 31.8))
    );
    assert_eq!(
        stated("opened 12% of the course's activities (course average 40%)"),
        Some((12.0, 40.0))
    );
    assert_eq!(
        stated("last active 1 day ago (course average 11 days)"),
        Some((1.0, 11.0))
    );
    // A missing measure is described as missing, with no value of the learner's.
    assert_eq!(
        stated("no activity in the course yet (course average: last active 11 days ago)"),
        None
    );
    let backwards_item = serde_json::json!({
        "learner": "x",
        "factor_1": "statements_per_week",
        "factor_1_contribution": -0.8,
        "factor_1_explanation": "4.5 learning actions a week (course average 31.8)",
    });
    assert_eq!(backwards(&[backwards_item]).len(), 1);
}
