//! The report a leader reads: `report.html` (one self-contained file, charts inlined as SVG,
//! works offline) and `report.md` (the same content for pasting, charts as PNG links).

use super::ReportError;
use super::charts::{self, ChartInfo};
use super::format::{interval, signed};
use super::results::{Results, read_results};
use crate::scenario::PolicyKind;
use crate::sim::summary::{PolicySummary, Summary};
use crate::stats::Interval;
use std::path::{Path, PathBuf};

/// A fraction as a signed percentage with one decimal and its interval.
fn pct(i: &Interval) -> String {
    match (i.mean.is_finite(), i.lo, i.hi) {
        (false, ..) => "n/a".into(),
        (true, Some(lo), Some(hi)) => {
            format!(
                "{} % (95 % CI {} to {} %)",
                signed(i.mean * 100.0, 1),
                signed(lo * 100.0, 1),
                signed(hi * 100.0, 1)
            )
        }
        (true, ..) => format!("{} %", signed(i.mean * 100.0, 1)),
    }
}

fn significance(i: &Interval) -> &'static str {
    match (i.lo, i.hi) {
        (Some(lo), _) if lo > 0.0 => "a significant gain",
        (_, Some(hi)) if hi < 0.0 => "a significant loss",
        (Some(_), Some(_)) => "no detectable difference",
        _ => "too few replicates to tell",
    }
}

/// One sentence per candidate: its lift over the baseline and its relative regret.
pub fn headlines(s: &Summary) -> Vec<String> {
    s.policies
        .iter()
        .filter(|p| p.name != s.baseline && p.kind != PolicyKind::Oracle)
        .map(|p| {
            format!(
                "{} earns {} expected revenue over {} ({}); its relative regret is {:.1} %.",
                p.name,
                pct(&p.lift_vs_baseline),
                s.baseline,
                significance(&p.lift_vs_baseline),
                p.relative_regret.mean * 100.0
            )
        })
        .collect()
}

/// The command that reproduces the run.
pub fn command(s: &Summary) -> String {
    format!(
        "cargo run --release -- run {} --seed {} --replicates {} --days {}",
        s.scenario_file.as_deref().unwrap_or(&format!("scenarios/{}.toml", s.scenario)),
        s.seed,
        s.replicates,
        s.days
    )
}

