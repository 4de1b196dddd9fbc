//! Caption retirement and resting by saturation score (DESIGN.md §5), a rule shared by every
//! policy: each day, every caption sent since the last review is scored; above
//! `retire_above` it is retired for good, above `rest_above` it rests `rest_days` days and
//! comes back with its history cleared (its saturation is then judged on new sends against
//! the creator's baseline). With `segment_thresholds`, each creator's captions are judged by
//! the thresholds of the creator's tier, the tier coming from the outcomes the rule has seen
//! (`policy::segments`), refreshed at each review. The tracker also gives the average saturation of the bank, for
//! policies that run without the rule.

use crate::domain::{CaptionId, CaptionStatus, Outcome, PerTier};
use crate::policy::segments::CreatorSegments;
use crate::scenario::{RulesParams, Thresholds};
use crate::score::conversion::{BetaPrior, Counts};
use crate::score::saturation::saturation;
use crate::world::{World, WorldState};

/// Saturation tracking and, when on, the retirement rule.
#[derive(Debug, Clone)]
pub struct Retirement {
    acting: bool,
    /// Thresholds per creator tier (the same in every tier without `segment_thresholds`).
    thresholds: PerTier<Thresholds>,
    /// Creator tiers, when thresholds differ by tier.
    segments: Option<CreatorSegments>,
    rest_days: u32,
    /// Slot-level sends of each caption since it entered (or came back from rest).
    sends: Vec<Vec<Counts>>,
    /// Totals of each caption over its whole history (for the prior strength).
    totals: Vec<Counts>,
    /// Totals of each creator (baseline rates).
    creators: Vec<Counts>,
    /// Day a resting caption comes back.
    rest_until: Vec<Option<u32>>,
    /// Captions sent since the last review.
    dirty: Vec<CaptionId>,
    /// Captions resting now.
    resting: usize,
}

impl Retirement {
    /// A tracker for `world` under `rules` (acting only when `rules.retirement`).
    pub fn new(world: &World, rules: &RulesParams) -> Self {
        let n = world.captions.len();
        let uniform = Thresholds { retire_above: rules.retire_above, rest_above: rules.rest_above };
        Self {
            acting: rules.retirement,
            thresholds: rules.segment_thresholds.unwrap_or(PerTier {
                elite: uniform,
                high: uniform,
                mid: uniform,
                developing: uniform,
            }),
            segments: rules.segment_thresholds.map(|_| CreatorSegments::new(world.creators.len())),
            rest_days: rules.rest_days,
            sends: vec![Vec::new(); n],
            totals: vec![Counts::default(); n],
            creators: vec![Counts::default(); world.creators.len()],
            rest_until: vec![None; n],
            dirty: Vec::new(),
            resting: 0,
        }
    }

    /// Records one slot-level send (its rows, one per cohort).
    pub fn record(&mut self, caption: CaptionId, creator: u32, rows: &[Outcome]) {
        let c = rows.iter().fold(Counts::default(), |a, o| Counts {
            conversions: a.conversions + f64::from(o.conversions),
            reach: a.reach + f64::from(o.reach),
        });
        let i = caption as usize;
        self.sends[i].push(c);
        self.totals[i].conversions += c.conversions;
        self.totals[i].reach += c.reach;
        let t = &mut self.creators[creator as usize];
        t.conversions += c.conversions;
        t.reach += c.reach;
        if let Some(s) = &mut self.segments {
            s.observe(rows);
        }
        self.dirty.push(caption);
    }

    /// Records a history's rows (one send's rows share a `send_id`, consecutively).
    pub fn replay(&mut self, rows: &[Outcome]) {
        for send in rows.chunk_by(|a, b| a.send_id == b.send_id) {
            self.record(send[0].caption, send[0].creator, send);
        }
    }

    fn score(&self, world: &World, caption: CaptionId, strength: f64) -> f64 {
        let creator = &self.creators[world.captions[caption as usize].creator as usize];
        if creator.reach <= 0.0 {
            return 0.0;
        }
        saturation(&self.sends[caption as usize], creator.conversions / creator.reach, strength)
    }

    /// The daily review at the start of `day`: brings rested captions back and, when acting,
    /// retires or rests the captions sent since the last review.
    pub fn review(&mut self, world: &World, state: &mut WorldState, day: u32) {
        if self.resting > 0 {
            for (c, until) in self.rest_until.iter_mut().enumerate() {
                if until.is_some_and(|d| d <= day) {
                    *until = None;
                    state.status[c] = CaptionStatus::Active;
                    self.sends[c].clear();
                    self.resting -= 1;
                }
            }
        }
        let mut dirty = std::mem::take(&mut self.dirty);
        if !self.acting || dirty.is_empty() {
            return;
        }
        dirty.sort_unstable();
        dirty.dedup();
        let strength = BetaPrior::fit_pooled(&self.totals).strength;
        if let Some(s) = &mut self.segments {
            s.retier();
        }
        for c in dirty {
            if state.status[c as usize] != CaptionStatus::Active {
                continue;
            }
            let s = self.score(world, c, strength);
            let th = match &self.segments {
                Some(seg) => self.thresholds.get(seg.tier(world.captions[c as usize].creator)),
                None => self.thresholds.elite,
            };
            if s > th.retire_above {
                state.status[c as usize] = CaptionStatus::Retired;
            } else if s > th.rest_above {
                state.status[c as usize] = CaptionStatus::Resting;
                self.rest_until[c as usize] = Some(day + self.rest_days);
                self.resting += 1;
            }
        }
    }

