use super::{Decision, Policy, PolicyRng};
use crate::domain::{CaptionId, Outcome};

/// Myopic clairvoyant: picks the caption with the best true expected revenue at this slot,
/// under the true current world state. It defines regret (DESIGN.md §6); being myopic, it
/// ignores what a send does to future fatigue, so a far-sighted policy could beat it.
#[derive(Debug, Clone)]
pub struct Oracle {
    name: String,
}

impl Oracle {
    /// An oracle labelled `name`.
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string() }
    }
}

/// Index of the largest value (first on ties); 0 for an empty slice.
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

impl Policy for Oracle {
    fn name(&self) -> &str {
        &self.name
    }
    /// The engine always fills `expected_revenue` for a clairvoyant policy; were it missing,
    /// the first eligible caption is returned.
    fn choose(&mut self, d: &Decision<'_>, _rng: &mut PolicyRng) -> CaptionId {
        d.eligible[d.expected_revenue.map_or(0, argmax)]
    }
    fn observe(&mut self, _feedback: &[Outcome]) {}
    fn is_clairvoyant(&self) -> bool {
        true
    }
}