/// KPI table rows: metric, unit, seed baseline, seed target, then one value per policy.
fn kpi_rows(s: &Summary) -> Vec<Vec<String>> {
    type Getter = fn(&PolicySummary) -> String;
    let metrics: [(&str, &str, &str, Getter); 10] = [
        ("Expected revenue", "—", "+35–55 % by month 6", |p| interval(&p.revenue, 1.0, 0)),
        ("Lift vs baseline policy", "—", "+35–55 % by month 6", |p| interval(&p.lift_vs_baseline, 100.0, 1) + " %"),
        ("… Elite creators", "—", "—", |p| interval(&p.lift_by_tier.elite, 100.0, 1) + " %"),
        ("… High creators", "—", "—", |p| interval(&p.lift_by_tier.high, 100.0, 1) + " %"),
        ("… Mid creators", "—", "—", |p| interval(&p.lift_by_tier.mid, 100.0, 1) + " %"),
        ("… Developing creators", "—", "—", |p| interval(&p.lift_by_tier.developing, 100.0, 1) + " %"),
        ("Conversion rate", "4.28 %", "maintain", |p| interval(&p.conversion_rate, 100.0, 2) + " %"),
        ("Revenue per fan reached", "0.013", "+10 % MoM", |p| interval(&p.revenue_per_send, 1.0, 4)),
        ("Caption success rate", "37 %", "50 %", |p| interval(&p.caption_success_rate, 100.0, 1) + " %"),
        ("Relative regret", "—", "< 5 %", |p| interval(&p.relative_regret, 100.0, 1) + " %"),
    ];
    metrics
        .iter()
        .map(|(name, baseline, target, get)| {
            let mut row = vec![name.to_string(), baseline.to_string(), target.to_string()];
            row.extend(s.policies.iter().map(get));
            row
        })
        .collect()
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn html(r: &Results, charts: &[ChartInfo], dir: &Path) -> Result<String, ReportError> {
    let s = &r.summary;
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>eros-sim report</title>\n<style>\
         body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1300px;margin:2em auto;color:#222}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}\
         td:first-child,th:first-child{text-align:left}figure{margin:2em 0}figcaption{color:#444;max-width:60em}\
         code{background:#f3f3f3;padding:2px 4px}figure svg{max-width:100%;height:auto}</style></head><body>\n",
    );
    out += &format!("<h1>eros-sim: {}</h1>\n<h2>Headline</h2>\n<ul>\n", escape(&s.scenario));
    for h in headlines(s) {
        out += &format!("<li>{}</li>\n", escape(&h));
    }
    out += "</ul>\n<h2>KPIs against the seed's baselines and targets</h2>\n<table><tr><th>metric</th><th>seed baseline</th><th>target</th>";
    for p in &s.policies {
        out += &format!("<th>{}</th>", escape(&p.name));
    }
    out += "</tr>\n";
    for row in kpi_rows(s) {
        out += "<tr>";
        for cell in row {
            out += &format!("<td>{}</td>", escape(&cell));
        }
        out += "</tr>\n";
    }
    out += "</table>\n<p>Means over replicates with 95 % intervals in brackets. Revenue in seed revenue units; \
            expected revenue uses the true expected value of each choice.</p>\n<h2>Charts</h2>\n";
    for c in charts {
        let path = charts::charts_dir(dir).join(format!("{}.svg", c.stem));
        let svg = std::fs::read_to_string(&path).map_err(|source| ReportError::Io { path, source })?;
        let svg = svg.trim_start_matches(|c| c != '<').to_string();
        out += &format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", escape(&c.caption));
    }
    out += &format!(
        "<h2>Provenance</h2>\n<p>Scenario <code>{}</code>, seed {}, {} replicates, {} days after {} warm-up days, \
         eros-sim {}.</p>\n<p>Reproduce with <code>{}</code></p>\n</body></html>\n",
        escape(&s.scenario),
        s.seed,
        s.replicates,
        s.days,
        s.warmup_days,
        escape(&s.version),
        escape(&command(s))
    );
    Ok(out)
}

fn markdown(r: &Results, charts: &[ChartInfo]) -> String {
    let s = &r.summary;
    let mut out = format!("# eros-sim: {}\n\n## Headline\n\n", s.scenario);
    for h in headlines(s) {
        out += &format!("- {h}\n");
    }
    out += "\n## KPIs against the seed's baselines and targets\n\n| metric | seed baseline | target |";
    for p in &s.policies {
        out += &format!(" {} |", p.name);
    }
    out += "\n|---|---|---|";
    out += &"---|".repeat(s.policies.len());
    out.push('\n');
    for row in kpi_rows(s) {
        out += &format!("| {} |\n", row.join(" | "));
    }
    out += "\nMeans over replicates with 95 % intervals in brackets. Revenue in seed revenue units; expected \
            revenue uses the true expected value of each choice.\n\n## Charts\n\n";
    for c in charts {
        out += &format!("![{}](charts/{}.png)\n\n{}\n\n", c.title, c.stem, c.caption);
    }
    out += &format!(
        "## Provenance\n\nScenario `{}`, seed {}, {} replicates, {} days after {} warm-up days, eros-sim {}.\n\n\
         Reproduce with `{}`\n",
        s.scenario,
        s.seed,
        s.replicates,
        s.days,
        s.warmup_days,
        s.version,
        command(s)
    );
    out
}

/// Draws the charts of a results folder and writes `report.html` and `report.md` into it.
/// Returns the files written.
pub fn write_report(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let r = read_results(dir)?;
    let charts = charts::draw_all(dir, &r)?;
    let html_path = dir.join("report.html");
    std::fs::write(&html_path, html(&r, &charts, dir)?)
        .map_err(|source| ReportError::Io { path: html_path.clone(), source })?;
    let md_path = dir.join("report.md");
    std::fs::write(&md_path, markdown(&r, &charts))
        .map_err(|source| ReportError::Io { path: md_path.clone(), source })?;
    let mut written: Vec<PathBuf> = charts
        .iter()
        .flat_map(|c| ["png", "svg"].map(|ext| charts::charts_dir(dir).join(format!("{}.{ext}", c.stem))))
        .collect();
    written.extend([html_path, md_path]);
    Ok(written)
}
