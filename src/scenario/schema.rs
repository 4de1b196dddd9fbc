use crate::domain::PerTier;
use serde::{Deserialize, Serialize};

/// One study: the world, the policies compared, the rules they run under, the horizon and
/// the seed. A scenario file reproduces one result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the study; names the default output folder `results/<name>/`.
    pub name: String,
    /// Master seed; every random stream is derived from it.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Independent realisations of world and randomness.
    #[serde(default = "defaults::replicates")]
    pub replicates: u32,
    /// Days simulated after deployment (the horizon).
    #[serde(default = "defaults::days")]
    pub days: u32,
    /// Days of history in which the incumbent ran before deployment.
    #[serde(default = "defaults::warmup_days")]
    pub warmup_days: u32,
    /// When true, policies do not learn from the warm-up history (the world state still
    /// carries its fatigue, wear and inventory).
    #[serde(default)]
    pub cold_start: bool,
    /// Policy name that lift is measured against.
    #[serde(default = "defaults::baseline")]
    pub baseline: String,
    /// Ground-truth world parameters.
    #[serde(default)]
    pub world: WorldParams,
    /// Calibration targets (the seed's baselines).
    #[serde(default)]
    pub calibration: CalibrationParams,
    /// Shared eligibility rules every policy runs under.
    #[serde(default)]
    pub rules: RulesParams,
    /// The policies compared.
    #[serde(default = "defaults::policies")]
    pub policies: Vec<PolicySpec>,
    /// Defects injected by `eros-sim generate` (the seed's data-quality problems).
    #[serde(default)]
    pub defects: DefectParams,
}

/// The seed's data defects, injected into a generated history (issue #3 defaults).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DefectParams {
    /// Send rows whose stored conversion rate is corrupted.
    pub corrupted_rates: u32,
    /// Send rows whose conversion score is NULL.
    pub null_scores: u32,
    /// Whether the performance-tracking export is empty (header only).
    pub empty_performance_export: bool,
    /// Hours between the last send and the export time.
    pub stale_hours: u32,
    /// Creators whose revenue collapses for some days.
    pub anomalies: u32,
    /// Days each collapse lasts.
    pub anomaly_days: u32,
    /// Share of conversions left during a collapse.
    pub anomaly_factor: f64,
    /// For `data = "defective"` policies: share of feedback rows whose NULL score is read as
    /// zero conversions (default: 28,090 of a generated year's 379,600 rows).
    pub feedback_null_share: f64,
    /// For `data = "defective"` policies: share of feedback rows whose conversion rate is
    /// corrupted (default: 734 of 379,600).
    pub feedback_corrupted_share: f64,
}

impl Default for DefectParams {
    fn default() -> Self {
        Self {
            corrupted_rates: 734,
            null_scores: 28_090,
            empty_performance_export: true,
            stale_hours: 30,
            anomalies: 3,
            anomaly_days: 4,
            anomaly_factor: 0.1,
            feedback_null_share: 28_090.0 / 379_600.0,
            feedback_corrupted_share: 734.0 / 379_600.0,
        }
    }
}

/// The policies eros-sim knows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Uniform choice among eligible captions.
    Random,
    /// Myopic clairvoyant: best true expected revenue now; defines regret.
    Oracle,
    /// Today's brain: Beta-Bernoulli TS on conversion score × price, weekly feedback.
    Incumbent,
    /// The same learner with daily feedback (or any cadence).
    PlainTs,
    /// Bayesian logistic regression over caption and context features, Laplace
    /// approximation (Chapelle & Li 2011).
    ContextualTs,
    /// Beta-Bernoulli TS with per-tier exploration and segment × category priors.
    SegmentedTs,
    /// Per-cohort Beta-Bernoulli TS: may send a different caption to each cohort.
    PersonalizedTs,
}

