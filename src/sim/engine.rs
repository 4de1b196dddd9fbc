use super::feedback::{FeedbackDefects, FeedbackQueue};
use super::metrics::{PolicyTally, ReplicateMetrics};
use super::trajectory::{HistorySink, IneligibleChoice, Trajectory};
use crate::domain::{Outcome, Tier};
use crate::policy::rules::{Eligibility, Retirement};
use crate::policy::segments::CreatorSegments;
use crate::policy::{self, PolicyContext};
use crate::scenario::{Cadence, FeedbackData, PolicyKind, PolicySettings, RulesParams, Scenario, WorldParams};
use crate::sim::kpi::Kpis;
use crate::streams::{Purpose, hash_str, stream};
use crate::world::calibration::{self, CalibratedWorld, CalibrationReport};
use crate::world::response::ExpectedRate;
use crate::world::{World, WorldState};
use rayon::prelude::*;
use std::sync::Arc;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A policy broke the eligibility contract.
    #[error(transparent)]
    IneligibleChoice(#[from] IneligibleChoice),
}

/// Receives progress (the binary draws a bar; tests pass [`NoProgress`]).
pub trait Progress: Sync {
    /// A new stage with `total` units of work.
    fn stage(&self, name: &str, total: u64);
    /// `n` units done.
    fn advance(&self, n: u64);
}

/// Ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
}

/// Everything a run produced, before summarising.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The scenario as run (after command-line overrides).
    pub scenario: Scenario,
    /// Calibration outcome, when calibration was on.
    pub calibration: Option<CalibrationReport>,
    /// The world parameters the replicates used.
    pub world: WorldParams,
    /// Resolved policies, in scenario order.
    pub policies: Vec<ResolvedPolicy>,
    /// One entry per replicate, in order.
    pub replicates: Vec<ReplicateResult>,
}

/// Runs the incumbent over the warm-up days of `world` from a fresh state: the history every
/// policy starts from. Returns the state at deployment and the history rows.
pub fn warm_up(world: &World, scenario: &Scenario) -> Result<(WorldState, Vec<Outcome>), SimError> {
    let ctx = PolicyContext::of(world);
    let mut trajectory = Trajectory {
        world,
        eligibility: Eligibility::new(&scenario.rules),
        state: WorldState::new(world),
        policy: policy::build(PolicyKind::Incumbent, "warm-up incumbent", &ctx, &PolicySettings::default()),
        rng: stream(scenario.seed, world.replicate, Purpose::Policy, &[world.purpose as u64, hash_str("warm-up")]),
        queue: FeedbackQueue::new(PolicyKind::Incumbent.default_cadence()),
        with_truth: false,
        next_send_id: 0,
        retirement: Retirement::new(world, &scenario.rules),
    };
    let mut history = HistorySink::default();
    trajectory.run(0..scenario.warmup_days, &mut history)?;
    Ok((trajectory.state, history.rows))
}

/// Runs a scenario: calibration (when on), then replicates × policies in parallel on the
/// current rayon pool. The result depends only on the scenario, not on the thread count.
pub fn run(scenario: &Scenario, progress: &dyn Progress) -> Result<RunResult, SimError> {
    let (world_params, calibration) = if scenario.calibration.enabled {
        let (params, report) = calibration::calibrate(scenario, progress)?;
        (params, Some(report))
    } else {
        (scenario.world.clone(), None)
    };
    let policies = resolve_policies(scenario);
    let rate = Arc::new(ExpectedRate::new(world_params.overdispersion_sd));
    progress.stage("replicates", u64::from(scenario.replicates) * policies.len() as u64);
    let replicates = (0..scenario.replicates)
        .into_par_iter()
        .map(|r| run_replicate(scenario, &world_params, &rate, &policies, u64::from(r), progress))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RunResult { scenario: scenario.clone(), calibration, world: world_params, policies, replicates })
}

/// A scenario policy with its defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPolicy {
    /// Label.
    pub name: String,
    /// Which policy.
    pub kind: PolicyKind,
    /// Feedback cadence.
    pub cadence: Cadence,
    /// Feedback data quality.
    pub data: FeedbackData,
    /// The rules it runs under (the scenario's, with its overrides).
    pub rules: RulesParams,
    /// Its tunable settings.
    pub settings: PolicySettings,
}

