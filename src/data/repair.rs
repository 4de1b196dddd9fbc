//! `eros-sim repair IN --out OUT`: writes a repaired copy of a history folder and never
//! changes its input.
//!
//! Every row of `IN/sends.csv` ends up in exactly one place:
//! - clean: written unchanged;
//! - repaired: written with its conversion rate recomputed as
//!   `SAFE_DIVIDE(conversions, NULLIF(reach, 0))` and/or its NULL conversion score backfilled
//!   with the formula of `score::conversion::RunningScores` (the caption's empirical-Bayes
//!   posterior mean given its rows so far, prior fitted on the valid rows), every change in
//!   `changes.csv` (file, line, field, old, new, reason);
//! - quarantined: rows that cannot be a valid send (unparsable or impossible field, duplicate
//!   `send_id`, caption not in `captions.csv`) go to `quarantine.csv` with the reason and the
//!   raw fields.
//!
//! The performance-tracking table is rebuilt from the repaired sends (one row per caption),
//! logged in `changes.csv`. Repairing a repaired folder changes nothing.

use super::schema::{DataError, PERFORMANCE_COLUMNS, RowIssue, SENDS_COLUMNS, SendRow, SendsReader, SendsWriter};
use crate::domain::Minute;
use crate::score::conversion::{BetaPrior, Counts, RunningScores};
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

/// How well the backfill formula reproduces the scores that were present.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreCheck {
    /// Rows with a stored score compared.
    pub compared: u64,
    /// Largest |stored − formula|.
    pub max_abs_diff: f64,
    /// Mean |stored − formula|.
    pub mean_abs_diff: f64,
}

/// What the repair did; `rows_in = clean + repaired + quarantined`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepairReport {
    /// Data rows read.
    pub rows_in: u64,
    /// Rows written unchanged.
    pub clean: u64,
    /// Rows written with at least one change.
    pub repaired: u64,
    /// Rows moved to `quarantine.csv`.
    pub quarantined: u64,
    /// Conversion rates recomputed.
    pub rates_recomputed: u64,
    /// NULL scores backfilled.
    pub scores_backfilled: u64,
    /// Backfill formula against the stored scores.
    pub score_check: ScoreCheck,
    /// Rows of the rebuilt performance-tracking table.
    pub performance_rows: u64,
}

fn csv_err(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::Csv { path: path.to_path_buf(), message: e.to_string() }
}

/// The decision for one input row, made identically in both passes.
enum Verdict {
    Valid(SendRow),
    Quarantine(RowIssue),
}

/// Reads `sends.csv` and judges each row: parse, duplicate id, unknown caption.
struct Judge {
    reader: SendsReader,
    seen: HashSet<u64>,
    known: Option<HashSet<u32>>,
}

impl Judge {
    fn open(dir: &Path) -> Result<Self, DataError> {
        let known = super::audit::caption_ids(&dir.join("captions.csv"))?;
        Ok(Self { reader: SendsReader::open(&dir.join("sends.csv"))?, seen: HashSet::new(), known })
    }

    fn next(&mut self) -> Option<(u64, Verdict)> {
        let row = self.reader.next_row()?;
        let line = self.reader.line();
        let verdict = match row {
            Err(issue) => Verdict::Quarantine(issue),
            Ok(r) if !self.seen.insert(r.send_id) => Verdict::Quarantine(RowIssue {
                line,
                field: "send_id",
                reason: format!("duplicate send_id {}", r.send_id),
            }),
            Ok(r) if self.known.as_ref().is_some_and(|k| !k.contains(&r.caption_id)) => Verdict::Quarantine(RowIssue {
                line,
                field: "caption_id",
                reason: format!("caption {} is not in captions.csv", r.caption_id),
            }),
            Ok(r) => Verdict::Valid(r),
        };
        Some((line, verdict))
    }
}