impl PolicyKind {
    /// Names accepted in scenario files.
    pub const NAMES: [&'static str; 7] =
        ["random", "oracle", "incumbent", "plain_ts", "contextual_ts", "segmented_ts", "personalized_ts"];

    /// Parses a policy kind name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "random" => Some(Self::Random),
            "oracle" => Some(Self::Oracle),
            "incumbent" => Some(Self::Incumbent),
            "plain_ts" => Some(Self::PlainTs),
            "contextual_ts" => Some(Self::ContextualTs),
            "segmented_ts" => Some(Self::SegmentedTs),
            "personalized_ts" => Some(Self::PersonalizedTs),
            _ => None,
        }
    }

    /// Feedback cadence used when the scenario does not set one.
    pub fn default_cadence(self) -> Cadence {
        match self {
            Self::Incumbent => Cadence::Weekly,
            _ => Cadence::Daily,
        }
    }
}

/// How often the ETL delivers outcomes to a policy.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// At the end of each hour.
    Hourly,
    /// At the end of each day.
    Daily,
    /// At the end of each 7-day week (counted from the start of the history).
    Weekly,
}

impl Cadence {
    /// Length of one batch in minutes.
    pub fn period_minutes(self) -> u32 {
        match self {
            Cadence::Hourly => 60,
            Cadence::Daily => 24 * 60,
            Cadence::Weekly => 7 * 24 * 60,
        }
    }
}

/// One policy entry of a scenario.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Label in outputs; also the kind when `kind` is omitted.
    pub name: String,
    /// Which policy; defaults to the one called `name`.
    #[serde(default)]
    pub kind: Option<PolicyKind>,
    /// Feedback cadence; defaults to the kind's (weekly for `incumbent`, daily otherwise).
    #[serde(default)]
    pub feedback: Option<Cadence>,
    /// Whether its feedback passes through the seed's data defects; default `clean`.
    #[serde(default)]
    pub data: FeedbackData,
    /// Overrides the scenario's `rules.urgency_cap` for this policy: a number K, or `"none"`.
    #[serde(default)]
    pub urgency_cap: Option<CapSetting>,
    /// Overrides the scenario's `rules.retirement` for this policy.
    #[serde(default)]
    pub retirement: Option<bool>,
    /// Whether this policy's retirement rule uses per-tier thresholds
    /// (`rules.segment_thresholds`, or [`Thresholds::PER_TIER`] when the scenario sets none).
    /// Default: yes for `segmented_ts` or when the scenario sets `rules.segment_thresholds`.
    #[serde(default)]
    pub per_tier_thresholds: Option<bool>,
    /// `segmented_ts` only: probability per creator tier that a decision explores (a
    /// Thompson draw) rather than exploits (the best posterior mean × price); default
    /// [`PolicySettings::EXPLORATION`].
    #[serde(default)]
    pub exploration: Option<PerTier<f64>>,
}

/// Settings of the learning policies a scenario may tune.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolicySettings {
    /// Exploration probability per creator tier (`segmented_ts`).
    pub exploration: PerTier<f64>,
}

impl PolicySettings {
    /// The seed's exploration rates: Elite 5 %, High 10 %, Mid 15 %, Developing 25 %.
    pub const EXPLORATION: PerTier<f64> = PerTier { elite: 0.05, high: 0.10, mid: 0.15, developing: 0.25 };
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self { exploration: Self::EXPLORATION }
    }
}

/// Retirement thresholds of one creator tier.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Saturation score above which a caption is retired.
    pub retire_above: f64,
    /// Saturation score above which (up to `retire_above`) a caption is rested.
    pub rest_above: f64,
}

impl Thresholds {
    /// Per-tier thresholds `segmented_ts` runs under by default: stricter for Elite creators
    /// (a worn caption displaces the most revenue per fan, and their larger evidence makes
    /// the score less noisy), the seed's 0.7 / 0.5 for Mid, looser for Developing creators
    /// (thin evidence, small banks).
    pub const PER_TIER: PerTier<Thresholds> = PerTier {
        elite: Thresholds { retire_above: 0.6, rest_above: 0.4 },
        high: Thresholds { retire_above: 0.65, rest_above: 0.45 },
        mid: Thresholds { retire_above: 0.7, rest_above: 0.5 },
        developing: Thresholds { retire_above: 0.8, rest_above: 0.6 },
    };
}

