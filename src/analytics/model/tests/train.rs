use super::synthetic::{NAMES, cohort};
use crate::analytics::model::{
    Band, ClassWeighting, Dataset, TrainOptions, evaluate, roc_auc, train,
};

fn spread(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
}

#[test]
fn strong_signal_is_learned_and_generalises() {
    let training = cohort(2000, 1, 2.0, -1.5);
    let holdout = cohort(1000, 2, 2.0, -1.5);
    let base_rate = training.positives() as f64 / training.rows.len() as f64;
    assert!((0.25..=0.45).contains(&base_rate), "base rate {base_rate}");

    let model = train(&training, &TrainOptions::default()).unwrap();
    let evaluation = evaluate(&model, &holdout).unwrap();

    assert_eq!(model.feature_names, NAMES);
    let auc = evaluation.auc.unwrap();
    assert!(auc > 0.9, "held-out AUC {auc}");
    assert!(model.training.auc_train > 0.9);
    // Fewer active days and lower scores are riskier; the true ratio of effects is 1.5 : 1.
    let c = &model.coefficients;
    assert!(c[0] < 0.0 && c[1] < 0.0, "{c:?}");
    assert!((c[0] / c[1] - 1.5).abs() < 0.3, "{c:?}");
    assert!(c[2].abs() < 0.3 * c[1].abs(), "noise coefficient {c:?}");
    assert_eq!(c[3], 0.0);
    assert_eq!(
        model.training.constant_features,
        vec!["constant".to_owned()]
    );
    assert_eq!(model.stds[3], 1.0);
}

#[test]
fn pure_noise_gives_chance_level_auc() {
    let training = cohort(2000, 3, 0.0, -0.8);
    let holdout = cohort(2000, 4, 0.0, -0.8);
    let model = train(&training, &TrainOptions::default()).unwrap();
    let auc = evaluate(&model, &holdout).unwrap().auc.unwrap();
    assert!((0.45..0.55).contains(&auc), "held-out AUC {auc}");
}

#[test]
fn imbalanced_weak_signal_does_not_collapse_to_a_constant() {
    // About a quarter unsuccessful and a weak signal: calibrated probabilities would rarely
    // reach 0.5, so without balancing nearly everyone would be predicted successful.
    let training = cohort(1500, 5, 0.5, -1.3);
    let holdout = cohort(1500, 6, 0.5, -1.3);
    let base_rate = training.positives() as f64 / training.rows.len() as f64;
    assert!((0.2..=0.35).contains(&base_rate), "base rate {base_rate}");

    let model = train(&training, &TrainOptions::default()).unwrap();
    let evaluation = evaluate(&model, &holdout).unwrap();
    assert!(evaluation.true_positives > 0 && evaluation.true_negatives > 0);
    assert!(evaluation.false_negatives < evaluation.positives);
    assert!(evaluation.recall.unwrap() > 0.5, "{evaluation:?}");
    assert!(evaluation.auc.unwrap() > 0.65, "{evaluation:?}");
    let probabilities: Vec<f64> = holdout
        .rows
        .iter()
        .map(|row| model.probability(row).unwrap())
        .collect();
    assert!(spread(&probabilities) > 0.05);
    let bands: Vec<Band> = probabilities.iter().map(|p| model.band(*p)).collect();
    assert!(bands.contains(&Band::High) && bands.contains(&Band::Low));
}

