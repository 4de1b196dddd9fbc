use super::schema::{PolicyKind, Scenario};
use crate::domain::Tier;
use std::path::{Path, PathBuf};

/// Why a scenario file was rejected. Every variant names the file; `Invalid` also names the
/// key, the line where it was found and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read scenario: {source}")]
    Read {
        /// Scenario path.
        file: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key or wrong type.
    #[error("{file}{}: {}{message}", line_suffix(*line), key_prefix(key))]
    Parse {
        /// Scenario path.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Dotted key path, when known.
        key: Option<String>,
        /// What the parser said.
        message: String,
    },
    /// A value is out of its allowed range or refers to something that does not exist.
    #[error("{file}{}: key `{key}` = {value}: {allowed}", line_suffix(*line))]
    Invalid {
        /// Scenario path.
        file: PathBuf,
        /// 1-based line, when the key is written in the file (defaults have none).
        line: Option<usize>,
        /// Dotted key path.
        key: String,
        /// The offending value as written.
        value: String,
        /// What would be accepted.
        allowed: String,
    },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

fn key_prefix(key: &Option<String>) -> String {
    key.as_ref().map(|k| format!("key `{k}`: ")).unwrap_or_default()
}

/// Reads, parses and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { file: path.to_path_buf(), source })?;
    parse(&text, path)
}

/// Parses and validates scenario text; `file` is used in error messages only.
pub fn parse(text: &str, file: &Path) -> Result<Scenario, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| parse_error(text, file, None, &e))?;
    let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let key = (key != "." && !key.is_empty()).then_some(key);
        parse_error(text, file, key, e.inner())
    })?;
    validate(&scenario, text, file)?;
    Ok(scenario)
}

fn parse_error(text: &str, file: &Path, key: Option<String>, e: &toml::de::Error) -> ScenarioError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .or_else(|| key.as_deref().and_then(|k| locate(text, k)));
    let message = e
        .message()
        .trim()
        .replace("expected u32", "expected a whole number from 0 to 4294967295")
        .replace("expected u64", "expected a whole number ≥ 0");
    ScenarioError::Parse { file: file.to_path_buf(), line, key, message }
}

/// Finds the 1-based line where dotted `key` (e.g. `world.creators`, `policies[1].name`) is
/// assigned, by tracking `[table]` headers, or else the line of its parent key (inline
/// tables). Returns None for keys left at their default.
fn locate(text: &str, key: &str) -> Option<usize> {
    let (table, leaf) = match key.rsplit_once('.') {
        Some((t, l)) => (t.to_string(), l),
        None => (String::new(), key),
    };
    // `policies[1]` → the second `[[policies]]` header.
    let (table_name, index) = match table.split_once('[') {
        Some((name, rest)) => (name.to_string(), rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (table.clone(), None),
    };
    let mut current = String::new();
    let mut seen_arrays = 0usize;
    let mut current_index = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            current = h.trim().to_string();
            if current == table_name {
                current_index = Some(seen_arrays);
                seen_arrays += 1;
            }
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            current = h.trim().to_string();
            current_index = None;
            continue;
        }
        let in_table = current == table_name && (index.is_none() || index == current_index);
        if in_table
            && let Some((k, _)) = line.split_once('=')
            && k.trim().trim_matches('"') == leaf
        {
            return Some(i + 1);
        }
    }
    // A key inside an inline table (`mid = { retire_above = 0.5 }`): the line of its parent.
    table.contains(['.', '[']).then(|| locate(text, &table)).flatten()
}

