//! The day loop of one policy in one world: at every slot, deliver due feedback, collect the
//! eligible captions, ask the policy, draw the outcome per cohort, move the world state.

use super::feedback::FeedbackQueue;
use crate::domain::{CaptionId, CreatorId, Minute, Outcome};
use crate::policy::rules::{Eligibility, Retirement};
use crate::policy::{Decision, Policy, PolicyRng};
use crate::world::outcome::draw_conversions;
use crate::world::{World, WorldState};
use std::ops::Range;

/// One slot-level send as the engine saw it.
#[derive(Debug)]
pub struct SlotRecord<'a> {
    /// Sending creator.
    pub creator: CreatorId,
    /// Slot time.
    pub at: Minute,
    /// Chosen caption.
    pub caption: CaptionId,
    /// One row per cohort.
    pub outcomes: &'a [Outcome],
    /// True expected revenue of the chosen caption.
    pub expected_revenue: f64,
    /// Best true expected revenue among the eligible captions (when truth was computed).
    pub best_expected_revenue: Option<f64>,
}

/// Receives every send of a trajectory (metrics, history, CSV writers).
pub trait SendSink {
    /// Called once per slot-level send, after the world state moved.
    fn record(&mut self, rec: &SlotRecord<'_>);
    /// Called after the last slot of `day`.
    fn end_of_day(&mut self, _day: u32, _state: &WorldState) {}
}

/// Collects every outcome row (warm-up history).
#[derive(Debug, Default)]
pub struct HistorySink {
    /// All rows, in time order.
    pub rows: Vec<Outcome>,
}

impl SendSink for HistorySink {
    fn record(&mut self, rec: &SlotRecord<'_>) {
        self.rows.extend_from_slice(rec.outcomes);
    }
}

/// The policy chose a caption that was not eligible: a bug in the policy.
#[derive(Debug, Clone, thiserror::Error)]
#[error("policy `{policy}` chose caption {caption}, which is not eligible at minute {at} for creator {creator}")]
pub struct IneligibleChoice {
    /// Policy label.
    pub policy: String,
    /// Chosen caption.
    pub caption: CaptionId,
    /// Creator.
    pub creator: CreatorId,
    /// Slot minute.
    pub at: u32,
}

/// Everything a trajectory moves: the world state, the policy, its stream and queue.
pub struct Trajectory<'a> {
    /// The world (read-only).
    pub world: &'a World,
    /// Shared eligibility rules.
    pub eligibility: Eligibility,
    /// The state this policy's sends move.
    pub state: WorldState,
    /// The policy.
    pub policy: Box<dyn Policy>,
    /// The policy's own stream.
    pub rng: PolicyRng,
    /// Its feedback pipeline.
    pub queue: FeedbackQueue,
    /// Whether to compute every eligible caption's true value (for regret).
    pub with_truth: bool,
    /// Next slot-level send id.
    pub next_send_id: u64,
    /// Saturation tracking and the retirement rule.
    pub retirement: Retirement,
}

impl Trajectory<'_> {
    /// Simulates `days`, passing every send to `sink`.
    pub fn run(&mut self, days: Range<u32>, sink: &mut dyn SendSink) -> Result<(), IneligibleChoice> {
        let world = self.world;
        let k = world.cohort_count();
        let all_cohorts: Vec<usize> = (0..k).collect();
        let mut eligible = Vec::new();
        let mut truth = Vec::new();
        let mut rows = Vec::with_capacity(k);
        for day in days {
            self.state.advance_to_day(world, day);
            self.retirement.review(world, &mut self.state, day);
            let mut slots: Vec<(Minute, CreatorId)> = (0..world.creators.len() as CreatorId)
                .flat_map(|c| world.slots(c, day).into_iter().map(move |t| (t, c)))
                .collect();
            slots.sort_unstable();
            for (at, creator) in slots {
                let batch = self.queue.due(at);
                if !batch.is_empty() {
                    self.policy.observe(&batch);
                }
                self.eligibility.collect(world, &self.state, creator, at, &mut eligible);
                if eligible.is_empty() {
                    continue;
                }
                let ctx = self.state.slot_context(world, creator, at);
                let need_truth = self.with_truth || self.policy.is_clairvoyant();
                truth.clear();
                if need_truth {
                    truth.extend(eligible.iter().map(|&c| self.state.expected_revenue(world, &ctx, c)));
                }
                let decision = Decision {
                    creator,
                    at,
                    eligible: &eligible,
                    expected_revenue: need_truth.then_some(truth.as_slice()),
                };
                let caption = self.policy.choose(&decision, &mut self.rng);
                let Some(pos) = eligible.iter().position(|&c| c == caption) else {
                    return Err(IneligibleChoice {
                        policy: self.policy.name().to_string(),
                        caption,
                        creator,
                        at: at.0,
                    });
                };
                let (expected_revenue, best) = if need_truth {
                    (truth[pos], Some(truth.iter().copied().fold(f64::NEG_INFINITY, f64::max)))
                } else {
                    (self.state.expected_revenue(world, &ctx, caption), None)
                };
                let price = world.captions[caption as usize].price;
                rows.clear();
                for (cohort, &reach) in ctx.reach.iter().enumerate() {
                    let x = self.state.logit(world, &ctx, caption, cohort);
                    let conversions = draw_conversions(world, creator, at, cohort, caption, x, reach);
                    rows.push(Outcome {
                        send_id: self.next_send_id,
                        creator,
                        cohort: cohort as u8,
                        caption,
                        sent_at: at,
                        reach,
                        conversions,
                        price,
                        revenue: f64::from(conversions) * price,
                    });
                }
                self.next_send_id += 1;
                self.state.record_send(world, caption, &all_cohorts, at);
                self.retirement.record(caption, creator, &rows);
                self.queue.push(&rows);
                sink.record(&SlotRecord {
                    creator,
                    at,
                    caption,
                    outcomes: &rows,
                    expected_revenue,
                    best_expected_revenue: best,
                });
            }
            sink.end_of_day(day, &self.state);
        }
        Ok(())
    }
}
