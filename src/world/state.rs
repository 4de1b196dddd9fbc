use super::World;
use super::response::churn_multiplier;
use crate::domain::{CaptionId, CaptionStatus, CohortId, CreatorId, MINUTES_PER_DAY, Minute};
use std::collections::VecDeque;

/// Length of the urgency window, minutes (rolling 7 days).
pub const URGENCY_WINDOW: u32 = 7 * MINUTES_PER_DAY;

/// Fatigue accumulators are rebased when their exponent passes this many half-lives.
const REBASE_HALF_LIVES: f64 = 512.0;

/// The part of the ground truth that a policy's sends move: fatigue, wear, last use,
/// urgency history, audiences and inventory status. Each policy of a replicate gets its own
/// copy of the state reached at the end of the warm-up.
#[derive(Debug, Clone)]
pub struct WorldState {
    /// Fatigue `e_{c,k}` as `A = Σ 2^{(t_i − epoch)/half_life}` over past sends; the fatigue
    /// at time t is `A · 2^{−(t − epoch)/half_life}` (exponential decay, DESIGN.md §3).
    fatigue: Vec<f64>,
    /// Epoch of the accumulators, in half-lives.
    epoch: f64,
    /// Permanent logit loss of each caption.
    pub wear: Vec<f64>,
    /// Last time each caption was sent (to any cohort).
    pub last_used: Vec<Option<Minute>>,
    /// Last time each caption was sent to each cohort, as `caption * cohorts + cohort`.
    pub last_sent: Vec<Option<Minute>>,
    /// Inventory status of each caption.
    pub status: Vec<CaptionStatus>,
    /// Times of urgency sends in the last 7 days, per creator × cohort.
    urgency_log: Vec<VecDeque<Minute>>,
    /// Fans per creator × cohort.
    pub audience: Vec<f64>,
    /// Fans lost to churn so far, per creator × cohort.
    pub churned: Vec<f64>,
    /// Next day whose churn has not been applied.
    next_day: u32,
}

/// Quantities shared by every caption of one decision: computed once per slot.
#[derive(Debug, Clone)]
pub struct SlotContext {
    /// `h(hour) + d(weekday)`.
    pub time_effect: f64,
    /// Fatigue decay factor `2^{−(t − epoch)/half_life}`.
    decay: f64,
    /// Logit loss of an urgency caption per cohort (0 unless the cohort is over-urged).
    pub urgency_loss: Vec<f64>,
    /// Reach per cohort (whole fans).
    pub reach: Vec<u32>,
    /// Reach per cohort as f64 (for the expected-revenue loop).
    reach_f64: Vec<f64>,
}

impl WorldState {
    /// The state before any send: no fatigue or wear, initial audiences, all captions active.
    pub fn new(world: &World) -> Self {
        let n = world.captions.len();
        let k = world.cohort_count();
        let audience: Vec<f64> = world.creators.iter().flat_map(|c| c.initial_audience.iter().copied()).collect();
        Self {
            fatigue: vec![0.0; n * k],
            epoch: 0.0,
            wear: vec![0.0; n],
            last_used: vec![None; n],
            last_sent: vec![None; n * k],
            status: vec![CaptionStatus::Active; n],
            urgency_log: vec![VecDeque::new(); world.creators.len() * k],
            churned: vec![0.0; audience.len()],
            audience,
            next_day: 0,
        }
    }

    fn half_lives(world: &World, at: Minute) -> f64 {
        at.days_f64() / world.params.fatigue_half_life_days
    }

    /// Urgency sends to (creator, cohort) in the 7 days before `now`.
    pub fn urgency_count(&self, world: &World, creator: CreatorId, cohort: CohortId, now: Minute) -> usize {
        let log = &self.urgency_log[creator as usize * world.cohort_count() + cohort as usize];
        log.iter().filter(|t| t.0 <= now.0 && now.0 - t.0 < URGENCY_WINDOW).count()
    }

