use super::arms::BetaArms;
use super::segments::CreatorSegments;
use super::{Decision, Policy, PolicyContext, PolicyRng, best_of};
use crate::domain::{CaptionId, MINUTES_PER_DAY, Minute, Outcome, Trigger};
use crate::world::response::logistic;
use rand_distr::{Distribution, StandardNormal};

/// Number of context features.
pub const FEATURES: usize = 9;
/// Names of the context features, in order (for diagnostics and docs).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "hour_cos",
    "hour_sin",
    "weekend",
    "recent_sends_elite",
    "recent_sends_high",
    "recent_sends_mid",
    "recent_sends_developing",
    "log_lifetime_sends",
    "urgency_after_recent_urgency",
];
/// Number of slot-level time features (hour cos, hour sin, weekend), first in the vector.
const TIME_FEATURES: usize = 3;
/// Index of the first recent-sends feature (Elite; then High, Mid, Developing).
const RECENT: usize = TIME_FEATURES;
/// Index of `log_lifetime_sends`, a nuisance covariate: fitted, never used to decide.
const NUISANCE: usize = 7;
/// Index of `urgency_after_recent_urgency`.
const URGENCY: usize = 8;
/// Window of the "recent sends of this caption" feature.
const RECENT_WINDOW: u32 = 28 * MINUTES_PER_DAY;
/// Window of the creator's recent urgency sends.
const URGENCY_WINDOW: u32 = 7 * MINUTES_PER_DAY;
/// Prior precision of each context weight (N(0, 1) on the logit scale).
const WEIGHT_PRIOR_PRECISION: f64 = 1.0;
/// Newton iterations per batch.
const NEWTON_STEPS: usize = 6;

/// `contextual_ts`: per-caption Beta posteriors (as `plain_ts`) with a shared Bayesian
/// logistic regression over context on top (DESIGN.md §4; Chapelle & Li, "An Empirical
/// Evaluation of Thompson Sampling", NIPS 2011, Algorithm 3).
///
/// The conversion probability of caption c at slot t is
/// `p = logistic(logit(ρ_c) + w·(x_{c,t} − x̄_c))`, where `ρ_c` is the caption's rate (Beta
/// posterior, `policy::arms`), `x_{c,t}` its context features ([`FEATURE_NAMES`]: time of day,
/// weekend, its sends in the last 28 days by creator tier, and for urgency captions the
/// creator's urgency sends in the last 7 days) and `x̄_c` the reach-weighted mean
/// of its features over the sends its rate was learned from (so `w` corrects a caption's rate
/// for the contexts it was observed in, and the same context adds nothing).
///
/// `w` has a diagonal Gaussian posterior `N(m, diag(1/q))`, prior `N(0, 1)` per weight. Each
/// feedback batch finds the mode `ŵ` of `½Σ q_i (w_i − m_i)² + Σ_j [n_j ln(1 + e^{η_j}) − y_j η_j]`,
/// `η_j = logit(ρ̂_c) + w·z_j` (Newton's method, rows j with reach n_j and conversions y_j), then
/// sets `m = ŵ`, `q_i += Σ_j n_j p_j (1 − p_j) z_{ji}²` (the Laplace approximation). A decision
/// draws `w` once and a rate per eligible caption and picks the largest `p × price`.
///
/// Day of week enters as a weekend indicator. Six day-of-week indicators were tried and
/// failed the A/A check (lift −2.5 % [−4.4, −0.6] against `plain_ts` in a world without
/// context effects; a spurious Tuesday weight of +0.22 where the truth is 0): under the 7-day
/// exclusion a caption is re-sent on a weekly rhythm, so its sends fall on few weekdays and
/// the within-caption comparison leaves the day weights barely identified.
///
/// The caption's lifetime number of sends (`log_lifetime_sends`) is a nuisance covariate:
/// fitted, but set to 0 when deciding. It measures how much data the caption's estimate
/// rests on, so it absorbs the per-caption model's shrinkage error (skewed true qualities
/// under a Beta prior): in a world without any context effect it takes a weight of about
/// −0.02 per log-send. Used to decide, it cost 0.5 % revenue against `plain_ts` there; left
/// out of the fit, the same error moved into the recent-sends weights (A/A check,
/// docs/findings.md).
#[derive(Debug, Clone)]
pub struct ContextualTs {
    name: String,
    arms: BetaArms,
    segments: CreatorSegments,
    creator_of: Vec<u32>,
    is_urgency: Vec<bool>,
    /// Send times of each caption, ascending.
    sent: Vec<Vec<u32>>,
    /// Urgency send times of each creator, ascending.
    urgency_sent: Vec<Vec<u32>>,
    /// Σ reach · x and Σ reach over each caption's observed rows.
    feature_sums: Vec<([f64; FEATURES], f64)>,
    mean: [f64; FEATURES],
    precision: [f64; FEATURES],
    last_day: Option<u32>,
}