/// Repairs `input` into `output` (see module docs).
pub fn repair(input: &Path, output: &Path) -> Result<RepairReport, DataError> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if same(input, output) {
        return Err(DataError::Invalid(format!(
            "{}: repair writes a new folder and never changes its input; give another --out",
            output.display()
        )));
    }
    std::fs::create_dir_all(output).map_err(|source| DataError::Io { path: output.to_path_buf(), source })?;

    // Pass 1: totals of the valid rows fit the score prior.
    let mut totals: Vec<Counts> = Vec::new();
    let mut judge = Judge::open(input)?;
    while let Some((_, v)) = judge.next() {
        if let Verdict::Valid(r) = v {
            let c = r.caption_id as usize;
            if totals.len() <= c {
                totals.resize(c + 1, Counts::default());
            }
            totals[c].conversions += f64::from(r.conversions);
            totals[c].reach += f64::from(r.reach);
        }
    }
    let prior = BetaPrior::fit_pooled(&totals);

    // Pass 2: the same verdicts, now written out.
    let mut judge = Judge::open(input)?;
    let mut scores = RunningScores::new(prior, totals.len());
    let mut out = SendsWriter::create(&output.join("sends.csv"))?;
    let changes_path = output.join("changes.csv");
    let mut changes = csv::Writer::from_path(&changes_path).map_err(|e| csv_err(&changes_path, e))?;
    changes.write_record(["file", "line", "field", "old", "new", "reason"]).map_err(|e| csv_err(&changes_path, e))?;
    let quarantine_path = output.join("quarantine.csv");
    let mut quarantine = csv::Writer::from_path(&quarantine_path).map_err(|e| csv_err(&quarantine_path, e))?;
    let mut qheader = vec!["file", "line", "field", "reason"];
    qheader.extend(SENDS_COLUMNS);
    quarantine.write_record(&qheader).map_err(|e| csv_err(&quarantine_path, e))?;

    let mut report = RepairReport {
        rows_in: 0,
        clean: 0,
        repaired: 0,
        quarantined: 0,
        rates_recomputed: 0,
        scores_backfilled: 0,
        score_check: ScoreCheck { compared: 0, max_abs_diff: 0.0, mean_abs_diff: 0.0 },
        performance_rows: 0,
    };
    let mut diff_sum = 0.0;
    let mut slot_sends: HashSet<(u32, Minute)> = HashSet::new();
    let mut perf: Vec<(Counts, f64, u64)> = vec![(Counts::default(), 0.0, 0); totals.len()];
    while let Some((line, verdict)) = judge.next() {
        report.rows_in += 1;
        let mut r = match verdict {
            Verdict::Quarantine(issue) => {
                report.quarantined += 1;
                let mut rec =
                    vec!["sends.csv".to_string(), issue.line.to_string(), issue.field.to_string(), issue.reason];
                rec.extend(judge.reader.raw_fields());
                quarantine.write_record(&rec).map_err(|e| csv_err(&quarantine_path, e))?;
                continue;
            }
            Verdict::Valid(r) => r,
        };
        let mut changed = false;
        let mut log = |field: &str, old: String, new: String, reason: &str| {
            changes
                .write_record(["sends.csv", &line.to_string(), field, &old, &new, reason])
                .map_err(|e| csv_err(&changes_path, e))
        };
        let truth = r.recomputed_rate();
        if !r.rate_is_consistent() {
            log(
                "conversion_rate",
                r.conversion_rate.map(|v| v.to_string()).unwrap_or_default(),
                truth.map(|v| v.to_string()).unwrap_or_default(),
                "recomputed as SAFE_DIVIDE(conversions, NULLIF(reach, 0))",
            )?;
            r.conversion_rate = truth;
            report.rates_recomputed += 1;
            changed = true;
        }
        let score = scores.next(r.caption_id as usize, f64::from(r.conversions), f64::from(r.reach));
        match r.conversion_score {
            None => {
                log(
                    "conversion_score",
                    String::new(),
                    score.to_string(),
                    "NULL backfilled with the empirical-Bayes posterior mean of the caption's rows so far",
                )?;
                r.conversion_score = Some(score);
                report.scores_backfilled += 1;
                changed = true;
            }
            Some(stored) => {
                let d = (stored - score).abs();
                report.score_check.compared += 1;
                report.score_check.max_abs_diff = report.score_check.max_abs_diff.max(d);
                diff_sum += d;
            }
        }
        if changed {
            report.repaired += 1;
        } else {
            report.clean += 1;
        }
        let p = &mut perf[r.caption_id as usize];
        p.0.conversions += f64::from(r.conversions);
        p.0.reach += f64::from(r.reach);
        p.1 += r.revenue;
        if slot_sends.insert((r.caption_id, r.sent_at)) {
            p.2 += 1;
        }
        out.write(&r)?;
    }
    out.finish()?;
    if report.score_check.compared > 0 {
        report.score_check.mean_abs_diff = diff_sum / report.score_check.compared as f64;
    }

    // The performance-tracking table, rebuilt from the repaired sends.
    let perf_path = output.join("performance_tracking.csv");
    let mut pw = csv::Writer::from_path(&perf_path).map_err(|e| csv_err(&perf_path, e))?;
    pw.write_record(PERFORMANCE_COLUMNS).map_err(|e| csv_err(&perf_path, e))?;
    for (c, (counts, revenue, sends)) in perf.iter().enumerate().filter(|(_, p)| p.2 > 0) {
        pw.write_record([
            c.to_string(),
            sends.to_string(),
            counts.reach.to_string(),
            counts.conversions.to_string(),
            revenue.to_string(),
            prior.score(*counts).to_string(),
        ])
        .map_err(|e| csv_err(&perf_path, e))?;
        report.performance_rows += 1;
    }
    pw.flush().map_err(|source| DataError::Io { path: perf_path.clone(), source })?;
    let old_state = super::audit::table_state(&input.join("performance_tracking.csv"))?;
    let new_state = super::audit::table_state(&perf_path)?;
    if old_state != new_state {
        changes
            .write_record([
                "performance_tracking.csv",
                "",
                "",
                &format!("{old_state:?}"),
                &format!("{new_state:?}"),
                "rebuilt from the repaired sends.csv (one row per caption)",
            ])
            .map_err(|e| csv_err(&changes_path, e))?;
    }
    changes.flush().map_err(|source| DataError::Io { path: changes_path.clone(), source })?;
    quarantine.flush().map_err(|source| DataError::Io { path: quarantine_path.clone(), source })?;
    for name in ["captions.csv", "manifest.json"] {
        let from = input.join(name);
        if from.exists() {
            std::fs::copy(&from, output.join(name)).map_err(|source| DataError::Io { path: from.clone(), source })?;
        }
    }
    Ok(report)
}
