//! `eros-sim generate`: the incumbent over a history window in the scenario's (calibrated)
//! world, written as `captions.csv` and `sends.csv` with the seed's defects injected, plus
//! `performance_tracking.csv`, `manifest.json` and the ground truth of every defect in
//! `defects.csv`.

use super::schema::{CAPTIONS_COLUMNS, DataError, PERFORMANCE_COLUMNS, SendRow, SendsWriter};
use crate::domain::{MINUTES_PER_DAY, Minute, Trigger};
use crate::policy::rules::{Eligibility, Retirement};
use crate::policy::{self, PolicyContext};
use crate::scenario::{PolicyKind, PolicySettings, Scenario};
use crate::score::conversion::{BetaPrior, Counts, RunningScores, conversion_rate};
use crate::sim::feedback::FeedbackQueue;
use crate::sim::trajectory::{HistorySink, Trajectory};
use crate::sim::{NoProgress, Progress};
use crate::streams::{Purpose, hash_str, stream};
use crate::world::calibration::{calibrate, calibrate_world};
use crate::world::response::ExpectedRate;
use crate::world::{World, WorldState};
use rand::RngExt;
use rand::seq::index::sample;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// Written next to the data: what produced it and when it was exported.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Days of history.
    pub days: u32,
    /// Export time (RFC 3339): the last send plus `defects.stale_hours`.
    pub exported_at: String,
    /// eros-sim version.
    pub version: String,
}

/// What `generate` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateReport {
    /// Send rows.
    pub rows: u64,
    /// Captions.
    pub captions: u64,
    /// Rows with a corrupted conversion rate.
    pub corrupted_rates: u64,
    /// Rows with a NULL conversion score.
    pub null_scores: u64,
    /// Creator-days inside an injected revenue collapse.
    pub anomaly_creator_days: u64,
    /// Export time.
    pub exported_at: Minute,
}

/// How a stored conversion rate was corrupted (cycled over the corrupted rows).
const CORRUPTIONS: [&str; 3] = ["percentage_not_fraction", "revenue_over_reach", "reach_over_conversions"];

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io { path: path.to_path_buf(), source }
}

fn csv_err(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::Csv { path: path.to_path_buf(), message: e.to_string() }
}

/// The world `generate` uses: the scenario's, calibrated as a run would (replicate 0).
fn history_world(scenario: &Scenario, days: u32, progress: &dyn Progress) -> Result<World, DataError> {
    let rate = Arc::new(ExpectedRate::new(scenario.world.overdispersion_sd));
    let params = if scenario.calibration.enabled {
        let (pooled, _) = calibrate(scenario, progress)?;
        calibrate_world(scenario, &pooled, &rate, 0)?.world.params
    } else {
        scenario.world.clone()
    };
    Ok(World::generate(&params, scenario.seed, 0, Purpose::World, days, rate))
}