#[test]
fn balanced_shift_keeps_calibrated_probabilities_available() {
    let training = cohort(1500, 7, 1.0, -1.2);
    let balanced = train(&training, &TrainOptions::default()).unwrap();
    let plain = train(
        &training,
        &TrainOptions {
            class_weighting: ClassWeighting::None,
            ..TrainOptions::default()
        },
    )
    .unwrap();
    let expected_shift = (training.rows.len() as f64 / training.positives() as f64 - 1.0).ln();
    assert!((balanced.training.prior_shift - expected_shift).abs() < 1e-12);
    assert_eq!(plain.training.prior_shift, 0.0);
    assert_eq!(balanced.coefficients, plain.coefficients);

    let calibrated: Vec<f64> = training
        .rows
        .iter()
        .map(|row| balanced.calibrated_probability(row).unwrap())
        .collect();
    for (row, p) in training.rows.iter().zip(&calibrated) {
        assert!((plain.probability(row).unwrap() - p).abs() < 1e-12);
        assert!(balanced.probability(row).unwrap() > *p);
    }
    // The intercept is unpenalised, so the fit reproduces the base rate on average.
    let mean = calibrated.iter().sum::<f64>() / calibrated.len() as f64;
    assert!((mean - balanced.training.base_rate).abs() < 0.01, "{mean}");
}

#[test]
fn majority_unsuccessful_keeps_the_sign_of_the_effect() {
    // linfa labels the more frequent class positive; the model must still predict failure.
    let training = cohort(1000, 8, 2.0, 1.5);
    assert!(training.positives() * 2 > training.rows.len());
    let model = train(&training, &TrainOptions::default()).unwrap();
    assert!(model.coefficients[0] < 0.0 && model.coefficients[1] < 0.0);
    assert!(model.training.auc_train > 0.9);
}

#[test]
fn balanced_classes_keep_the_sign_of_the_effect() {
    let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let labels = [true, true, false, true, false, false];
    let data = super::synthetic::one_feature(&x, &labels);
    let model = train(&data, &TrainOptions::default()).unwrap();
    assert!(model.coefficients[0] < 0.0);
    assert_eq!(model.training.prior_shift, 0.0);
    let scores: Vec<f64> = data
        .rows
        .iter()
        .map(|r| model.probability(r).unwrap())
        .collect();
    assert_eq!(roc_auc(&scores, &labels), Some(8.0 / 9.0));
}

#[test]
fn training_is_deterministic() {
    let training = cohort(500, 9, 1.0, -1.0);
    let first = train(&training, &TrainOptions::default()).unwrap();
    let second = train(&training, &TrainOptions::default()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn stronger_regularisation_shrinks_coefficients() {
    let training = cohort(800, 10, 2.0, -1.0);
    let weak = train(&training, &TrainOptions::default()).unwrap();
    let strong = train(
        &training,
        &TrainOptions {
            l2: 500.0,
            ..TrainOptions::default()
        },
    )
    .unwrap();
    let norm = |c: &[f64]| c.iter().map(|v| v * v).sum::<f64>();
    assert!(norm(&strong.coefficients) < 0.5 * norm(&weak.coefficients));
}

#[test]
fn separable_data_without_regularisation_still_gives_a_finite_model() {
    let data = super::synthetic::one_feature(&[0.0, 1.0, 2.0, 3.0], &[true, true, false, false]);
    let model = train(
        &data,
        &TrainOptions {
            l2: 0.0,
            ..TrainOptions::default()
        },
    )
    .unwrap();
    assert!(model.coefficients[0].is_finite() && model.coefficients[0] < 0.0);
    assert_eq!(model.training.auc_train, 1.0);
}

#[test]
fn all_constant_features_give_the_base_rate() {
    let data = Dataset {
        feature_names: vec!["a".to_owned(), "b".to_owned()],
        rows: vec![vec![1.0, 0.1]; 4],
        labels: vec![true, false, false, false],
        risk_signs: Vec::new(),
    };
    let options = TrainOptions {
        class_weighting: ClassWeighting::None,
        ..TrainOptions::default()
    };
    let model = train(&data, &options).unwrap();
    assert_eq!(model.coefficients, vec![0.0, 0.0]);
    assert_eq!(model.training.constant_features.len(), 2);
    let p = model.probability(&[5.0, -3.0]).unwrap();
    assert!((p - 0.25).abs() < 1e-3, "{p}");
}

#[test]
fn two_rows_are_enough_to_train() {
    let data = super::synthetic::one_feature(&[0.0, 1.0], &[false, true]);
    let model = train(&data, &TrainOptions::default()).unwrap();
    assert!(model.coefficients[0] > 0.0);
}