    /// Applies churn and arrivals for every day up to and including `day`. Fans churn at
    /// `churn_per_day × cohort multiplier`, plus `urgency_churn_per_day` while the cohort is
    /// over-urged; arrivals replace the base churn of the initial audience.
    pub fn advance_to_day(&mut self, world: &World, day: u32) {
        let p = &world.params;
        while self.next_day <= day {
            let at = Minute::start_of_day(self.next_day);
            for (i, creator) in world.creators.iter().enumerate() {
                for (k, &kind) in world.cohorts.iter().enumerate() {
                    let idx = i * world.cohort_count() + k;
                    let base = p.churn_per_day * churn_multiplier(kind);
                    let over = self.urgency_count(world, i as u32, k as u8, at) as u32 >= p.urgency_overuse_threshold
                        && p.urgency_overuse_threshold > 0;
                    let rate = base + if over { p.urgency_churn_per_day } else { 0.0 };
                    let lost = self.audience[idx] * rate;
                    self.churned[idx] += lost;
                    self.audience[idx] += creator.initial_audience[k] * base - lost;
                }
            }
            self.next_day += 1;
        }
    }

    /// The per-slot quantities for `creator` at `now`.
    pub fn slot_context(&self, world: &World, creator: CreatorId, now: Minute) -> SlotContext {
        let p = &world.params;
        let k = world.cohort_count();
        let urgency_loss = (0..k)
            .map(|c| {
                let over = p.urgency_overuse_threshold > 0
                    && self.urgency_count(world, creator, c as u8, now) as u32 >= p.urgency_overuse_threshold;
                if over { world.urgency_loss[c] } else { 0.0 }
            })
            .collect();
        let reach: Vec<u32> = (0..k).map(|c| self.audience[creator as usize * k + c].round().max(0.0) as u32).collect();
        SlotContext {
            reach_f64: reach.iter().map(|&r| f64::from(r)).collect(),
            time_effect: super::response::time_effect(p, now.hour(), now.weekday()),
            decay: (-(Self::half_lives(world, now) - self.epoch)).exp2(),
            urgency_loss,
            reach,
        }
    }

    /// Logit of the conversion probability of caption `c` for `cohort`, before the per-send
    /// noise ε: `static + h + d − λ·e_{c,k}(t) − wear_c − urgency loss`.
    #[inline]
    pub fn logit(&self, world: &World, ctx: &SlotContext, c: CaptionId, cohort: usize) -> f64 {
        let k = world.cohort_count();
        let idx = c as usize * k + cohort;
        let mut x = world.static_logit[idx] + ctx.time_effect
            - world.params.fatigue_effect * self.fatigue[idx] * ctx.decay
            - self.wear[c as usize];
        if world.is_urgency[c as usize] {
            x -= ctx.urgency_loss[cohort];
        }
        x
    }

    /// True expected revenue of sending caption `c` to every cohort at this slot:
    /// `Σ_k reach_k · m(x_{c,k}) · price_c`.
    /// This is the engine's hot loop (every eligible caption at every decision, for regret):
    /// it reads the caption's cohort rows as slices and computes the logit inline.
    #[inline]
    pub fn expected_revenue(&self, world: &World, ctx: &SlotContext, c: CaptionId) -> f64 {
        let k = ctx.reach_f64.len();
        let rows = c as usize * k..(c as usize + 1) * k;
        let lambda = world.params.fatigue_effect * ctx.decay;
        let shift = ctx.time_effect - self.wear[c as usize];
        let urgent = world.is_urgency[c as usize];
        let mut conversions = 0.0;
        for (((s, a), reach), loss) in
            world.static_logit[rows.clone()].iter().zip(&self.fatigue[rows]).zip(&ctx.reach_f64).zip(&ctx.urgency_loss)
        {
            let x = s + shift - lambda * a - if urgent { *loss } else { 0.0 };
            conversions += reach * world.expected_rate.at(x);
        }
        conversions * world.captions[c as usize].price
    }

    /// True expected revenue of sending caption `c` to `cohort` alone at this slot:
    /// `reach_k · m(x_{c,k}) · price_c` (one term of [`WorldState::expected_revenue`]).
    pub fn expected_revenue_to(&self, world: &World, ctx: &SlotContext, c: CaptionId, cohort: usize) -> f64 {
        ctx.reach_f64[cohort]
            * world.expected_rate.at(self.logit(world, ctx, c, cohort))
            * world.captions[c as usize].price
    }

