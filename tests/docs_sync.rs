//! The documentation names every scenario key and every summary field, so the docs cannot
//! silently fall behind the code.

use eros_sim::scenario::{self, Scenario};
use std::path::Path;

fn doc(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)).expect("doc exists")
}

fn keys(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
    if let toml::Value::Table(t) = v {
        for (k, v) in t {
            let full = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            out.push(full.clone());
            if k != "policies" {
                keys(&full, v, out);
            }
        }
    }
}

#[test]
fn scenarios_doc_lists_every_key() {
    let text = "name = \"x\"\n[rules]\nurgency_cap = 2\n[rules.segment_thresholds]\n\
                elite = { retire_above = 0.6, rest_above = 0.4 }\nhigh = { retire_above = 0.6, rest_above = 0.4 }\n\
                mid = { retire_above = 0.6, rest_above = 0.4 }\ndeveloping = { retire_above = 0.6, rest_above = 0.4 }\n";
    let s: Scenario = scenario::parse(text, Path::new("x.toml")).expect("valid");
    let value = toml::Value::try_from(&s).expect("serialisable");
    let mut all = Vec::new();
    keys("", &value, &mut all);
    let text = doc("scenarios.md");
    for k in all {
        let leaf = k.rsplit('.').next().unwrap_or(&k);
        assert!(text.contains(&format!("`{leaf}`")), "docs/scenarios.md does not document `{k}`");
    }
    for k in ["kind", "feedback", "exploration", "per_tier_thresholds", "urgency_cap", "retirement", "data"] {
        assert!(text.contains(&format!("`{k}`")), "docs/scenarios.md does not document policies.{k}");
    }
}

#[test]
fn results_doc_lists_every_summary_field() {
    let dir = std::env::temp_dir().join(format!("eros-docs-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eros-sim"))
        .args(["run", concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/ci.toml"), "--replicates", "2", "--days", "3"])
        .arg("--out")
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("summary")).expect("json");
    let text = doc("results-format.md");
    let mut fields: Vec<String> = summary.as_object().expect("object").keys().cloned().collect();
    fields.extend(summary["policies"][0].as_object().expect("object").keys().cloned());
    fields.extend(summary["warmup"].as_object().expect("object").keys().cloned());
    if let Some(c) = summary["calibration"].as_object() {
        fields.extend(c.keys().cloned());
    }
    for f in fields {
        assert!(text.contains(&format!("`{f}`")), "docs/results-format.md does not document `{f}`");
    }
}

#[test]
fn every_shipped_scenario_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 10, "found {n} scenarios");
}
