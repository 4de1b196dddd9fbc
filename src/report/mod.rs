//! Output for people and machines: the stdout table, the result files (`summary.json`,
//! `policies.csv`, `timeseries.csv`; formats in `docs/results-format.md`), reading them back,
//! charts, the HTML/Markdown report and the regression check against a baseline.
//!
//! Not here: computing metrics (`sim`).

pub mod charts;
pub mod check;
pub mod document;
mod files;
pub mod format;
pub mod results;
mod table;

pub use document::write_report;
pub use files::{ReportError, write_results};
pub use table::{render_calibration, render_table};