    /// Records that caption `c` was sent to `cohorts` at `now`: fatigue for each cohort, wear
    /// once per slot-level send, last use, and urgency history.
    pub fn record_send(&mut self, world: &World, c: CaptionId, cohorts: &[usize], now: Minute) {
        let k = world.cohort_count();
        let mut exponent = Self::half_lives(world, now) - self.epoch;
        if exponent > REBASE_HALF_LIVES {
            let shift = exponent.floor();
            let factor = (-shift).exp2();
            self.fatigue.iter_mut().for_each(|a| *a *= factor);
            self.epoch += shift;
            exponent -= shift;
        }
        let weight = exponent.exp2();
        let creator = world.captions[c as usize].creator as usize;
        for &cohort in cohorts {
            self.fatigue[c as usize * k + cohort] += weight;
            self.last_sent[c as usize * k + cohort] = Some(now);
            if world.is_urgency[c as usize] {
                let log = &mut self.urgency_log[creator * k + cohort];
                while log.front().is_some_and(|t| now.0 - t.0 >= URGENCY_WINDOW) {
                    log.pop_front();
                }
                log.push_back(now);
            }
        }
        self.wear[c as usize] += world.params.wear_per_send;
        self.last_used[c as usize] = Some(now);
    }

    /// Current fatigue `e_{c,k}(t)` (for tests and diagnostics).
    pub fn fatigue_at(&self, world: &World, c: CaptionId, cohort: usize, now: Minute) -> f64 {
        self.fatigue[c as usize * world.cohort_count() + cohort] * (-(Self::half_lives(world, now) - self.epoch)).exp2()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::WorldParams;
    use crate::streams::Purpose;
    use crate::world::response::ExpectedRate;
    use std::sync::Arc;

    fn small_world(p: WorldParams) -> World {
        World::generate(&p, 3, 0, Purpose::World, 30, Arc::new(ExpectedRate::new(p.overdispersion_sd)))
    }

    #[test]
    fn fatigue_halves_after_one_half_life() {
        let w = small_world(WorldParams { creators: 1, fatigue_half_life_days: 2.0, ..WorldParams::default() });
        let mut s = WorldState::new(&w);
        s.record_send(&w, 0, &[0], Minute(0));
        let later = Minute(2 * MINUTES_PER_DAY);
        assert!((s.fatigue_at(&w, 0, 0, Minute(0)) - 1.0).abs() < 1e-12);
        assert!((s.fatigue_at(&w, 0, 0, later) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn fatigue_survives_rebasing() {
        let w = small_world(WorldParams { creators: 1, fatigue_half_life_days: 0.01, ..WorldParams::default() });
        let mut s = WorldState::new(&w);
        let t = Minute(20 * MINUTES_PER_DAY); // 2000 half-lives: forces a rebase
        s.record_send(&w, 0, &[0], t);
        s.record_send(&w, 0, &[0], t);
        assert!((s.fatigue_at(&w, 0, 0, t) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn sending_a_caption_lowers_its_next_expected_revenue() {
        let w = small_world(WorldParams { creators: 1, ..WorldParams::default() });
        let mut s = WorldState::new(&w);
        let t = Minute(20 * 60);
        let before = s.expected_revenue(&w, &s.slot_context(&w, 0, t), 0);
        s.record_send(&w, 0, &[0, 1, 2, 3], t);
        let after = s.expected_revenue(&w, &s.slot_context(&w, 0, Minute(t.0 + 60)), 0);
        assert!(after < before);
    }

    #[test]
    fn without_urgency_overuse_audiences_stay_at_their_initial_size() {
        let w = small_world(WorldParams { creators: 2, ..WorldParams::default() });
        let mut s = WorldState::new(&w);
        let start = s.audience.clone();
        s.advance_to_day(&w, 29);
        for (a, b) in s.audience.iter().zip(&start) {
            assert!((a - b).abs() < 1e-9);
        }
        assert!(s.churned.iter().all(|&c| c > 0.0));
    }

    #[test]
    fn over_urged_cohort_loses_fans_and_urgency_response() {
        let p = WorldParams { creators: 1, trigger_probability: 1.0, ..WorldParams::default() };
        let w = small_world(p);
        let mut s = WorldState::new(&w);
        let t = Minute(MINUTES_PER_DAY);
        let calm = s.slot_context(&w, 0, t);
        assert_eq!(calm.urgency_loss[0], 0.0);
        s.record_send(&w, 0, &[0], t);
        s.record_send(&w, 1, &[0], Minute(t.0 + 60));
        let urged = s.slot_context(&w, 0, Minute(t.0 + 120));
        assert!(urged.urgency_loss[0] > 0.0 && urged.urgency_loss[1] == 0.0);
        let fans = s.audience[0];
        s.advance_to_day(&w, 2);
        assert!(s.audience[0] < fans);
        // Eight days later the window has passed.
        assert_eq!(s.slot_context(&w, 0, Minute(t.0 + 8 * MINUTES_PER_DAY)).urgency_loss[0], 0.0);
    }
}