/// The features shared by every caption of a slot: hour of day as `cos` and `sin` of
/// `2π(h + ½)/24`, and a weekend indicator.
fn time_features(at: Minute) -> [f64; TIME_FEATURES] {
    let phase = 2.0 * std::f64::consts::PI * (f64::from(at.hour()) + 0.5) / 24.0;
    [phase.cos(), phase.sin(), if at.weekday() >= 5 { 1.0 } else { 0.0 }]
}

/// Inserts `t` into the ascending `times` unless present.
fn insert_time(times: &mut Vec<u32>, t: u32) {
    if let Err(pos) = times.binary_search(&t) {
        times.insert(pos, t);
    }
}

/// Entries of the ascending `times` in `[now − window, now)`.
fn count_in_window(times: &[u32], now: u32, window: u32) -> usize {
    let lo = times.partition_point(|&t| t < now.saturating_sub(window));
    let hi = times.partition_point(|&t| t < now);
    hi - lo
}

impl ContextualTs {
    /// A learner with no data.
    pub fn new(name: &str, ctx: &PolicyContext<'_>) -> Self {
        let groups = ctx.captions.iter().map(|c| c.creator).collect();
        Self {
            name: name.to_string(),
            arms: BetaArms::new(ctx.creators, groups, ctx.captions.iter().map(|c| c.price)),
            segments: CreatorSegments::new(ctx.creators),
            creator_of: ctx.captions.iter().map(|c| c.creator).collect(),
            is_urgency: ctx.captions.iter().map(|c| c.triggers.has(Trigger::Urgency)).collect(),
            sent: vec![Vec::new(); ctx.captions.len()],
            urgency_sent: vec![Vec::new(); ctx.creators],
            feature_sums: vec![([0.0; FEATURES], 0.0); ctx.captions.len()],
            mean: [0.0; FEATURES],
            precision: [WEIGHT_PRIOR_PRECISION; FEATURES],
            last_day: None,
        }
    }

    /// Posterior mean of the context weights, in the order of [`FEATURE_NAMES`].
    pub fn weights(&self) -> [f64; FEATURES] {
        self.mean
    }

    /// Posterior standard deviation of the context weights.
    pub fn weight_sds(&self) -> [f64; FEATURES] {
        self.precision.map(|q| 1.0 / q.sqrt())
    }

    /// Context features of caption `c` sent at `at`, from sends strictly before `at`.
    pub fn features(&self, c: CaptionId, at: Minute) -> [f64; FEATURES] {
        let c = c as usize;
        let creator = self.creator_of[c];
        let mut x = [0.0; FEATURES];
        x[..TIME_FEATURES].copy_from_slice(&time_features(at));
        x[RECENT + self.segments.tier(creator).index()] = count_in_window(&self.sent[c], at.0, RECENT_WINDOW) as f64;
        let lifetime = self.sent[c].partition_point(|&t| t < at.0);
        x[NUISANCE] = (1.0 + lifetime as f64).ln();
        if self.is_urgency[c] {
            x[URGENCY] = count_in_window(&self.urgency_sent[creator as usize], at.0, URGENCY_WINDOW) as f64;
        }
        x
    }

    /// `x − x̄_c` for caption `c`.
    fn centred(&self, c: usize, mut x: [f64; FEATURES]) -> [f64; FEATURES] {
        let (sum, weight) = &self.feature_sums[c];
        if *weight > 0.0 {
            for (xi, s) in x.iter_mut().zip(sum) {
                *xi -= s / weight;
            }
        }
        x
    }

    fn record_send(&mut self, c: usize, at: u32) {
        insert_time(&mut self.sent[c], at);
        if self.is_urgency[c] {
            insert_time(&mut self.urgency_sent[self.creator_of[c] as usize], at);
        }
    }

