use super::arms::BetaArms;
use super::segments::CreatorSegments;
use super::{Decision, Policy, PolicyContext, PolicyRng};
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
/// weekend, its sends in the last 28 days by creator tier, its lifetime sends, and for urgency
/// captions the creator's urgency sends in the last 7 days) and `x̄_c` the reach-weighted mean
/// of its features over the sends its rate was learned from (so `w` corrects a caption's rate
/// for the contexts it was observed in, and the same context adds nothing).
///
/// `w` has a diagonal Gaussian posterior `N(m, diag(1/q))`, prior `N(0, 1)` per weight. Each
/// feedback batch finds the mode `ŵ` of `½Σ q_i (w_i − m_i)² + Σ_j [n_j ln(1 + e^{η_j}) − y_j η_j]`,
/// `η_j = logit(ρ̂_c) + w·z_j` (Newton's method, rows j with reach n_j and conversions y_j), then
/// sets `m = ŵ`, `q_i += Σ_j n_j p_j (1 − p_j) z_{ji}²` (the Laplace approximation). A decision
/// draws `w` once and a rate per eligible caption and picks the largest `p × price`.
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
        let phase = 2.0 * std::f64::consts::PI * (f64::from(at.hour()) + 0.5) / 24.0;
        let mut x = [0.0; FEATURES];
        x[0] = phase.cos();
        x[1] = phase.sin();
        x[2] = if at.weekday() >= 5 { 1.0 } else { 0.0 };
        x[3 + self.segments.tier(creator).index()] = count_in_window(&self.sent[c], at.0, RECENT_WINDOW) as f64;
        let lifetime = self.sent[c].partition_point(|&t| t < at.0);
        x[7] = (1.0 + lifetime as f64).ln();
        if self.is_urgency[c] {
            x[8] = count_in_window(&self.urgency_sent[creator as usize], at.0, URGENCY_WINDOW) as f64;
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

    /// The Laplace update of the context weights on one batch of rows `(caption, z, n, y)`.
    fn update_weights(&mut self, rows: &[(usize, [f64; FEATURES], f64, f64)]) {
        let offsets: Vec<f64> = rows
            .iter()
            .map(|(c, ..)| {
                let r = self.arms.mean(*c).clamp(1e-9, 1.0 - 1e-9);
                (r / (1.0 - r)).ln()
            })
            .collect();
        let mut w = self.mean;
        for _ in 0..NEWTON_STEPS {
            let mut grad: [f64; FEATURES] = std::array::from_fn(|i| self.precision[i] * (w[i] - self.mean[i]));
            let mut hess = [[0.0; FEATURES]; FEATURES];
            for i in 0..FEATURES {
                hess[i][i] = self.precision[i];
            }
            for ((_, z, n, y), o) in rows.iter().zip(&offsets) {
                let eta = o + dot(&w, z);
                let p = logistic(eta);
                let (g, h) = (n * p - y, n * p * (1.0 - p));
                for i in 0..FEATURES {
                    grad[i] += g * z[i];
                    for j in 0..=i {
                        hess[i][j] += h * z[i] * z[j];
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
        for ((_, z, n, _), o) in rows.iter().zip(&offsets) {
            let p = logistic(o + dot(&w, z));
            for i in 0..FEATURES {
                self.precision[i] += n * p * (1.0 - p) * z[i] * z[i];
            }
        }
        self.mean = w;
    }
}

fn dot(a: &[f64; FEATURES], b: &[f64; FEATURES]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `A x = b` for a symmetric positive-definite `A` by Cholesky decomposition
/// (`None` if `A` is not positive definite).
pub fn solve_spd<const N: usize>(a: [[f64; N]; N], b: [f64; N]) -> Option<[f64; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0) {
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

    fn choose(&mut self, d: &Decision<'_>, rng: &mut PolicyRng) -> CaptionId {
        let w: [f64; FEATURES] = std::array::from_fn(|i| {
            let z: f64 = StandardNormal.sample(rng);
            self.mean[i] + z / self.precision[i].sqrt()
        });
        let mut best = d.eligible[0];
        let mut best_score = f64::NEG_INFINITY;
        for &c in d.eligible {
            let rho = self.arms.draw_rate(c as usize, rng).clamp(1e-12, 1.0 - 1e-12);
            let price = self.arms.price(c as usize);
            let z = self.centred(c as usize, self.features(c, d.at));
            let score = logistic((rho / (1.0 - rho)).ln() + dot(&w, &z)) * price;
            if score > best_score {
                best_score = score;
                best = c;
            }
        }
        self.record_send(best as usize, d.at.0);
        best
    }

    fn observe(&mut self, feedback: &[Outcome]) {
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
        let rows: Vec<(usize, [f64; FEATURES], f64, f64)> = feedback
            .iter()
            .zip(raw)
            .filter(|(o, _)| o.reach > 0)
            .map(|(o, x)| {
                let c = o.caption as usize;
                (c, self.centred(c, x), f64::from(o.reach), f64::from(o.conversions))
            })
            .collect();
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
    fn window_counts_exclude_the_present_and_the_distant_past() {
        let times = [10, 20, 30, 40];
        assert_eq!(count_in_window(&times, 40, 25), 2); // 20 and 30; 40 is not before 40
        assert_eq!(count_in_window(&times, 100, 25), 0);
    }
}
