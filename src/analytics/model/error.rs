//! Why training or scoring refused its input. Every variant names the feature, row or option at
//! fault so the HTTP layer can hand the message to the caller as it is.

/// Everything that can go wrong in the at-risk model. Nothing in this module panics instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("the dataset has no rows")]
    EmptyDataset,
    #[error("the dataset has no features")]
    NoFeatures,
    #[error("feature name `{0}` appears more than once")]
    DuplicateFeature(String),
    #[error("there are {rows} rows but {labels} labels")]
    LabelCount { rows: usize, labels: usize },
    #[error("row {row} has {found} values but there are {expected} features")]
    RowLength {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("feature `{feature}` in row {row} is {value}; features must be finite numbers")]
    NonFinite {
        feature: String,
        row: usize,
        value: f64,
    },
    #[error(
        "training needs both outcomes, but all {rows} rows are {}",
        if *unsuccessful { "unsuccessful" } else { "successful" }
    )]
    SingleClass { rows: usize, unsuccessful: bool },
    #[error("invalid option `{option}`: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
    #[error("expected {expected} feature values, got {found}")]
    FeatureCount { expected: usize, found: usize },
    #[error("feature {index} is `{found}` but the model was trained with `{expected}`")]
    FeatureName {
        index: usize,
        expected: String,
        found: String,
    },
    #[error("{what} of feature `{feature}` is {value}; it must be a finite number")]
    NonFiniteValue {
        what: &'static str,
        feature: String,
        value: f64,
    },
    #[error("feature `{feature}` has values too large to standardise")]
    Overflow { feature: String },
    #[error("the solver failed: {0}")]
    Solver(String),
    #[error("the model is inconsistent: {0}")]
    InvalidModel(String),
}
