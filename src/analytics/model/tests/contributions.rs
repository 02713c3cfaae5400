use super::synthetic::{cohort, identity_model};
use crate::analytics::model::{TrainOptions, train};

#[test]
fn contributions_by_hand_sorted_by_magnitude() {
    let mut model = identity_model();
    model.feature_names = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    model.means = vec![0.0, 0.0, 0.0];
    model.stds = vec![2.0, 0.5, 1.0];
    model.coefficients = vec![2.0, -1.0, 0.0];

    // a: 2 × (5 − 1) / 2 = 4; b: −1 × (0 − 1.5) / 0.5 = 3; c: coefficient 0.
    let contributions = model
        .contributions(&[5.0, 0.0, 7.0], &[1.0, 1.5, 2.0])
        .unwrap();
    let summary: Vec<(&str, usize, f64)> = contributions
        .iter()
        .map(|c| (c.feature.as_str(), c.index, c.contribution))
        .collect();
    assert_eq!(summary, vec![("a", 0, 4.0), ("b", 1, 3.0), ("c", 2, 0.0)]);
    assert_eq!(contributions[1].value, 0.0);
    assert_eq!(contributions[1].course_mean, 1.5);

    // A large negative contribution outranks a smaller positive one.
    let contributions = model
        .contributions(&[2.0, 4.0, 7.0], &[1.0, 1.5, 2.0])
        .unwrap();
    let order: Vec<(&str, f64)> = contributions
        .iter()
        .map(|c| (c.feature.as_str(), c.contribution))
        .collect();
    assert_eq!(order, vec![("b", -5.0), ("a", 1.0), ("c", 0.0)]);
}

#[test]
fn contributions_of_equal_magnitude_keep_feature_order() {
    let mut model = identity_model();
    model.feature_names = vec!["a".to_owned(), "b".to_owned()];
    model.means = vec![0.0, 0.0];
    model.stds = vec![1.0, 1.0];
    model.coefficients = vec![1.0, -1.0];
    let contributions = model.contributions(&[1.0, 1.0], &[0.0, 0.0]).unwrap();
    assert_eq!(contributions[0].feature, "a");
    assert_eq!(contributions[1].feature, "b");
}

#[test]
fn a_disengaged_learner_is_explained_by_the_features_that_matter() {
    let data = cohort(1500, 11, 2.0, -1.2);
    let model = train(&data, &TrainOptions::default()).unwrap();
    let course_means = [20.0, 0.7, 100.0, 3.0];
    // Far fewer active days than the course, a slightly low score, ordinary noise.
    let learner = [8.0, 0.65, 104.0, 3.0];
    let contributions = model.contributions(&learner, &course_means).unwrap();

    assert_eq!(contributions[0].feature, "active_days");
    assert!(contributions[0].contribution > 1.0);
    assert_eq!(contributions[1].feature, "avg_score");
    assert!(contributions[1].contribution > 0.0);
    let constant = contributions
        .iter()
        .find(|c| c.feature == "constant")
        .unwrap();
    assert_eq!(constant.contribution, 0.0);

    // Exact for a linear model: the contributions add up to the difference in log-odds.
    let total: f64 = contributions.iter().map(|c| c.contribution).sum();
    let difference = model.log_odds(&learner).unwrap() - model.log_odds(&course_means).unwrap();
    assert!((total - difference).abs() < 1e-9, "{total} vs {difference}");

    // An engaged learner is pushed the other way.
    let engaged = model
        .contributions(&[30.0, 0.8, 100.0, 3.0], &course_means)
        .unwrap();
    assert!(
        engaged
            .iter()
            .all(|c| c.contribution <= 0.0 || c.feature == "noise")
    );
}