    /// The Laplace update of the context weights on one batch of rows.
    #[allow(clippy::needless_range_loop)] // (i, j) index a symmetric matrix: clearer as indices
    fn update_weights(&mut self, rows: &[Row]) {
        let mut w = self.mean;
        for _ in 0..NEWTON_STEPS {
            let mut grad: [f64; FEATURES] = std::array::from_fn(|i| self.precision[i] * (w[i] - self.mean[i]));
            let mut hess = [[0.0; FEATURES]; FEATURES];
            for i in 0..FEATURES {
                hess[i][i] = self.precision[i];
            }
            for r in rows {
                let p = logistic(r.offset + dot(&w, &r.z));
                let (g, h) = (r.reach * p - r.conversions, r.reach * p * (1.0 - p));
                for i in 0..FEATURES {
                    grad[i] += g * r.z[i];
                    for j in 0..=i {
                        hess[i][j] += h * r.z[i] * r.z[j];
                    }
                }
            }
            for i in 0..FEATURES {
                for j in 0..i {
                    hess[j][i] = hess[i][j];
                }
            }
            let Some(step) = solve_spd(hess, grad) else { break };
            for (wi, s) in w.iter_mut().zip(step) {
                *wi -= s;
            }
        }
        for r in rows {
            let p = logistic(r.offset + dot(&w, &r.z));
            for i in 0..FEATURES {
                self.precision[i] += r.reach * p * (1.0 - p) * r.z[i] * r.z[i];
            }
        }
        self.mean = w;
    }
}

/// One feedback row as the regression sees it.
struct Row {
    /// `logit(ρ̂_c)`: the caption's posterior mean rate before the row was learned.
    offset: f64,
    /// Centred context features `x − x̄_c`.
    z: [f64; FEATURES],
    /// Fans reached `n_j`.
    reach: f64,
    /// Conversions `y_j`.
    conversions: f64,
}

