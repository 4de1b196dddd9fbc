//! How numbers are written for people: an interval as `mean [lo, hi]`, never "-0.0".

use crate::stats::Interval;

/// `x` with `digits` decimals; a value that rounds to zero is written without a sign.
pub fn number(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// `x` with an explicit sign (`+1.2`, `-0.3`, `0.0`), never "-0.0".
pub fn signed(x: f64, digits: usize) -> String {
    let s = number(x, digits);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') { s } else { format!("+{s}") }
}

/// `mean [lo, hi]` of `i` scaled by `scale` (100 for percent), `digits` decimals; the mean
/// alone without an interval; `n/a` when undefined.
pub fn interval(i: &Interval, scale: f64, digits: usize) -> String {
    if !i.mean.is_finite() {
        return "n/a".to_string();
    }
    match (i.lo, i.hi) {
        (Some(lo), Some(hi)) => {
            format!(
                "{} [{}, {}]",
                number(i.mean * scale, digits),
                number(lo * scale, digits),
                number(hi * scale, digits)
            )
        }
        _ => number(i.mean * scale, digits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_and_missing_intervals_read_well() {
        assert_eq!(number(-0.0004, 1), "0.0");
        assert_eq!(number(-0.05, 1), "-0.1");
        assert_eq!(
            (signed(0.04, 1), signed(-0.04, 1), signed(1.26, 1), signed(-2.0, 0)),
            ("0.0".into(), "0.0".into(), "+1.3".into(), "-2".into())
        );
        let i = Interval { mean: -0.0002, lo: Some(-0.0012), hi: Some(0.0008) };
        assert_eq!(interval(&i, 100.0, 1), "0.0 [-0.1, 0.1]");
        assert_eq!(interval(&Interval { mean: 2.0, lo: None, hi: None }, 1.0, 0), "2");
        assert_eq!(interval(&Interval { mean: f64::NAN, lo: None, hi: None }, 1.0, 0), "n/a");
    }
}
