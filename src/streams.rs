//! Random streams: every source of randomness is derived from (scenario seed, replicate,
//! purpose, ...) so that a policy's own draws never shift the world's, and results do not
//! depend on thread scheduling (DESIGN.md §7).
//!
//! Not here: the distributions themselves (they live with the model that uses them).

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The generator used for every stream: fast, seedable, 128-bit state.
pub type StreamRng = Pcg64Mcg;

/// What a stream is used for; part of its seed so that streams never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Creators, cohorts, caption banks and their features.
    World = 1,
    /// Slot times of one creator on one day.
    Schedule = 2,
    /// Outcome noise of one send (overdispersion and binomial draw).
    Outcome = 3,
    /// A policy's own exploration draws.
    Policy = 4,
    /// Worlds used only to calibrate the scales.
    Calibration = 5,
    /// Which rows of a generated history get which defects.
    Defects = 6,
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes an ordered list of keys into one 64-bit seed.
#[inline]
pub fn hash_keys(keys: &[u64]) -> u64 {
    keys.iter().fold(0x243F_6A88_85A3_08D3, |h, &k| mix64(h ^ mix64(k)))
}

/// Hashes a name (e.g. a policy label) so that streams are keyed by name, not position.
pub fn hash_str(s: &str) -> u64 {
    // FNV-1a 64, then mixed.
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    mix64(h)
}

/// A generator for (seed, replicate, purpose, extra keys...).
pub fn stream(seed: u64, replicate: u64, purpose: Purpose, keys: &[u64]) -> StreamRng {
    let mut all = Vec::with_capacity(3 + keys.len());
    all.extend_from_slice(&[seed, replicate, purpose as u64]);
    all.extend_from_slice(keys);
    StreamRng::seed_from_u64(hash_keys(&all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn same_keys_give_the_same_stream_and_different_keys_differ() {
        let a: u64 = stream(7, 1, Purpose::Outcome, &[3, 4]).random();
        let b: u64 = stream(7, 1, Purpose::Outcome, &[3, 4]).random();
        let c: u64 = stream(7, 1, Purpose::Outcome, &[4, 3]).random();
        let d: u64 = stream(7, 2, Purpose::Outcome, &[3, 4]).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