fn dot(a: &[f64; FEATURES], b: &[f64; FEATURES]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `A x = b` for a symmetric positive-definite `A` by Cholesky decomposition
/// (`None` if `A` is not positive definite). Written out: `N` ≤ 9 here, and ndarray has no
/// solver without a LAPACK binding.
#[allow(clippy::needless_range_loop)] // the textbook (i, j, k) form of the factorisation
fn solve_spd<const N: usize>(a: [[f64; N]; N], b: [f64; N]) -> Option<[f64; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        x[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

impl Policy for ContextualTs {
    fn name(&self) -> &str {
        &self.name
    }

    /// The hot loop: per caption only its recent-sends count, `w·x̄_c` and one `exp`;
    /// the slot's time features and the creator's urgency count are computed once, and
    /// `logistic(logit ρ + a) = ρe^a / (1 − ρ + ρe^a)` saves the logarithm.
    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        let mut w: [f64; FEATURES] = std::array::from_fn(|i| {
            let z: f64 = StandardNormal.sample(rng);
            self.mean[i] + z / self.precision[i].sqrt()
        });
        w[NUISANCE] = 0.0;
        let tier = RECENT + self.segments.tier(d.creator).index();
        let from_time: f64 = w.iter().zip(time_features(d.at)).map(|(wi, xi)| wi * xi).sum();
        let urgency = count_in_window(&self.urgency_sent[d.creator as usize], d.at.0, URGENCY_WINDOW) as f64;
        let best = best_of(d.eligible, |c| {
            let i = c as usize;
            let rho = self.arms.draw_rate(i, rng).clamp(1e-12, 1.0 - 1e-12);
            let recent = count_in_window(&self.sent[i], d.at.0, RECENT_WINDOW) as f64;
            let mut a = from_time + w[tier] * recent;
            if self.is_urgency[i] {
                a += w[URGENCY] * urgency;
            }
            let (sum, weight) = &self.feature_sums[i];
            if *weight > 0.0 {
                a -= dot(&w, sum) / weight;
            }
            let e = a.exp();
            rho * e / (1.0 - rho + rho * e) * self.arms.price(i)
        });
        self.record_send(best as usize, d.at.0);
        best
    }

    /// Learns a delivery one day at a time (a weekly delivery, or the warm-up history, is
    /// learned as the days it covers), so that every row is judged against the estimate
    /// available before it.
    fn observe(&mut self, feedback: &[Outcome]) {
        for day in feedback.chunk_by(|a, b| a.sent_at.day() == b.sent_at.day()) {
            self.observe_day(day);
        }
    }
}

impl ContextualTs {
    /// One day of feedback. Only rows of captions observed before train the weights (for a
    /// caption's first send there is no caption estimate to offset by, nor past contexts to
    /// centre on). Each row's offset and centred features are those *before* the day is
    /// learned (prequential): under a world without context effects the residuals
    /// are then martingale differences, uncorrelated with any feature of the past, and the
    /// weights stay at 0 in expectation. Offsets from the caption's estimate *after* its own
    /// outcome would carry the winner's curse of adaptively chosen sends (a caption sent
    /// again after lucky results regresses), which the regression would read as wear.
    fn observe_day(&mut self, feedback: &[Outcome]) {
        let Some(latest) = feedback.iter().map(|o| o.sent_at).max() else { return };
        for o in feedback {
            self.record_send(o.caption as usize, o.sent_at.0);
        }
        self.segments.observe(feedback);
        let day = Minute::day(latest);
        if self.last_day.is_none_or(|d| day > d) {
            self.last_day = Some(day);
            self.segments.retier();
        }
        let raw: Vec<[f64; FEATURES]> = feedback.iter().map(|o| self.features(o.caption, o.sent_at)).collect();
        let rows: Vec<Row> = feedback
            .iter()
            .zip(&raw)
            .filter(|(o, _)| o.reach > 0 && self.feature_sums[o.caption as usize].1 > 0.0)
            .map(|(o, x)| {
                let c = o.caption as usize;
                let r = self.arms.mean(c).clamp(1e-9, 1.0 - 1e-9);
                Row {
                    offset: (r / (1.0 - r)).ln(),
                    z: self.centred(c, *x),
                    reach: f64::from(o.reach),
                    conversions: f64::from(o.conversions),
                }
            })
            .collect();
        for (o, x) in feedback.iter().zip(&raw) {
            self.arms.add(o.caption as usize, o.conversions, o.reach);
            let (sum, weight) = &mut self.feature_sums[o.caption as usize];
            let n = f64::from(o.reach);
            for (s, xi) in sum.iter_mut().zip(x) {
                *s += n * xi;
            }
            *weight += n;
        }
        self.arms.end_batch(latest);
        self.update_weights(&rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solve_recovers_a_known_solution() {
        let a = [[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]];
        let x = [1.0, -2.0, 0.5];
        let b: [f64; 3] = std::array::from_fn(|i| (0..3).map(|j| a[i][j] * x[j]).sum());
        let got = solve_spd(a, b).expect("positive definite");
        for (g, e) in got.iter().zip(x) {
            assert!((g - e).abs() < 1e-12);
        }
        assert!(solve_spd([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0]).is_none(), "indefinite");
    }

    #[test]
    fn laplace_update_recovers_known_context_weights() {
        // Two captions whose rates are known exactly (huge counts), rows whose features are
        // drawn at random and whose conversions follow logistic(logit(r_c) + w·z) with a
        // known w: the posterior mean must land within 4 posterior sds of w.
        use rand::{RngExt, SeedableRng};
        use rand_distr::Binomial;
        let captions: Vec<crate::domain::Caption> = (0..2)
            .map(|_| crate::domain::Caption {
                creator: 0,
                length: 200,
                emoji: 2,
                category: crate::domain::Category::Solo,
                tier: crate::domain::PriceTier::Mid,
                price: 1.0,
                triggers: crate::domain::Triggers::default(),
                created_at: Minute(0),
            })
            .collect();
        let mut p = ContextualTs::new("c", &PolicyContext { captions: &captions, creators: 1, cohorts: 1 });
        let rates: [f64; 2] = [0.03, 0.06];
        for (c, r) in rates.iter().enumerate() {
            p.arms.add(c, (r * 1e9) as u32, 1_000_000_000);
        }
        p.arms.end_batch(Minute(0));
        let truth: [f64; FEATURES] = [0.3, -0.2, 0.0, 0.5, 0.0, 0.0, -0.4, 0.1, -0.3];
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let rows: Vec<Row> = (0..20_000)
            .map(|i| {
                let c = i % 2;
                let z: [f64; FEATURES] = std::array::from_fn(|_| rng.random::<f64>() - 0.5);
                let offset = (rates[c] / (1.0 - rates[c])).ln();
                let p = logistic(offset + dot(&truth, &z));
                let y = Binomial::new(500, p).expect("valid").sample(&mut rng) as f64;
                Row { offset, z, reach: 500.0, conversions: y }
            })
            .collect();
        for batch in rows.chunks(2_000) {
            p.update_weights(batch);
        }
        for i in 0..FEATURES {
            let (m, sd) = (p.weights()[i], p.weight_sds()[i]);
            assert!((m - truth[i]).abs() < 4.0 * sd, "{}: {m:.4} ± {sd:.4}, truth {}", FEATURE_NAMES[i], truth[i]);
        }
    }

    #[test]
    fn window_counts_exclude_the_present_and_the_distant_past() {
        let times = [10, 20, 30, 40];
        assert_eq!(count_in_window(&times, 40, 25), 2); // 20 and 30; 40 is not before 40
        assert_eq!(count_in_window(&times, 100, 25), 0);
    }
}
