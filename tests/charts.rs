//! Every chart renders from a small fixed result as a valid PNG (with its title and series in
//! the metadata) and SVG (title and series as text), and the HTML report is self-contained.

mod common;
use eros_sim::report::{self, write_results};
use eros_sim::sim::{self, NoProgress, summary};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A results folder with charts and report drawn (once for all tests here).
fn results() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let s = common::small("");
        let run = sim::run(&s, &NoProgress).expect("run");
        let sum = summary::summarize(&run);
        let dir = std::env::temp_dir().join(format!("eros-charts-{}", std::process::id()));
        write_results(&dir, &sum, &summary::timeseries(&run)).expect("results");
        report::write_report(&dir).expect("report");
        dir
    })
}

fn png_text(path: &Path) -> (u32, u32, Vec<(String, String)>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png exists")));
    let mut reader = decoder.read_info().expect("valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut buf).expect("valid PNG image data");
    let info = reader.info();
    let text = info.utf8_text.iter().map(|t| (t.keyword.clone(), t.get_text().expect("utf-8 text"))).collect();
    (info.width, info.height, text)
}

fn assert_chart(stem: &str, title_part: &str, series: &[&str]) {
    let dir = results().join("charts");
    let (w, h, text) = png_text(&dir.join(format!("{stem}.png")));
    assert!(w >= 600 && h >= 200, "{stem}: {w}×{h}");
    let get = |k: &str| text.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(get("Title").contains(title_part), "{stem} PNG title: {:?}", get("Title"));
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).expect("svg exists");
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"), "{stem}: not an SVG document");
    assert!(svg.contains(title_part), "{stem} SVG lacks its title");
    for s in series {
        assert!(get("Series").contains(s), "{stem} PNG metadata lacks series {s}");
        assert!(svg.contains(s), "{stem} SVG lacks series {s}");
    }
}

#[test]
fn cumulative_regret_chart_names_every_policy() {
    assert_chart("cumulative_regret", "Cumulative regret", &["random", "incumbent", "plain_ts", "oracle"]);
}

#[test]
fn lift_forest_plot_names_every_candidate() {
    assert_chart("lift", "Revenue lift over incumbent", &["random", "plain_ts", "oracle"]);
}

#[test]
fn kpi_cards_show_every_policy_but_the_oracle() {
    assert_chart("kpi_cards", "KPI cards", &["random", "incumbent", "plain_ts"]);
    let svg = std::fs::read_to_string(results().join("charts/kpi_cards.svg")).expect("svg");
    assert!(svg.contains("4.28") && svg.contains("5 %"), "baselines and targets are marked");
}

#[test]
fn html_report_is_self_contained_with_headline_and_provenance() {
    let html = std::fs::read_to_string(results().join("report.html")).expect("report.html");
    assert!(html.contains("plain_ts earns"), "headline sentence");
    assert!(html.matches("<svg").count() >= 3, "charts inlined");
    assert!(!html.contains("src=\"") && !html.contains("href=\"http"), "no external resources");
    assert!(html.contains("seed 7") && html.contains("cargo run --release -- run"), "provenance");
    let md = std::fs::read_to_string(results().join("report.md")).expect("report.md");
    assert!(md.contains("plain_ts earns") && md.contains("charts/lift.png"));
}

#[test]
fn inventory_chart_is_drawn_only_when_a_policy_retires_captions() {
    assert!(!results().join("charts/inventory.png").exists(), "no retirement rule in the fixture");
    let mut s = common::small("[rules]\nrecent_use_days = 1\nretirement = true\nrest_above = 0.2\nretire_above = 0.4");
    s.replicates = 2;
    let run = sim::run(&s, &NoProgress).expect("run");
    let dir = std::env::temp_dir().join(format!("eros-charts-inv-{}", std::process::id()));
    write_results(&dir, &summary::summarize(&run), &summary::timeseries(&run)).expect("results");
    report::write_report(&dir).expect("report");
    let (_, _, text) = png_text(&dir.join("charts/inventory.png"));
    assert!(text.iter().any(|(k, v)| k == "Title" && v.contains("retired")), "{text:?}");
    let svg = std::fs::read_to_string(dir.join("charts/inventory.svg")).expect("svg");
    assert!(svg.contains("plain_ts: retired") && svg.contains("plain_ts: resting"));
}
