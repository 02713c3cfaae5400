//! Risk bands: what a teacher sees instead of a raw probability. Medium starts at half the
//! threshold so that learners drifting towards it are flagged before they cross it.

use serde::{Deserialize, Serialize};

use super::TrainedModel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    High,
    Medium,
    Low,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }
}

impl std::fmt::Display for Band {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TrainedModel {
    /// High when `probability >= threshold`, Medium when `>= threshold / 2`, else Low
    /// (also for NaN, which no method of this module produces).
    pub fn band(&self, probability: f64) -> Band {
        if probability >= self.threshold {
            Band::High
        } else if probability >= self.threshold / 2.0 {
            Band::Medium
        } else {
            Band::Low
        }
    }
}
