use super::response::{self, ExpectedRate};
use crate::domain::{
    Caption, Category, CohortKind, Creator, CreatorId, MINUTES_PER_DAY, Minute, PriceTier, Trigger, Triggers,
};
use crate::scenario::WorldParams;
use crate::streams::{Purpose, StreamRng, stream};
use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Poisson, StandardNormal};
use std::sync::Arc;

/// One realisation of the world: everything that does not depend on which captions are
/// chosen. Shared read-only by every policy of a replicate (common random numbers).
#[derive(Debug, Clone)]
pub struct World {
    /// The (calibrated) parameters it was generated from.
    pub params: WorldParams,
    /// Scenario seed.
    pub seed: u64,
    /// Replicate index (or calibration world index).
    pub replicate: u64,
    /// Which stream family the world was drawn from (`World` or `Calibration`).
    pub purpose: Purpose,
    /// Days covered: warm-up plus horizon.
    pub total_days: u32,
    /// Creators, indexed by `CreatorId`.
    pub creators: Vec<Creator>,
    /// Observable caption features, indexed by `CaptionId`.
    pub captions: Vec<Caption>,
    /// Latent quality `q_c` of each caption (ground truth, hidden from policies).
    pub quality: Vec<f64>,
    /// Static logit part per caption and cohort, `μ + u_i + q_c + f(c) + g(k, c)`, laid out
    /// as `caption * cohorts + cohort`.
    pub static_logit: Vec<f64>,
    /// Whether each caption uses the urgency trigger.
    pub is_urgency: Vec<bool>,
    /// Cohort kinds, indexed by cohort.
    pub cohorts: Vec<CohortKind>,
    /// Logit loss of urgency captions per over-urged cohort.
    pub urgency_loss: Vec<f64>,
    /// `m(x)`, shared by all worlds with the same σ.
    pub expected_rate: Arc<ExpectedRate>,
}

impl World {
    /// Generates a world from `params` for (`seed`, `replicate`). `expected_rate` must have
    /// been built for `params.overdispersion_sd`.
    pub fn generate(
        params: &WorldParams,
        seed: u64,
        replicate: u64,
        purpose: Purpose,
        total_days: u32,
        expected_rate: Arc<ExpectedRate>,
    ) -> World {
        let p = params;
        let cohorts: Vec<CohortKind> = CohortKind::ALL[..p.cohorts as usize].to_vec();
        let audience = LogNormal::new(p.audience_median.ln(), p.audience_log_sd)
            .unwrap_or_else(|_| unreachable!("validated: median > 0, sd ≥ 0"));
        let mut creators = Vec::with_capacity(p.creators as usize);
        let mut captions = Vec::new();
        let mut quality = Vec::new();
        let weeks = total_days.div_ceil(7);
        for i in 0..p.creators {
            // One stream per creator and one per creator-week of inflow: a creator's world
            // does not depend on how many creators or days follow it.
            let mut rng = stream(seed, replicate, purpose, &[u64::from(i)]);
            let effect = p.creator_effect_sd * rng.sample::<f64, _>(StandardNormal);
            let fans = audience.sample(&mut rng).clamp(p.audience_min, p.audience_max);
            let weights: Vec<f64> = cohorts.iter().map(|_| 1.0 + rng.random::<f64>()).collect();
            let total: f64 = weights.iter().sum();
            let initial_audience = weights.iter().map(|w| fans * w / total).collect();
            let slots_per_day = rng.random_range(p.slots_per_day_min..=p.slots_per_day_max);
            let mut own = Vec::new();
            let bank = rng.random_range(p.bank_min..=p.bank_max);
            for _ in 0..bank {
                own.push(captions.len() as u32);
                captions.push(draw_caption(p, i, Minute(0), &mut rng));
                quality.push(draw_quality(p, &mut rng));
            }
            for w in 0..weeks {
                let mut rng = stream(seed, replicate, purpose, &[u64::from(i), u64::from(w) + 1]);
                let n = rng.random_range(p.new_captions_per_week_min..=p.new_captions_per_week_max);
                let mut times: Vec<u32> =
                    (0..n).map(|_| (w * 7 * MINUTES_PER_DAY) + rng.random_range(0..7 * MINUTES_PER_DAY)).collect();
                times.sort_unstable();
                for t in times {
                    own.push(captions.len() as u32);
                    captions.push(draw_caption(p, i, Minute(t), &mut rng));
                    quality.push(draw_quality(p, &mut rng));
                }
            }
            creators.push(Creator { effect, initial_audience, slots_per_day, captions: own });
        }
        let k = cohorts.len();
        let mut static_logit = Vec::with_capacity(captions.len() * k);
        for (c, cap) in captions.iter().enumerate() {
            let common =
                p.base_logit + creators[cap.creator as usize].effect + quality[c] + response::feature_effect(p, cap);
            for &kind in &cohorts {
                static_logit.push(common + response::cohort_response(p, kind, cap));
            }
        }
        let is_urgency = captions.iter().map(|c| c.triggers.has(Trigger::Urgency)).collect();
        let urgency_loss = cohorts.iter().map(|&kind| response::urgency_overuse_loss(p, kind)).collect();
        World {
            params: p.clone(),
            seed,
            replicate,
            purpose,
            total_days,
            creators,
            captions,
            quality,
            static_logit,
            is_urgency,
            cohorts,
            urgency_loss,
            expected_rate,
        }
    }

    /// Number of cohorts per creator.
    pub fn cohort_count(&self) -> usize {
        self.cohorts.len()
    }

