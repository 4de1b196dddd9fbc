//! Policies: the `Policy` trait, one file per policy (`random`, `oracle`, `beta_ts` for the
//! incumbent and `plain_ts`, `contextual_ts`, `segmented_ts`, `personalized_ts`), the factory
//! that builds them from a scenario, what learners share (`arms`: empirical-Bayes Beta
//! posteriors; `posterior`: fast Beta draws; `segments`: creator tiers from observed
//! outcomes), and the rules (`rules`) every policy runs under.
//!
//! Not here: the world's truth (`world`) or the loop that asks policies and delivers
//! feedback (`sim`).

mod arms;
mod beta_ts;
mod contextual_ts;
mod oracle;
mod personalized_ts;
pub mod posterior;
mod random;
pub mod rules;
mod segmented_ts;
pub mod segments;

pub use beta_ts::BetaTs;
pub use contextual_ts::{ContextualTs, FEATURE_NAMES, FEATURES};
pub use oracle::Oracle;
pub use personalized_ts::PersonalizedTs;
pub use random::RandomPolicy;
pub use segmented_ts::SegmentedTs;

use crate::domain::{Caption, CaptionId, CreatorId, Minute, Outcome};
use crate::scenario::{PolicyKind, PolicySettings};
use crate::streams::StreamRng;
use crate::world::World;

/// The generator a policy draws its exploration from (its own stream, DESIGN.md §7).
pub type PolicyRng = StreamRng;

/// One decision: which caption a creator sends at a slot, among the eligible ones.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    /// Sending creator.
    pub creator: CreatorId,
    /// Slot time.
    pub at: Minute,
    /// Captions the shared rules allow now; never empty.
    pub eligible: &'a [CaptionId],
    /// True expected revenue of each eligible caption (same order). Filled only for policies
    /// that declare themselves clairvoyant (the oracle); learning policies never see it.
    pub expected_revenue: Option<&'a [f64]>,
    /// Captions eligible for each cohort (each list contains `eligible`). Filled only for
    /// policies that personalise.
    pub per_cohort: Option<&'a [Vec<CaptionId>]>,
}

/// A caption-selection policy (DESIGN.md §4).
pub trait Policy: Send {
    /// Label used in outputs.
    fn name(&self) -> &str;
    /// Picks one caption among `decision.eligible`.
    fn choose(&mut self, decision: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId;
    /// Learns from outcomes, in the batches the feedback pipeline delivers them.
    fn observe(&mut self, feedback: &[Outcome]);
    /// Whether the engine must fill `Decision::expected_revenue` (only the oracle).
    fn is_clairvoyant(&self) -> bool {
        false
    }
    /// Whether the policy may send a different caption to each cohort of a slot; the engine
    /// then asks [`Policy::choose_per_cohort`] instead of [`Policy::choose`].
    fn personalizes(&self) -> bool {
        false
    }
    /// Picks a caption for each cohort (`out[k]` for cohort k), each among
    /// `decision.per_cohort[k]`. By default every cohort gets the slot's single choice.
    fn choose_per_cohort(&mut self, decision: &Decision<'_>, rng: &mut PolicyRng, out: &mut [CaptionId]) {
        let c = self.choose(decision, rng);
        out.fill(c);
    }
}

/// What a policy may know when it is built: the observable caption features (price,
/// category, ...) and the number of creators.
#[derive(Debug, Clone, Copy)]
pub struct PolicyContext<'a> {
    /// Observable features of every caption of the world, indexed by `CaptionId`.
    pub captions: &'a [Caption],
    /// Number of creators.
    pub creators: usize,
    /// Cohorts per creator.
    pub cohorts: usize,
}

impl<'a> PolicyContext<'a> {
    /// What a policy may know of `world`.
    pub fn of(world: &'a World) -> Self {
        Self { captions: &world.captions, creators: world.creators.len(), cohorts: world.cohort_count() }
    }
}

/// The candidate with the largest score, the first on ties (a NaN score never wins; with no
/// finite score the first candidate). `score` is called once per candidate, in order, so a
/// policy's random stream is consumed the same way whatever the scores. `candidates` must
/// not be empty (the engine's lists never are).
#[inline]
pub fn best_of(candidates: &[CaptionId], mut score: impl FnMut(CaptionId) -> f64) -> CaptionId {
    let mut best = candidates[0];
    let mut best_score = f64::NEG_INFINITY;
    for &c in candidates {
        let s = score(c);
        if s > best_score {
            best_score = s;
            best = c;
        }
    }
    best
}

/// Builds a policy of `kind` labelled `name` with the scenario's `settings`.
pub fn build(kind: PolicyKind, name: &str, ctx: &PolicyContext<'_>, settings: &PolicySettings) -> Box<dyn Policy> {
    match kind {
        PolicyKind::Random => Box::new(RandomPolicy::new(name)),
        PolicyKind::Oracle => Box::new(Oracle::new(name)),
        PolicyKind::Incumbent | PolicyKind::PlainTs => Box::new(BetaTs::new(name, ctx)),
        PolicyKind::ContextualTs => Box::new(ContextualTs::new(name, ctx)),
        PolicyKind::SegmentedTs => Box::new(SegmentedTs::new(name, ctx, settings.exploration)),
        PolicyKind::PersonalizedTs => Box::new(PersonalizedTs::new(name, ctx)),
    }
}
