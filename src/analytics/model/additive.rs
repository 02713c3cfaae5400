//! The second algorithm: gradient-boosted decision stumps (forust-ml), read back as an additive
//! model, one monotone shape per feature.
//!
//! Trees of depth one each split one feature, so the ensemble's log-odds is a sum of one
//! function per feature: `intercept + Σ shape_j(x_j)`, each shape a step function. That is what
//! lets trees keep the guarantee of the logistic model's explanations. Each shape is fitted
//! monotone in the direction its feature is known to push the risk ([`super::RiskSign`]), and
//! a learner's factor is `shape_j(x_j) − shape_j(course mean of j)`: positive exactly when the
//! learner is on the risky side of the course average, whatever the other features are. (Deeper
//! trees capture interactions, but then no per-feature explanation can promise that, and the
//! library's monotone constraints leak through splits on other features.)
//!
//! forust-ml fits the stumps; the shapes are then read off its trees and stored (a few hundred
//! numbers), so scoring and explaining need neither the library nor its model. Should a shape
//! still step the wrong way (the library enforces its constraints per split), it is made
//! monotone by pooling adjacent violators.

use forust_ml::constraints::{Constraint, ConstraintMap};
use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use super::{Dataset, ModelError, RiskSign};

/// Boosting rounds (stumps).
const ROUNDS: usize = 300;
const LEARNING_RATE: f32 = 0.05;
/// Share of the rows each stump is fitted on (stochastic boosting: steadier on small courses).
const SUBSAMPLE: f32 = 0.8;
const SEED: u64 = 7;

/// One feature's contribution to the log-odds, as a function of its value: `values[i]` for a
/// value with `i` split points at or below it (a value below every split takes `values[0]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub splits: Vec<f64>,
    pub values: Vec<f64>,
}

impl Shape {
    fn flat() -> Shape {
        Shape {
            splits: Vec::new(),
            values: vec![0.0],
        }
    }

    /// The shape's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        let i = self.splits.partition_point(|s| *s <= x);
        self.values.get(i).copied().unwrap_or(0.0)
    }

    /// Consistent: one more value than splits, splits ascending, everything finite.
    pub fn is_valid(&self) -> bool {
        self.values.len() == self.splits.len() + 1
            && self.splits.windows(2).all(|w| w[0] < w[1])
            && self
                .splits
                .iter()
                .chain(&self.values)
                .all(|v| v.is_finite())
    }
}

/// The fitted additive model: the intercept (log-odds of a learner at whom every shape is 0)
/// and one shape per feature.
pub struct Fitted {
    pub intercept: f64,
    pub shapes: Vec<Shape>,
}

/// Fits the stumps to `data` (labels: unsuccessful) with each feature's shape constrained to
/// its sign, and reads the shapes off the trees.
pub fn fit(data: &Dataset) -> Result<Fitted, ModelError> {
    let rows = data.rows.len();
    let columns = data.feature_names.len();
    // forust takes the matrix column by column.
    let mut by_column = Vec::with_capacity(rows * columns);
    for j in 0..columns {
        by_column.extend(data.rows.iter().map(|row| row[j]));
    }
    let matrix = Matrix::new(&by_column, rows, columns);
    let labels: Vec<f64> = data
        .labels
        .iter()
        .map(|&l| if l { 1.0 } else { 0.0 })
        .collect();
    let mut constraints = ConstraintMap::new();
    for j in 0..columns {
        match data.risk_sign(j) {
            RiskSign::HigherIsRiskier => {
                constraints.insert(j, Constraint::Positive);
            }
            RiskSign::HigherIsSafer => {
                constraints.insert(j, Constraint::Negative);
            }
            RiskSign::Free => {}
        }
    }
    let mut booster = GradientBooster::default()
        .set_objective_type(ObjectiveType::LogLoss)
        .set_iterations(ROUNDS)
        .set_learning_rate(LEARNING_RATE)
        .set_max_depth(1)
        .set_subsample(SUBSAMPLE)
        .set_seed(SEED)
        .set_parallel(false)
        .set_monotone_constraints(Some(constraints));
    booster
        .fit_unweighted(&matrix, &labels, None)
        .map_err(|e| ModelError::Solver(format!("boosting: {e}")))?;
    let mut fitted = shapes_of(&booster, columns)?;
    for (j, shape) in fitted.shapes.iter_mut().enumerate() {
        make_monotone(shape, data.risk_sign(j));
    }
    Ok(fitted)
}

