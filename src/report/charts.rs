//! Charts for leadership (plotters), each written as PNG and SVG into `RESULTS_DIR/charts/`.
//!
//! Every chart has a title, axis labels with units, a legend where there is more than one
//! series, and the Okabe–Ito colour-blind-safe palette. PNGs carry their title and series
//! names as iTXt metadata (`Title`, `Series`), so tools and tests can tell what they show.
//! Fonts are compiled in (DejaVu Sans), so no system font library is needed.
//!
//! Not here: the numbers (they come from `summary.json` and `timeseries.csv`) or the HTML.

use super::ReportError;
use super::format::interval;
use super::results::Results;
use crate::scenario::PolicyKind;
use crate::stats::Interval;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Okabe & Ito (2008) colour-blind-safe palette, black last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The seed's baselines and targets shown on KPI cards (implementation checklist, "Success
/// Metrics & KPIs").
pub mod seed {
    /// Overall conversion rate baseline (fraction); target: maintain.
    pub const CONVERSION_RATE: f64 = 0.0428;
    /// Revenue per send baseline (seed revenue units per fan reached).
    pub const REVENUE_PER_SEND: f64 = 0.013;
    /// Revenue per send target: +10 % month over month.
    pub const REVENUE_PER_SEND_TARGET: f64 = 0.013 * 1.1;
    /// Thompson-sampling regret target: relative regret below 5 %.
    pub const RELATIVE_REGRET_TARGET: f64 = 0.05;
}

/// One chart written: its file stem, title, series and the sentence that says what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartInfo {
    /// File stem in `charts/` (`.png` and `.svg`).
    pub stem: String,
    /// Title drawn on the chart.
    pub title: String,
    /// Series (legend) names.
    pub series: Vec<String>,
    /// One sentence for a reader: what the chart shows and how to read it.
    pub caption: String,
}

fn fonts() -> Result<(), ReportError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Chart { chart: "fonts".into(), message: "cannot load DejaVu Sans".into() })
    }
}

fn chart_err(stem: &str) -> impl Fn(String) -> ReportError + '_ {
    move |message| ReportError::Chart { chart: stem.to_string(), message }
}

/// Draws one chart with both backends: the drawing closure is written once and type-checked
/// for each backend.
macro_rules! render {
    ($dir:expr, $info:expr, $size:expr, $draw:expr) => {
        render_with($dir, $info, $size, $draw, $draw)
    };
}

/// Writes `dir/stem.svg` with `svg` and `dir/stem.png` (with metadata) with `png`.
fn render_with<S, P>(dir: &Path, info: &ChartInfo, size: (u32, u32), svg: S, png: P) -> Result<(), ReportError>
where
    S: Fn(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
    P: Fn(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), String>,
{
    fonts()?;
    let err = chart_err(&info.stem);
    let svg_path = dir.join(format!("{}.svg", info.stem));
    {
        let root = SVGBackend::new(&svg_path, size).into_drawing_area();
        svg(&root).map_err(&err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let mut buffer = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, size).into_drawing_area();
        png(&root).map_err(&err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    write_png(&dir.join(format!("{}.png", info.stem)), size, &buffer, info)
}

fn write_png(path: &Path, size: (u32, u32), rgb: &[u8], info: &ChartInfo) -> Result<(), ReportError> {
    let err = chart_err(&info.stem);
    let file = std::fs::File::create(path).map_err(|source| ReportError::Io { path: path.to_path_buf(), source })?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), size.0, size.1);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.add_itxt_chunk("Title".into(), info.title.clone()).map_err(|e| err(e.to_string()))?;
    enc.add_itxt_chunk("Series".into(), info.series.join("; ")).map_err(|e| err(e.to_string()))?;
    enc.add_itxt_chunk("Description".into(), info.caption.clone()).map_err(|e| err(e.to_string()))?;
    let mut w = enc.write_header().map_err(|e| err(e.to_string()))?;
    w.write_image_data(rgb).map_err(|e| err(e.to_string()))?;
    w.finish().map_err(|e| err(e.to_string()))
}

fn e<T: std::fmt::Display>(x: T) -> String {
    x.to_string()
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).abs().max(1e-9);
    (lo - 0.05 * span, hi + 0.05 * span)
}

type DailySeries = Vec<(u32, f64, Option<f64>, Option<f64>)>;

