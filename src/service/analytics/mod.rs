//! The analytics services: statements into metrics (`apply`, `drain`), risk scores
//! (`scoring`), models (`training`, `retrain`), and keeping the derived tables true to the
//! statements (`verify`, `rebuild`). See `docs/ANALYTICS.md`.

pub mod apply;
pub mod drain;
pub mod rebuild;
pub mod retrain;
pub mod scoring;
pub mod status;
pub mod training;
pub mod verify;
