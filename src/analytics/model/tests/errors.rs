//! Every refusal is an error value naming what is wrong, never a panic.

use super::synthetic::{cohort, identity_model, one_feature};
use crate::analytics::model::{Dataset, ModelError, TrainOptions, evaluate, train};

fn train_default(data: &Dataset) -> Result<(), ModelError> {
    train(data, &TrainOptions::default()).map(|_| ())
}

#[test]
fn empty_dataset_is_refused() {
    let data = Dataset {
        feature_names: vec!["x".to_owned()],
        ..Dataset::default()
    };
    assert_eq!(train_default(&data), Err(ModelError::EmptyDataset));
    assert_eq!(
        evaluate(&identity_model(), &data),
        Err(ModelError::EmptyDataset)
    );
}

#[test]
fn dataset_without_features_is_refused() {
    let data = Dataset {
        feature_names: vec![],
        rows: vec![vec![], vec![]],
        labels: vec![true, false],
        risk_signs: Vec::new(),
    };
    assert_eq!(train_default(&data), Err(ModelError::NoFeatures));
}

#[test]
fn duplicate_feature_names_are_refused() {
    let data = Dataset {
        feature_names: vec!["x".to_owned(), "x".to_owned()],
        rows: vec![vec![1.0, 2.0], vec![2.0, 1.0]],
        labels: vec![true, false],
        risk_signs: Vec::new(),
    };
    assert_eq!(
        train_default(&data),
        Err(ModelError::DuplicateFeature("x".to_owned()))
    );
}

#[test]
fn one_class_only_is_refused_for_training() {
    let all_successful = one_feature(&[1.0, 2.0, 3.0], &[false; 3]);
    let error = train_default(&all_successful).unwrap_err();
    assert_eq!(
        error,
        ModelError::SingleClass {
            rows: 3,
            unsuccessful: false
        }
    );
    assert_eq!(
        error.to_string(),
        "training needs both outcomes, but all 3 rows are successful"
    );
    let all_unsuccessful = one_feature(&[1.0, 2.0], &[true; 2]);
    assert!(matches!(
        train_default(&all_unsuccessful),
        Err(ModelError::SingleClass {
            unsuccessful: true,
            ..
        })
    ));
}

#[test]
fn nan_and_infinity_are_refused_naming_feature_and_row() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut data = cohort(10, 1, 1.0, 0.0);
        data.rows[3][1] = bad;
        let error = train_default(&data).unwrap_err();
        assert!(
            matches!(&error, ModelError::NonFinite { feature, row: 3, .. } if feature == "avg_score"),
            "{error:?}"
        );
        assert!(error.to_string().contains("`avg_score` in row 3"));
        assert!(matches!(
            evaluate(&identity_model(), &one_feature(&[0.0, bad], &[true, false])),
            Err(ModelError::NonFinite { row: 1, .. })
        ));
    }
}

#[test]
fn mismatched_lengths_are_refused() {
    let short_row = Dataset {
        feature_names: vec!["a".to_owned(), "b".to_owned()],
        rows: vec![vec![1.0, 2.0], vec![1.0]],
        labels: vec![true, false],
        risk_signs: Vec::new(),
    };
    assert_eq!(
        train_default(&short_row),
        Err(ModelError::RowLength {
            row: 1,
            expected: 2,
            found: 1
        })
    );
    let missing_label = one_feature(&[1.0, 2.0], &[true]);
    assert_eq!(
        train_default(&missing_label),
        Err(ModelError::LabelCount { rows: 2, labels: 1 })
    );
}

#[test]
fn values_too_large_to_standardise_are_refused() {
    let data = one_feature(&[f64::MAX, f64::MAX], &[true, false]);
    assert_eq!(
        train_default(&data),
        Err(ModelError::Overflow {
            feature: "x".to_owned()
        })
    );
}