/// Range and reference checks that types alone cannot express.
fn validate(s: &Scenario, text: &str, file: &Path) -> Result<(), ScenarioError> {
    let invalid = |key: &str, value: String, allowed: &str| ScenarioError::Invalid {
        file: file.to_path_buf(),
        line: locate(text, key),
        key: key.to_string(),
        value,
        allowed: allowed.to_string(),
    };
    let int_in = |key: &str, v: u32, min: u32, max: u32| -> Result<(), ScenarioError> {
        if v < min || v > max {
            Err(invalid(key, v.to_string(), &format!("an integer from {min} to {max}")))
        } else {
            Ok(())
        }
    };
    let int_at_least = |key: &str, v: u32, min: u32| int_in(key, v, min, 100_000);
    let real = |key: &str, v: f64, lo: f64, hi: f64| -> Result<(), ScenarioError> {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(())
        } else {
            Err(invalid(key, v.to_string(), &format!("a number in [{lo}, {hi}]")))
        }
    };
    let positive = |key: &str, v: f64| -> Result<(), ScenarioError> {
        if v.is_finite() && v > 0.0 { Ok(()) } else { Err(invalid(key, v.to_string(), "a number > 0")) }
    };
    let ordered = |key: &str, lo: f64, hi: f64, lo_key: &str| -> Result<(), ScenarioError> {
        if hi >= lo { Ok(()) } else { Err(invalid(key, hi.to_string(), &format!("≥ `{lo_key}` ({lo})"))) }
    };

    if s.name.is_empty() || !s.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(invalid("name", format!("{:?}", s.name), "a non-empty name of letters, digits, '_' and '-'"));
    }
    int_in("replicates", s.replicates, 1, 100_000)?;
    int_in("days", s.days, 1, 3650)?;
    int_in("warmup_days", s.warmup_days, 0, 3650)?;

    let w = &s.world;
    int_at_least("world.creators", w.creators, 1)?;
    if !(1..=4).contains(&w.cohorts) {
        return Err(invalid("world.cohorts", w.cohorts.to_string(), "an integer from 1 to 4"));
    }
    positive("world.audience_median", w.audience_median)?;
    real("world.audience_log_sd", w.audience_log_sd, 0.0, 5.0)?;
    real("world.audience_min", w.audience_min, 1.0, 1e7)?;
    real("world.audience_max", w.audience_max, 1.0, 1e7)?;
    ordered("world.audience_max", w.audience_min, w.audience_max, "world.audience_min")?;
    int_at_least("world.slots_per_day_min", w.slots_per_day_min, 1)?;
    if w.slots_per_day_max > 48 {
        return Err(invalid("world.slots_per_day_max", w.slots_per_day_max.to_string(), "an integer ≤ 48"));
    }
    ordered(
        "world.slots_per_day_max",
        w.slots_per_day_min.into(),
        w.slots_per_day_max.into(),
        "world.slots_per_day_min",
    )?;
    real("world.evening_share", w.evening_share, 0.0, 1.0)?;
    int_at_least("world.bank_min", w.bank_min, 1)?;
    ordered("world.bank_max", w.bank_min.into(), w.bank_max.into(), "world.bank_min")?;
    int_in("world.bank_max", w.bank_max, 1, 100_000)?;
    int_in("world.new_captions_per_week_max", w.new_captions_per_week_max, 0, 10_000)?;
    ordered(
        "world.new_captions_per_week_max",
        w.new_captions_per_week_min.into(),
        w.new_captions_per_week_max.into(),
        "world.new_captions_per_week_min",
    )?;
    real("world.base_logit", w.base_logit, -15.0, 5.0)?;
    for (key, v) in [
        ("world.creator_effect_sd", w.creator_effect_sd),
        ("world.quality_sd", w.quality_sd),
        ("world.overdispersion_sd", w.overdispersion_sd),
        ("world.quality_skew", w.quality_skew),
    ] {
        real(key, v, 0.0, 3.0)?;
    }
    for (key, v) in [
        ("world.length_effect", w.length_effect),
        ("world.emoji_effect", w.emoji_effect),
        ("world.bg_effect", w.bg_effect),
        ("world.budget_effect", w.budget_effect),
        ("world.premium_effect", w.premium_effect),
        ("world.trigger_effect", w.trigger_effect),
        ("world.hour_effect", w.hour_effect),
        ("world.weekend_effect", w.weekend_effect),
        ("world.fatigue_effect", w.fatigue_effect),
        ("world.wear_per_send", w.wear_per_send),
        ("world.urgency_overuse_penalty", w.urgency_overuse_penalty),
    ] {
        real(key, v, -5.0, 5.0)?;
    }
    positive("world.length_width", w.length_width)?;
    positive("world.premium_length_width", w.premium_length_width)?;
    real("world.length_peak", w.length_peak, 1.0, 5000.0)?;
    positive("world.fatigue_half_life_days", w.fatigue_half_life_days)?;
    real("world.peak_hour", w.peak_hour, 0.0, 24.0)?;
    for (key, v) in [
        ("world.bg_fraction", w.bg_fraction),
        ("world.budget_share", w.budget_share),
        ("world.premium_share", w.premium_share),
        ("world.trigger_probability", w.trigger_probability),
        ("world.churn_per_day", w.churn_per_day),
        ("world.urgency_churn_per_day", w.urgency_churn_per_day),
    ] {
        real(key, v, 0.0, 1.0)?;
    }
    if w.budget_share + w.premium_share > 1.0 {
        return Err(invalid(
            "world.premium_share",
            w.premium_share.to_string(),
            "a share with budget_share + premium_share ≤ 1",
        ));
    }
    if w.churn_per_day + w.urgency_churn_per_day > 1.0 {
        return Err(invalid(
            "world.urgency_churn_per_day",
            w.urgency_churn_per_day.to_string(),
            "a probability with churn_per_day + urgency_churn_per_day ≤ 1",
        ));
    }
    for (i, p) in w.tier_prices.iter().enumerate() {
        if !(p.is_finite() && *p > 0.0) {
            return Err(invalid(
                "world.tier_prices",
                format!("{:?}", w.tier_prices),
                &format!("three prices > 0 (item {i} is not)"),
            ));
        }
    }
    positive("world.price_scale", w.price_scale)?;

    let c = &s.calibration;
    real("calibration.conversion_rate", c.conversion_rate, 1e-6, 0.5)?;
    positive("calibration.revenue_per_send", c.revenue_per_send)?;
    real("calibration.caption_success_rate", c.caption_success_rate, 0.0, 1.0)?;
    real("calibration.bg_share", c.bg_share, 0.0, 1.0)?;
    int_at_least("calibration.worlds", c.worlds, 1)?;
    int_at_least("calibration.max_rounds", c.max_rounds, 1)?;
    if c.enabled && s.warmup_days < 7 {
        return Err(invalid(
            "warmup_days",
            s.warmup_days.to_string(),
            "at least 7 days when calibration is enabled (calibration fits the warm-up history)",
        ));
    }
    if c.enabled && c.bg_share > 0.0 && w.bg_effect == 0.0 && w.bg_fraction == 0.0 {
        return Err(invalid("world.bg_fraction", "0".into(), "> 0 when calibrating to a B/G share > 0"));
    }

    if let Some(cap) = s.rules.urgency_cap
        && cap > 21
    {
        return Err(invalid("rules.urgency_cap", cap.to_string(), "an integer from 0 to 21, or absent for no cap"));
    }

    real("defects.anomaly_factor", s.defects.anomaly_factor, 0.0, 1.0)?;
    real("defects.feedback_null_share", s.defects.feedback_null_share, 0.0, 1.0)?;
    real("defects.feedback_corrupted_share", s.defects.feedback_corrupted_share, 0.0, 1.0)?;
    int_in("defects.anomaly_days", s.defects.anomaly_days, 1, 3650)?;
    int_in("defects.stale_hours", s.defects.stale_hours, 0, 100_000)?;

    real("rules.retire_above", s.rules.retire_above, 0.0, 1.0)?;
    real("rules.rest_above", s.rules.rest_above, 0.0, 1.0)?;
    ordered("rules.retire_above", s.rules.rest_above, s.rules.retire_above, "rules.rest_above")?;
    if let Some(t) = &s.rules.segment_thresholds {
        for (tier, th) in Tier::ALL.iter().zip(t.values()) {
            let key = |k: &str| format!("rules.segment_thresholds.{}.{k}", tier.name().to_lowercase());
            real(&key("retire_above"), th.retire_above, 0.0, 1.0)?;
            real(&key("rest_above"), th.rest_above, 0.0, 1.0)?;
            ordered(&key("retire_above"), th.rest_above, th.retire_above, &key("rest_above"))?;
        }
    }

    if s.policies.is_empty() {
        return Err(invalid("policies", "[]".into(), "at least one policy"));
    }
    let allowed_kinds = format!("one of {}", PolicyKind::NAMES.join(", "));
    for (i, p) in s.policies.iter().enumerate() {
        if p.resolved_kind().is_none() {
            return Err(invalid(
                &format!("policies[{i}].name"),
                format!("{:?}", p.name),
                &format!("{allowed_kinds} (or set `kind` to one of them)"),
            ));
        }
        match p.urgency_cap.as_ref().map(|c| c.cap()) {
            Some(Err(word)) => {
                return Err(invalid(
                    &format!("policies[{i}].urgency_cap"),
                    format!("{word:?}"),
                    "a whole number from 0 to 21, or \"none\"",
                ));
            }
            Some(Ok(Some(k))) if k > 21 => {
                return Err(invalid(
                    &format!("policies[{i}].urgency_cap"),
                    k.to_string(),
                    "a whole number from 0 to 21, or \"none\"",
                ));
            }
            _ => {}
        }
        if let Some(e) = &p.exploration {
            if p.resolved_kind() != Some(PolicyKind::SegmentedTs) {
                return Err(invalid(
                    &format!("policies[{i}].exploration"),
                    "a table".into(),
                    "no `exploration` (only `segmented_ts` policies take exploration rates)",
                ));
            }
            for (tier, v) in Tier::ALL.iter().zip(e.values()) {
                real(&format!("policies[{i}].exploration.{}", tier.name().to_lowercase()), v, 0.0, 1.0)?;
            }
        }
        if s.policies[..i].iter().any(|q| q.name == p.name) {
            return Err(invalid(
                &format!("policies[{i}].name"),
                format!("{:?}", p.name),
                "a name not used by another policy",
            ));
        }
    }
    if !s.policies.iter().any(|p| p.name == s.baseline) {
        let names: Vec<&str> = s.policies.iter().map(|p| p.name.as_str()).collect();
        return Err(invalid(
            "baseline",
            format!("{:?}", s.baseline),
            &format!("one of the scenario's policies: {}", names.join(", ")),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, Path::new("s.toml")).expect_err("scenario should be rejected").to_string()
    }

    #[test]
    fn minimal_scenario_takes_the_documented_defaults() {
        let s = parse("name = \"x\"\n", Path::new("s.toml")).expect("valid");
        assert_eq!(s.world.creators, 38);
        assert_eq!(s.replicates, 16);
        assert_eq!(s.baseline, "incumbent");
        assert_eq!(s.policies.len(), 4);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let e = err("name = \"x\"\n[world]\ncreators = 3\ncreaters = 4\n");
        assert!(e.contains("s.toml:4"), "{e}");
        assert!(e.contains("creaters"), "{e}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let e = err("name = \"x\"\n[world]\ncreators = \"many\"\n");
        assert!(e.contains("world.creators"), "{e}");
        assert!(e.contains(":3"), "{e}");
    }

    #[test]
    fn negative_size_is_rejected() {
        let e = err("name = \"x\"\n[world]\nbank_min = -5\n");
        assert!(e.contains("world.bank_min"), "{e}");
    }

    #[test]
    fn probability_outside_unit_interval_names_allowed_range() {
        let e = err("name = \"x\"\n[world]\nchurn_per_day = 1.5\n");
        assert!(e.contains("world.churn_per_day") && e.contains("[0, 1]") && e.contains(":3"), "{e}");
    }

    #[test]
    fn unknown_policy_lists_the_known_ones() {
        let e = err(
            "name = \"x\"\nbaseline = \"a\"\n[[policies]]\nname = \"a\"\nkind = \"random\"\n[[policies]]\nname = \"magic\"\n",
        );
        assert!(e.contains("policies[1].name") && e.contains("plain_ts") && e.contains(":7"), "{e}");
    }

    #[test]
    fn baseline_must_be_one_of_the_policies() {
        let e = err("name = \"x\"\nbaseline = \"plain_ts\"\n[[policies]]\nname = \"random\"\n");
        assert!(e.contains("baseline") && e.contains("random") && e.contains(":2"), "{e}");
    }

    #[test]
    fn syntax_error_names_the_line() {
        let e = err("name = \"x\"\n[world\n");
        assert!(e.contains("s.toml:2"), "{e}");
    }
}
