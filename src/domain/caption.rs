use super::{CreatorId, Minute};
use serde::Serialize;

/// Content category of a caption; `Bg` (boy/girl) converts better than the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Solo content.
    Solo,
    /// Boy/girl content.
    Bg,
    /// Girl/girl content.
    Gg,
    /// Teaser.
    Tease,
    /// Bundle of items.
    Bundle,
}

impl Category {
    /// All categories; `Bg` is the one whose share of volume the seed tracks.
    pub const ALL: [Category; 5] = [Category::Solo, Category::Bg, Category::Gg, Category::Tease, Category::Bundle];
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Category::Solo => "solo",
            Category::Bg => "bg",
            Category::Gg => "gg",
            Category::Tease => "tease",
            Category::Bundle => "bundle",
        }
    }
}

/// Price tier of the content a caption sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceTier {
    /// Cheap: converts more, earns less per conversion.
    Budget,
    /// Middle.
    Mid,
    /// Expensive.
    Premium,
}

impl PriceTier {
    /// All tiers, cheapest first.
    pub const ALL: [PriceTier; 3] = [PriceTier::Budget, PriceTier::Mid, PriceTier::Premium];
    /// Index 0..3, cheapest first.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            PriceTier::Budget => "budget",
            PriceTier::Mid => "mid",
            PriceTier::Premium => "premium",
        }
    }
    /// The tier called `name` in files.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A psychological trigger a caption uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// "Only today".
    Urgency,
    /// "Only 5 left".
    Scarcity,
    /// "Just for you, nobody else".
    Exclusivity,
    /// Personal address.
    Personal,
    /// Teasing curiosity.
    Curiosity,
}

impl Trigger {
    /// All triggers, in bit order of [`Triggers`].
    pub const ALL: [Trigger; 5] =
        [Trigger::Urgency, Trigger::Scarcity, Trigger::Exclusivity, Trigger::Personal, Trigger::Curiosity];
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::Urgency => "urgency",
            Trigger::Scarcity => "scarcity",
            Trigger::Exclusivity => "exclusivity",
            Trigger::Personal => "personal",
            Trigger::Curiosity => "curiosity",
        }
    }
    /// The trigger called `name` in files.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The set of triggers of a caption, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Triggers(pub u8);

impl Triggers {
    /// Whether `t` is in the set.
    pub fn has(self, t: Trigger) -> bool {
        self.0 & (1 << t as u8) != 0
    }
    /// The set with `t` added.
    pub fn with(self, t: Trigger) -> Self {
        Triggers(self.0 | (1 << t as u8))
    }
}

/// Lifecycle status of a caption in a bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptionStatus {
    /// Eligible for sending.
    #[default]
    Active,
    /// Temporarily withheld to recover from saturation.
    Resting,
    /// Permanently withheld.
    Retired,
}

/// A caption of a creator's bank with its observable features (its latent quality is ground
/// truth and lives in the world, out of the policies' sight).
#[derive(Debug, Clone)]
pub struct Caption {
    /// Owning creator.
    pub creator: CreatorId,
    /// Length in characters.
    pub length: u32,
    /// Number of emoji.
    pub emoji: u32,
    /// Content category.
    pub category: Category,
    /// Price tier.
    pub tier: PriceTier,
    /// Price per conversion, seed revenue units (already calibrated).
    pub price: f64,
    /// Triggers used.
    pub triggers: Triggers,
    /// When the caption entered the bank.
    pub created_at: Minute,
}
