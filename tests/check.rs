//! The regression check: an unchanged run passes, a deliberately worse policy fails, and the
//! command's exit codes gate a pipeline (0 pass, 1 regression, 2 unreadable input).

mod common;
use eros_sim::report::check::{Tolerance, check};
use std::process::Command;

fn small_ci(extra_policy_kind: Option<&str>) -> eros_sim::scenario::Scenario {
    let kind = extra_policy_kind.map(|k| format!("kind = \"{k}\"\n")).unwrap_or_default();
    common::scenario(&format!(
        "name = \"check\"\nseed = 11\nreplicates = 6\ndays = 21\nwarmup_days = 28\n\
         [world]\ncreators = 6\nbank_min = 60\nbank_max = 120\n[calibration]\nenabled = false\n\
         [[policies]]\nname = \"incumbent\"\n[[policies]]\nname = \"plain_ts\"\n{kind}[[policies]]\nname = \"oracle\"\n"
    ))
}

#[test]
fn an_unchanged_run_passes_the_check() {
    let s = common::summarize(&small_ci(None));
    let rows = check(&s, &s, Tolerance::Statistical);
    assert!(rows.iter().all(|r| !r.regression), "{rows:?}");
    assert_eq!(rows.len(), 3 * 2);
}

#[test]
fn a_deliberately_worse_policy_fails_the_check() {
    let base = common::summarize(&small_ci(None));
    // Same label, but the policy behind it now chooses at random.
    let worse = common::summarize(&small_ci(Some("random")));
    let rows = check(&base, &worse, Tolerance::Statistical);
    let failed: Vec<_> = rows.iter().filter(|r| r.regression).collect();
    assert!(failed.iter().any(|r| r.policy == "plain_ts" && r.metric == "relative_regret"), "{rows:?}");
    assert!(failed.iter().all(|r| r.policy == "plain_ts"), "only the changed policy regresses: {rows:?}");
}

#[test]
fn a_missing_policy_is_a_regression() {
    let base = common::summarize(&small_ci(None));
    let mut now = base.clone();
    now.policies.retain(|p| p.name != "plain_ts");
    assert!(check(&base, &now, Tolerance::Statistical).iter().any(|r| r.policy == "plain_ts" && r.regression));
}

#[test]
fn check_command_exits_0_1_and_2() {
    let dir = std::env::temp_dir().join(format!("eros-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, kind: &str| {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!(
                "name = \"c\"\nreplicates = 4\ndays = 14\nwarmup_days = 21\n[world]\ncreators = 4\nbank_min = 40\nbank_max = 60\n\
                 [calibration]\nenabled = false\n[[policies]]\nname = \"incumbent\"\n[[policies]]\nname = \"plain_ts\"\nkind = \"{kind}\"\n"
            ),
        )
        .expect("write scenario");
        p
    };
    let eros =
        |args: &[&std::ffi::OsStr]| Command::new(env!("CARGO_BIN_EXE_eros-sim")).args(args).output().expect("runs");
    let good = write("good.toml", "plain_ts");
    let bad = write("bad.toml", "random");
    let (good_out, bad_out, baseline) = (dir.join("good"), dir.join("bad"), dir.join("baseline.json"));
    for (scenario, out) in [(&good, &good_out), (&bad, &bad_out)] {
        let o = eros(&["run".as_ref(), scenario.as_os_str(), "--out".as_ref(), out.as_os_str()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let update = eros(&[
        "check".as_ref(),
        good_out.as_os_str(),
        "--baseline".as_ref(),
        baseline.as_os_str(),
        "--update".as_ref(),
    ]);
    assert!(update.status.success());
    let pass = eros(&["check".as_ref(), good_out.as_os_str(), "--baseline".as_ref(), baseline.as_os_str()]);
    assert_eq!(pass.status.code(), Some(0), "{}", String::from_utf8_lossy(&pass.stdout));
    let fail = eros(&["check".as_ref(), bad_out.as_os_str(), "--baseline".as_ref(), baseline.as_os_str()]);
    assert_eq!(fail.status.code(), Some(1), "{}", String::from_utf8_lossy(&fail.stdout));
    let stdout = String::from_utf8_lossy(&fail.stdout);
    assert!(stdout.contains("REGRESSION") && stdout.contains("plain_ts"), "{stdout}");
    let missing =
        eros(&["check".as_ref(), dir.join("nothing").as_os_str(), "--baseline".as_ref(), baseline.as_os_str()]);
    assert_eq!(missing.status.code(), Some(2));
}