    /// Slot times of `creator` on `day`, sorted: a pure function of (seed, replicate,
    /// creator, day), identical for every policy.
    pub fn slots(&self, creator: CreatorId, day: u32) -> Vec<Minute> {
        let mut rng: StreamRng = stream(
            self.seed,
            self.replicate,
            Purpose::Schedule,
            &[self.purpose as u64, u64::from(creator), u64::from(day)],
        );
        let n = self.creators[creator as usize].slots_per_day;
        let mut minutes: Vec<Minute> = (0..n)
            .map(|_| {
                let minute_of_day = if rng.random_bool(self.params.evening_share) {
                    rng.random_range(18 * 60..24 * 60)
                } else {
                    rng.random_range(8 * 60..18 * 60)
                };
                Minute(day * MINUTES_PER_DAY + minute_of_day)
            })
            .collect();
        minutes.sort_unstable();
        minutes
    }
}

fn draw_caption(p: &WorldParams, creator: CreatorId, created_at: Minute, rng: &mut StreamRng) -> Caption {
    let length = LogNormal::new(160f64.ln(), 0.5)
        .unwrap_or_else(|_| unreachable!("constant parameters"))
        .sample(rng)
        .clamp(20.0, 800.0)
        .round() as u32;
    let emoji: f64 = Poisson::new(2.0).unwrap_or_else(|_| unreachable!("constant parameters")).sample(rng);
    let emoji = emoji.min(12.0) as u32;
    let category = if rng.random_bool(p.bg_fraction) {
        Category::Bg
    } else {
        let others = [Category::Solo, Category::Gg, Category::Tease, Category::Bundle];
        others[rng.random_range(0..others.len())]
    };
    let u: f64 = rng.random();
    let tier = if u < p.budget_share {
        PriceTier::Budget
    } else if u < p.budget_share + p.premium_share {
        PriceTier::Premium
    } else {
        PriceTier::Mid
    };
    let mut triggers = Triggers::default();
    for t in Trigger::ALL {
        if rng.random_bool(p.trigger_probability) {
            triggers = triggers.with(t);
        }
    }
    Caption {
        creator,
        length,
        emoji,
        category,
        tier,
        price: p.tier_prices[tier.index()] * p.price_scale,
        triggers,
        created_at,
    }
}

/// Latent quality: `quality_sd` times a standardised log-normal with shape `quality_skew`
/// (mean 0, sd 1, right-skewed, so fewer than half the captions beat the mean); a normal
/// when the skew is 0.
fn draw_quality(p: &WorldParams, rng: &mut StreamRng) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    p.quality_sd * standardized_lognormal(z, p.quality_skew)
}

/// `(exp(κz) − E) / SD` for the log-normal `exp(κZ)`: mean 0, variance 1; `z` as `κ → 0`.
pub fn standardized_lognormal(z: f64, kappa: f64) -> f64 {
    if kappa < 1e-6 {
        return z;
    }
    let mean = (kappa * kappa / 2.0).exp();
    let sd = ((kappa * kappa).exp_m1() * (kappa * kappa).exp()).sqrt();
    ((kappa * z).exp() - mean) / sd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(params: &WorldParams) -> World {
        World::generate(params, 11, 0, Purpose::World, 60, Arc::new(ExpectedRate::new(params.overdispersion_sd)))
    }

    #[test]
    fn generation_is_a_pure_function_of_seed_and_replicate() {
        let p = WorldParams { creators: 3, ..WorldParams::default() };
        let (a, b) = (world(&p), world(&p));
        assert_eq!(a.static_logit, b.static_logit);
        assert_eq!(a.slots(1, 5), b.slots(1, 5));
    }

    #[test]
    fn default_world_has_the_documented_sizes() {
        let p = WorldParams::default();
        let w = world(&p);
        assert_eq!(w.creators.len(), 38);
        for c in &w.creators {
            let initial = c.captions.iter().filter(|&&id| w.captions[id as usize].created_at == Minute(0)).count();
            assert!((150..=600).contains(&initial));
            assert!((4..=10).contains(&c.slots_per_day));
            let fans: f64 = c.initial_audience.iter().sum();
            assert!((300.0..=80_000.0).contains(&fans));
        }
        // 9 weeks of inflow at 5–15 per week.
        let new = w.captions.iter().filter(|c| c.created_at > Minute(0)).count() as f64 / 38.0;
        assert!((45.0..=135.0).contains(&new), "{new}");
    }

    #[test]
    fn latent_quality_is_right_skewed_so_fewer_than_half_beat_the_mean() {
        let w = world(&WorldParams::default());
        let mean = w.quality.iter().sum::<f64>() / w.quality.len() as f64;
        let above = w.quality.iter().filter(|&&q| q > mean).count() as f64 / w.quality.len() as f64;
        assert!(above < 0.45, "{above}");
    }

    #[test]
    fn standardized_lognormal_has_mean_zero_and_unit_variance() {
        // Midpoint quadrature against the normal density.
        let kappa = 0.8;
        let (mut m1, mut m2) = (0.0, 0.0);
        let h = 0.001;
        let mut z: f64 = -10.0;
        while z < 10.0 {
            let w = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() * h;
            let v = standardized_lognormal(z, kappa);
            m1 += v * w;
            m2 += v * v * w;
            z += h;
        }
        assert!(m1.abs() < 1e-6 && (m2 - 1.0).abs() < 1e-4, "{m1} {m2}");
    }

    #[test]
    fn slots_fall_on_their_day_and_mostly_in_the_evening() {
        let w = world(&WorldParams::default());
        let mut evening = 0;
        let mut all = 0;
        for c in 0..38 {
            for s in w.slots(c, 3) {
                assert_eq!(s.day(), 3);
                all += 1;
                evening += usize::from(s.hour() >= 18);
            }
        }
        assert!(evening * 2 > all);
    }
}