/// An urgency-cap override: at most K urgency captions per cohort per 7 days, or no cap.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum CapSetting {
    /// At most this many.
    Limit(u32),
    /// `"none"`: no cap.
    Named(String),
}

impl CapSetting {
    /// The cap it sets (`None`: no cap); `Err` for a word other than `none`.
    pub fn cap(&self) -> Result<Option<u32>, String> {
        match self {
            CapSetting::Limit(k) => Ok(Some(*k)),
            CapSetting::Named(w) if w == "none" => Ok(None),
            CapSetting::Named(w) => Err(w.clone()),
        }
    }
}

/// The quality of the data a policy learns from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackData {
    /// Outcomes as they happened (or as `repair` restores them).
    #[default]
    Clean,
    /// Outcomes through the seed's defects: NULL conversion scores read as zero conversions,
    /// corrupted conversion rates read as they are stored (`[defects]` sets the shares).
    Defective,
}

impl PolicySpec {
    /// A spec with the kind's defaults.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_string(),
            kind: None,
            feedback: None,
            data: FeedbackData::Clean,
            urgency_cap: None,
            retirement: None,
            per_tier_thresholds: None,
            exploration: None,
        }
    }
    /// The resolved kind (validation guarantees it exists for a loaded scenario).
    pub fn resolved_kind(&self) -> Option<PolicyKind> {
        self.kind.or_else(|| PolicyKind::from_name(&self.name))
    }
    /// The resolved cadence.
    pub fn cadence(&self) -> Option<Cadence> {
        self.feedback.or_else(|| self.resolved_kind().map(PolicyKind::default_cadence))
    }

    /// The rules this policy runs under: the scenario's, with its overrides.
    pub fn rules(&self, scenario: &RulesParams) -> RulesParams {
        let urgency_cap = match &self.urgency_cap {
            Some(setting) => setting.cap().unwrap_or(scenario.urgency_cap),
            None => scenario.urgency_cap,
        };
        let per_tier = self
            .per_tier_thresholds
            .unwrap_or(scenario.segment_thresholds.is_some() || self.resolved_kind() == Some(PolicyKind::SegmentedTs));
        let segment_thresholds = per_tier.then(|| scenario.segment_thresholds.unwrap_or(Thresholds::PER_TIER));
        RulesParams {
            urgency_cap,
            retirement: self.retirement.unwrap_or(scenario.retirement),
            segment_thresholds,
            ..scenario.clone()
        }
    }

    /// The tunable settings of this policy, with defaults filled in.
    pub fn settings(&self) -> PolicySettings {
        PolicySettings { exploration: self.exploration.unwrap_or(PolicySettings::EXPLORATION) }
    }
}