/// A chart over the days of the horizon.
type DayChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A day-by-day chart on `area`: days since deployment on x, `y_desc` from 0 to `max_y` on y,
/// mesh and labels drawn.
fn day_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: (&str, u32),
    days: u32,
    max_y: f64,
    y_desc: &str,
) -> Result<DayChart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(title.0, ("sans-serif", title.1))
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(95)
        .build_cartesian_2d(1f64..f64::from(days.max(2)), 0f64..max_y * 1.05)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("days since deployment")
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(e)?;
    Ok(chart)
}

/// The legend of a chart with f64 axes (day charts, the saturation chart), boxed, at
/// `position`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut DayChart<'a, DB>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(e)
}

/// Draws the cumulative-regret lines with bands of `series` (index into the palette kept
/// from the full policy list) on `area`.
fn regret_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    days: u32,
    series: &[(usize, String, DailySeries)],
) -> Result<(), String> {
    let max_y = series.iter().flat_map(|(_, _, v)| v.iter().map(|p| p.3.unwrap_or(p.1))).fold(0.0, f64::max).max(1.0);
    let mut chart = day_chart(area, (title, 17), days, max_y, "cumulative regret (seed revenue units)")?;
    for (i, name, v) in series {
        let color = PALETTE[i % PALETTE.len()];
        let band: Vec<(f64, f64)> = v
            .iter()
            .map(|p| (f64::from(p.0), p.3.unwrap_or(p.1)))
            .chain(v.iter().rev().map(|p| (f64::from(p.0), p.2.unwrap_or(p.1))))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18).filled()))).map_err(e)?;
        chart
            .draw_series(LineSeries::new(v.iter().map(|p| (f64::from(p.0), p.1)), color.stroke_width(3)))
            .map_err(e)?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// Cumulative regret per policy over the horizon, with 95 % bands: every policy on the left,
/// the learning policies alone (no random, no oracle) on the right, where their differences
/// are visible.
fn cumulative_regret(dir: &Path, r: &Results) -> Result<ChartInfo, ReportError> {
    let s = &r.summary;
    let all: Vec<(usize, String, DailySeries)> = s
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.name.clone(), r.daily(&p.name, "cumulative_regret")))
        .collect();
    let learners: Vec<(usize, String, DailySeries)> = all
        .iter()
        .filter(|(i, _, _)| !matches!(s.policies[*i].kind, PolicyKind::Random | PolicyKind::Oracle))
        .cloned()
        .collect();
    let info = ChartInfo {
        stem: "cumulative_regret".into(),
        title: format!("Cumulative regret vs the myopic oracle ({} replicates, 95 % bands)", s.replicates),
        series: all.iter().map(|(_, n, _)| n.clone()).collect(),
        caption: "Expected revenue each policy gave up, day by day, against the best eligible caption at each of \
                  its decisions; a flatter line learns faster, and the shaded band is the 95 % interval across worlds. \
                  The right panel leaves out random and the oracle so the learners can be told apart."
            .into(),
    };
    render!(dir, &info, (1400, 620), |root| {
        root.fill(&WHITE).map_err(e)?;
        let (head, body) = root.split_vertically(44);
        head.draw(&Text::new(info.title.clone(), (16, 12), ("sans-serif", 22))).map_err(e)?;
        let (left, right) = body.split_horizontally(700);
        regret_panel(&left, "all policies", s.days, &all)?;
        if !learners.is_empty() {
            regret_panel(&right, "learning policies only", s.days, &learners)?;
        }
        Ok(())
    })?;
    Ok(info)
}

