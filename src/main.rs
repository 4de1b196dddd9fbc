//! The `eros-sim` command line: parses arguments, shows progress, prints. All work is done by
//! the `eros_sim` library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use eros_sim::report::{self, render_calibration, render_table, write_results};
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
    /// Draw charts and write report.html / report.md for a results folder.
    Report {
        /// Folder written by `eros-sim run`.
        results: PathBuf,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = if e.downcast_ref::<ScenarioError>().is_some() { 2 } else { 1 };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Report { results } => {
            let written = report::write_report(&results)?;
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
