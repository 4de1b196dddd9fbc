//! The outcome draw of one send row: a pure function of (seed, replicate, creator, slot,
//! cohort, caption) and the logit, so that policies making the same choice at the same slot
//! share the same noise (common random numbers, DESIGN.md §7).

use super::World;
use super::response::logistic;
use crate::domain::{CaptionId, CreatorId, Minute};
use crate::streams::{Purpose, stream};
use rand_distr::{Binomial, Distribution, StandardNormal};

/// Conversions of a send with pre-noise logit `x` to `reach` fans:
/// `ε ~ N(0, σ²)`, `p = logistic(x + ε)`, `conversions ~ Binomial(reach, p)`.
pub fn draw_conversions(
    world: &World,
    creator: CreatorId,
    at: Minute,
    cohort: usize,
    caption: CaptionId,
    x: f64,
    reach: u32,
) -> u32 {
    let mut rng = stream(
        world.seed,
        world.replicate,
        Purpose::Outcome,
        &[world.purpose as u64, u64::from(creator), u64::from(at.0), cohort as u64, u64::from(caption)],
    );
    let z: f64 = StandardNormal.sample(&mut rng);
    let p = logistic(x + world.params.overdispersion_sd * z);
    Binomial::new(u64::from(reach), p)
        .map(|b| b.sample(&mut rng) as u32)
        .unwrap_or_else(|_| unreachable!("p is a logistic value in [0, 1]"))
}
