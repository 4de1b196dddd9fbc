use serde::Serialize;

/// The four default fan cohorts; fans of one cohort share trigger responsiveness and send
/// history (DESIGN.md §2). A world with fewer cohorts uses the first ones in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortKind {
    /// Responds strongly to urgency and scarcity.
    UrgencyResponsive,
    /// Responds to exclusivity; tolerates premium prices.
    ExclusivitySeeking,
    /// Prefers budget prices, avoids premium.
    PriceSensitive,
    /// Responds to personal messages, churns least.
    Loyal,
}

impl CohortKind {
    /// All kinds, in the order cohorts are numbered.
    pub const ALL: [CohortKind; 4] =
        [CohortKind::UrgencyResponsive, CohortKind::ExclusivitySeeking, CohortKind::PriceSensitive, CohortKind::Loyal];
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            CohortKind::UrgencyResponsive => "urgency_responsive",
            CohortKind::ExclusivitySeeking => "exclusivity_seeking",
            CohortKind::PriceSensitive => "price_sensitive",
            CohortKind::Loyal => "loyal",
        }
    }
}
