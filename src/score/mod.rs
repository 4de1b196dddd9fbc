//! Scores computed from outcomes: the conversion score (empirical-Bayes smoothed conversion
//! rate) and the saturation score (how worn out a caption is).
//!
//! Not here: how a policy samples from a posterior (`policy`).

pub mod conversion;
pub mod profile;
pub mod saturation;
