//! `eros-sim segment HISTORY_DIR`: creator segments from a history (DESIGN.md §5).
//!
//! Per creator, over the valid rows of `sends.csv` (invalid rows are skipped, as the audit
//! reports them):
//! - performance tier by revenue per fan reached: quartiles of the creators, top to bottom
//!   Elite, High, Mid, Developing;
//! - content style by the share of sends using premium-tier captions: Premium ≥ 40 %,
//!   General ≤ 15 %, Balanced in between;
//! - audience responsiveness by conversion rate: terciles, Responsive / Average / Unresponsive;
//! - caption diversity: normalised entropy of the creator's sends over its captions
//!   (1 = every caption used equally), terciles High / Medium / Low.
//!
//! Where `generate` left `creators_truth.csv` (the world's creator effects), the rank
//! correlation between revenue per fan and the true effect is reported.

use super::schema::{DataError, SendsReader, read_caption_features, write_rows};
use crate::domain::{PriceTier, Tier, quantile_ranks};
use crate::score::saturation::spearman;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One creator's segment row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CreatorSegment {
    /// Creator.
    pub creator_id: u32,
    /// Slot-level sends.
    pub sends: u64,
    /// Revenue per fan reached.
    pub revenue_per_fan: f64,
    /// Elite / High / Mid / Developing.
    pub performance_tier: &'static str,
    /// Share of sends using premium captions.
    pub premium_share: f64,
    /// Premium / General / Balanced.
    pub content_style: &'static str,
    /// Conversions / reach.
    pub conversion_rate: f64,
    /// Responsive / Average / Unresponsive.
    pub audience_responsiveness: &'static str,
    /// Normalised entropy of caption use.
    pub caption_diversity: f64,
    /// High / Medium / Low.
    pub diversity_class: &'static str,
}

/// Segments and, when the truth is known, the rank correlation with true creator effects.
#[derive(Debug, Clone, PartialEq)]
pub struct Segmentation {
    /// One row per creator, best revenue per fan first.
    pub creators: Vec<CreatorSegment>,
    /// Spearman ρ between revenue per fan and the true creator effect.
    pub truth_correlation: Option<f64>,
}

#[derive(Default)]
struct Acc {
    conv: f64,
    reach: f64,
    revenue: f64,
    sends: HashSet<(u32, u32)>,
    premium_sends: u64,
    per_caption: HashMap<u32, u64>,
}

/// Segments the creators of the history in `dir` (see module docs).
pub fn segment(dir: &Path) -> Result<Segmentation, DataError> {
    let features = read_caption_features(&dir.join("captions.csv"))?;
    let mut reader = SendsReader::open(&dir.join("sends.csv"))?;
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    while let Some(row) = reader.next_row() {
        let Ok(r) = row else { continue };
        let a = acc.entry(r.creator_id).or_default();
        a.conv += f64::from(r.conversions);
        a.reach += f64::from(r.reach);
        a.revenue += r.revenue;
        if a.sends.insert((r.caption_id, r.sent_at.0)) {
            *a.per_caption.entry(r.caption_id).or_default() += 1;
            if features.get(&r.caption_id).is_some_and(|f| f.tier == PriceTier::Premium) {
                a.premium_sends += 1;
            }
        }
    }
    let mut ids: Vec<u32> = acc.keys().copied().collect();
    ids.sort_unstable();
    let rpf: Vec<f64> = ids.iter().map(|i| acc[i].revenue / acc[i].reach.max(1.0)).collect();
    let cr: Vec<f64> = ids.iter().map(|i| acc[i].conv / acc[i].reach.max(1.0)).collect();
    let diversity: Vec<f64> = ids
        .iter()
        .map(|i| {
            let counts: Vec<f64> = acc[i].per_caption.values().map(|&n| n as f64).collect();
            let total: f64 = counts.iter().sum();
            if counts.len() < 2 {
                return 0.0;
            }
            let h: f64 = counts.iter().map(|n| n / total).map(|p| -p * p.ln()).sum();
            h / (counts.len() as f64).ln()
        })
        .collect();
    let (q_rpf, q_cr, q_div) = (quantile_ranks(&rpf), quantile_ranks(&cr), quantile_ranks(&diversity));
    let mut creators: Vec<CreatorSegment> = ids
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let a = &acc[&i];
            let sends = a.sends.len() as u64;
            let premium_share = if sends == 0 { 0.0 } else { a.premium_sends as f64 / sends as f64 };
            CreatorSegment {
                creator_id: i,
                sends,
                revenue_per_fan: rpf[k],
                performance_tier: Tier::from_rank(q_rpf[k]).name(),
                premium_share,
                content_style: if premium_share >= 0.4 {
                    "Premium"
                } else if premium_share <= 0.15 {
                    "General"
                } else {
                    "Balanced"
                },
                conversion_rate: cr[k],
                audience_responsiveness: match q_cr[k] {
                    q if q >= 2.0 / 3.0 => "Responsive",
                    q if q >= 1.0 / 3.0 => "Average",
                    _ => "Unresponsive",
                },
                caption_diversity: diversity[k],
                diversity_class: match q_div[k] {
                    q if q >= 2.0 / 3.0 => "High",
                    q if q >= 1.0 / 3.0 => "Medium",
                    _ => "Low",
                },
            }
        })
        .collect();
    let truth_correlation = truth(&dir.join("creators_truth.csv")).map(|effects| {
        let (x, y): (Vec<f64>, Vec<f64>) =
            creators.iter().filter_map(|c| effects.get(&c.creator_id).map(|e| (c.revenue_per_fan, *e))).unzip();
        spearman(&x, &y)
    });
    creators.sort_by(|a, b| b.revenue_per_fan.total_cmp(&a.revenue_per_fan));
    Ok(Segmentation { creators, truth_correlation })
}

/// creator id → true effect, from `creators_truth.csv` when present and readable.
fn truth(path: &Path) -> Option<HashMap<u32, f64>> {
    let mut r = csv::Reader::from_path(path).ok()?;
    Some(
        r.records()
            .filter_map(|rec| {
                let rec = rec.ok()?;
                Some((rec.get(0)?.parse().ok()?, rec.get(1)?.parse().ok()?))
            })
            .collect(),
    )
}

/// Writes `creator_segments.csv` (columns: the fields of [`CreatorSegment`]).
pub fn write_segments(path: &Path, s: &Segmentation) -> Result<(), DataError> {
    write_rows(path, &s.creators)
}

/// The leaderboard as a table.
pub fn render_leaderboard(s: &Segmentation) -> String {
    let mut out = format!(
        "{:>4}  {:>7}  {:>8}  {:>7}  {:<10}  {:<8}  {:<12}  {:<10}\n",
        "rank", "creator", "sends", "rev/fan", "tier", "style", "audience", "diversity"
    );
    for (k, c) in s.creators.iter().enumerate() {
        out += &format!(
            "{:>4}  {:>7}  {:>8}  {:>7.4}  {:<10}  {:<8}  {:<12}  {:<10}\n",
            k + 1,
            c.creator_id,
            c.sends,
            c.revenue_per_fan,
            c.performance_tier,
            c.content_style,
            c.audience_responsiveness,
            c.diversity_class
        );
    }
    if let Some(rho) = s.truth_correlation {
        out += &format!(
            "\nrank correlation (Spearman) of revenue per fan with the world's true creator effects: {rho:.3}\n"
        );
    }
    out
}
