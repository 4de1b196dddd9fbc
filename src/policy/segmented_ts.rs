use super::arms::{BetaArms, shrunk_ratio};
use super::segments::CreatorSegments;
use super::{Decision, Policy, PolicyContext, PolicyRng, best_of};
use crate::domain::{CaptionId, Category, Minute, Outcome, PerTier};
use crate::score::conversion::Counts;
use rand::RngExt;

/// Pseudo-reach of the segment-wide category rate in a tier × category ratio: a category
/// seen by fewer fans than this in a tier borrows mostly the tier's overall rate (ratio 1).
const CATEGORY_PRIOR_REACH: f64 = 20_000.0;

/// `segmented_ts`: Beta-Bernoulli Thompson sampling run per creator segment (DESIGN.md §4).
///
/// - Exploration by tier: with probability `exploration[tier]` a decision is a Thompson draw
///   over the eligible captions; otherwise it exploits, taking the best posterior mean ×
///   price. Tiers (Elite … Developing) are quartiles of the revenue per fan the policy has
///   observed, refreshed daily (`policy::segments`).
/// - Hierarchical priors for cold-start captions: a caption's prior mean is its creator's
///   pooled rate × the ratio of its category's rate to the overall rate among creators of the
///   same tier (`arms::shrunk_ratio` with [`CATEGORY_PRIOR_REACH`] pseudo-fans: the ratio
///   shrinks to 1 where a tier has seen little of a category). The prior strength is the
///   shared empirical-Bayes one (`policy::arms`).
/// - Per-tier saturation thresholds belong to the shared retirement rule
///   (`rules.segment_thresholds`; `per_tier_thresholds` defaults to true for this policy),
///   not copied here.
#[derive(Debug, Clone)]
pub struct SegmentedTs {
    name: String,
    arms: BetaArms,
    segments: CreatorSegments,
    exploration: PerTier<f64>,
    category_of: Vec<Category>,
    creator_of: Vec<u32>,
    last_day: Option<u32>,
}

impl SegmentedTs {
    /// A learner with no data, exploring at `exploration` per tier.
    pub fn new(name: &str, ctx: &PolicyContext<'_>, exploration: PerTier<f64>) -> Self {
        let groups = ctx.captions.iter().map(|c| c.creator).collect();
        Self {
            name: name.to_string(),
            arms: BetaArms::new(ctx.creators, groups, ctx.captions.iter().map(|c| c.price)),
            segments: CreatorSegments::new(ctx.creators),
            exploration,
            category_of: ctx.captions.iter().map(|c| c.category).collect(),
            creator_of: ctx.captions.iter().map(|c| c.creator).collect(),
            last_day: None,
        }
    }

    /// Posterior mean conversion rate of caption `c` (its prior mean before any data).
    pub fn score(&self, c: CaptionId) -> f64 {
        self.arms.mean(c as usize)
    }

    /// Recomputes tiers and each caption's tier × category prior multiplier.
    fn retier(&mut self) {
        self.segments.retier();
        let k = Category::ALL.len();
        let mut by_tier = [Counts::default(); 4];
        let mut by_cell = vec![Counts::default(); 4 * k];
        for (c, (&creator, &cat)) in self.creator_of.iter().zip(&self.category_of).enumerate() {
            let n = self.arms.counts(c);
            let t = self.segments.tier(creator).index();
            for acc in [&mut by_tier[t], &mut by_cell[t * k + cat as usize]] {
                acc.conversions += n.conversions;
                acc.reach += n.reach;
            }
        }
        let ratio = |t: usize, cat: usize| shrunk_ratio(by_cell[t * k + cat], by_tier[t], CATEGORY_PRIOR_REACH);
        let multipliers: Vec<f64> = self
            .creator_of
            .iter()
            .zip(&self.category_of)
            .map(|(&creator, &cat)| ratio(self.segments.tier(creator).index(), cat as usize))
            .collect();
        self.arms.set_multipliers(multipliers.into_iter());
    }
}

impl Policy for SegmentedTs {
    fn name(&self) -> &str {
        &self.name
    }

    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        let explore = rng.random::<f64>() < self.exploration.get(self.segments.tier(d.creator));
        if explore {
            best_of(d.eligible, |c| self.arms.draw_value(c as usize, rng))
        } else {
            best_of(d.eligible, |c| self.arms.mean_value(c as usize))
        }
    }

    fn observe(&mut self, feedback: &[Outcome]) {
        let Some(latest) = feedback.iter().map(|o| o.sent_at).max() else { return };
        for o in feedback {
            self.arms.add(o.caption as usize, o.conversions, o.reach);
        }
        self.segments.observe(feedback);
        let day = Minute::day(latest);
        if self.last_day.is_none_or(|d| day > d) {
            self.last_day = Some(day);
            self.retier();
        }
        self.arms.end_batch(latest);
    }
}