/// The intercept and per-feature shapes of an ensemble of stumps.
fn shapes_of(booster: &GradientBooster, columns: usize) -> Result<Fitted, ModelError> {
    let mut intercept = booster.base_score;
    // Per feature: (split, left value, right value) of each stump on it.
    let mut stumps: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new(); columns];
    for tree in &booster.trees {
        let Some(root) = tree.nodes.first() else {
            continue;
        };
        if root.is_leaf {
            intercept += f64::from(root.weight_value);
            continue;
        }
        let leaf = |index: usize| {
            tree.nodes
                .iter()
                .find(|n| n.num == index)
                .filter(|n| n.is_leaf)
                .map(|n| f64::from(n.weight_value))
        };
        let (Some(left), Some(right)) = (leaf(root.left_child), leaf(root.right_child)) else {
            return Err(ModelError::Solver(
                "the booster grew a tree deeper than a stump".into(),
            ));
        };
        let feature = root.split_feature;
        if feature >= columns {
            return Err(ModelError::Solver(format!(
                "a stump splits feature {feature}"
            )));
        }
        stumps[feature].push((root.split_value, left, right));
    }
    let shapes = stumps
        .into_iter()
        .map(|on_feature| {
            if on_feature.is_empty() {
                return Shape::flat();
            }
            let mut splits: Vec<f64> = on_feature.iter().map(|s| s.0).collect();
            splits.sort_by(f64::total_cmp);
            splits.dedup();
            // Interval i holds the values with i splits at or below them; a stump sends them
            // left (value < split) exactly when its split is above them.
            let values = (0..=splits.len())
                .map(|i| {
                    on_feature
                        .iter()
                        .map(|&(split, left, right)| {
                            let below = splits.partition_point(|s| *s < split);
                            if i <= below { left } else { right }
                        })
                        .sum()
                })
                .collect();
            Shape { splits, values }
        })
        .collect();
    Ok(Fitted { intercept, shapes })
}