/// The scenario's policies with defaults filled in, in order. Validation guarantees every
/// entry resolves.
pub fn resolve_policies(scenario: &Scenario) -> Vec<ResolvedPolicy> {
    scenario
        .policies
        .iter()
        .filter_map(|p| {
            Some(ResolvedPolicy {
                name: p.name.clone(),
                kind: p.resolved_kind()?,
                cadence: p.cadence()?,
                data: p.data,
                rules: p.rules(&scenario.rules),
                settings: p.settings(),
            })
        })
        .collect()
}

/// Runs replicate `replicate`: generates (and, when calibration is on, refits) its world,
/// runs the warm-up, then every policy over the horizon, policies in parallel.
/// `policies` are the scenario's, resolved.
pub fn run_replicate(
    scenario: &Scenario,
    params: &WorldParams,
    rate: &Arc<ExpectedRate>,
    policies: &[ResolvedPolicy],
    replicate: u64,
    progress: &dyn Progress,
) -> Result<ReplicateResult, SimError> {
    let total_days = scenario.warmup_days + scenario.days;
    let CalibratedWorld { world, state, history, kpis: warmup, rounds, converged } =
        calibration::calibrate_world(scenario, params, rate, replicate)?;
    let metrics = policies
        .par_iter()
        .map(|ResolvedPolicy { name, kind, cadence, data, rules, settings }| {
            let ctx = PolicyContext::of(&world);
            let mut policy = policy::build(*kind, name, &ctx, settings);
            let defects = (*data == FeedbackData::Defective)
                .then(|| FeedbackDefects::new(scenario.seed, replicate, &scenario.defects));
            if !scenario.cold_start && !history.is_empty() {
                match &defects {
                    None => policy.observe(&history),
                    Some(d) => policy.observe(&history.iter().map(|o| d.apply(o)).collect::<Vec<_>>()),
                }
            }
            let mut tally = PolicyTally::new(&world, scenario.warmup_days, scenario.days, &state);
            let mut retirement = Retirement::new(&world, rules);
            retirement.replay(&history);
            let mut trajectory = Trajectory {
                world: &world,
                eligibility: Eligibility::new(rules),
                state: state.clone(),
                policy,
                rng: stream(scenario.seed, replicate, Purpose::Policy, &[Purpose::World as u64, hash_str(name)]),
                queue: FeedbackQueue::new(*cadence).with_defects(defects),
                with_truth: true,
                next_send_id: history.last().map_or(0, |o| o.send_id + 1),
                retirement,
            };
            trajectory.run(scenario.warmup_days..total_days, &mut tally)?;
            progress.advance(1);
            Ok(tally.finish(&trajectory.retirement.active_scores(&world, &trajectory.state)))
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    let mut segments = CreatorSegments::new(world.creators.len());
    segments.observe(&history);
    segments.retier();
    Ok(ReplicateResult {
        tiers: (0..world.creators.len() as u32).map(|c| segments.tier(c)).collect(),
        warmup,
        world: world.params.clone(),
        calibration_rounds: rounds,
        calibrated: converged,
        policies: metrics,
    })
}

/// One replicate: the incumbent's warm-up KPIs, the world's fitted scales and every
/// policy's metrics.
#[derive(Debug, Clone)]
pub struct ReplicateResult {
    /// Incumbent KPIs over this world's warm-up (what calibration matched).
    pub warmup: Kpis,
    /// This world's parameters (after its own calibration).
    pub world: WorldParams,
    /// Warm-ups its calibration ran.
    pub calibration_rounds: u32,
    /// Whether its warm-up conversion rate and revenue per send ended within half their
    /// tolerance.
    pub calibrated: bool,
    /// Metrics per policy, in scenario order.
    pub policies: Vec<ReplicateMetrics>,
    /// Each creator's performance tier from the warm-up history (revenue per fan quartiles,
    /// `policy::segments`): the same for every policy, so lift can be split by tier.
    pub tiers: Vec<Tier>,
}
