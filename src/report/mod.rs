//! Output for people and machines: the stdout table and the result files
//! (`summary.json`, `policies.csv`, `timeseries.csv`; formats in `docs/results-format.md`).
//!
//! Not here: computing metrics (`sim`).

mod files;
mod table;

pub use files::{ReportError, write_results};
pub use table::{render_calibration, render_table};
