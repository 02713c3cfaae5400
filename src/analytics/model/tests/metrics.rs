use crate::analytics::model::{brier_score, roc_auc};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn auc_of_a_hand_computed_case() {
    // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered.
    let auc = roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap();
    assert!(close(auc, 0.75), "{auc}");
}

#[test]
fn auc_counts_a_tie_as_one_half() {
    // Pairs: 0.5>0.2, 0.5=0.5 (½), 0.9>0.2, 0.9>0.5 → 3.5 / 4.
    let auc = roc_auc(&[0.2, 0.5, 0.5, 0.9], &[false, true, false, true]).unwrap();
    assert!(close(auc, 0.875), "{auc}");
}

#[test]
fn auc_of_all_tied_scores_is_one_half() {
    let auc = roc_auc(&[0.3; 5], &[true, false, true, false, false]).unwrap();
    assert!(close(auc, 0.5), "{auc}");
}

#[test]
fn auc_of_a_tie_group_spanning_both_classes_among_others() {
    // Positives {1, 2, 2}, negatives {0, 2, 3}: 1>0; 2>0, 2=2 (½); 2>0, 2=2 (½) → 4 / 9.
    let scores = [1.0, 2.0, 2.0, 0.0, 2.0, 3.0];
    let labels = [true, true, true, false, false, false];
    let auc = roc_auc(&scores, &labels).unwrap();
    assert!(close(auc, 4.0 / 9.0), "{auc}");
}

#[test]
fn auc_is_one_for_a_perfect_ranking_and_zero_for_an_inverted_one() {
    let labels = [false, false, true, true];
    assert_eq!(roc_auc(&[0.1, 0.2, 0.3, 0.4], &labels), Some(1.0));
    assert_eq!(roc_auc(&[0.4, 0.3, 0.2, 0.1], &labels), Some(0.0));
}

#[test]
fn auc_accepts_infinite_scores() {
    let auc = roc_auc(&[f64::NEG_INFINITY, f64::INFINITY], &[false, true]);
    assert_eq!(auc, Some(1.0));
}

#[test]
fn auc_is_undefined_without_both_classes_or_with_bad_input() {
    assert_eq!(roc_auc(&[], &[]), None);
    assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
    assert_eq!(roc_auc(&[0.1, 0.2], &[false, false]), None);
    assert_eq!(roc_auc(&[0.1, 0.2], &[true]), None);
    assert_eq!(roc_auc(&[0.1, f64::NAN], &[true, false]), None);
}

#[test]
fn brier_is_the_mean_squared_error() {
    // (0.9-1)² + (0.2-0)² + (0.6-0)² = 0.01 + 0.04 + 0.36 = 0.41 → /3.
    let brier = brier_score(&[0.9, 0.2, 0.6], &[true, false, false]).unwrap();
    assert!(close(brier, 0.41 / 3.0), "{brier}");
    assert_eq!(brier_score(&[], &[]), None);
    assert_eq!(brier_score(&[0.5], &[true, false]), None);
}
