//! `eros-sim audit`: one streaming pass over a history folder that finds the seed's defects.
//!
//! - conversion rate recomputed as `SAFE_DIVIDE(conversions, NULLIF(reach, 0))`; a stored rate
//!   that differs (by more than 1e-9), or is outside [0, 1], is corrupted;
//! - NULL conversion scores counted;
//! - the performance-tracking export reported as missing, empty (header only) or its row count
//!   — an empty table is never read as zeros;
//! - freshness: hours from the last send to `--now` (default: the manifest's export time):
//!   OK below 48 h, WARNING from 48 h, CRITICAL from 72 h;
//! - rows that cannot be valid sends (bad fields, duplicate `send_id`, unknown `caption_id`)
//!   are counted with file, line, field and reason;
//! - data-quality score: the share of send rows with no defect at all;
//! - anomalies: drops of a creator's daily conversion rate (its logarithm) against a rolling
//!   median/MAD (`data::anomaly`); a revenue collapse shows there, without the noise that
//!   prices add to daily revenue.
//!
//! Severity: CRITICAL (exit 2) when the export is ≥ 72 h stale, the performance table is
//! empty or missing, or the data-quality score is below 90 %; WARNING (exit 1) when the export
//! is ≥ 48 h stale, or there is any corrupted rate, NULL score, invalid row or anomaly; else OK.

use super::anomaly::{Anomaly, detect};
use super::generate::Manifest;
use super::schema::{DataError, RowIssue, SendsReader};
use crate::domain::Minute;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Freshness or overall severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Nothing to act on.
    Ok,
    /// Look at it.
    Warning,
    /// Act now.
    Critical,
}

impl Severity {
    /// Exit code of `eros-sim audit`: 0, 1, 2.
    pub fn exit_code(self) -> u8 {
        self as u8
    }
}

/// The performance-tracking export as found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "rows")]
pub enum TableState {
    /// No file.
    Missing,
    /// A header and no rows (or no bytes): an empty table, not zeros.
    Empty,
    /// Data rows present.
    Rows(u64),
}

/// A row problem, for the report (file, line, field, reason).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// Column.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

/// One anomalous creator-day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnomalyFinding {
    /// Creator.
    pub creator_id: u32,
    /// Date (YYYY-MM-DD).
    pub date: String,
    /// The series: `conversion_rate`.
    pub metric: String,
    /// The day's value.
    pub value: f64,
    /// Median of the trailing window (geometric: the series is judged on a log scale).
    pub median: f64,
    /// Robust z-score.
    pub z: f64,
}

/// Freshness of the export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Freshness {
    /// Last `sent_at` in the data.
    pub latest_send: Option<String>,
    /// The time the audit judged against.
    pub now: Option<String>,
    /// Hours between them.
    pub age_hours: Option<f64>,
    /// OK / WARNING / CRITICAL.
    pub status: Severity,
}

/// Everything the audit found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// Data rows read from `sends.csv`.
    pub rows: u64,
    /// Rows that could not be valid sends (bad field, duplicate id, unknown caption).
    pub invalid_rows: u64,
    /// Rows whose stored conversion rate disagrees with the recomputed one.
    pub corrupted_rates: u64,
    /// Of those, rows whose stored rate is outside [0, 1].
    pub rates_out_of_range: u64,
    /// Lines (1-based) of the corrupted rates.
    pub corrupted_lines: Vec<u64>,
    /// Rows with reach 0 (rate correctly NULL).
    pub zero_reach_rows: u64,
    /// Rows with a NULL conversion score.
    pub null_scores: u64,
    /// Share of rows with no defect (fraction).
    pub data_quality_score: f64,
    /// The performance-tracking export.
    pub performance_table: TableState,
    /// Freshness of the export.
    pub freshness: Freshness,
    /// Anomalous creator-days.
    pub anomalies: Vec<AnomalyFinding>,
    /// Invalid rows, first 1,000 (the count is `invalid_rows`).
    pub invalid: Vec<Finding>,
    /// Worst severity.
    pub severity: Severity,
}

/// Most invalid rows listed one by one.
const MAX_LISTED: usize = 1000;

/// Hours of staleness that make a WARNING and a CRITICAL.
pub const STALE_WARNING_HOURS: f64 = 48.0;
/// See [`STALE_WARNING_HOURS`].
pub const STALE_CRITICAL_HOURS: f64 = 72.0;

