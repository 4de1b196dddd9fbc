use super::CaptionId;

/// A creator: an account that sends mass messages to the cohorts of its audience.
#[derive(Debug, Clone)]
pub struct Creator {
    /// Latent creator effect `u_i` on the logit of conversion (ground truth).
    pub effect: f64,
    /// Fans per cohort on day 0 of the history.
    pub initial_audience: Vec<f64>,
    /// Slots per day (4–10 by default).
    pub slots_per_day: u32,
    /// This creator's captions, ordered by `created_at` (ids into the world's caption list).
    pub captions: Vec<CaptionId>,
}
