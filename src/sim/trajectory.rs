//! The day loop of one policy in one world: at every slot, deliver due feedback, collect the
//! eligible captions, ask the policy, draw the outcome per cohort, move the world state.

use super::feedback::FeedbackQueue;
use crate::domain::{CaptionId, CreatorId, Minute, Outcome};
use crate::policy::rules::{Eligibility, Retirement};
use crate::policy::{Decision, Policy, PolicyRng};
use crate::world::outcome::draw_conversions;
use crate::world::{SlotContext, World, WorldState};
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

/// One send of a slot, before its outcomes are drawn.
struct SlotSend {
    caption: CaptionId,
    /// Cohorts it goes to.
    cohorts: Vec<usize>,
    /// Its true expected revenue.
    expected_revenue: f64,
    /// When truth is computed: the best true expected revenue of a single caption eligible
    /// for all of its cohorts.
    best_expected_revenue: Option<f64>,
}

impl Trajectory<'_> {
    /// Position of `caption` among `eligible`, or the policy's contract breach.
    fn position(
        &self,
        eligible: &[CaptionId],
        caption: CaptionId,
        creator: CreatorId,
        at: Minute,
    ) -> Result<usize, IneligibleChoice> {
        eligible.iter().position(|&c| c == caption).ok_or_else(|| IneligibleChoice {
            policy: self.policy.name().to_string(),
            caption,
            creator,
            at: at.0,
        })
    }

    /// The sends of a personalised slot: cohorts grouped by chosen caption (in cohort order).
    /// Each send's benchmark is the best single caption eligible for all of its cohorts, so
    /// regret stays the per-send myopic pseudo-regret (never negative).
    fn personal_sends(
        &self,
        ctx: &SlotContext,
        creator: CreatorId,
        at: Minute,
        per_cohort: &[Vec<CaptionId>],
        choices: &[CaptionId],
    ) -> Result<Vec<SlotSend>, IneligibleChoice> {
        let world = self.world;
        let mut groups: Vec<(CaptionId, Vec<usize>)> = Vec::new();
        for (cohort, &c) in choices.iter().enumerate() {
            self.position(&per_cohort[cohort], c, creator, at)?;
            match groups.iter_mut().find(|g| g.0 == c) {
                Some(g) => g.1.push(cohort),
                None => groups.push((c, vec![cohort])),
            }
        }
        let value = |c: CaptionId, cohorts: &[usize]| -> f64 {
            cohorts.iter().map(|&j| self.state.expected_revenue_to(world, ctx, c, j)).sum()
        };
        Ok(groups
            .into_iter()
            .map(|(c, cohorts)| {
                let expected = value(c, &cohorts);
                // Lists are in ascending id order (bank order), so membership is a binary search.
                let best = self.with_truth.then(|| {
                    per_cohort[cohorts[0]]
                        .iter()
                        .filter(|x| cohorts[1..].iter().all(|&j| per_cohort[j].binary_search(x).is_ok()))
                        .map(|&x| value(x, &cohorts))
                        .fold(expected, f64::max)
                });
                SlotSend { caption: c, cohorts, expected_revenue: expected, best_expected_revenue: best }
            })
            .collect())
    }

    /// Simulates `days`, passing every send to `sink`.
    pub fn run(&mut self, days: Range<u32>, sink: &mut dyn SendSink) -> Result<(), IneligibleChoice> {
        let world = self.world;
        let k = world.cohort_count();
        let all_cohorts: Vec<usize> = (0..k).collect();
        let mut eligible = Vec::new();
        let mut per_cohort: Vec<Vec<CaptionId>> = Vec::new();
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
                let personal = self.policy.personalizes();
                // The all-cohort truth serves a clairvoyant policy and single-caption regret; a
                // personalised slot's regret is computed per send (`personal_sends`).
                let need_truth = (self.with_truth && !personal) || self.policy.is_clairvoyant();
                truth.clear();
                if need_truth {
                    truth.extend(eligible.iter().map(|&c| self.state.expected_revenue(world, &ctx, c)));
                }
                if personal {
                    per_cohort.resize(k, Vec::new());
                    self.eligibility.collect_per_cohort(world, &self.state, creator, at, &mut per_cohort);
                }
                let decision = Decision {
                    creator,
                    at,
                    eligible: &eligible,
                    expected_revenue: need_truth.then_some(truth.as_slice()),
                    per_cohort: personal.then_some(per_cohort.as_slice()),
                };
                // The sends of this slot: one per distinct caption, with the cohorts it goes to
                // and its true expected revenue against the best single caption for them.
                let sends: Vec<SlotSend> = if personal {
                    let mut choices = vec![eligible[0]; k];
                    self.policy.choose_per_cohort(&decision, &mut self.rng, &mut choices);
                    self.personal_sends(&ctx, creator, at, &per_cohort, &choices)?
                } else {
                    let caption = self.policy.choose(&decision, &mut self.rng);
                    let pos = self.position(&eligible, caption, creator, at)?;
                    let (expected_revenue, best) = if need_truth {
                        (truth[pos], Some(truth.iter().copied().fold(f64::NEG_INFINITY, f64::max)))
                    } else {
                        (self.state.expected_revenue(world, &ctx, caption), None)
                    };
                    vec![SlotSend {
                        caption,
                        cohorts: all_cohorts.clone(),
                        expected_revenue,
                        best_expected_revenue: best,
                    }]
                };
                // Outcomes are drawn from the state before any send of the slot moves it.
                rows.clear();
                let mut spans = Vec::with_capacity(sends.len());
                for (i, send) in sends.iter().enumerate() {
                    let start = rows.len();
                    let caption = send.caption;
                    let price = world.captions[caption as usize].price;
                    for &cohort in &send.cohorts {
                        let reach = ctx.reach[cohort];
                        let x = self.state.logit(world, &ctx, caption, cohort);
                        let conversions = draw_conversions(world, creator, at, cohort, caption, x, reach);
                        rows.push(Outcome {
                            send_id: self.next_send_id + i as u64,
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
                    spans.push(start..rows.len());
                }
                self.next_send_id += sends.len() as u64;
                for (send, span) in sends.iter().zip(spans) {
                    let outcomes = &rows[span];
                    self.state.record_send(world, send.caption, &send.cohorts, at);
                    self.retirement.record(send.caption, creator, outcomes);
                    self.queue.push(outcomes);
                    sink.record(&SlotRecord {
                        creator,
                        at,
                        caption: send.caption,
                        outcomes,
                        expected_revenue: send.expected_revenue,
                        best_expected_revenue: send.best_expected_revenue,
                    });
                }
            }
            sink.end_of_day(day, &self.state);
        }
        Ok(())
    }
}
