//! Arbitrary scenario text never panics the parser, and any scenario it accepts runs (at small
//! size) without panicking.

use eros_sim::scenario;
use eros_sim::sim::{self, NoProgress};
use proptest::prelude::*;
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_parsed_or_rejected_without_panic(text in ".{0,300}") {
        let _ = scenario::parse(&text, Path::new("fuzz.toml"));
    }

    #[test]
    fn arbitrary_values_are_validated_and_accepted_ones_run(
        key in prop::sample::select(vec![
            "creator_effect_sd", "quality_sd", "quality_skew", "overdispersion_sd", "bg_fraction",
            "trigger_probability", "churn_per_day", "urgency_churn_per_day", "fatigue_effect",
            "fatigue_half_life_days", "wear_per_send", "hour_effect", "peak_hour", "base_logit",
            "evening_share", "audience_log_sd", "length_width", "price_scale", "budget_share",
        ]),
        value in prop_oneof![
            -1e6f64..1e6, -2.0f64..2.0, Just(f64::NAN), Just(f64::INFINITY), Just(0.0), Just(1.0),
        ],
        cap in prop::option::of(0u32..30),
    ) {
        let value = if value.is_nan() { "nan".to_string() } else if value.is_infinite() { "inf".to_string() } else { format!("{value:?}") };
        let cap = cap.map(|c| format!("urgency_cap = {c}\n")).unwrap_or_default();
        let text = format!(
            "name = \"f\"\nreplicates = 2\ndays = 3\nwarmup_days = 7\n[calibration]\nenabled = false\n\
             [rules]\n{cap}[world]\ncreators = 2\nbank_min = 5\nbank_max = 10\n{key} = {value}\n"
        );
        if let Ok(s) = scenario::parse(&text, Path::new("fuzz.toml")) {
            let run = sim::run(&s, &NoProgress);
            prop_assert!(run.is_ok());
        }
    }
}