/// Generates `days` of history into `out` (see module docs).
pub fn generate(
    scenario: &Scenario,
    days: u32,
    out: &Path,
    progress: &dyn Progress,
) -> Result<GenerateReport, DataError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let world = history_world(scenario, days, progress)?;
    let ctx = PolicyContext::of(&world);
    let mut trajectory = Trajectory {
        world: &world,
        eligibility: Eligibility::new(&scenario.rules),
        state: WorldState::new(&world),
        policy: policy::build(PolicyKind::Incumbent, "incumbent", &ctx, &PolicySettings::default()),
        rng: stream(scenario.seed, 0, Purpose::Policy, &[Purpose::Defects as u64, hash_str("history")]),
        queue: FeedbackQueue::new(PolicyKind::Incumbent.default_cadence()),
        with_truth: false,
        next_send_id: 0,
        retirement: Retirement::new(&world, &scenario.rules),
    };
    let mut history = HistorySink::default();
    trajectory.run(0..days, &mut history).map_err(crate::sim::SimError::from)?;
    let mut rows: Vec<SendRow> = history
        .rows
        .iter()
        .enumerate()
        .map(|(i, o)| SendRow {
            send_id: i as u64 + 1,
            creator_id: o.creator,
            cohort: o.cohort,
            caption_id: o.caption,
            sent_at: o.sent_at,
            reach: o.reach,
            conversions: o.conversions,
            revenue: o.revenue,
            price: o.price,
            conversion_rate: None,
            conversion_score: None,
        })
        .collect();
    let d = &scenario.defects;
    let mut rng = stream(scenario.seed, 0, Purpose::Defects, &[]);
    let mut truth =
        csv::Writer::from_path(out.join("defects.csv")).map_err(|e| csv_err(&out.join("defects.csv"), e))?;
    let truth_path = out.join("defects.csv");
    truth
        .write_record([
            "kind",
            "line",
            "send_id",
            "creator_id",
            "field",
            "true_value",
            "stored_value",
            "first_day",
            "last_day",
        ])
        .map_err(|e| csv_err(&truth_path, e))?;

    // Revenue collapses: real events in the data (rates stay consistent), for the audit's
    // anomaly detection to find. They start after four weeks of normal history.
    let creators = world.creators.len() as u32;
    if d.anomalies > creators {
        return Err(DataError::Invalid(format!("defects.anomalies = {} exceeds the {creators} creators", d.anomalies)));
    }
    let mut anomaly_creator_days = 0;
    if d.anomalies > 0 && days < 28 + d.anomaly_days {
        return Err(DataError::Invalid(format!(
            "defects.anomalies needs at least {} days of history (28 normal days first)",
            28 + d.anomaly_days
        )));
    }
    for creator in sample(&mut rng, creators as usize, d.anomalies as usize) {
        let first = rng.random_range(28..=days - d.anomaly_days);
        let last = first + d.anomaly_days - 1;
        for r in
            rows.iter_mut().filter(|r| r.creator_id as usize == creator && (first..=last).contains(&r.sent_at.day()))
        {
            r.conversions = (f64::from(r.conversions) * d.anomaly_factor).round() as u32;
            r.revenue = f64::from(r.conversions) * r.price;
        }
        anomaly_creator_days += u64::from(d.anomaly_days);
        let date = |day: u32| Minute(day * MINUTES_PER_DAY).to_rfc3339()[..10].to_string();
        truth
            .write_record([
                "revenue_collapse",
                "",
                "",
                &creator.to_string(),
                "revenue",
                "",
                &d.anomaly_factor.to_string(),
                &date(first),
                &date(last),
            ])
            .map_err(|e| csv_err(&truth_path, e))?;
    }

    // True rates and scores.
    let mut totals = vec![Counts::default(); world.captions.len()];
    for r in &rows {
        let t = &mut totals[r.caption_id as usize];
        t.conversions += f64::from(r.conversions);
        t.reach += f64::from(r.reach);
    }
    let mut scores = RunningScores::new(BetaPrior::fit_pooled(&totals), world.captions.len());
    for r in rows.iter_mut() {
        r.conversion_rate = conversion_rate(f64::from(r.conversions), f64::from(r.reach));
        r.conversion_score = Some(scores.next(r.caption_id as usize, f64::from(r.conversions), f64::from(r.reach)));
    }

    // Corrupted rates, on rows with conversions (a corrupted zero would look like a zero).
    let candidates: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].conversions > 0).collect();
    if d.corrupted_rates as usize > candidates.len() {
        return Err(DataError::Invalid(format!(
            "defects.corrupted_rates = {} exceeds the {} rows with conversions",
            d.corrupted_rates,
            candidates.len()
        )));
    }
    let mut corrupted: Vec<usize> =
        sample(&mut rng, candidates.len(), d.corrupted_rates as usize).into_iter().map(|i| candidates[i]).collect();
    corrupted.sort_unstable();
    for (k, &i) in corrupted.iter().enumerate() {
        let r = &mut rows[i];
        let true_rate = r.conversion_rate.unwrap_or(0.0);
        let kind = CORRUPTIONS[k % CORRUPTIONS.len()];
        let stored = match kind {
            "percentage_not_fraction" => true_rate * 100.0,
            "revenue_over_reach" => r.revenue / f64::from(r.reach),
            _ => f64::from(r.reach) / f64::from(r.conversions),
        };
        r.conversion_rate = Some(stored);
        truth
            .write_record([
                kind,
                &(i + 2).to_string(),
                &r.send_id.to_string(),
                &r.creator_id.to_string(),
                "conversion_rate",
                &true_rate.to_string(),
                &stored.to_string(),
                "",
                "",
            ])
            .map_err(|e| csv_err(&truth_path, e))?;
    }

    // NULL scores.
    if d.null_scores as usize > rows.len() {
        return Err(DataError::Invalid(format!(
            "defects.null_scores = {} exceeds the {} rows",
            d.null_scores,
            rows.len()
        )));
    }
    let mut nulls: Vec<usize> = sample(&mut rng, rows.len(), d.null_scores as usize).into_vec();
    nulls.sort_unstable();
    for &i in &nulls {
        let r = &mut rows[i];
        let true_score = r.conversion_score.take().unwrap_or(f64::NAN);
        truth
            .write_record([
                "null_score",
                &(i + 2).to_string(),
                &r.send_id.to_string(),
                &r.creator_id.to_string(),
                "conversion_score",
                &true_score.to_string(),
                "",
                "",
                "",
            ])
            .map_err(|e| csv_err(&truth_path, e))?;
    }

    let sends_path = out.join("sends.csv");
    let mut w = SendsWriter::create(&sends_path)?;
    for r in &rows {
        w.write(r)?;
    }
    w.finish()?;
    write_captions(&world, &out.join("captions.csv"), days)?;
    write_creator_truth(&world, &out.join("creators_truth.csv"))?;
    let perf_path = out.join("performance_tracking.csv");
    let mut perf = csv::Writer::from_path(&perf_path).map_err(|e| csv_err(&perf_path, e))?;
    perf.write_record(PERFORMANCE_COLUMNS).map_err(|e| csv_err(&perf_path, e))?;
    if d.empty_performance_export {
        truth
            .write_record(["empty_performance_export", "", "", "", "performance_tracking.csv", "", "", "", ""])
            .map_err(|e| csv_err(&truth_path, e))?;
    } else {
        let mut sends: Vec<HashSet<Minute>> = vec![HashSet::new(); world.captions.len()];
        let mut revenue = vec![0.0; world.captions.len()];
        for r in &rows {
            sends[r.caption_id as usize].insert(r.sent_at);
            revenue[r.caption_id as usize] += r.revenue;
        }
        let prior = BetaPrior::fit_pooled(&totals);
        for (c, t) in totals.iter().enumerate().filter(|(_, t)| t.reach > 0.0) {
            perf.write_record([
                c.to_string(),
                sends[c].len().to_string(),
                t.reach.to_string(),
                t.conversions.to_string(),
                revenue[c].to_string(),
                prior.score(*t).to_string(),
            ])
            .map_err(|e| csv_err(&perf_path, e))?;
        }
    }
    perf.flush().map_err(io(&perf_path))?;
    let last = rows.iter().map(|r| r.sent_at).max().unwrap_or_default();
    let exported_at = Minute(last.0 + d.stale_hours * 60);
    if d.stale_hours > 0 {
        truth
            .write_record([
                "stale_export",
                "",
                "",
                "",
                "sent_at",
                &last.to_rfc3339(),
                &exported_at.to_rfc3339(),
                "",
                "",
            ])
            .map_err(|e| csv_err(&truth_path, e))?;
    }
    truth.flush().map_err(io(&truth_path))?;
    let manifest = Manifest {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        days,
        exported_at: exported_at.to_rfc3339(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let manifest_path = out.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| csv_err(&manifest_path, e))?;
    std::fs::write(&manifest_path, json + "\n").map_err(io(&manifest_path))?;
    Ok(GenerateReport {
        rows: rows.len() as u64,
        captions: world.captions.len() as u64,
        corrupted_rates: corrupted.len() as u64,
        null_scores: nulls.len() as u64,
        anomaly_creator_days,
        exported_at,
    })
}