/// Ground truth of the world (DESIGN.md §3). Every effect can be set to 0 to switch it off.
/// Logit effects are in logit units; prices in seed revenue units before `price_scale`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorldParams {
    /// Number of creators.
    pub creators: u32,
    /// Cohorts per creator (1–4, taken in the order of `CohortKind::ALL`).
    pub cohorts: u32,
    /// Median audience (fans) of a creator.
    pub audience_median: f64,
    /// Log-scale standard deviation of audience size.
    pub audience_log_sd: f64,
    /// Smallest audience.
    pub audience_min: f64,
    /// Largest audience.
    pub audience_max: f64,
    /// Fewest slots per day of a creator.
    pub slots_per_day_min: u32,
    /// Most slots per day of a creator.
    pub slots_per_day_max: u32,
    /// Share of slots in the evening (18:00–23:59); the rest fall 08:00–17:59.
    pub evening_share: f64,
    /// Smallest caption bank at the start of the history.
    pub bank_min: u32,
    /// Largest caption bank at the start of the history.
    pub bank_max: u32,
    /// Fewest new captions per creator per week.
    pub new_captions_per_week_min: u32,
    /// Most new captions per creator per week.
    pub new_captions_per_week_max: u32,
    /// Intercept μ of the logit (calibrated when calibration is on).
    pub base_logit: f64,
    /// Standard deviation of creator effects `u_i`.
    pub creator_effect_sd: f64,
    /// Standard deviation of latent caption quality `q_c`.
    pub quality_sd: f64,
    /// Right skew of `q_c` (log-normal shape; 0 = normal). Calibrated when calibration is on.
    pub quality_skew: f64,
    /// Standard deviation σ of per-send logit overdispersion ε.
    pub overdispersion_sd: f64,
    /// Logit gain of a caption at its best length over a neutral one.
    pub length_effect: f64,
    /// Best caption length, characters.
    pub length_peak: f64,
    /// Half-width of the good length band, characters (non-premium).
    pub length_width: f64,
    /// Half-width of the good length band for premium captions, characters.
    pub premium_length_width: f64,
    /// Logit gain of the best emoji count (2–3) over a neutral one.
    pub emoji_effect: f64,
    /// Logit gain of B/G content.
    pub bg_effect: f64,
    /// Share of new captions that are B/G (calibrated when calibration is on).
    pub bg_fraction: f64,
    /// Share of captions in the budget tier.
    pub budget_share: f64,
    /// Share of captions in the premium tier.
    pub premium_share: f64,
    /// Logit offset of budget captions.
    pub budget_effect: f64,
    /// Logit offset of premium captions.
    pub premium_effect: f64,
    /// Price per conversion of budget / mid / premium content before `price_scale`.
    pub tier_prices: [f64; 3],
    /// Multiplier of all prices (calibrated when calibration is on).
    pub price_scale: f64,
    /// Probability that a caption uses each trigger.
    pub trigger_probability: f64,
    /// Scale of cohort × trigger responses.
    pub trigger_effect: f64,
    /// Amplitude of the hour-of-day effect (cosine peaking at `peak_hour`).
    pub hour_effect: f64,
    /// Hour of the best response.
    pub peak_hour: f64,
    /// Logit gain on Saturday and Sunday.
    pub weekend_effect: f64,
    /// Logit loss λ per unit of fatigue `e_{c,k}` (one recent send of the caption).
    pub fatigue_effect: f64,
    /// Half-life of fatigue, days.
    pub fatigue_half_life_days: f64,
    /// Permanent logit loss of a caption per send.
    pub wear_per_send: f64,
    /// Urgency sends in 7 days at which a cohort stops responding to urgency.
    pub urgency_overuse_threshold: u32,
    /// Extra logit loss of urgency captions for an over-urged cohort.
    pub urgency_overuse_penalty: f64,
    /// Daily churn probability of a fan (balanced by arrivals at the initial audience).
    pub churn_per_day: f64,
    /// Extra daily churn of an over-urged cohort (not balanced by arrivals).
    pub urgency_churn_per_day: f64,
}

