use super::synthetic::{identity_model, one_feature};
use crate::analytics::model::{Band, evaluate};

#[test]
fn counts_and_rates_at_the_threshold() {
    // P = sigmoid(x): predicted unsuccessful exactly when x >= 0.
    let x = [-2.0, -1.0, 0.5, 2.0, 3.0, -0.5];
    let labels = [false, true, false, true, true, false];
    let evaluation = evaluate(&identity_model(), &one_feature(&x, &labels)).unwrap();

    assert_eq!(evaluation.rows, 6);
    assert_eq!((evaluation.positives, evaluation.negatives), (3, 3));
    assert_eq!(evaluation.true_positives, 2); // 2, 3
    assert_eq!(evaluation.false_positives, 1); // 0.5
    assert_eq!(evaluation.true_negatives, 2); // -2, -0.5
    assert_eq!(evaluation.false_negatives, 1); // -1
    assert_eq!(evaluation.precision, Some(2.0 / 3.0));
    assert_eq!(evaluation.recall, Some(2.0 / 3.0));
    assert_eq!(evaluation.f1, Some(4.0 / 6.0));
    assert_eq!(evaluation.accuracy, 4.0 / 6.0);
    assert_eq!(evaluation.threshold, 0.5);
    // Positives {-1, 2, 3} against negatives {-2, -0.5, 0.5}: 1 + 3 + 3 of 9 pairs.
    assert_eq!(evaluation.auc, Some(7.0 / 9.0));
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let brier = x
        .iter()
        .zip(labels)
        .map(|(v, l)| (sigmoid(*v) - if l { 1.0 } else { 0.0 }).powi(2))
        .sum::<f64>()
        / 6.0;
    assert!((evaluation.brier - brier).abs() < 1e-12);
}

#[test]
fn a_probability_equal_to_the_threshold_counts_as_unsuccessful() {
    let evaluation = evaluate(&identity_model(), &one_feature(&[0.0], &[true])).unwrap();
    assert_eq!(evaluation.true_positives, 1);
    assert_eq!(identity_model().band(0.5), Band::High);
}

#[test]
fn undefined_rates_are_none() {
    // All successful: no AUC, no recall; nobody predicted unsuccessful: no precision, no F1.
    let evaluation = evaluate(
        &identity_model(),
        &one_feature(&[-1.0, -2.0], &[false, false]),
    )
    .unwrap();
    assert_eq!(evaluation.auc, None);
    assert_eq!(evaluation.recall, None);
    assert_eq!(evaluation.precision, None);
    assert_eq!(evaluation.f1, None);
    assert_eq!(evaluation.accuracy, 1.0);

    // All unsuccessful, all missed: precision undefined, recall and F1 zero.
    let missed = evaluate(&identity_model(), &one_feature(&[-1.0], &[true])).unwrap();
    assert_eq!(missed.precision, None);
    assert_eq!(missed.recall, Some(0.0));
    assert_eq!(missed.f1, Some(0.0));
}

#[test]
fn bands_follow_the_threshold_and_half_of_it() {
    let mut model = identity_model();
    model.threshold = 0.4;
    assert_eq!(model.band(0.9), Band::High);
    assert_eq!(model.band(0.4), Band::High);
    assert_eq!(model.band(0.39), Band::Medium);
    assert_eq!(model.band(0.2), Band::Medium);
    assert_eq!(model.band(0.19), Band::Low);
    assert_eq!(model.band(f64::NAN), Band::Low);
    assert_eq!(
        [Band::High, Band::Medium, Band::Low].map(Band::as_str),
        ["high", "medium", "low"]
    );
}
