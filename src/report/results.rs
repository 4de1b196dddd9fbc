//! Reading a results folder back (`summary.json`, `timeseries.csv`) for charts, reports and
//! regression checks.

use super::ReportError;
use crate::sim::summary::{SeriesRow, Summary};
use std::path::Path;

/// A run's results as written by `eros-sim run`.
#[derive(Debug, Clone)]
pub struct Results {
    /// `summary.json`.
    pub summary: Summary,
    /// `timeseries.csv` rows.
    pub series: Vec<SeriesRow>,
}

/// Reads `summary.json` from `path` (a file, or a results folder holding one).
pub fn read_summary(path: &Path) -> Result<Summary, ReportError> {
    let file = if path.is_dir() { path.join("summary.json") } else { path.to_path_buf() };
    let text = std::fs::read_to_string(&file).map_err(|source| ReportError::Io { path: file.clone(), source })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Decode {
        path: file,
        line: e.line(),
        message: format!("{e} (expected a summary.json written by eros-sim run)"),
    })
}

/// Reads `timeseries.csv` from a results folder.
pub fn read_series(dir: &Path) -> Result<Vec<SeriesRow>, ReportError> {
    let file = dir.join("timeseries.csv");
    let mut reader = csv::Reader::from_path(&file).map_err(|e| ReportError::Decode {
        path: file.clone(),
        line: 0,
        message: e.to_string(),
    })?;
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize::<SeriesRow>().enumerate() {
        let row = row.map_err(|e| ReportError::Decode {
            path: file.clone(),
            line: e.position().map_or(i + 2, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// Reads a results folder.
pub fn read_results(dir: &Path) -> Result<Results, ReportError> {
    Ok(Results { summary: read_summary(dir)?, series: read_series(dir)? })
}

impl Results {
    /// The daily series of `metric` for `policy`: (day, mean, lo, hi), in day order.
    pub fn daily(&self, policy: &str, metric: &str) -> Vec<(u32, f64, Option<f64>, Option<f64>)> {
        let mut v: Vec<_> = self
            .series
            .iter()
            .filter(|r| r.policy == policy && r.metric == metric)
            .map(|r| (r.day, r.mean, r.lo, r.hi))
            .collect();
        v.sort_by_key(|r| r.0);
        v
    }
}
