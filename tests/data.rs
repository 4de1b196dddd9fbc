//! History data: generate injects the seed's defects with ground truth, audit finds them
//! (precision and recall 1.0 on corrupted rates), repair fixes them without touching its input,
//! reconciles every row and is idempotent.

mod common;
use eros_sim::data::{audit, generate, repair};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A small generated history (computed once).
fn history() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let s = common::scenario(
            "name = \"hist\"\nseed = 5\n[world]\ncreators = 8\nbank_min = 60\nbank_max = 120\n\
             [calibration]\nenabled = false\n\
             [defects]\ncorrupted_rates = 60\nnull_scores = 400\nanomalies = 2\nstale_hours = 50\n",
        );
        let dir = std::env::temp_dir().join(format!("eros-hist-{}", std::process::id()));
        generate::generate_quiet(&s, 120, &dir).expect("generate");
        dir
    })
}

/// Ground-truth rows of defects.csv whose kind is `kind` (`"corrupt"`: any corrupted rate,
/// whatever the corruption).
fn truth(kind: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(history().join("defects.csv")).expect("defects.csv");
    r.records()
        .map(|x| x.expect("record").iter().map(str::to_string).collect::<Vec<_>>())
        .filter(|rec| if kind == "corrupt" { rec[4] == "conversion_rate" } else { rec[0] == kind })
        .collect()
}

#[test]
fn audit_finds_exactly_the_corrupted_rates() {
    let a = audit::audit(history(), None).expect("audit");
    let found: HashSet<u64> = a.corrupted_lines.iter().copied().collect();
    let injected: HashSet<u64> = truth("corrupt").iter().map(|r| r[1].parse().expect("line")).collect();
    assert_eq!(injected.len(), 60);
    let tp = found.intersection(&injected).count() as f64;
    let (precision, recall) = (tp / found.len() as f64, tp / injected.len() as f64);
    assert_eq!((precision, recall), (1.0, 1.0));
}

#[test]
fn audit_counts_null_scores_reports_the_empty_table_and_staleness() {
    let a = audit::audit(history(), None).expect("audit");
    assert_eq!(a.null_scores, 400);
    assert_eq!(a.performance_table, audit::TableState::Empty);
    assert_eq!(a.freshness.age_hours, Some(50.0));
    assert_eq!(a.freshness.status, audit::Severity::Warning);
    assert_eq!(a.severity, audit::Severity::Critical, "an empty performance table is critical");
    let expected = 1.0 - (60.0 + 400.0 - overlap() as f64) / a.rows as f64;
    assert!((a.data_quality_score - expected).abs() < 1e-12, "{} vs {expected}", a.data_quality_score);
}

/// Rows both corrupted and NULL-scored count once in the data-quality score.
fn overlap() -> usize {
    let c: HashSet<String> = truth("corrupt").iter().map(|r| r[1].clone()).collect();
    truth("null_score").iter().filter(|r| c.contains(&r[1])).count()
}

#[test]
fn freshness_follows_the_given_now() {
    let a = audit::audit(history(), None).expect("audit");
    let latest =
        eros_sim::domain::Minute::parse_rfc3339(a.freshness.latest_send.as_deref().expect("data")).expect("ts");
    let critical = audit::audit(history(), Some(eros_sim::domain::Minute(latest.0 + 72 * 60))).expect("audit");
    assert_eq!(critical.freshness.status, audit::Severity::Critical);
    let fresh = audit::audit(history(), Some(eros_sim::domain::Minute(latest.0 + 47 * 60))).expect("audit");
    assert_eq!(fresh.freshness.status, audit::Severity::Ok);
}

#[test]
fn audit_finds_every_injected_revenue_collapse() {
    let a = audit::audit(history(), None).expect("audit");
    for rec in truth("revenue_collapse") {
        let (creator, first, last) = (rec[3].parse::<u32>().expect("creator"), rec[7].clone(), rec[8].clone());
        assert!(
            a.anomalies.iter().any(|x| x.creator_id == creator && x.date >= first && x.date <= last),
            "collapse of creator {creator} {first}..{last} not found in {:?}",
            a.anomalies
        );
    }
}

fn digest(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    files.sort();
    files
}

