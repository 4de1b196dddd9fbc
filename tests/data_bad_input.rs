//! Bad input to the readers: each case gives a file-level error or an invalid row that names
//! file, line and field; repair quarantines what cannot be a send; nothing panics.

use eros_sim::data::{audit, repair};
use proptest::prelude::*;
use std::path::PathBuf;

const HEADER: &str =
    "send_id,creator_id,cohort,caption_id,sent_at,reach,conversions,revenue,price,conversion_rate,conversion_score";
const GOOD: &str = "1,0,loyal,3,2025-01-06T21:00:00Z,100,4,2,0.5,0.04,0.041";

fn folder(name: &str, sends: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eros-bad-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("sends.csv"), sends).expect("write");
    std::fs::write(dir.join("captions.csv"), "caption_id,creator_id\n3,0\n").expect("write");
    dir
}

/// The single invalid row of a one-row file, as "line field reason"; repair must quarantine it.
fn invalid_row(name: &str, row: &str) -> (u64, String, String) {
    let dir = folder(name, format!("{HEADER}\n{GOOD}\n{row}\n").as_bytes());
    let a = audit::audit(&dir, None).expect("audit runs");
    assert_eq!(a.invalid_rows, 1, "{name}: {:?}", a.invalid);
    let f = &a.invalid[0];
    let r = repair::repair(&dir, &dir.with_extension("out")).expect("repair runs");
    assert_eq!((r.rows_in, r.quarantined, r.clean + r.repaired), (2, 1, 1), "{name}");
    let q = std::fs::read_to_string(dir.with_extension("out").join("quarantine.csv")).expect("quarantine.csv");
    assert!(q.lines().nth(1).is_some_and(|l| l.starts_with("sends.csv,3,")), "{name}: {q}");
    (f.line, f.field.clone(), f.reason.clone())
}

#[test]
fn non_numeric_reach_names_line_and_field() {
    let (line, field, reason) = invalid_row("nonnum", "2,0,loyal,3,2025-01-06T21:00:00Z,lots,4,2,0.5,0.04,0.04");
    assert_eq!((line, field.as_str()), (3, "reach"));
    assert!(reason.contains("lots"), "{reason}");
}

#[test]
fn negative_reach_is_invalid() {
    assert_eq!(invalid_row("neg", "2,0,loyal,3,2025-01-06T21:00:00Z,-5,0,0,0.5,,").1, "reach");
}

#[test]
fn conversions_above_reach_are_invalid() {
    let (_, field, reason) = invalid_row("over", "2,0,loyal,3,2025-01-06T21:00:00Z,10,11,5.5,0.5,1.1,0.5");
    assert_eq!(field, "conversions");
    assert!(reason.contains("exceed"), "{reason}");
}

#[test]
fn duplicate_send_id_is_invalid() {
    assert_eq!(invalid_row("dup", GOOD).1, "send_id");
}

#[test]
fn unknown_caption_is_invalid() {
    assert_eq!(invalid_row("cap", "2,0,loyal,99,2025-01-06T21:00:00Z,100,4,2,0.5,0.04,0.04").1, "caption_id");
}

#[test]
fn unparsable_timestamp_is_invalid() {
    let (_, field, reason) = invalid_row("ts", "2,0,loyal,3,06/01/2025 21:00,100,4,2,0.5,0.04,0.04");
    assert_eq!(field, "sent_at");
    assert!(reason.contains("06/01/2025"), "{reason}");
}

#[test]
fn truncated_last_line_is_invalid() {
    let (line, _, reason) = invalid_row("trunc", "2,0,loyal,3,2025-01-06T21:0");
    assert_eq!(line, 3);
    assert!(reason.contains("truncated"), "{reason}");
}

#[test]
fn a_row_with_too_many_fields_is_invalid() {
    let (line, _, reason) = invalid_row("extra", "2,0,loyal,3,2025-01-06T21:00:00Z,1,000,4,2,0.5,0.004,0.04");
    assert_eq!(line, 3);
    assert!(reason.contains("12 fields, expected 11"), "{reason}");
}

#[test]
fn unknown_cohort_lists_the_cohorts() {
    let (_, field, reason) = invalid_row("cohort", "2,0,whales,3,2025-01-06T21:00:00Z,100,4,2,0.5,0.04,0.04");
    assert_eq!(field, "cohort");
    assert!(reason.contains("loyal"), "{reason}");
}

#[test]
fn bom_crlf_and_quoted_fields_are_read() {
    let text = format!(
        "\u{feff}{HEADER}\r\n{GOOD}\r\n\"2\",\"0\",\"loyal\",\"3\",\"2025-01-06T22:00:00Z\",\"100\",\"4\",\"2\",\"0.5\",\"0.04\",\"0.04\"\r\n"
    );
    let a = audit::audit(&folder("bom", text.as_bytes()), None).expect("audit");
    assert_eq!((a.rows, a.invalid_rows), (2, 0), "{:?}", a.invalid);
}

#[test]
fn quoted_comma_in_a_number_is_reported_not_split() {
    let (_, field, _) = invalid_row("comma", "2,0,loyal,3,2025-01-06T21:00:00Z,\"1,000\",4,2,0.5,0.004,0.04");
    assert_eq!(field, "reach");
}

#[test]
fn wrong_or_missing_header_is_a_file_error_naming_the_column() {
    let e = audit::audit(&folder("hdr", b"send_id,creator\n1,0\n"), None).expect_err("bad header").to_string();
    assert!(e.contains("sends.csv:1") && e.contains("creator"), "{e}");
    let missing = HEADER.replace(",conversion_score", "");
    let e =
        audit::audit(&folder("miss", format!("{missing}\n").as_bytes()), None).expect_err("missing column").to_string();
    assert!(e.contains("missing column `conversion_score`"), "{e}");
}

#[test]
fn empty_file_is_a_file_error() {
    let e = audit::audit(&folder("empty", b""), None).expect_err("empty").to_string();
    assert!(e.contains("sends.csv") && e.contains("empty file"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_readers(body in proptest::collection::vec(any::<u8>(), 0..400), with_header in any::<bool>()) {
        let mut bytes = if with_header { format!("{HEADER}\n").into_bytes() } else { Vec::new() };
        bytes.extend(body);
        let dir = folder("fuzz", &bytes);
        if let Ok(a) = audit::audit(&dir, None) {
            prop_assert!(a.invalid_rows <= a.rows);
        }
        if let Ok(r) = repair::repair(&dir, &dir.with_extension("out")) {
            prop_assert_eq!(r.rows_in, r.clean + r.repaired + r.quarantined);
        }
    }
}

#[test]
fn a_malformed_captions_row_stops_an_analysis_naming_line_and_column() {
    let dir = std::env::temp_dir().join(format!("eros-badcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("captions.csv"),
        "caption_id,creator_id,created_at,length,emoji,category,price_tier,price,triggers,status\n\
         3,0,2025-01-06T00:00:00Z,200,2,solo,mid,0.3,urgency,active\n\
         4,0,2025-01-06T00:00:00Z,200,2,solo,mid,0.3,urgncy;personal,active\n",
    )
    .expect("write");
    let e = eros_sim::data::triggers::triggers(&dir).expect_err("bad trigger name").to_string();
    assert!(e.contains("captions.csv:3") && e.contains("triggers") && e.contains("urgncy"), "{e}");
    assert!(e.contains("exclusivity"), "says what would be right: {e}");
}
