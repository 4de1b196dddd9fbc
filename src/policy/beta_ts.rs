use super::posterior::BetaDraw;
use super::{Decision, Policy, PolicyContext, PolicyRng};
use crate::domain::{CaptionId, Minute, Outcome};
use crate::score::conversion::{BetaPrior, Counts, fit_grouped};

/// Beta-Bernoulli Thompson sampling on conversion score × price: the incumbent (weekly
/// feedback) and `plain_ts` (any cadence) are this learner.
///
/// Each caption's rate has a Beta posterior: prior mean the creator's pooled rate, prior
/// strength fitted by empirical Bayes across captions (`score::conversion`), updated with the
/// caption's conversions and reach over all cohorts. A decision draws a rate for every
/// eligible caption and picks the largest draw × price. The prior is refitted at most once
/// per simulated day; posteriors of creators with new feedback are refreshed every batch.
#[derive(Debug, Clone)]
pub struct BetaTs {
    name: String,
    creator_of: Vec<u32>,
    captions_of: Vec<Vec<CaptionId>>,
    counts: Vec<Counts>,
    prior_means: Vec<f64>,
    strength: f64,
    /// Each caption's posterior and price, side by side for the decision loop.
    arms: Vec<(BetaDraw, f64)>,
    last_fit_day: Option<u32>,
}

impl BetaTs {
    /// A learner with no data (uniform Beta(1, 1) priors) labelled `name`.
    pub fn new(name: &str, ctx: &PolicyContext<'_>) -> Self {
        let mut captions_of = vec![Vec::new(); ctx.creators];
        for (id, c) in ctx.captions.iter().enumerate() {
            captions_of[c.creator as usize].push(id as CaptionId);
        }
        let u = BetaPrior::UNIFORM;
        let (a, b) = u.posterior(Counts::default());
        Self {
            name: name.to_string(),
            creator_of: ctx.captions.iter().map(|c| c.creator).collect(),
            captions_of,
            counts: vec![Counts::default(); ctx.captions.len()],
            prior_means: vec![u.mean; ctx.creators],
            strength: u.strength,
            arms: ctx.captions.iter().map(|c| (BetaDraw::new(a, b), c.price)).collect(),
            last_fit_day: None,
        }
    }

    /// The current conversion score (posterior mean) of caption `c`.
    pub fn score(&self, c: CaptionId) -> f64 {
        self.arms[c as usize].0.mean()
    }

    fn refresh(&mut self, creator: usize) {
        let prior = BetaPrior { mean: self.prior_means[creator], strength: self.strength };
        for &c in &self.captions_of[creator] {
            let (a, b) = prior.posterior(self.counts[c as usize]);
            self.arms[c as usize].0 = BetaDraw::new(a, b);
        }
    }

    fn refit_prior(&mut self) {
        let units: Vec<(usize, Counts)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.reach > 0.0)
            .map(|(id, c)| (self.creator_of[id] as usize, *c))
            .collect();
        if let Some((means, strength)) = fit_grouped(self.captions_of.len(), &units) {
            self.prior_means = means;
            self.strength = strength;
        }
    }
}

impl Policy for BetaTs {
    fn name(&self) -> &str {
        &self.name
    }

    #[inline]
    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        let mut best = d.eligible[0];
        let mut best_score = f64::NEG_INFINITY;
        for &c in d.eligible {
            let (draw, price) = &self.arms[c as usize];
            let score = draw.sample(rng) * price;
            if score > best_score {
                best_score = score;
                best = c;
            }
        }
        best
    }

    fn observe(&mut self, feedback: &[Outcome]) {
        let Some(latest) = feedback.iter().map(|o| o.sent_at).max() else { return };
        let mut dirty = vec![false; self.captions_of.len()];
        for o in feedback {
            let c = &mut self.counts[o.caption as usize];
            c.conversions += f64::from(o.conversions);
            c.reach += f64::from(o.reach);
            dirty[o.creator as usize] = true;
        }
        let day = Minute::day(latest);
        if self.last_fit_day.is_none_or(|d| day > d) {
            self.refit_prior();
            self.last_fit_day = Some(day);
            dirty.iter_mut().for_each(|d| *d = true);
        }
        for (creator, _) in dirty.iter().enumerate().filter(|(_, d)| **d) {
            self.refresh(creator);
        }
    }
}
