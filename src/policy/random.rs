use super::{Decision, Policy, PolicyRng};
use crate::domain::{CaptionId, Outcome};
use rand::RngExt;

/// Uniform choice among the eligible captions: the floor any learner must beat.
#[derive(Debug, Clone)]
pub struct RandomPolicy {
    name: String,
}

impl RandomPolicy {
    /// A random policy labelled `name`.
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string() }
    }
}

impl Policy for RandomPolicy {
    fn name(&self) -> &str {
        &self.name
    }
    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        d.eligible[rng.random_range(0..d.eligible.len())]
    }
    fn observe(&mut self, _feedback: &[Outcome]) {}
}
