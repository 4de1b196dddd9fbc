//! Ground truth for simulation (DESIGN.md §3): a world generated from a scenario's parameters
//! and a seed (creators, cohorts, caption banks over time, schedules), the response model,
//! the mutable state a policy's sends move (fatigue, wear, urgency, audiences), the outcome
//! draw, and calibration to the seed's baselines.
//!
//! Not here: choosing captions (`policy`) or running days and tallying metrics (`sim`).

pub mod calibration;
mod generate;
pub mod outcome;
pub mod response;
mod state;

pub use generate::World;
pub use state::{SlotContext, WorldState};