/// Caption ids listed in `captions.csv` (`None` when the file is absent).
pub fn caption_ids(path: &Path) -> Result<Option<HashSet<u32>>, DataError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| DataError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
    let mut ids = HashSet::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| DataError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        if let Some(id) = rec.get(0).and_then(|v| v.trim().parse::<u32>().ok()) {
            ids.insert(id);
        }
    }
    Ok(Some(ids))
}

/// The state of `performance_tracking.csv`.
pub fn table_state(path: &Path) -> Result<TableState, DataError> {
    if !path.exists() {
        return Ok(TableState::Missing);
    }
    let text = std::fs::read_to_string(path).map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    let rows = text.lines().skip(1).filter(|l| !l.trim().is_empty()).count() as u64;
    Ok(if rows == 0 { TableState::Empty } else { TableState::Rows(rows) })
}

/// The export time recorded by `generate`, if any.
fn manifest_time(dir: &Path) -> Option<Minute> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let m: Manifest = serde_json::from_str(&text).ok()?;
    Minute::parse_rfc3339(&m.exported_at).ok()
}

/// Audits the history folder `dir` (see module docs). `now` overrides the export time.
pub fn audit(dir: &Path, now: Option<Minute>) -> Result<AuditReport, DataError> {
    let sends_path = dir.join("sends.csv");
    let known = caption_ids(&dir.join("captions.csv"))?;
    let mut reader = SendsReader::open(&sends_path)?;
    let mut seen = HashSet::new();
    let (mut rows, mut invalid_rows, mut corrupted, mut out_of_range, mut zero_reach, mut null_scores, mut defective) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut corrupted_lines = Vec::new();
    let mut invalid = Vec::new();
    let mut latest: Option<Minute> = None;
    // creator → per day [conversions, reach, revenue]
    let mut daily: HashMap<u32, Vec<[f64; 3]>> = HashMap::new();
    let note = |issue: RowIssue, invalid: &mut Vec<Finding>| {
        if invalid.len() < MAX_LISTED {
            invalid.push(Finding {
                file: "sends.csv".into(),
                line: issue.line,
                field: issue.field.into(),
                reason: issue.reason,
            });
        }
    };
    while let Some(row) = reader.next_row() {
        rows += 1;
        let r = match row {
            Ok(r) => r,
            Err(issue) => {
                invalid_rows += 1;
                defective += 1;
                note(issue, &mut invalid);
                continue;
            }
        };
        let line = reader.line();
        if !seen.insert(r.send_id) {
            invalid_rows += 1;
            defective += 1;
            note(RowIssue { line, field: "send_id", reason: format!("duplicate send_id {}", r.send_id) }, &mut invalid);
            continue;
        }
        if let Some(ids) = &known
            && !ids.contains(&r.caption_id)
        {
            invalid_rows += 1;
            defective += 1;
            note(
                RowIssue {
                    line,
                    field: "caption_id",
                    reason: format!("caption {} is not in captions.csv", r.caption_id),
                },
                &mut invalid,
            );
            continue;
        }
        let rate_ok = r.rate_is_consistent();
        if r.reach == 0 {
            zero_reach += 1;
        }
        if !rate_ok {
            corrupted += 1;
            corrupted_lines.push(line);
            if r.conversion_rate.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
                out_of_range += 1;
            }
        }
        if r.conversion_score.is_none() {
            null_scores += 1;
        }
        if !rate_ok || r.conversion_score.is_none() {
            defective += 1;
        }
        latest = latest.max(Some(r.sent_at));
        let days = daily.entry(r.creator_id).or_default();
        let day = r.sent_at.day() as usize;
        if days.len() <= day {
            days.resize(day + 1, [0.0; 3]);
        }
        days[day][0] += f64::from(r.conversions);
        days[day][1] += f64::from(r.reach);
        days[day][2] += r.revenue;
    }

    let now = now.or_else(|| manifest_time(dir)).or(latest);
    let age_hours = match (latest, now) {
        (Some(l), Some(n)) => Some((f64::from(n.0) - f64::from(l.0)) / 60.0),
        _ => None,
    };
    let freshness_status = match age_hours {
        Some(h) if h >= STALE_CRITICAL_HOURS => Severity::Critical,
        Some(h) if h >= STALE_WARNING_HOURS => Severity::Warning,
        Some(_) => Severity::Ok,
        None => Severity::Critical, // no data at all
    };

    let mut creators: Vec<u32> = daily.keys().copied().collect();
    creators.sort_unstable();
    let mut anomalies: Vec<Anomaly> = Vec::new();
    for c in creators {
        let days = &daily[&c];
        // Log conversion rate; a day with no conversion at all is floored at half a conversion.
        let log_rate: Vec<f64> =
            days.iter().map(|d| if d[1] > 0.0 { (d[0].max(0.5) / d[1]).ln() } else { f64::NAN }).collect();
        anomalies.extend(detect(c, "conversion_rate", &log_rate).into_iter().map(|a| Anomaly {
            value: a.value.exp(),
            median: a.median.exp(),
            ..a
        }));
    }
    let performance_table = table_state(&dir.join("performance_tracking.csv"))?;
    let data_quality_score = if rows == 0 { 0.0 } else { 1.0 - defective as f64 / rows as f64 };
    let mut severity = freshness_status;
    if corrupted > 0 || null_scores > 0 || invalid_rows > 0 || !anomalies.is_empty() {
        severity = severity.max(Severity::Warning);
    }
    if !matches!(performance_table, TableState::Rows(_)) || data_quality_score < 0.9 {
        severity = Severity::Critical;
    }
    Ok(AuditReport {
        rows,
        invalid_rows,
        corrupted_rates: corrupted,
        rates_out_of_range: out_of_range,
        corrupted_lines,
        zero_reach_rows: zero_reach,
        null_scores,
        data_quality_score,
        performance_table,
        freshness: Freshness {
            latest_send: latest.map(Minute::to_rfc3339),
            now: now.map(Minute::to_rfc3339),
            age_hours,
            status: freshness_status,
        },
        anomalies: anomalies
            .into_iter()
            .map(|a| AnomalyFinding {
                creator_id: a.creator,
                date: Minute::start_of_day(a.day).to_rfc3339()[..10].to_string(),
                metric: a.metric.to_string(),
                value: a.value,
                median: a.median,
                z: a.z,
            })
            .collect(),
        invalid,
        severity,
    })
}

