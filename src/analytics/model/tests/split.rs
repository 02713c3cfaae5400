use super::synthetic::cohort;
use crate::analytics::model::ModelError;

#[test]
fn split_is_stratified_complete_and_deterministic() {
    let data = cohort(200, 12, 1.0, -1.0);
    let (training, holdout) = data.stratified_split(0.25, 42).unwrap();

    assert_eq!(training.rows.len() + holdout.rows.len(), 200);
    let expected_holdout_positives = (data.positives() as f64 * 0.25).round() as usize;
    assert_eq!(holdout.positives(), expected_holdout_positives);
    assert_eq!(training.positives() + holdout.positives(), data.positives());
    assert_eq!(holdout.feature_names, data.feature_names);
    // Every original row lands in exactly one part.
    let mut all: Vec<Vec<f64>> = training.rows.iter().chain(&holdout.rows).cloned().collect();
    let mut original = data.rows.clone();
    all.sort_by(|a, b| a[0].total_cmp(&b[0]));
    original.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert_eq!(all, original);

    assert_eq!(
        data.stratified_split(0.25, 42).unwrap(),
        (training, holdout)
    );
    assert_ne!(
        data.stratified_split(0.25, 43).unwrap().1,
        data.stratified_split(0.25, 42).unwrap().1
    );
}

#[test]
fn split_refuses_bad_fractions_and_bad_data() {
    let data = cohort(20, 13, 1.0, 0.0);
    for fraction in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            data.stratified_split(fraction, 1),
            Err(ModelError::InvalidOption {
                option: "holdout_fraction",
                ..
            })
        ));
    }
    let mut bad = data.clone();
    bad.rows[0][0] = f64::NAN;
    assert!(matches!(
        bad.stratified_split(0.5, 1),
        Err(ModelError::NonFinite { row: 0, .. })
    ));
}
