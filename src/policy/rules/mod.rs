//! Rules shared by every policy (DESIGN.md §4–5): which captions are eligible at a slot, and
//! which captions are retired or rested.
//! Constraints live here once, not in each policy.
//!
//! Not here: choosing among the eligible captions (the policies).

mod eligibility;
mod retirement;

pub use eligibility::Eligibility;
pub use retirement::Retirement;
