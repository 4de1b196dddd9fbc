//! The command line: bad scenarios get one clear message naming file, key and what is
//! allowed, exit code 2, no panic; a good one writes the documented files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn eros(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eros-sim")).args(args).output().expect("binary runs")
}

fn scenario_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eros-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn rejected(name: &str, text: &str, expect: &[&str]) {
    let path = scenario_file(name, text);
    let out = eros(&["run", path.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(name), "file not named: {stderr}");
    for e in expect {
        assert!(stderr.contains(e), "missing {e:?} in: {stderr}");
    }
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one message expected: {stderr}");
}

#[test]
fn syntax_error_exits_2_with_file_and_line() {
    rejected("syntax.toml", "name = \"x\"\n[world\ncreators = 3\n", &["syntax.toml:2"]);
}

#[test]
fn unknown_key_exits_2_naming_the_key_and_allowed_keys() {
    rejected("unknown.toml", "name = \"x\"\n[world]\ncreatorz = 3\n", &["creatorz", "creators", ":3"]);
}

#[test]
fn wrong_type_exits_2() {
    rejected("type.toml", "name = \"x\"\nreplicates = \"many\"\n", &["replicates", ":2"]);
}

#[test]
fn negative_size_exits_2() {
    rejected("negative.toml", "name = \"x\"\n[world]\ncreators = -4\n", &["world.creators"]);
}

#[test]
fn probability_outside_unit_interval_exits_2() {
    rejected(
        "prob.toml",
        "name = \"x\"\n[world]\ntrigger_probability = 1.2\n",
        &["world.trigger_probability", "[0, 1]"],
    );
}

#[test]
fn unknown_policy_exits_2_listing_known_policies() {
    rejected(
        "policy.toml",
        "name = \"x\"\nbaseline = \"random\"\n[[policies]]\nname = \"random\"\n[[policies]]\nname = \"genius\"\n",
        &["policies[1].name", "genius", "plain_ts", "oracle"],
    );
}

#[test]
fn unknown_policy_kind_exits_2() {
    rejected("kind.toml", "name = \"x\"\n[[policies]]\nname = \"a\"\nkind = \"genius\"\n", &["genius", "plain_ts"]);
}

#[test]
fn exploration_on_a_policy_that_does_not_explore_by_tier_exits_2() {
    rejected(
        "explore.toml",
        "name = \"x\"\nbaseline = \"plain_ts\"\n[[policies]]\nname = \"plain_ts\"\n\
         exploration = { elite = 0.1, high = 0.1, mid = 0.1, developing = 0.1 }\n",
        &["policies[0].exploration", "segmented_ts"],
    );
}

#[test]
fn exploration_rate_outside_unit_interval_exits_2() {
    rejected(
        "explore_range.toml",
        "name = \"x\"\nbaseline = \"segmented_ts\"\n[[policies]]\nname = \"segmented_ts\"\n\
         exploration = { elite = 0.1, high = 0.1, mid = 1.5, developing = 0.1 }\n",
        &["policies[0].exploration.mid", "[0, 1]", "explore_range.toml:5"],
    );
}

#[test]
fn per_tier_rest_threshold_above_retire_threshold_exits_2() {
    rejected(
        "tiers.toml",
        "name = \"x\"\n[rules.segment_thresholds]\nelite = { retire_above = 0.6, rest_above = 0.4 }\n\
         high = { retire_above = 0.6, rest_above = 0.4 }\nmid = { retire_above = 0.5, rest_above = 0.6 }\n\
         developing = { retire_above = 0.8, rest_above = 0.6 }\n",
        &["rules.segment_thresholds.mid.retire_above", "rest_above", "tiers.toml:5"],
    );
}

#[test]
fn baseline_missing_from_policies_exits_2() {
    rejected(
        "base.toml",
        "name = \"x\"\nbaseline = \"oracle\"\n[[policies]]\nname = \"random\"\n",
        &["baseline", "random"],
    );
}

#[test]
fn missing_file_exits_2() {
    let out = eros(&["run", "/nonexistent/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/scenario.toml"));
}

#[test]
fn run_writes_the_documented_files_and_a_table() {
    let path = scenario_file(
        "tiny.toml",
        "name = \"tiny\"\nreplicates = 2\ndays = 7\nwarmup_days = 14\n[world]\ncreators = 2\nbank_min = 20\nbank_max = 30\n\
         [calibration]\nenabled = false\n",
    );
    let out_dir = path.with_file_name("tiny-out");
    let out =
        eros(&["run", path.to_str().expect("utf-8"), "--out", out_dir.to_str().expect("utf-8"), "--threads", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rel. regret (%)") && stdout.contains("plain_ts"), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("summary.json")).expect("summary.json"))
            .expect("json");
    for key in ["scenario", "seed", "replicates", "days", "version", "policies"] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let p = &summary["policies"][0];
    for metric in [
        "revenue",
        "regret",
        "relative_regret",
        "lift_vs_baseline",
        "conversion_rate",
        "revenue_per_send",
        "caption_success_rate",
        "bg_share",
    ] {
        for part in ["mean", "lo", "hi"] {
            assert!(p[metric].get(part).is_some(), "{metric}.{part} missing");
        }
    }
    let policies = std::fs::read_to_string(out_dir.join("policies.csv")).expect("policies.csv");
    assert_eq!(policies.lines().count(), 1 + 4);
    let series = std::fs::read_to_string(out_dir.join("timeseries.csv")).expect("timeseries.csv");
    assert!(series.starts_with("policy,day,metric,mean,lo,hi"));
    assert_eq!(series.lines().count(), 1 + 4 * 7 * 8);
}

#[test]
fn summary_json_is_byte_identical_for_one_and_two_threads() {
    let path = scenario_file(
        "threads.toml",
        "name = \"threads\"\nreplicates = 3\ndays = 5\nwarmup_days = 14\n[world]\ncreators = 3\nbank_min = 20\nbank_max = 30\n\
         [calibration]\nworlds = 2\nmax_rounds = 2\n",
    );
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let dir = path.with_file_name(format!("threads-{threads}"));
        let out =
            eros(&["run", path.to_str().expect("utf-8"), "--threads", threads, "--out", dir.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        outputs.push(std::fs::read(dir.join("summary.json")).expect("summary.json"));
    }
    assert_eq!(outputs[0], outputs[1]);
}
