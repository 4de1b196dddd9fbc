//! Learning from defective data: with no defects the defective pipeline is the clean one, and
//! NULL scores read as zero cost the learner revenue.

mod common;
use common::{policy, summarize};

fn scenario(data: &str, null_share: f64) -> eros_sim::scenario::Scenario {
    let mut s = common::small(&format!(
        "baseline = \"ts\"\n[[policies]]\nname = \"ts\"\nkind = \"plain_ts\"\ndata = \"{data}\"\n[[policies]]\nname = \"oracle\"\n"
    ));
    s.defects.feedback_null_share = null_share;
    s.defects.feedback_corrupted_share = 0.0;
    s
}

#[test]
fn defective_pipeline_without_defects_reproduces_the_clean_run() {
    let clean = summarize(&scenario("clean", 0.0));
    let defective = summarize(&scenario("defective", 0.0));
    assert_eq!(policy(&clean, "ts").revenue, policy(&defective, "ts").revenue);
}

#[test]
fn null_scores_read_as_zero_cost_revenue() {
    let mut s = common::small(
        "baseline = \"defective\"\n[[policies]]\nname = \"defective\"\nkind = \"plain_ts\"\ndata = \"defective\"\n\
         [[policies]]\nname = \"clean\"\nkind = \"plain_ts\"\n",
    );
    s.defects.feedback_null_share = 0.3;
    s.replicates = 12;
    let sum = summarize(&s);
    let lift = policy(&sum, "clean").lift_vs_baseline;
    assert!(lift.lo.expect("replicates") > 0.0, "{lift:?}");
}
