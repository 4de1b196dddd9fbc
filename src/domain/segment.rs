use serde::{Deserialize, Serialize};

/// Performance tier of a creator (DESIGN.md §5): quartiles of revenue per fan reached among
/// the creators, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Tier {
    /// Top quartile.
    Elite,
    /// Second quartile.
    High,
    /// Third quartile.
    Mid,
    /// Bottom quartile.
    Developing,
}

impl Tier {
    /// All tiers, best first (the order of [`PerTier`] and of [`Tier::index`]).
    pub const ALL: [Tier; 4] = [Tier::Elite, Tier::High, Tier::Mid, Tier::Developing];

    /// Name used in files and tables.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Elite => "Elite",
            Tier::High => "High",
            Tier::Mid => "Mid",
            Tier::Developing => "Developing",
        }
    }

    /// Index 0..4, best first.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The tier of a creator whose revenue per fan has quantile rank `q` ∈ [0, 1) among the
    /// creators (0 = lowest).
    pub fn from_rank(q: f64) -> Self {
        match q {
            q if q >= 0.75 => Tier::Elite,
            q if q >= 0.5 => Tier::High,
            q if q >= 0.25 => Tier::Mid,
            _ => Tier::Developing,
        }
    }

    /// Tiers of creators with revenue per fan `values`.
    pub fn of_values(values: &[f64]) -> Vec<Tier> {
        quantile_ranks(values).into_iter().map(Tier::from_rank).collect()
    }
}

/// Rank of each value among `v` as a fraction in [0, 1) (0 = smallest; ties by position).
pub fn quantile_ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    for (rank, i) in idx.into_iter().enumerate() {
        r[i] = rank as f64 / v.len() as f64;
    }
    r
}

/// One value per performance tier (scenario tables such as exploration rates and retirement
/// thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerTier<T> {
    /// For Elite creators.
    pub elite: T,
    /// For High creators.
    pub high: T,
    /// For Mid creators.
    pub mid: T,
    /// For Developing creators.
    pub developing: T,
}

impl<T: Copy> PerTier<T> {
    /// The value for `tier`.
    pub fn get(&self, tier: Tier) -> T {
        match tier {
            Tier::Elite => self.elite,
            Tier::High => self.high,
            Tier::Mid => self.mid,
            Tier::Developing => self.developing,
        }
    }

    /// The values, best tier first.
    pub fn values(&self) -> [T; 4] {
        [self.elite, self.high, self.mid, self.developing]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_split_eight_creators_two_per_tier() {
        let v = [0.8, 0.1, 0.5, 0.3, 0.7, 0.2, 0.6, 0.4];
        let t = Tier::of_values(&v);
        assert_eq!(
            t,
            [
                Tier::Elite,
                Tier::Developing,
                Tier::High,
                Tier::Mid,
                Tier::Elite,
                Tier::Developing,
                Tier::High,
                Tier::Mid
            ]
        );
    }

    #[test]
    fn per_tier_values_follow_tier_order() {
        let p = PerTier { elite: 1, high: 2, mid: 3, developing: 4 };
        assert_eq!(Tier::ALL.map(|t| p.get(t)), p.values());
    }
}