/// Defaults of the four calibrated parameters (`base_logit`, `quality_skew`, `bg_fraction`,
/// `price_scale`) are where calibration of the baseline scenario ended, so that it starts
/// close; with calibration on they are only starting values.
///
/// `quality_sd` is 0.25 so that, once κ is fitted to the 37 % success rate (κ ≈ 1.95), the
/// best caption of a 500-caption bank sits about 1.9 logits (≈ 6× the odds) above the mean;
/// with 0.4 the fit gave "star" captions at +3.6 logits (≈ 36× the odds), which no caption
/// bank shows.
impl Default for WorldParams {
    fn default() -> Self {
        Self {
            creators: 38,
            cohorts: 4,
            audience_median: 4000.0,
            audience_log_sd: 1.0,
            audience_min: 300.0,
            audience_max: 80_000.0,
            slots_per_day_min: 4,
            slots_per_day_max: 10,
            evening_share: 0.7,
            bank_min: 150,
            bank_max: 600,
            new_captions_per_week_min: 5,
            new_captions_per_week_max: 15,
            base_logit: -3.68,
            creator_effect_sd: 0.3,
            quality_sd: 0.25,
            quality_skew: 1.95,
            overdispersion_sd: 0.3,
            length_effect: 0.25,
            length_peak: 250.0,
            length_width: 150.0,
            premium_length_width: 75.0,
            emoji_effect: 0.15,
            bg_effect: 0.4,
            bg_fraction: 0.0157,
            budget_share: 0.4,
            premium_share: 0.2,
            budget_effect: 0.3,
            premium_effect: -0.4,
            tier_prices: [4.0, 8.0, 16.0],
            price_scale: 0.037,
            trigger_probability: 0.25,
            trigger_effect: 0.4,
            hour_effect: 0.2,
            peak_hour: 21.0,
            weekend_effect: 0.1,
            fatigue_effect: 0.15,
            fatigue_half_life_days: 7.0,
            wear_per_send: 0.002,
            urgency_overuse_threshold: 2,
            urgency_overuse_penalty: 0.3,
            churn_per_day: 0.002,
            urgency_churn_per_day: 0.003,
        }
    }
}

/// Targets the calibration routine fits the world to (the seed's historical baselines).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CalibrationParams {
    /// Fit `base_logit`, `quality_skew`, `bg_fraction` and `price_scale` before running.
    pub enabled: bool,
    /// Overall conversion rate, conversions / reach.
    pub conversion_rate: f64,
    /// Revenue per fan reached, seed revenue units.
    pub revenue_per_send: f64,
    /// Share of captions (≥ 5 sends) whose conversion score is at or above the overall rate.
    pub caption_success_rate: f64,
    /// Share of sends that use B/G captions.
    pub bg_share: f64,
    /// Worlds pooled per calibration evaluation.
    pub worlds: u32,
    /// Most rounds of the fit.
    pub max_rounds: u32,
}

impl Default for CalibrationParams {
    fn default() -> Self {
        Self {
            enabled: true,
            conversion_rate: 0.0428,
            revenue_per_send: 0.013,
            caption_success_rate: 0.37,
            bg_share: 0.03,
            worlds: 8,
            max_rounds: 16,
        }
    }
}

/// Shared eligibility rules (DESIGN.md §4): they apply to every policy alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RulesParams {
    /// A caption used by a creator is not eligible again for this many days (0 = off).
    pub recent_use_days: u32,
    /// At most this many urgency captions per cohort per rolling 7 days (absent = no cap).
    pub urgency_cap: Option<u32>,
    /// Retire and rest captions by saturation score (DESIGN.md §5).
    pub retirement: bool,
    /// Saturation score above which a caption is retired.
    pub retire_above: f64,
    /// Saturation score above which (up to `retire_above`) a caption is rested.
    pub rest_above: f64,
    /// Days a rested caption is withheld.
    pub rest_days: u32,
    /// Per creator tier thresholds that replace `retire_above` / `rest_above` (absent: the
    /// same for every tier, except for policies that ask for per-tier thresholds, which then
    /// use [`Thresholds::PER_TIER`]). Tiers come from the outcomes the rule has seen.
    pub segment_thresholds: Option<PerTier<Thresholds>>,
}

impl Default for RulesParams {
    fn default() -> Self {
        Self {
            recent_use_days: 7,
            urgency_cap: None,
            retirement: false,
            retire_above: 0.7,
            rest_above: 0.5,
            rest_days: 30,
            segment_thresholds: None,
        }
    }
}

mod defaults {
    use super::PolicySpec;
    pub fn seed() -> u64 {
        20_251_031
    }
    pub fn replicates() -> u32 {
        16
    }
    pub fn days() -> u32 {
        180
    }
    pub fn warmup_days() -> u32 {
        90
    }
    pub fn baseline() -> String {
        "incumbent".to_string()
    }
    pub fn policies() -> Vec<PolicySpec> {
        ["random", "incumbent", "plain_ts", "oracle"].map(PolicySpec::named).to_vec()
    }
}
