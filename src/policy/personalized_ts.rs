use super::arms::{BetaArms, shrunk_ratio};
use super::{Decision, Policy, PolicyContext, PolicyRng, best_of};
use crate::domain::{CaptionId, Minute, Outcome, PriceTier, Triggers};
use crate::score::profile::{PROFILE_FEATURES, ProfileCounts, features_of};

/// Pseudo-reach of a cohort's overall rate in its trigger and price-tier ratios: a trigger a
/// cohort has seen on fewer fans than this borrows mostly the cohort's overall rate.
const PROFILE_PRIOR_REACH: f64 = 20_000.0;

/// `personalized_ts`: Beta-Bernoulli Thompson sampling per caption × cohort, which may send a
/// different caption to each cohort of a slot (trigger effectiveness, seed "Trigger
/// Effectiveness").
///
/// - Each (caption, cohort) has a Beta posterior; its prior mean is the creator × cohort
///   pooled rate times the cohort's response profile: the product, over the caption's
///   triggers and its price tier, of the cohort's learned rate ratio for that trigger (or
///   tier) against the cohort's overall rate (`score::profile`), pooled over creators and
///   shrunk towards 1 (`arms::shrunk_ratio`, [`PROFILE_PRIOR_REACH`] pseudo-fans). Profiles
///   are relearned daily.
/// - At a slot, each cohort gets the caption with the largest Thompson draw × price among
///   the captions eligible for it (a caption its fans saw in the last `recent_use_days` is
///   not). Cohorts that pick the same caption share one send; each distinct caption is a send.
#[derive(Debug, Clone)]
pub struct PersonalizedTs {
    name: String,
    cohorts: usize,
    arms: BetaArms,
    triggers: Vec<Triggers>,
    tiers: Vec<PriceTier>,
    /// Learned rate ratios per cohort: the five triggers, then the three price tiers.
    profile: Vec<[f64; PROFILE_FEATURES]>,
    last_day: Option<u32>,
}

impl PersonalizedTs {
    /// A learner with no data over `ctx.cohorts` cohorts.
    pub fn new(name: &str, ctx: &PolicyContext<'_>) -> Self {
        let k = ctx.cohorts;
        let groups = ctx.captions.iter().flat_map(|c| (0..k).map(move |j| c.creator * k as u32 + j as u32)).collect();
        let prices = ctx.captions.iter().flat_map(|c| std::iter::repeat_n(c.price, k));
        Self {
            name: name.to_string(),
            cohorts: k,
            arms: BetaArms::new(ctx.creators * k, groups, prices),
            triggers: ctx.captions.iter().map(|c| c.triggers).collect(),
            tiers: ctx.captions.iter().map(|c| c.tier).collect(),
            profile: vec![[1.0; PROFILE_FEATURES]; k],
            last_day: None,
        }
    }

    /// The learned response profile of `cohort`: its rate ratio for each trigger (in the
    /// order of `Trigger::ALL`) and each price tier (cheapest first), against its overall rate.
    pub fn profile(&self, cohort: usize) -> [f64; PROFILE_FEATURES] {
        self.profile[cohort]
    }

    fn relearn_profiles(&mut self) {
        let k = self.cohorts;
        let mut counts = ProfileCounts::new(k);
        for (c, (&t, &tier)) in self.triggers.iter().zip(&self.tiers).enumerate() {
            for j in 0..k {
                counts.add(j, t, tier, self.arms.counts(c * k + j));
            }
        }
        for j in 0..k {
            self.profile[j] =
                std::array::from_fn(|i| shrunk_ratio(counts.cells[j][i], counts.base[j], PROFILE_PRIOR_REACH));
        }
        let multipliers: Vec<f64> = (0..self.triggers.len())
            .flat_map(|c| (0..k).map(move |j| (c, j)))
            .map(|(c, j)| features_of(self.triggers[c], self.tiers[c]).map(|i| self.profile[j][i]).product())
            .collect();
        self.arms.set_multipliers(multipliers.into_iter());
    }
}

impl Policy for PersonalizedTs {
    fn name(&self) -> &str {
        &self.name
    }

    /// One caption for every cohort: the largest sum of per-cohort draws × price.
    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        let k = self.cohorts;
        best_of(d.eligible, |c| (0..k).map(|j| self.arms.draw_value(c as usize * k + j, rng)).sum())
    }

    fn personalizes(&self) -> bool {
        true
    }

    fn choose_per_cohort(&mut self, d: &Decision<'_>, rng: &mut PolicyRng, out: &mut [CaptionId]) {
        let k = self.cohorts;
        for (j, slot) in out.iter_mut().enumerate() {
            let candidates = d.per_cohort.map_or(d.eligible, |lists| lists[j].as_slice());
            *slot = best_of(candidates, |c| self.arms.draw_value(c as usize * k + j, rng));
        }
    }

    fn observe(&mut self, feedback: &[Outcome]) {
        let Some(latest) = feedback.iter().map(|o| o.sent_at).max() else { return };
        for o in feedback {
            self.arms.add(o.caption as usize * self.cohorts + o.cohort as usize, o.conversions, o.reach);
        }
        let day = Minute::day(latest);
        if self.last_day.is_none_or(|d| day > d) {
            self.last_day = Some(day);
            self.relearn_profiles();
        }
        self.arms.end_batch(latest);
    }
}
