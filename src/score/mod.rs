//! Scores computed from outcomes: the conversion score (empirical-Bayes smoothed conversion
//! rate). Saturation scores join here as the rules that need them arrive.
//!
//! Not here: how a policy samples from a posterior (`policy`).

pub mod conversion;