/// Forest plot of each policy's lift over the baseline, with 95 % intervals.
fn lift_forest(dir: &Path, r: &Results) -> Result<ChartInfo, ReportError> {
    let s = &r.summary;
    // (palette index = position in the scenario, name, lift): colours match the other charts.
    let rows: Vec<(usize, String, Interval)> = s
        .policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.name != s.baseline && p.lift_vs_baseline.mean.is_finite())
        .map(|(i, p)| (i, p.name.clone(), p.lift_vs_baseline))
        .collect();
    let info = ChartInfo {
        stem: "lift".into(),
        title: format!("Revenue lift over {} (paired by replicate, 95 % intervals)", s.baseline),
        series: rows.iter().map(|(_, n, _)| n.clone()).collect(),
        caption: format!(
            "Each dot is a policy's expected-revenue lift over {} in the same worlds; a bar that crosses the \
             dashed zero line is no detectable difference.",
            s.baseline
        ),
    };
    let lo = rows.iter().map(|(_, _, i)| i.lo.unwrap_or(i.mean)).fold(0.0, f64::min) * 100.0;
    let hi = rows.iter().map(|(_, _, i)| i.hi.unwrap_or(i.mean)).fold(0.0, f64::max) * 100.0;
    let (lo, hi) = padded(lo, hi);
    let n = rows.len().max(1);
    let names: Vec<String> = rows.iter().map(|(_, n, _)| n.clone()).collect();
    render!(dir, &info, (1000, 140 + 70 * n as u32), |root| {
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&info.title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(140)
            .build_cartesian_2d(lo..hi, (0..n - 1).into_segmented())
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(format!("lift over {} (%)", s.baseline))
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 15))
            .disable_y_mesh()
            .draw()
            .map_err(e)?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                8,
                6,
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
        for (i, (p, _, iv)) in rows.iter().enumerate() {
            let color = PALETTE[p % PALETTE.len()];
            let (l, h) = (iv.lo.unwrap_or(iv.mean) * 100.0, iv.hi.unwrap_or(iv.mean) * 100.0);
            let y = SegmentValue::CenterOf(i);
            chart
                .draw_series(LineSeries::new(vec![(l, y.clone()), (h, y.clone())], color.stroke_width(3)))
                .map_err(e)?;
            chart.draw_series(std::iter::once(Circle::new((iv.mean * 100.0, y), 7, color.filled()))).map_err(e)?;
        }
        Ok(())
    })?;
    Ok(info)
}

/// Rolling mean over the last `w` values (shorter at the start).
fn rolling(values: &[f64], w: usize) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            let window: Vec<f64> =
                values[i.saturating_sub(w - 1)..=i].iter().copied().filter(|v| v.is_finite()).collect();
            if window.is_empty() { f64::NAN } else { window.iter().sum::<f64>() / window.len() as f64 }
        })
        .collect()
}

/// One KPI card's content.
struct Card {
    title: &'static str,
    value: String,
    note: String,
    spark: Vec<f64>,
    reference: Option<f64>,
}