/// Writes `captions.csv`: every caption created within the history.
fn write_captions(world: &World, path: &Path, days: u32) -> Result<(), DataError> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_err(path, e))?;
    w.write_record(CAPTIONS_COLUMNS).map_err(|e| csv_err(path, e))?;
    let end = Minute(days * MINUTES_PER_DAY);
    for (id, c) in world.captions.iter().enumerate().filter(|(_, c)| c.created_at < end) {
        let triggers: Vec<&str> = Trigger::ALL.iter().filter(|t| c.triggers.has(**t)).map(|t| t.name()).collect();
        w.write_record([
            id.to_string(),
            c.creator.to_string(),
            c.created_at.to_rfc3339(),
            c.length.to_string(),
            c.emoji.to_string(),
            c.category.name().to_string(),
            c.tier.name().to_string(),
            c.price.to_string(),
            triggers.join(";"),
            // Without a retirement rule every caption of the history stays active.
            "active".to_string(),
        ])
        .map_err(|e| csv_err(path, e))?;
    }
    w.flush().map_err(io(path))
}

/// Writes `creators_truth.csv`: each creator's true effect `u_i` and initial audience (ground
/// truth for checking segmentation, like `defects.csv` for the audit).
fn write_creator_truth(world: &World, path: &Path) -> Result<(), DataError> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_err(path, e))?;
    w.write_record(["creator_id", "effect", "fans"]).map_err(|e| csv_err(path, e))?;
    for (i, c) in world.creators.iter().enumerate() {
        let fans: f64 = c.initial_audience.iter().sum();
        w.write_record([i.to_string(), c.effect.to_string(), fans.round().to_string()])
            .map_err(|e| csv_err(path, e))?;
    }
    w.flush().map_err(io(path))
}

/// `generate` without a progress bar.
pub fn generate_quiet(scenario: &Scenario, days: u32, out: &Path) -> Result<GenerateReport, DataError> {
    generate(scenario, days, out, &NoProgress)
}