#[test]
fn invalid_options_are_refused() {
    let data = one_feature(&[0.0, 1.0], &[false, true]);
    let defaults = TrainOptions::default();
    let cases = [
        (
            "l2",
            TrainOptions {
                l2: -1.0,
                ..defaults
            },
        ),
        (
            "l2",
            TrainOptions {
                l2: f64::NAN,
                ..defaults
            },
        ),
        (
            "l2",
            TrainOptions {
                l2: f64::INFINITY,
                ..defaults
            },
        ),
        (
            "max_iterations",
            TrainOptions {
                max_iterations: 0,
                ..defaults
            },
        ),
        (
            "threshold",
            TrainOptions {
                threshold: 0.0,
                ..defaults
            },
        ),
        (
            "threshold",
            TrainOptions {
                threshold: 1.0,
                ..defaults
            },
        ),
        (
            "threshold",
            TrainOptions {
                threshold: f64::NAN,
                ..defaults
            },
        ),
    ];
    for (name, options) in cases {
        let error = train(&data, &options).unwrap_err();
        assert!(
            matches!(error, ModelError::InvalidOption { option, .. } if option == name),
            "{options:?}"
        );
    }
}

#[test]
fn scoring_a_row_of_the_wrong_length_is_refused() {
    let model = identity_model();
    for row in [&[][..], &[1.0, 2.0][..]] {
        assert_eq!(
            model.probability(row),
            Err(ModelError::FeatureCount {
                expected: 1,
                found: row.len()
            })
        );
    }
    assert!(model.contributions(&[1.0, 2.0], &[0.0]).is_err());
    assert_eq!(
        model.contributions(&[1.0], &[]),
        Err(ModelError::FeatureCount {
            expected: 1,
            found: 0
        })
    );
}

#[test]
fn scoring_values_too_large_to_standardise_is_refused() {
    let mut model = identity_model();
    model.stds = vec![0.5];
    let overflow = ModelError::Overflow {
        feature: "x".to_owned(),
    };
    assert_eq!(model.probability(&[f64::MAX]), Err(overflow.clone()));
    assert_eq!(
        model.contributions(&[f64::MAX], &[-f64::MAX]).map(|_| ()),
        Err(overflow)
    );
}

#[test]
fn scoring_non_finite_values_is_refused() {
    let model = identity_model();
    assert!(matches!(
        model.probability(&[f64::NAN]),
        Err(ModelError::NonFiniteValue { what: "value", .. })
    ));
    assert!(matches!(
        model.contributions(&[1.0], &[f64::INFINITY]),
        Err(ModelError::NonFiniteValue {
            what: "course mean",
            ..
        })
    ));
}

#[test]
fn evaluating_with_other_feature_names_is_refused() {
    let model = train(&cohort(200, 1, 1.0, 0.0), &TrainOptions::default()).unwrap();
    let mut renamed = cohort(50, 2, 1.0, 0.0);
    renamed.feature_names.swap(0, 1);
    assert_eq!(
        evaluate(&model, &renamed),
        Err(ModelError::FeatureName {
            index: 0,
            expected: "active_days".to_owned(),
            found: "avg_score".to_owned()
        })
    );
    let fewer = Dataset {
        feature_names: vec!["active_days".to_owned()],
        rows: vec![vec![1.0]],
        labels: vec![true],
        risk_signs: Vec::new(),
    };
    assert_eq!(
        evaluate(&model, &fewer),
        Err(ModelError::FeatureCount {
            expected: 4,
            found: 1
        })
    );
    assert!(
        model
            .check_feature_names(&["active_days", "avg_score", "noise", "constant"])
            .is_ok()
    );
}

#[test]
fn an_inconsistent_model_is_an_error_not_a_panic() {
    let mut short = identity_model();
    short.coefficients.clear();
    let mut zero_std = identity_model();
    zero_std.stds = vec![0.0];
    let mut nan_intercept = identity_model();
    nan_intercept.intercept = f64::NAN;
    let mut bad_threshold = identity_model();
    bad_threshold.threshold = 2.0;
    let mut no_features = identity_model();
    no_features.feature_names.clear();
    let data = one_feature(&[0.0, 1.0], &[false, true]);
    for model in [short, zero_std, nan_intercept, bad_threshold, no_features] {
        assert!(matches!(
            model.probability(&[1.0]),
            Err(ModelError::InvalidModel(_))
        ));
        assert!(matches!(
            model.contributions(&[1.0], &[0.0]),
            Err(ModelError::InvalidModel(_))
        ));
        assert!(matches!(
            evaluate(&model, &data),
            Err(ModelError::InvalidModel(_))
        ));
    }
}