/// KPI cards per policy (not the oracle): revenue, conversion rate, revenue per send and
/// relative regret, with the seed's baselines and targets, and 7-day sparklines.
fn kpi_cards(dir: &Path, r: &Results) -> Result<ChartInfo, ReportError> {
    let s = &r.summary;
    let policies: Vec<_> = s.policies.iter().filter(|p| p.kind != PolicyKind::Oracle).collect();
    let info = ChartInfo {
        stem: "kpi_cards".into(),
        title: "KPI cards: horizon means with 95 % intervals; sparklines are 7-day rolling means".into(),
        series: policies.iter().map(|p| p.name.clone()).collect(),
        caption: "One row per policy: what it earns and converts against the seed's baselines and targets; the grey \
                  line in a sparkline is the baseline or target."
            .into(),
    };
    let rows: Vec<(String, Vec<Card>)> = policies
        .iter()
        .map(|p| {
            let series = |m: &str| r.daily(&p.name, m).iter().map(|d| d.1).collect::<Vec<f64>>();
            let revenue = series("revenue");
            let regret = series("regret");
            let rel: Vec<f64> =
                revenue.iter().zip(&regret).map(|(v, g)| if v + g > 0.0 { g / (v + g) } else { f64::NAN }).collect();
            let cards = vec![
                Card {
                    title: "Revenue (expected, seed units)",
                    value: interval(&p.revenue, 1.0, 0),
                    note: format!("lift vs {}: {} %", s.baseline, interval(&p.lift_vs_baseline, 100.0, 1)),
                    spark: rolling(&revenue, 7),
                    reference: None,
                },
                Card {
                    title: "Conversion rate",
                    value: format!("{} %", interval(&p.conversion_rate, 100.0, 2)),
                    note: "seed baseline 4.28 %, target: maintain".into(),
                    spark: rolling(&series("conversion_rate"), 7),
                    reference: Some(seed::CONVERSION_RATE),
                },
                Card {
                    title: "Revenue per fan reached",
                    value: interval(&p.revenue_per_send, 1.0, 4),
                    note: "seed baseline 0.013, target +10 % MoM (0.0143)".into(),
                    spark: rolling(&series("revenue_per_send"), 7),
                    reference: Some(seed::REVENUE_PER_SEND),
                },
                Card {
                    title: "Relative regret",
                    value: format!("{} %", interval(&p.relative_regret, 100.0, 1)),
                    note: "seed target < 5 %".into(),
                    spark: rolling(&rel, 7),
                    reference: Some(seed::RELATIVE_REGRET_TARGET),
                },
            ];
            (p.name.clone(), cards)
        })
        .collect();
    let (card_w, card_h) = (330u32, 190u32);
    let width = 150 + 4 * card_w;
    let height = 60 + card_h * rows.len().max(1) as u32;
    render!(dir, &info, (width, height), |root| {
        root.fill(&WHITE).map_err(e)?;
        let (head, body) = root.split_vertically(60);
        head.draw(&Text::new(info.title.clone(), (16, 18), ("sans-serif", 20).into_font().style(FontStyle::Bold)))
            .map_err(e)?;
        let row_areas = body.split_evenly((rows.len().max(1), 1));
        for ((name, cards), area) in rows.iter().zip(row_areas) {
            let (label, cells) = area.split_horizontally(150);
            label.draw(&Text::new(name.clone(), (12, (card_h / 2) as i32 - 10), ("sans-serif", 18))).map_err(e)?;
            for (card, cell) in cards.iter().zip(cells.split_evenly((1, 4))) {
                let cell = cell.margin(6, 6, 6, 6);
                cell.fill(&RGBColor(245, 245, 245)).map_err(e)?;
                cell.draw(&Text::new(card.title, (10, 8), ("sans-serif", 14))).map_err(e)?;
                cell.draw(&Text::new(
                    card.value.clone(),
                    (10, 30),
                    ("sans-serif", 17).into_font().style(FontStyle::Bold),
                ))
                .map_err(e)?;
                cell.draw(&Text::new(
                    card.note.clone(),
                    (10, 56),
                    ("sans-serif", 12).into_font().color(&RGBColor(80, 80, 80)),
                ))
                .map_err(e)?;
                let (_, spark_area) = cell.split_vertically(78);
                let (spark_area, foot) = spark_area.split_vertically(card_h as i32 - 78 - 12 - 20);
                foot.draw(&Text::new(
                    format!("7-day mean, days 1–{}", card.spark.len()),
                    (10, 2),
                    ("sans-serif", 11).into_font().color(&RGBColor(110, 110, 110)),
                ))
                .map_err(e)?;
                let spark_area = spark_area.margin(4, 4, 10, 10);
                let finite: Vec<f64> =
                    card.spark.iter().copied().chain(card.reference).filter(|v| v.is_finite()).collect();
                if finite.len() < 2 {
                    continue;
                }
                let (lo, hi) = padded(
                    finite.iter().copied().fold(f64::INFINITY, f64::min),
                    finite.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                );
                let mut chart = ChartBuilder::on(&spark_area)
                    .build_cartesian_2d(0f64..(card.spark.len().max(2) - 1) as f64, lo..hi)
                    .map_err(e)?;
                if let Some(reference) = card.reference {
                    chart
                        .draw_series(LineSeries::new(
                            vec![(0.0, reference), ((card.spark.len().max(2) - 1) as f64, reference)],
                            RGBColor(150, 150, 150).stroke_width(1),
                        ))
                        .map_err(e)?;
                }
                chart
                    .draw_series(LineSeries::new(
                        card.spark.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, v)| (i as f64, *v)),
                        PALETTE[0].stroke_width(2),
                    ))
                    .map_err(e)?;
            }
        }
        Ok(())
    })?;
    Ok(info)
}