    /// Saturation scores of the active captions that have been sent (caption order).
    pub fn active_scores(&self, world: &World, state: &WorldState) -> Vec<f64> {
        let strength = BetaPrior::fit_pooled(&self.totals).strength;
        (0..self.sends.len())
            .filter(|&c| !self.sends[c].is_empty() && state.status[c] == CaptionStatus::Active)
            .map(|c| self.score(world, c as CaptionId, strength))
            .collect()
    }

    /// Mean saturation score over the active captions that have been sent (NaN without any).
    pub fn average_saturation(&self, world: &World, state: &WorldState) -> f64 {
        let scores = self.active_scores(world, state);
        if scores.is_empty() { f64::NAN } else { scores.iter().sum::<f64>() / scores.len() as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Minute;
    use crate::scenario::WorldParams;
    use crate::streams::Purpose;
    use crate::world::response::ExpectedRate;
    use std::sync::Arc;

    fn world() -> World {
        let p = WorldParams { creators: 1, bank_min: 20, bank_max: 20, ..WorldParams::default() };
        World::generate(&p, 1, 0, Purpose::World, 60, Arc::new(ExpectedRate::new(p.overdispersion_sd)))
    }

    fn send(caption: CaptionId, rate: f64) -> Outcome {
        let reach = 4000;
        Outcome {
            send_id: 0,
            creator: 0,
            cohort: 0,
            caption,
            sent_at: Minute(0),
            reach,
            conversions: (rate * f64::from(reach)) as u32,
            price: 1.0,
            revenue: 0.0,
        }
    }

    #[test]
    fn worn_captions_are_retired_or_rested_and_rested_ones_come_back() {
        let w = world();
        let mut state = WorldState::new(&w);
        let rules = RulesParams { retirement: true, ..RulesParams::default() };
        let mut r = Retirement::new(&w, &rules);
        // Caption 0 falls to a fifth (score ≈ 0.8), caption 1 to 40 % (≈ 0.6), caption 2 and
        // the others stay at 5 % (they also set the creator's baseline and the prior).
        for (c, late) in [(0, 0.01), (1, 0.02), (2, 0.05)] {
            for k in 0..6 {
                r.record(c, 0, &[send(c, if k < 3 { 0.05 } else { late })]);
            }
        }
        for c in 3..20 {
            for _ in 0..3 {
                r.record(c, 0, &[send(c, 0.04 + 0.001 * f64::from(c))]);
            }
        }
        r.review(&w, &mut state, 10);
        assert_eq!(state.status[0], CaptionStatus::Retired);
        assert_eq!(state.status[1], CaptionStatus::Resting);
        assert_eq!(state.status[2], CaptionStatus::Active);
        r.review(&w, &mut state, 39);
        assert_eq!(state.status[1], CaptionStatus::Resting);
        r.review(&w, &mut state, 40);
        assert_eq!(state.status[1], CaptionStatus::Active, "back after 30 days");
        assert_eq!(state.status[0], CaptionStatus::Retired, "retirement is for good");
    }

    #[test]
    fn per_tier_thresholds_retire_at_an_elite_creator_what_they_rest_at_a_developing_one() {
        // Four creators; creator 0 earns the most per fan (Elite), creator 3 the least
        // (Developing). Each has one caption falling from 5 % to 1.75 % (score 0.64: above
        // Elite's 0.6, between Developing's 0.6 and 0.8) and a steady bank of 4–5 % setting
        // its baseline and the prior.
        let p = WorldParams { creators: 4, bank_min: 12, bank_max: 12, ..WorldParams::default() };
        let w = World::generate(&p, 1, 0, Purpose::World, 60, Arc::new(ExpectedRate::new(p.overdispersion_sd)));
        let run = |rules: &RulesParams| {
            let mut state = WorldState::new(&w);
            let mut r = Retirement::new(&w, rules);
            for creator in 0..4u32 {
                let bank = &w.creators[creator as usize].captions;
                let price = f64::from(4 - creator);
                let with = |mut o: Outcome, c: CaptionId| {
                    o.creator = creator;
                    o.caption = c;
                    o.revenue = f64::from(o.conversions) * price;
                    o
                };
                for k in 0..6 {
                    r.record(bank[0], creator, &[with(send(0, if k < 3 { 0.05 } else { 0.0175 }), bank[0])]);
                }
                for (k, &c) in bank[1..].iter().enumerate() {
                    for _ in 0..3 {
                        r.record(c, creator, &[with(send(0, 0.04 + 0.001 * k as f64), c)]);
                    }
                }
            }
            r.review(&w, &mut state, 10);
            [0, 3].map(|creator| state.status[w.creators[creator].captions[0] as usize])
        };
        let uniform = RulesParams { retirement: true, ..RulesParams::default() };
        assert_eq!(run(&uniform), [CaptionStatus::Resting, CaptionStatus::Resting]);
        let per_tier = RulesParams { segment_thresholds: Some(Thresholds::PER_TIER), ..uniform };
        assert_eq!(run(&per_tier), [CaptionStatus::Retired, CaptionStatus::Resting]);
    }

    #[test]
    fn without_the_rule_nothing_changes_status() {
        let w = world();
        let mut state = WorldState::new(&w);
        let mut r = Retirement::new(&w, &RulesParams::default());
        for k in 0..6 {
            r.record(0, 0, &[send(0, if k < 3 { 0.05 } else { 0.005 })]);
        }
        r.review(&w, &mut state, 5);
        assert!(state.status.iter().all(|s| *s == CaptionStatus::Active));
        assert!(r.average_saturation(&w, &state) > 0.5);
    }
}