/// Makes a shape monotone in its feature's direction (non-decreasing for a feature whose higher
/// values are riskier, non-increasing for one whose higher values are safer), by pooling
/// adjacent violators: each run of values out of order is replaced by its mean.
fn make_monotone(shape: &mut Shape, sign: RiskSign) {
    let flip = match sign {
        RiskSign::HigherIsRiskier => false,
        RiskSign::HigherIsSafer => true,
        RiskSign::Free => return,
    };
    let values: Vec<f64> = shape
        .values
        .iter()
        .map(|v| if flip { -v } else { *v })
        .collect();
    // Blocks of (sum, count), non-decreasing means.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(values.len());
    for v in values {
        blocks.push((v, 1));
        while blocks.len() >= 2 {
            let (s2, n2) = blocks[blocks.len() - 1];
            let (s1, n1) = blocks[blocks.len() - 2];
            if s1 / n1 as f64 <= s2 / n2 as f64 {
                break;
            }
            blocks.pop();
            blocks.pop();
            blocks.push((s1 + s2, n1 + n2));
        }
    }
    shape.values = blocks
        .into_iter()
        .flat_map(|(sum, n)| std::iter::repeat_n(sum / n as f64, n))
        .map(|v| if flip { -v } else { v })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_steps_at_its_splits() {
        let shape = Shape {
            splits: vec![1.0, 3.0],
            values: vec![0.5, 0.1, -0.2],
        };
        assert_eq!(shape.at(0.0), 0.5);
        assert_eq!(
            shape.at(1.0),
            0.1,
            "a value at a split goes right, as in forust"
        );
        assert_eq!(shape.at(2.9), 0.1);
        assert_eq!(shape.at(7.0), -0.2);
        assert!(shape.is_valid());
    }

    #[test]
    fn violators_are_pooled_in_the_features_direction() {
        let mut rising = Shape {
            splits: vec![1.0, 2.0, 3.0],
            values: vec![0.0, 0.4, 0.2, 0.6],
        };
        make_monotone(&mut rising, RiskSign::HigherIsRiskier);
        assert_eq!(
            rising.values,
            vec![0.0, 0.30000000000000004, 0.30000000000000004, 0.6]
        );
        let mut falling = Shape {
            splits: vec![1.0, 2.0],
            values: vec![0.5, 0.1, 0.3],
        };
        make_monotone(&mut falling, RiskSign::HigherIsSafer);
        assert!(
            falling.values.windows(2).all(|w| w[0] >= w[1]),
            "{:?}",
            falling.values
        );
    }

    #[test]
    fn the_shapes_add_up_to_the_boosters_prediction() {
        let data = super::super::tests::synthetic::cohort(400, 3, 1.0, -0.5);
        let columns = data.feature_names.len();
        let mut by_column = Vec::new();
        for j in 0..columns {
            by_column.extend(data.rows.iter().map(|row| row[j]));
        }
        let labels: Vec<f64> = data
            .labels
            .iter()
            .map(|&l| f64::from(u8::from(l)))
            .collect();
        let mut booster = GradientBooster::default()
            .set_objective_type(ObjectiveType::LogLoss)
            .set_iterations(50)
            .set_max_depth(1)
            .set_parallel(false);
        booster
            .fit_unweighted(
                &Matrix::new(&by_column, data.rows.len(), columns),
                &labels,
                None,
            )
            .expect("fit");
        let fitted = shapes_of(&booster, columns).expect("stumps");
        let predicted = booster.predict(&Matrix::new(&by_column, data.rows.len(), columns), false);
        for (row, expected) in data.rows.iter().zip(predicted) {
            let sum: f64 = fitted.intercept
                + fitted
                    .shapes
                    .iter()
                    .zip(row)
                    .map(|(shape, x)| shape.at(*x))
                    .sum::<f64>();
            assert!((sum - expected).abs() < 1e-4, "{sum} against {expected}");
        }
    }

    #[test]
    fn boosted_explanations_read_the_right_way_round() {
        use crate::analytics::model::{Algorithm, TrainOptions, train};
        let mut data = super::super::tests::synthetic::cohort(800, 11, 1.2, -0.4);
        data.risk_signs = vec![
            RiskSign::HigherIsSafer,
            RiskSign::HigherIsSafer,
            RiskSign::HigherIsRiskier,
            RiskSign::Free,
        ];
        let model = train(
            &data,
            &TrainOptions {
                algorithm: Algorithm::GradientBoostedTrees,
                ..TrainOptions::default()
            },
        )
        .expect("train");
        assert!(
            model.training.auc_train > 0.75,
            "{}",
            model.training.auc_train
        );
        let columns = data.feature_names.len();
        let means: Vec<f64> = (0..columns)
            .map(|j| data.rows.iter().map(|r| r[j]).sum::<f64>() / data.rows.len() as f64)
            .collect();
        for row in &data.rows {
            let log_odds = model.log_odds(row).expect("score");
            let at_means = model.log_odds(&means).expect("score");
            let contributions = model.contributions(row, &means).expect("explain");
            let total: f64 = contributions.iter().map(|c| c.contribution).sum();
            assert!(
                (total - (log_odds - at_means)).abs() < 1e-9,
                "exact, additive"
            );
            for c in contributions {
                let wrong = match data.risk_signs[c.index] {
                    RiskSign::HigherIsSafer => {
                        (c.contribution > 0.0 && c.value > c.course_mean)
                            || (c.contribution < 0.0 && c.value < c.course_mean)
                    }
                    RiskSign::HigherIsRiskier => {
                        (c.contribution > 0.0 && c.value < c.course_mean)
                            || (c.contribution < 0.0 && c.value > c.course_mean)
                    }
                    RiskSign::Free => false,
                };
                assert!(
                    !wrong,
                    "{} = {} (mean {}) contributes {}",
                    c.feature, c.value, c.course_mean, c.contribution
                );
            }
        }
    }
}
