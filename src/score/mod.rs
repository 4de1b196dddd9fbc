//! Scores computed from outcomes: the conversion score (empirical-Bayes smoothed conversion
//! rate), the saturation score (how worn out a caption is) and cohort response profiles
//! (how each cohort responds to triggers and price tiers).
//!
//! Not here: how a policy samples from a posterior (`policy`).

pub mod conversion;
pub mod profile;
pub mod saturation;
