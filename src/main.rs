//! The `eros-sim` command line: parses arguments, shows progress, prints. All work is done by
//! the `eros_sim` library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use eros_sim::data;
use eros_sim::report::check::{Tolerance, check, render_check};
use eros_sim::report::{self, ReportError, render_calibration, render_table, write_results};
use eros_sim::scenario::{self, ScenarioError};
use eros_sim::sim::{self, Progress, summary};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "eros-sim",
    version,
    about = "Replay caption-selection policies in a calibrated world and measure regret and lift"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario: calibrate, simulate replicates × policies, write results.
    Run {
        /// Scenario file (TOML), e.g. scenarios/baseline.toml.
        scenario: PathBuf,
        /// Override the scenario's number of replicates.
        #[arg(long)]
        replicates: Option<u32>,
        /// Override the horizon in days.
        #[arg(long)]
        days: Option<u32>,
        /// Override the seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Output folder (default: results/<scenario name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also draw the charts and write report.html / report.md.
        #[arg(long)]
        report: bool,
    },
    /// Write a history (captions.csv, sends.csv, ...) with the seed's defects injected.
    Generate {
        /// Scenario file (its [defects] section sets the defect counts).
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Days of history.
        #[arg(long, default_value_t = 365)]
        days: u32,
    },
    /// Audit a history folder; exit 0 / 1 / 2 for OK / WARNING / CRITICAL.
    Audit {
        /// Folder with sends.csv (and captions.csv, performance_tracking.csv, manifest.json).
        dir: PathBuf,
        /// Judge freshness against this time (RFC 3339; default: the manifest's export time).
        #[arg(long)]
        now: Option<String>,
        /// Also write the report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Write a repaired copy of a history folder (never changes the input).
    Repair {
        /// Folder with sends.csv.
        dir: PathBuf,
        /// Output folder (must differ from the input).
        #[arg(long)]
        out: PathBuf,
    },
    /// Segment the creators of a history folder and print the leaderboard.
    Segment {
        /// Folder with sends.csv and captions.csv.
        dir: PathBuf,
        /// Where to write creator_segments.csv (default: DIR/creator_segments.csv).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Trigger effectiveness per cohort from a history folder (trigger_profiles.csv).
    Triggers {
        /// Folder with sends.csv and captions.csv.
        dir: PathBuf,
        /// Where to write trigger_profiles.csv (default: DIR/trigger_profiles.csv).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Draw charts and write report.html / report.md for a results folder.
    Report {
        /// Folder written by `eros-sim run`.
        results: PathBuf,
    },
    /// Compare relative regret and revenue with a baseline; exit 1 on a regression.
    Check {
        /// Folder written by `eros-sim run`.
        results: PathBuf,
        /// Baseline summary (a summary.json kept under results/baselines/).
        #[arg(long)]
        baseline: PathBuf,
        /// Allowed worsening as a fraction of the baseline (default: statistical, from both
        /// runs' intervals).
        #[arg(long)]
        tolerance: Option<f64>,
        /// Write the current results as the new baseline instead of checking.
        #[arg(long)]
        update: bool,
    },
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.0.set_position(0);
        self.0.set_length(total);
        self.0.set_message(name.to_string());
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

/// Bad input to a command (a results or baseline file that cannot be read): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct Input(ReportError);

/// Unusable data input (missing file, bad header, ...): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct DataInput(data::DataError);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            let bad_input = e.downcast_ref::<ScenarioError>().is_some()
                || e.downcast_ref::<Input>().is_some()
                || e.downcast_ref::<DataInput>().is_some();
            let code = if bad_input { 2 } else { 1 };
            // Each layer once: typed errors already print their source.
            let mut message = e.to_string();
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                if !message.contains(&c) {
                    message = format!("{message}: {c}");
                }
            }
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { results, baseline, tolerance, update } => {
            let now = report::results::read_summary(&results).map_err(Input)?;
            if update {
                if let Some(parent) = baseline.parent() {
                    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
                }
                let json = serde_json::to_string_pretty(&now)? + "\n";
                std::fs::write(&baseline, json).with_context(|| format!("cannot write {}", baseline.display()))?;
                println!("wrote baseline {}", baseline.display());
                return Ok(ExitCode::SUCCESS);
            }
            let base = report::results::read_summary(&baseline).map_err(Input)?;
            let tol = match tolerance {
                Some(x) if x.is_finite() && x >= 0.0 => Tolerance::Relative(x),
                Some(x) => {
                    return Err(Input(ReportError::Decode {
                        path: "--tolerance".into(),
                        line: 0,
                        message: format!("{x} is not a fraction ≥ 0 (e.g. 0.05 allows 5 % worse)"),
                    })
                    .into());
                }
                None => Tolerance::Statistical,
            };
            let rows = check(&base, &now, tol);
            print!("{}", render_check(&rows));
            let failed = rows.iter().filter(|r| r.regression).count();
            if failed > 0 {
                println!("{failed} regression(s) against {}", baseline.display());
                Ok(ExitCode::from(1))
            } else {
                println!("no regression against {}", baseline.display());
                Ok(ExitCode::SUCCESS)
            }
        }
        Command::Generate { scenario: path, out, days } => {
            let s = scenario::load(&path)?;
            let bar = Bar(ProgressBar::new(0));
            let g = data::generate::generate(&s, days.max(1), &out, &bar).map_err(DataInput)?;
            bar.0.finish_and_clear();
            println!(
                "wrote {}: {} send rows, {} captions; injected {} corrupted rates, {} NULL scores, {} creator-days of revenue collapse; exported at {}",
                out.display(),
                g.rows,
                g.captions,
                g.corrupted_rates,
                g.null_scores,
                g.anomaly_creator_days,
                g.exported_at.to_rfc3339()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { dir, now, json } => {
            let now = match now {
                Some(t) => Some(
                    eros_sim::domain::Minute::parse_rfc3339(&t)
                        .map_err(|why| DataInput(data::DataError::Invalid(format!("--now {t:?}: {why}"))))?,
                ),
                None => None,
            };
            let a = data::audit::audit(&dir, now).map_err(DataInput)?;
            print!("{}", data::audit::render_audit(&dir, &a));
            if let Some(path) = json {
                let text = serde_json::to_string_pretty(&a)? + "\n";
                std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok(ExitCode::from(a.severity.exit_code()))
        }
        Command::Repair { dir, out } => {
            let r = data::repair::repair(&dir, &out).map_err(DataInput)?;
            println!("repaired {} into {}", dir.display(), out.display());
            println!(
                "rows in {} = clean {} + repaired {} + quarantined {}",
                r.rows_in, r.clean, r.repaired, r.quarantined
            );
            println!(
                "conversion rates recomputed {}, NULL scores backfilled {}; backfill formula vs the {} stored scores: max |diff| {:.3e}, mean |diff| {:.3e}",
                r.rates_recomputed,
                r.scores_backfilled,
                r.score_check.compared,
                r.score_check.max_abs_diff,
                r.score_check.mean_abs_diff
            );
            println!(
                "performance_tracking.csv rebuilt with {} rows; changes in changes.csv, quarantined rows in quarantine.csv",
                r.performance_rows
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Segment { dir, out } => {
            let s = data::segment::segment(&dir).map_err(DataInput)?;
            let path = out.unwrap_or_else(|| dir.join("creator_segments.csv"));
            data::segment::write_segments(&path, &s).map_err(DataInput)?;
            print!("{}", data::segment::render_leaderboard(&s));
            println!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Triggers { dir, out } => {
            let r = data::triggers::triggers(&dir).map_err(DataInput)?;
            let path = out.unwrap_or_else(|| dir.join("trigger_profiles.csv"));
            data::triggers::write_profiles(&path, &r).map_err(DataInput)?;
            print!("{}", data::triggers::render_profiles(&r));
            println!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { results } => {
            let written = report::write_report(&results).map_err(Input)?;
            for f in written {
                println!("wrote {}", f.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { scenario: path, replicates, days, seed, threads, out, report: with_report } => {
            let mut s = scenario::load(&path)?;
            if let Some(r) = replicates {
                s.replicates = r.max(1);
            }
            if let Some(d) = days {
                s.days = d.max(1);
            }
            if let Some(seed) = seed {
                s.seed = seed;
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.unwrap_or(0))
                .build()
                .context("cannot start worker threads")?;
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            let progress = Bar(bar);
            let result = pool.install(|| sim::run(&s, &progress))?;
            progress.0.finish_and_clear();
            let mut summary = summary::summarize(&result);
            summary.scenario_file = Some(path.display().to_string());
            let series = summary::timeseries(&result);
            let dir = out.unwrap_or_else(|| PathBuf::from("results").join(&s.name));
            write_results(&dir, &summary, &series)?;
            print!("{}", render_table(&summary));
            print!("{}", render_calibration(&summary));
            println!("wrote {}/summary.json, policies.csv, timeseries.csv", dir.display());
            if with_report {
                for f in report::write_report(&dir)? {
                    println!("wrote {}", f.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