/// Captions retired (solid) and resting (dashed) over time, for the policies that run under
/// the retirement rule; `None` when no policy retired or rested anything.
fn inventory(dir: &Path, r: &Results) -> Result<Option<ChartInfo>, ReportError> {
    let s = &r.summary;
    let rows: Vec<(usize, String, DailySeries, DailySeries)> = s
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.name.clone(), r.daily(&p.name, "inventory_retired"), r.daily(&p.name, "inventory_resting")))
        .filter(|(_, _, ret, rest)| ret.iter().chain(rest).any(|d| d.1 > 0.0))
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let info = ChartInfo {
        stem: "inventory".into(),
        title: "Captions retired (solid) and resting (dashed) by the retirement rule".into(),
        series: rows.iter().map(|(_, n, _, _)| n.clone()).collect(),
        caption: "How many captions the retirement rule has taken out of the banks, day by day (mean over \
                  replicates): retired ones for good, resting ones for 30 days."
            .into(),
    };
    let max_y = rows.iter().flat_map(|(_, _, a, b)| a.iter().chain(b).map(|d| d.1)).fold(1.0, f64::max);
    render!(dir, &info, (1000, 560), |root| {
        root.fill(&WHITE).map_err(e)?;
        let mut chart = day_chart(root, (&info.title, 20), s.days, max_y, "captions (all creators)")?;
        for (i, name, retired, resting) in &rows {
            let color = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(retired.iter().map(|d| (f64::from(d.0), d.1)), color.stroke_width(3)))
                .map_err(e)?
                .label(format!("{name}: retired"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
            chart
                .draw_series(DashedLineSeries::new(
                    resting.iter().map(|d| (f64::from(d.0), d.1)),
                    8,
                    5,
                    color.stroke_width(2),
                ))
                .map_err(e)?
                .label(format!("{name}: resting"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], color.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })?;
    Ok(Some(info))
}

/// The distribution of saturation scores of the active captions at the end of the horizon,
/// one line per policy with 95 % whiskers; `None` for summaries without it.
fn saturation(dir: &Path, r: &Results) -> Result<Option<ChartInfo>, ReportError> {
    let s = &r.summary;
    let rows: Vec<(usize, String, &[Interval])> = s
        .policies
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !p.saturation_distribution.is_empty() && p.saturation_distribution.iter().all(|i| i.mean.is_finite())
        })
        .map(|(i, p)| (i, p.name.clone(), p.saturation_distribution.as_slice()))
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let info = ChartInfo {
        stem: "saturation".into(),
        title: "Saturation of the active captions at the end of the horizon".into(),
        series: rows.iter().map(|(_, n, _)| n.clone()).collect(),
        caption: "Share of the active captions that were sent, by saturation score (0 = converting as when new, \
                  1 = stopped converting), with 95 % whiskers across replicates; the seed's target is an average \
                  below 0.3, and mass to the right is worn-out inventory."
            .into(),
    };
    let bands = rows[0].2.len() as f64;
    let max_y = rows.iter().flat_map(|(_, _, d)| d.iter().map(|i| i.hi.unwrap_or(i.mean))).fold(0.01, f64::max) * 100.0;
    render!(dir, &info, (1000, 560), |root| {
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&info.title, ("sans-serif", 20))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..1f64, 0f64..max_y * 1.05)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc("saturation score (band of width 0.1)")
            .y_desc("share of active, sent captions (%)")
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        let n = rows.len() as f64;
        for (k, (i, name, dist)) in rows.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            // Offset each policy a little within the band so whiskers do not hide each other.
            let x = |b: usize| (b as f64 + 0.5) / bands + (k as f64 - (n - 1.0) / 2.0) * 0.006;
            chart
                .draw_series(LineSeries::new(
                    dist.iter().enumerate().map(|(b, iv)| (x(b), iv.mean * 100.0)),
                    color.stroke_width(2),
                ))
                .map_err(e)?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
            chart
                .draw_series(dist.iter().enumerate().map(|(b, iv)| {
                    let (lo, hi) = (iv.lo.unwrap_or(iv.mean) * 100.0, iv.hi.unwrap_or(iv.mean) * 100.0);
                    ErrorBar::new_vertical(x(b), lo, iv.mean * 100.0, hi, color.filled(), 6)
                }))
                .map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })?;
    Ok(Some(info))
}

/// Draws every chart the results support into `dir/charts/` and returns what was drawn, in
/// report order. The inventory chart is drawn when a policy ran under the retirement rule;
/// the saturation chart when the summary carries the saturation distribution.
pub fn draw_all(dir: &Path, r: &Results) -> Result<Vec<ChartInfo>, ReportError> {
    let charts = charts_dir(dir);
    std::fs::create_dir_all(&charts).map_err(|source| ReportError::Io { path: charts.clone(), source })?;
    let mut drawn = vec![cumulative_regret(&charts, r)?, lift_forest(&charts, r)?, kpi_cards(&charts, r)?];
    drawn.extend(inventory(&charts, r)?);
    drawn.extend(saturation(&charts, r)?);
    Ok(drawn)
}

/// `dir/charts`.
pub fn charts_dir(dir: &Path) -> PathBuf {
    dir.join("charts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_mean_uses_the_last_seven_values() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let r = rolling(&v, 7);
        assert_eq!(r[0], 1.0);
        assert_eq!(r[6], 4.0);
        assert_eq!(r[9], 7.0);
    }
}
