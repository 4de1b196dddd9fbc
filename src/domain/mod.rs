//! Plain data of the domain (DESIGN.md §2): ids, time, creators, cohorts, captions, sends.
//!
//! Nothing here knows how data is generated, scored or chosen; that lives in `world`,
//! `score` and `policy`.

mod caption;
mod cohort;
mod creator;
mod segment;
mod send;
mod time;

pub use caption::{Caption, CaptionStatus, Category, PriceTier, Trigger, Triggers};
pub use cohort::CohortKind;
pub use creator::Creator;
pub use segment::{PerTier, Tier, quantile_ranks};
pub use send::Outcome;
pub use time::{MINUTES_PER_DAY, Minute};

/// Dense index of a creator in a world (0-based).
pub type CreatorId = u32;
/// Dense index of a caption in a world's caption bank, over all creators (0-based).
pub type CaptionId = u32;
/// Index of a cohort within a creator's audience (0-based, < number of cohorts).
pub type CohortId = u8;
