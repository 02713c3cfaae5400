use super::cohort_model;
use crate::analytics::model::{MODEL_FORMAT_VERSION, TrainedModel};

#[test]
fn a_trained_model_survives_a_json_round_trip() {
    let model = cohort_model();
    let json = serde_json::to_value(&model).unwrap();
    let back: TrainedModel = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, model);
    let row = [15.0, 0.6, 90.0, 3.0];
    assert_eq!(back.probability(&row), model.probability(&row));

    assert_eq!(json["format_version"], MODEL_FORMAT_VERSION);
    assert_eq!(json["algorithm"], "logistic_regression");
    assert_eq!(json["training"]["class_weighting"], "balanced");
    assert_eq!(json["feature_names"][0], "active_days");
}

#[test]
fn another_format_version_is_refused() {
    let mut json = serde_json::to_value(cohort_model()).unwrap();
    json["format_version"] = 2.into();
    let error = serde_json::from_value::<TrainedModel>(json).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unsupported model format version 2"),
        "{error}"
    );
}
