use crate::sim::summary::{SeriesRow, Summary};
use crate::stats::Interval;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why result files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Filesystem error, with the path.
    #[error("{path}: {source}")]
    Io {
        /// File or folder.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// CSV or JSON encoding error, with the path.
    #[error("{path}: {message}")]
    Encode {
        /// File.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A results file could not be read back.
    #[error("{path}:{line}: {message}")]
    Decode {
        /// File.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("chart {chart}: {message}")]
    Chart {
        /// Chart file stem.
        chart: String,
        /// What went wrong.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io { path: path.to_path_buf(), source }
}

fn encode(path: &Path, e: impl std::fmt::Display) -> ReportError {
    ReportError::Encode { path: path.to_path_buf(), message: e.to_string() }
}

/// Writes `summary.json`, `policies.csv` and `timeseries.csv` into `dir` (created).
pub fn write_results(dir: &Path, summary: &Summary, series: &[SeriesRow]) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join("summary.json");
    let json = serde_json::to_string_pretty(summary).map_err(|e| encode(&path, e))?;
    std::fs::write(&path, json + "\n").map_err(io(&path))?;

    let path = dir.join("policies.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| encode(&path, e))?;
    let metrics = metric_columns(summary);
    let mut header = vec!["policy".to_string(), "kind".to_string(), "feedback".to_string(), "data".to_string()];
    for (name, _) in metrics.first().map(|m| m.as_slice()).unwrap_or_default() {
        for part in ["mean", "lo", "hi"] {
            header.push(format!("{name}_{part}"));
        }
    }
    w.write_record(&header).map_err(|e| encode(&path, e))?;
    for (p, cols) in summary.policies.iter().zip(&metrics) {
        let mut rec = vec![p.name.clone(), enum_name(&p.kind), enum_name(&p.feedback), enum_name(&p.data)];
        for (_, i) in cols {
            rec.extend([fmt(Some(i.mean)), fmt(i.lo), fmt(i.hi)]);
        }
        w.write_record(&rec).map_err(|e| encode(&path, e))?;
    }
    w.flush().map_err(io(&path))?;

    let path = dir.join("timeseries.csv");
    let file = std::fs::File::create(&path).map_err(io(&path))?;
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "policy,day,metric,mean,lo,hi").map_err(io(&path))?;
    for r in series {
        writeln!(out, "{},{},{},{},{},{}", r.policy, r.day, r.metric, fmt(Some(r.mean)), fmt(r.lo), fmt(r.hi))
            .map_err(io(&path))?;
    }
    out.flush().map_err(io(&path))?;
    Ok(())
}

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn fmt(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}

/// Each policy's metrics as (name, interval) in summary order, read from the JSON form so
/// that CSV columns and JSON fields never drift apart.
fn metric_columns(summary: &Summary) -> Vec<Vec<(String, Interval)>> {
    summary
        .policies
        .iter()
        .map(|p| {
            let value = serde_json::to_value(p).unwrap_or_default();
            let mut cols = Vec::new();
            if let Some(obj) = value.as_object() {
                let as_interval = |v: &serde_json::Value| {
                    let get = |f: &str| v.get(f).and_then(|x| x.as_f64());
                    v.get("mean").map(|m| Interval {
                        mean: m.as_f64().unwrap_or(f64::NAN),
                        lo: get("lo"),
                        hi: get("hi"),
                    })
                };
                for (k, v) in obj {
                    if let Some(i) = as_interval(v) {
                        cols.push((k.clone(), i));
                    } else if let Some(inner) = v.as_object() {
                        // A table of intervals (e.g. `lift_by_tier`): one column group per entry.
                        for (k2, v2) in inner {
                            if let Some(i) = as_interval(v2) {
                                cols.push((format!("{k}_{k2}"), i));
                            }
                        }
                    } else if let Some(items) = v.as_array() {
                        // A list of intervals (e.g. `saturation_distribution`): one per item.
                        for (n, v2) in items.iter().enumerate() {
                            if let Some(i) = as_interval(v2) {
                                cols.push((format!("{k}_{n}"), i));
                            }
                        }
                    }
                }
            }
            cols
        })
        .collect()
}
