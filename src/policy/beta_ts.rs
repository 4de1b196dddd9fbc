use super::arms::BetaArms;
use super::{Decision, Policy, PolicyContext, PolicyRng, best_of};
use crate::domain::{CaptionId, Outcome};

/// Beta-Bernoulli Thompson sampling on conversion score × price: the incumbent (weekly
/// feedback) and `plain_ts` (any cadence) are this learner.
///
/// Each caption's rate has a Beta posterior: prior mean the creator's pooled rate, prior
/// strength fitted by empirical Bayes across captions (`policy::arms`), updated with the
/// caption's conversions and reach over all cohorts. A decision draws a rate for every
/// eligible caption and picks the largest draw × price.
#[derive(Debug, Clone)]
pub struct BetaTs {
    name: String,
    arms: BetaArms,
}

impl BetaTs {
    /// A learner with no data (uniform Beta(1, 1) priors) labelled `name`.
    pub fn new(name: &str, ctx: &PolicyContext<'_>) -> Self {
        let groups = ctx.captions.iter().map(|c| c.creator).collect();
        Self { name: name.to_string(), arms: BetaArms::new(ctx.creators, groups, ctx.captions.iter().map(|c| c.price)) }
    }

    /// The current conversion score (posterior mean) of caption `c`.
    pub fn score(&self, c: CaptionId) -> f64 {
        self.arms.mean(c as usize)
    }
}

impl Policy for BetaTs {
    fn name(&self) -> &str {
        &self.name
    }

    #[inline]
    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        best_of(d.eligible, |c| self.arms.draw_value(c as usize, rng))
    }

    fn observe(&mut self, feedback: &[Outcome]) {
        let Some(latest) = feedback.iter().map(|o| o.sent_at).max() else { return };
        for o in feedback {
            self.arms.add(o.caption as usize, o.conversions, o.reach);
        }
        self.arms.end_batch(latest);
    }
}
