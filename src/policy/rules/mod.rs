//! Rules shared by every policy (DESIGN.md §4–5): which captions are eligible at a slot.
//! Constraints live here once, not in each policy.
//!
//! Not here: choosing among the eligible captions (the policies).

mod eligibility;

pub use eligibility::Eligibility;
