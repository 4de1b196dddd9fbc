//! Shared test fixtures: small scenarios whose answers are known.
#![allow(dead_code)]

use eros_sim::scenario::{self, Scenario};
use eros_sim::sim::{self, NoProgress, summary};
use std::path::Path;

/// Parses scenario text (panics with the error: a fixture bug).
pub fn scenario(text: &str) -> Scenario {
    scenario::parse(text, Path::new("fixture.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A small world with calibration off (default effect sizes, fitted scales from a baseline
/// calibration are not needed to compare policies).
pub fn small(extra: &str) -> Scenario {
    scenario(&format!(
        "name = \"small\"\nseed = 7\nreplicates = 6\ndays = 28\nwarmup_days = 28\n{extra}\n\
         [world]\ncreators = 6\nbank_min = 60\nbank_max = 120\nbase_logit = -3.4\n\
         [calibration]\nenabled = false\n"
    ))
}

/// Runs a scenario on the current pool and summarises it.
pub fn summarize(s: &Scenario) -> summary::Summary {
    let run = sim::run(s, &NoProgress).unwrap_or_else(|e| panic!("{e}"));
    summary::summarize(&run)
}

/// The summary of policy `name`.
pub fn policy<'a>(s: &'a summary::Summary, name: &str) -> &'a summary::PolicySummary {
    s.policies.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no policy {name}"))
}
