use crate::domain::{CaptionId, CaptionStatus, CreatorId, MINUTES_PER_DAY, Minute};
use crate::scenario::RulesParams;
use crate::world::{World, WorldState};

/// The shared eligibility filter: a caption is eligible at a slot when it is in the bank
/// (created by then), active, not used by its creator in the last `recent_use_days`, and —
/// under an urgency cap of K — not an urgency caption while any cohort has had K urgency
/// sends in the rolling 7 days.
///
/// For a policy that personalises, eligibility is also given per cohort: a caption is
/// eligible for cohort k when it is in the bank, active, not sent to cohort k in the last
/// `recent_use_days` (its fans have not seen it), and — under the cap — not an urgency
/// caption while cohort k has had K urgency sends in the rolling 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eligibility {
    recent_use_minutes: u32,
    urgency_cap: Option<u32>,
}

impl Eligibility {
    /// The rules of a scenario.
    pub fn new(rules: &RulesParams) -> Self {
        Self { recent_use_minutes: rules.recent_use_days * MINUTES_PER_DAY, urgency_cap: rules.urgency_cap }
    }

    /// Whether the urgency cap forbids another urgency send by `creator` now.
    pub fn urgency_capped(&self, world: &World, state: &WorldState, creator: CreatorId, now: Minute) -> bool {
        self.urgency_cap.is_some_and(|cap| {
            (0..world.cohort_count()).any(|k| state.urgency_count(world, creator, k as u8, now) as u32 >= cap)
        })
    }

    /// Fills `out` with the eligible captions of `creator` at `now` (bank order).
    pub fn collect(
        &self,
        world: &World,
        state: &WorldState,
        creator: CreatorId,
        now: Minute,
        out: &mut Vec<CaptionId>,
    ) {
        out.clear();
        let capped = self.urgency_capped(world, state, creator, now);
        for &c in &world.creators[creator as usize].captions {
            let cap = &world.captions[c as usize];
            if cap.created_at > now {
                break; // the bank is ordered by creation time
            }
            if state.status[c as usize] != CaptionStatus::Active {
                continue;
            }
            if self.recent_use_minutes > 0
                && state.last_used[c as usize].is_some_and(|t| now.0 - t.0 < self.recent_use_minutes)
            {
                continue;
            }
            if capped && world.is_urgency[c as usize] {
                continue;
            }
            out.push(c);
        }
    }

    /// Fills `out[k]` with the captions eligible for cohort `k` of `creator` at `now` (bank
    /// order, ascending ids). Each list contains the all-cohort list of [`Eligibility::collect`].
    pub fn collect_per_cohort(
        &self,
        world: &World,
        state: &WorldState,
        creator: CreatorId,
        now: Minute,
        out: &mut [Vec<CaptionId>],
    ) {
        let k = world.cohort_count();
        for (cohort, list) in out.iter_mut().enumerate() {
            list.clear();
            let capped = self
                .urgency_cap
                .is_some_and(|cap| state.urgency_count(world, creator, cohort as u8, now) as u32 >= cap);
            for &c in &world.creators[creator as usize].captions {
                if world.captions[c as usize].created_at > now {
                    break;
                }
                if state.status[c as usize] != CaptionStatus::Active
                    || (capped && world.is_urgency[c as usize])
                    || (self.recent_use_minutes > 0
                        && state.last_sent[c as usize * k + cohort]
                            .is_some_and(|t| now.0 - t.0 < self.recent_use_minutes))
                {
                    continue;
                }
                list.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::WorldParams;
    use crate::streams::Purpose;
    use crate::world::response::ExpectedRate;
    use std::sync::Arc;

    fn world() -> World {
        let p = WorldParams { creators: 1, ..WorldParams::default() };
        World::generate(&p, 1, 0, Purpose::World, 30, Arc::new(ExpectedRate::new(p.overdispersion_sd)))
    }

    #[test]
    fn recently_used_and_future_captions_are_not_eligible() {
        let w = world();
        let mut s = WorldState::new(&w);
        let rules = Eligibility::new(&RulesParams { recent_use_days: 2, ..RulesParams::default() });
        let now = Minute(MINUTES_PER_DAY);
        let mut out = Vec::new();
        rules.collect(&w, &s, 0, now, &mut out);
        let first = out[0];
        assert!(out.iter().all(|&c| w.captions[c as usize].created_at <= now));
        s.record_send(&w, first, &[0, 1, 2, 3], now);
        rules.collect(&w, &s, 0, Minute(now.0 + 60), &mut out);
        assert!(!out.contains(&first));
        rules.collect(&w, &s, 0, Minute(now.0 + 2 * MINUTES_PER_DAY), &mut out);
        assert!(out.contains(&first));
    }

    #[test]
    fn urgency_cap_removes_urgency_captions_once_reached() {
        let w = world();
        let mut s = WorldState::new(&w);
        let rules =
            Eligibility::new(&RulesParams { recent_use_days: 0, urgency_cap: Some(1), ..RulesParams::default() });
        let now = Minute(60);
        let mut out = Vec::new();
        rules.collect(&w, &s, 0, now, &mut out);
        let urgent = *out.iter().find(|&&c| w.is_urgency[c as usize]).expect("some urgency caption");
        s.record_send(&w, urgent, &[2], now);
        rules.collect(&w, &s, 0, Minute(now.0 + 1), &mut out);
        assert!(out.iter().all(|&c| !w.is_urgency[c as usize]));
        assert!(!out.is_empty());
        // Per cohort, only the capped cohort loses its urgency captions.
        let mut per = vec![Vec::new(); w.cohort_count()];
        rules.collect_per_cohort(&w, &s, 0, Minute(now.0 + 1), &mut per);
        assert!(per[2].iter().all(|&c| !w.is_urgency[c as usize]));
        assert!(per[0].iter().any(|&c| w.is_urgency[c as usize]));
    }

    #[test]
    fn a_caption_sent_to_one_cohort_stays_eligible_for_the_others() {
        let w = world();
        let mut s = WorldState::new(&w);
        let rules = Eligibility::new(&RulesParams::default());
        let now = Minute(60);
        let mut all = Vec::new();
        rules.collect(&w, &s, 0, now, &mut all);
        let c = all[0];
        s.record_send(&w, c, &[1], now);
        let later = Minute(now.0 + 60);
        rules.collect(&w, &s, 0, later, &mut all);
        let mut per = vec![Vec::new(); w.cohort_count()];
        rules.collect_per_cohort(&w, &s, 0, later, &mut per);
        assert!(!all.contains(&c) && !per[1].contains(&c));
        assert!(per[0].contains(&c) && per[2].contains(&c) && per[3].contains(&c));
        for list in &per {
            assert!(all.iter().all(|a| list.contains(a)), "each cohort list contains the all-cohort list");
        }
    }
}
