use super::{CaptionId, CohortId, CreatorId, Minute};

/// The outcome of one caption delivered at one slot to one cohort: one row of `sends.csv`,
/// and the unit of feedback a policy receives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Slot-level send this row belongs to (one send reaches several cohorts).
    pub send_id: u64,
    /// Sending creator.
    pub creator: CreatorId,
    /// Receiving cohort.
    pub cohort: CohortId,
    /// Caption used.
    pub caption: CaptionId,
    /// Time of the slot.
    pub sent_at: Minute,
    /// Fans who received the message.
    pub reach: u32,
    /// Purchases.
    pub conversions: u32,
    /// Price per conversion, seed revenue units.
    pub price: f64,
    /// `conversions × price`, seed revenue units.
    pub revenue: f64,
}
