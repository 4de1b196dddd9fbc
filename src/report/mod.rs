//! Output for people and machines: the stdout table and the result files
//! (`summary.json`, `policies.csv`, `timeseries.csv`; formats in `docs/results-format.md`).
//!
//! Not here: computing metrics (`sim`).

mod files;
mod table;

pub use files::{write_results, ReportError};
pub use table::render_table;
