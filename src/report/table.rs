use super::format::interval;
use crate::sim::summary::Summary;

/// A plain-text table of the headline metrics, every number with its 95 % interval and unit.
pub fn render_table(s: &Summary) -> String {
    let headers = [
        "policy",
        "feedback",
        "revenue (units)",
        "rel. regret (%)",
        &format!("lift vs {} (%)", s.baseline),
        "conv. rate (%)",
        "rev/fan reached",
        "success (%)",
        "B/G share (%)",
    ];
    let rows: Vec<Vec<String>> = s
        .policies
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                format!("{:?}", p.feedback).to_lowercase(),
                interval(&p.revenue, 1.0, 0),
                interval(&p.relative_regret, 100.0, 2),
                interval(&p.lift_vs_baseline, 100.0, 2),
                interval(&p.conversion_rate, 100.0, 3),
                interval(&p.revenue_per_send, 1.0, 5),
                interval(&p.caption_success_rate, 100.0, 1),
                interval(&p.bg_share, 100.0, 2),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([headers[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    let mut out = format!(
        "scenario {} · seed {} · {} replicates · {} days after {} warm-up days · eros-sim {}\n\
         means with 95 % intervals across replicates; revenue is the true expected revenue of the choices\n\n",
        s.scenario, s.seed, s.replicates, s.days, s.warmup_days, s.version
    );
    out += &line(headers.to_vec());
    out.push('\n');
    out += &line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect());
    out.push('\n');
    for r in &rows {
        out += &line(r.iter().map(String::as_str).collect());
        out.push('\n');
    }
    out
}

/// A few lines on calibration: the incumbent's warm-up KPIs across replicate worlds against
/// the seed's baselines, and how the pooled fit ended.
pub fn render_calibration(s: &Summary) -> String {
    let w = &s.warmup;
    let mut out = format!(
        "\nincumbent over the {}-day warm-up, across replicate worlds (targets: 4.28 %, 0.013, 37 %, 3 %):\n  \
         conversion rate {} %, revenue per fan reached {}, caption success {} %, B/G share {} %\n",
        s.warmup_days,
        interval(&w.conversion_rate, 100.0, 3),
        interval(&w.revenue_per_send, 1.0, 5),
        interval(&w.caption_success_rate, 100.0, 1),
        interval(&w.bg_share, 100.0, 2),
    );
    match &s.calibration {
        Some(c) => {
            out += &format!(
                "  calibration: pooled fit {} after {} round(s); {} of {} worlds refitted μ and prices within half the tolerance\n",
                if c.converged { "converged" } else { "did NOT converge" },
                c.rounds,
                w.worlds_calibrated,
                s.replicates
            );
        }
        None => out += "  calibration: off (world parameters as written in the scenario)\n",
    }
    out
}