#[test]
fn repair_fixes_every_defect_reconciles_and_is_idempotent() {
    let before = digest(history());
    let out = history().with_extension("repaired");
    let r = repair::repair(history(), &out).expect("repair");
    assert_eq!(digest(history()), before, "repair changed its input");
    assert_eq!(r.rows_in, r.clean + r.repaired + r.quarantined);
    assert_eq!((r.rates_recomputed, r.scores_backfilled, r.quarantined), (60, 400, 0));
    assert_eq!(r.score_check.max_abs_diff, 0.0, "the backfill formula is the one the scores were made with");
    let a = audit::audit(&out, None).expect("audit repaired");
    assert_eq!((a.corrupted_rates, a.null_scores, a.invalid_rows), (0, 0, 0));
    assert!(matches!(a.performance_table, audit::TableState::Rows(n) if n > 0));
    let again = repair::repair(&out, &out.with_extension("again")).expect("repair again");
    assert_eq!((again.repaired, again.quarantined, again.clean), (0, 0, r.rows_in));
    let changes = std::fs::read_to_string(out.with_extension("again").join("changes.csv")).expect("changes");
    assert_eq!(changes.lines().count(), 1, "only the header: {changes}");
}

#[test]
fn repair_refuses_to_write_over_its_input() {
    assert!(repair::repair(history(), history()).is_err());
}

#[test]
fn segments_follow_the_true_creator_effects() {
    let s = eros_sim::data::segment::segment(history()).expect("segment");
    assert_eq!(s.creators.len(), 8);
    let rho = s.truth_correlation.expect("generate writes creators_truth.csv");
    eprintln!("Spearman ρ (revenue per fan vs true creator effect, 8 creators): {rho:.3}");
    assert!(rho > 0.5, "{rho}");
    let elite = s.creators.iter().filter(|c| c.performance_tier == "Elite").count();
    assert_eq!(elite, 2, "a quarter of the creators are Elite");
    assert!(s.creators.windows(2).all(|w| w[0].revenue_per_fan >= w[1].revenue_per_fan), "leaderboard order");
    let path = history().with_extension("segments.csv");
    eros_sim::data::segment::write_segments(&path, &s).expect("write");
    assert_eq!(std::fs::read_to_string(&path).expect("read").lines().count(), 9);
}

#[test]
fn trigger_profiles_find_each_cohorts_known_responses() {
    // Strong cohort × trigger responses and no urgency overuse (which would take the
    // urgency-responsive cohort's gain away): the report must find each cohort's own trigger.
    let s = common::scenario(
        "name = \"trig\"\nseed = 9\n[world]\ncreators = 12\nbank_min = 80\nbank_max = 160\ntrigger_effect = 1.0\n\
         urgency_overuse_threshold = 0\n[calibration]\nenabled = false\n",
    );
    let dir = std::env::temp_dir().join(format!("eros-trig-{}", std::process::id()));
    generate::generate_quiet(&s, 90, &dir).expect("generate");
    let r = eros_sim::data::triggers::triggers(&dir).expect("triggers");
    eprint!("{}", eros_sim::data::triggers::render_profiles(&r));
    let row = |cohort: &str, feature: &str| {
        r.rows
            .iter()
            .find(|x| x.cohort == cohort && x.feature == feature)
            .unwrap_or_else(|| panic!("{cohort} {feature}"))
    };
    let best = |feature: &str| {
        r.rows.iter().filter(|x| x.feature == feature).max_by(|a, b| a.ratio.total_cmp(&b.ratio)).expect("rows").cohort
    };
    for (cohort, feature) in [
        ("urgency_responsive", "urgency"),
        ("exclusivity_seeking", "exclusivity"),
        ("price_sensitive", "budget"),
        ("loyal", "personal"),
    ] {
        assert_eq!(best(feature), cohort, "{feature}");
        assert!(row(cohort, feature).ratio_lo > 1.0, "{cohort} {feature}: {:?}", row(cohort, feature));
    }
    assert!(row("price_sensitive", "premium").ratio_hi < 1.0);
    eros_sim::data::triggers::write_profiles(&dir.join("t.csv"), &r).expect("write");
    assert_eq!(std::fs::read_to_string(dir.join("t.csv")).expect("read").lines().count(), r.rows.len() + 1);
}
