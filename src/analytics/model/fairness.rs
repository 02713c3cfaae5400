//! Whether a model serves every group of learners: its evaluation within each group of learners
//! who share a value of an attribute the institution sent (a programme, a prior-attainment
//! band). A model that ranks well overall can still miss most at-risk learners of one group;
//! the ethics frameworks for learning analytics (Jisc's code of practice, SoLAR's) ask
//! institutions to check, and this is the check.
//!
//! Groups of fewer than [`MIN_GROUP`] learners say little (one learner more or less moves their
//! AUC by several points), so they are merged into one "other" group; when that is still too
//! small it is reported with its counts and no metrics.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Dataset, Evaluation, ModelError, TrainedModel, evaluate};

/// The smallest group evaluated on its own.
pub const MIN_GROUP: usize = 30;
/// The name of the group small groups are merged into.
pub const OTHER: &str = "(groups under 30 merged)";
/// The value of learners for whom the attribute was not sent.
pub const NOT_GIVEN: &str = "(not given)";

/// The model's evaluation within one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEvaluation {
    pub value: String,
    pub rows: usize,
    pub unsuccessful: usize,
    /// The values merged into this group (for [`OTHER`]), else empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// True when the group, even merged, has fewer than [`MIN_GROUP`] learners: no metrics.
    pub too_small: bool,
    pub roc_auc: Option<f64>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

/// The model's evaluation per value of one attribute; `values[i]` is row `i`'s value.
pub fn by_attribute(
    model: &TrainedModel,
    data: &Dataset,
    values: &[Option<String>],
) -> Result<Vec<GroupEvaluation>, ModelError> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, value) in values.iter().enumerate().take(data.rows.len()) {
        let key = value.clone().unwrap_or_else(|| NOT_GIVEN.to_owned());
        groups.entry(key).or_default().push(i);
    }
    let mut out = Vec::new();
    let mut small: Vec<(String, Vec<usize>)> = Vec::new();
    for (value, rows) in groups {
        if rows.len() >= MIN_GROUP {
            out.push(group(model, data, value, Vec::new(), &rows)?);
        } else {
            small.push((value, rows));
        }
    }
    if !small.is_empty() {
        let merged: Vec<String> = small.iter().map(|(v, _)| v.clone()).collect();
        let rows: Vec<usize> = small.into_iter().flat_map(|(_, r)| r).collect();
        out.push(group(model, data, OTHER.to_owned(), merged, &rows)?);
    }
    Ok(out)
}

fn group(
    model: &TrainedModel,
    data: &Dataset,
    value: String,
    merged: Vec<String>,
    rows: &[usize],
) -> Result<GroupEvaluation, ModelError> {
    let subset = data.subset(rows);
    let unsuccessful = subset.positives();
    if rows.len() < MIN_GROUP {
        return Ok(GroupEvaluation {
            value,
            rows: rows.len(),
            unsuccessful,
            merged,
            too_small: true,
            roc_auc: None,
            precision: None,
            recall: None,
        });
    }
    let Evaluation {
        auc,
        precision,
        recall,
        ..
    } = evaluate(model, &subset)?;
    Ok(GroupEvaluation {
        value,
        rows: rows.len(),
        unsuccessful,
        merged,
        too_small: false,
        roc_auc: auc,
        precision,
        recall,
    })
}