/// A readable report.
pub fn render_audit(dir: &Path, a: &AuditReport) -> String {
    let pct = |x: u64| if a.rows == 0 { 0.0 } else { 100.0 * x as f64 / a.rows as f64 };
    let mut out = format!("audit of {}\n\n", dir.display());
    out += &format!("rows read                  {}\n", a.rows);
    out += &format!("invalid rows               {} ({:.3} %)\n", a.invalid_rows, pct(a.invalid_rows));
    out += &format!(
        "corrupted conversion rates {} ({:.3} %; {} outside [0, 1]) — stored rate ≠ SAFE_DIVIDE(conversions, NULLIF(reach, 0))\n",
        a.corrupted_rates,
        pct(a.corrupted_rates),
        a.rates_out_of_range
    );
    out += &format!("NULL conversion scores     {} ({:.3} %)\n", a.null_scores, pct(a.null_scores));
    out += &format!("rows with reach 0          {} (rate correctly NULL)\n", a.zero_reach_rows);
    out += &format!("data-quality score         {:.2} % of rows without any defect\n", a.data_quality_score * 100.0);
    out += &format!(
        "performance table          {}\n",
        match &a.performance_table {
            TableState::Missing => "MISSING (performance_tracking.csv not found)".to_string(),
            TableState::Empty => "EMPTY (header only: no rows were exported — not zeros)".to_string(),
            TableState::Rows(n) => format!("{n} rows"),
        }
    );
    out += &format!(
        "freshness                  {:?}: last send {}, now {}, {} old (WARNING ≥ 48 h, CRITICAL ≥ 72 h)\n",
        a.freshness.status,
        a.freshness.latest_send.as_deref().unwrap_or("none"),
        a.freshness.now.as_deref().unwrap_or("unknown"),
        a.freshness.age_hours.map_or("?".to_string(), |h| format!("{h:.1} h")),
    );
    out += &format!("anomalous creator-days     {}\n", a.anomalies.len());
    for an in a.anomalies.iter().take(20) {
        out += &format!(
            "  creator {} on {}: {} {:.4} vs median {:.4} (robust z {:.1})\n",
            an.creator_id, an.date, an.metric, an.value, an.median, an.z
        );
    }
    for f in a.invalid.iter().take(20) {
        out += &format!("  {}:{}: {}: {}\n", f.file, f.line, f.field, f.reason);
    }
    out += &format!("\nseverity: {:?}\n", a.severity);
    out
}
