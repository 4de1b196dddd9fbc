//! The columns of `sends.csv` and `captions.csv` (documented in `docs/data-format.md`), a
//! streaming reader that parses and validates one row at a time, and a writer.

use crate::domain::{CohortKind, Minute, PriceTier, Trigger, Triggers};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Columns of `sends.csv`, in the order they are written.
pub const SENDS_COLUMNS: [&str; 11] = [
    "send_id",
    "creator_id",
    "cohort",
    "caption_id",
    "sent_at",
    "reach",
    "conversions",
    "revenue",
    "price",
    "conversion_rate",
    "conversion_score",
];

/// Columns of `captions.csv`, in the order they are written.
pub const CAPTIONS_COLUMNS: [&str; 10] = [
    "caption_id",
    "creator_id",
    "created_at",
    "length",
    "emoji",
    "category",
    "price_tier",
    "price",
    "triggers",
    "status",
];

/// Columns of `performance_tracking.csv` (one row per caption: the ETL's summary table).
pub const PERFORMANCE_COLUMNS: [&str; 6] =
    ["caption_id", "sends", "reach", "conversions", "revenue", "conversion_score"];

/// File-level problems: the file cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Filesystem error.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file has no bytes at all (not even a header).
    #[error("{path}: empty file (expected a header line: {expected})")]
    Empty {
        /// File.
        path: PathBuf,
        /// Expected header.
        expected: String,
    },
    /// The header lacks a column, or has one that is not in the schema.
    #[error("{path}:1: header: {problem} (expected the columns {expected})")]
    Header {
        /// File.
        path: PathBuf,
        /// What is wrong.
        problem: String,
        /// Expected header.
        expected: String,
    },
    /// A CSV writer error.
    #[error("{path}: {message}")]
    Csv {
        /// File.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A row of a file that must be read whole (e.g. `captions.csv` for an analysis) is
    /// invalid.
    #[error("{path}:{}: column `{}`: {}", issue.line, issue.field, issue.reason)]
    Row {
        /// File.
        path: PathBuf,
        /// Where and why.
        issue: RowIssue,
    },
    /// The scenario asks for something the data cannot give.
    #[error("{0}")]
    Invalid(String),
    /// The simulation behind `generate` failed.
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
}

/// A row that could not be read as a valid send: where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RowIssue {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// Column at fault (empty when the whole row is).
    pub field: &'static str,
    /// What is wrong and what would be right.
    pub reason: String,
}

/// One row of `sends.csv`: one caption delivered at one slot to one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct SendRow {
    /// Unique id of the row.
    pub send_id: u64,
    /// Sending creator.
    pub creator_id: u32,
    /// Receiving cohort (index into `CohortKind::ALL`).
    pub cohort: u8,
    /// Caption used.
    pub caption_id: u32,
    /// Slot time.
    pub sent_at: Minute,
    /// Fans reached.
    pub reach: u32,
    /// Purchases (≤ reach).
    pub conversions: u32,
    /// Revenue, seed revenue units.
    pub revenue: f64,
    /// Price per conversion, seed revenue units.
    pub price: f64,
    /// Stored conversion rate; `None` when empty (NULL).
    pub conversion_rate: Option<f64>,
    /// Stored conversion score; `None` when empty (NULL).
    pub conversion_score: Option<f64>,
}

/// Largest difference between a stored and a recomputed conversion rate that still agrees
/// (rates are written with round-trip precision, so clean rows agree exactly).
pub const RATE_TOLERANCE: f64 = 1e-9;

impl SendRow {
    /// `SAFE_DIVIDE(conversions, NULLIF(reach, 0))`: the rate the row should store.
    pub fn recomputed_rate(&self) -> Option<f64> {
        crate::score::conversion::conversion_rate(f64::from(self.conversions), f64::from(self.reach))
    }

    /// Whether the stored conversion rate agrees with the recomputed one (both NULL, or
    /// within [`RATE_TOLERANCE`]).
    pub fn rate_is_consistent(&self) -> bool {
        match (self.conversion_rate, self.recomputed_rate()) {
            (None, None) => true,
            (Some(s), Some(t)) => (s - t).abs() <= RATE_TOLERANCE,
            _ => false,
        }
    }
}

fn cohort_index(name: &str) -> Option<u8> {
    CohortKind::ALL.iter().position(|k| k.name() == name).map(|i| i as u8)
}

/// Reads `sends.csv` one validated row at a time. The header may list the columns in any
/// order; a missing or unknown column is a [`DataError::Header`]. A UTF-8 BOM, CRLF line ends
/// and quoted fields are accepted.
pub struct SendsReader {
    path: PathBuf,
    reader: csv::Reader<std::io::BufReader<std::fs::File>>,
    /// Position of each schema column in the file.
    index: [usize; 11],
    record: csv::ByteRecord,
}

impl SendsReader {
    /// Opens `path` and checks its header.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let io = |source| DataError::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.len() == 0 {
            return Err(DataError::Empty { path: path.to_path_buf(), expected: SENDS_COLUMNS.join(",") });
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
        let header =
            reader.byte_headers().map_err(|e| DataError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let header_err = |problem: String| DataError::Header {
            path: path.to_path_buf(),
            problem,
            expected: SENDS_COLUMNS.join(","),
        };
        if let Some(extra) = names.iter().find(|n| !SENDS_COLUMNS.contains(&n.as_str())) {
            return Err(header_err(format!("unknown column `{extra}`")));
        }
        let mut index = [0usize; 11];
        for (i, col) in SENDS_COLUMNS.iter().enumerate() {
            index[i] =
                names.iter().position(|n| n == col).ok_or_else(|| header_err(format!("missing column `{col}`")))?;
        }
        Ok(Self { path: path.to_path_buf(), reader, index, record: csv::ByteRecord::new() })
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based line where the row last returned starts.
    pub fn line(&self) -> u64 {
        self.record.position().map_or(0, |p| p.line())
    }

    /// The next row: `None` at the end, `Some(Err)` for a row that cannot be a valid send.
    pub fn next_row(&mut self) -> Option<Result<SendRow, RowIssue>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                Some(parse_send(&self.record, &self.index, line))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(RowIssue { line, field: "", reason: format!("unreadable CSV row: {e}") }))
            }
        }
    }

    /// The raw fields of the row last returned by [`next_row`](Self::next_row), in schema order
    /// (missing fields empty): for quarantine files that keep the row as it was.
    pub fn raw_fields(&self) -> Vec<String> {
        self.index
            .iter()
            .map(|&i| self.record.get(i).map(|f| String::from_utf8_lossy(f).into_owned()).unwrap_or_default())
            .collect()
    }
}

fn parse_send(rec: &csv::ByteRecord, index: &[usize; 11], line: u64) -> Result<SendRow, RowIssue> {
    if rec.len() != SENDS_COLUMNS.len() {
        let hint = if rec.len() < SENDS_COLUMNS.len() { "truncated row?" } else { "an unquoted comma?" };
        return Err(RowIssue {
            line,
            field: "",
            reason: format!("{} fields, expected {} ({hint})", rec.len(), SENDS_COLUMNS.len()),
        });
    }
    let field = |i: usize| -> Result<&str, RowIssue> {
        std::str::from_utf8(rec.get(index[i]).unwrap_or_default()).map(str::trim).map_err(|_| RowIssue {
            line,
            field: SENDS_COLUMNS[i],
            reason: "not valid UTF-8".into(),
        })
    };
    let int = |i: usize, what: &str| -> Result<u64, RowIssue> {
        let f = field(i)?;
        f.parse::<u64>().map_err(|_| RowIssue {
            line,
            field: SENDS_COLUMNS[i],
            reason: format!("{f:?} is not {what} (a whole number ≥ 0)"),
        })
    };
    let small = |i: usize, what: &str| -> Result<u32, RowIssue> {
        let v = int(i, what)?;
        u32::try_from(v).map_err(|_| RowIssue {
            line,
            field: SENDS_COLUMNS[i],
            reason: format!("{v} is too large for {what}"),
        })
    };
    let real = |i: usize| -> Result<Option<f64>, RowIssue> {
        let f = field(i)?;
        if f.is_empty() || f.eq_ignore_ascii_case("null") {
            return Ok(None);
        }
        match f.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(RowIssue { line, field: SENDS_COLUMNS[i], reason: format!("{f:?} is not a finite number") }),
        }
    };
    let required = |i: usize| -> Result<f64, RowIssue> {
        real(i)?.ok_or_else(|| RowIssue { line, field: SENDS_COLUMNS[i], reason: "empty; a number is required".into() })
    };
    let send_id = int(0, "a send id")?;
    let creator_id = small(1, "a creator id")?;
    let cohort_name = field(2)?;
    let cohort = cohort_index(cohort_name).ok_or_else(|| RowIssue {
        line,
        field: "cohort",
        reason: format!(
            "{cohort_name:?} is not a cohort (expected one of {})",
            CohortKind::ALL.map(|k| k.name()).join(", ")
        ),
    })?;
    let caption_id = small(3, "a caption id")?;
    let sent_at = Minute::parse_rfc3339(field(4)?).map_err(|why| RowIssue {
        line,
        field: "sent_at",
        reason: format!("{:?}: {why}", field(4).unwrap_or("")),
    })?;
    let reach = small(5, "a reach")?;
    let conversions = small(6, "a conversion count")?;
    if conversions > reach {
        return Err(RowIssue {
            line,
            field: "conversions",
            reason: format!("{conversions} conversions exceed the reach of {reach}"),
        });
    }
    let revenue = required(7)?;
    let price = required(8)?;
    if revenue < 0.0 {
        return Err(RowIssue { line, field: "revenue", reason: format!("{revenue} is negative") });
    }
    if price <= 0.0 {
        return Err(RowIssue { line, field: "price", reason: format!("{price} is not a price > 0") });
    }
    let conversion_score = real(10)?;
    if let Some(s) = conversion_score
        && !(0.0..=1.0).contains(&s)
    {
        return Err(RowIssue { line, field: "conversion_score", reason: format!("{s} is outside [0, 1]") });
    }
    Ok(SendRow {
        send_id,
        creator_id,
        cohort,
        caption_id,
        sent_at,
        reach,
        conversions,
        revenue,
        price,
        conversion_rate: real(9)?,
        conversion_score,
    })
}

/// Writes `sends.csv`.
pub struct SendsWriter {
    path: PathBuf,
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl SendsWriter {
    /// Creates `path` and writes the header.
    pub fn create(path: &Path) -> Result<Self, DataError> {
        let file = std::fs::File::create(path).map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, file));
        writer
            .write_record(SENDS_COLUMNS)
            .map_err(|e| DataError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        Ok(Self { path: path.to_path_buf(), writer })
    }

    /// Writes one row.
    pub fn write(&mut self, r: &SendRow) -> Result<(), DataError> {
        self.writer
            .write_record([
                r.send_id.to_string(),
                r.creator_id.to_string(),
                CohortKind::ALL[r.cohort as usize].name().to_string(),
                r.caption_id.to_string(),
                r.sent_at.to_rfc3339(),
                r.reach.to_string(),
                r.conversions.to_string(),
                r.revenue.to_string(),
                r.price.to_string(),
                opt(r.conversion_rate),
                opt(r.conversion_score),
            ])
            .map_err(|e| DataError::Csv { path: self.path.clone(), message: e.to_string() })
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), DataError> {
        self.writer.flush().map_err(|source| DataError::Io { path: self.path.clone(), source })
    }
}

/// The features of a caption that analyses of a history need (from `captions.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptionFeatures {
    /// Price tier.
    pub tier: PriceTier,
    /// Triggers used.
    pub triggers: Triggers,
}

/// Caption id → features, from `captions.csv`. A row whose id, tier or triggers do not parse
/// is an error naming the file, line and column.
pub fn read_caption_features(path: &Path) -> Result<HashMap<u32, CaptionFeatures>, DataError> {
    let err = |e: csv::Error| DataError::Csv { path: path.to_path_buf(), message: e.to_string() };
    let mut r = csv::Reader::from_path(path).map_err(err)?;
    let header = r.headers().map_err(err)?.clone();
    let col = |name: &str| {
        header.iter().position(|h| h.trim_start_matches('\u{feff}') == name).ok_or_else(|| DataError::Header {
            path: path.to_path_buf(),
            problem: format!("missing column `{name}`"),
            expected: CAPTIONS_COLUMNS.join(","),
        })
    };
    let (id, tier, triggers) = (col("caption_id")?, col("price_tier")?, col("triggers")?);
    let mut out = HashMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(err)?;
        let line = i as u64 + 2;
        let bad = |column: &'static str, value: &str, expected: &str| DataError::Row {
            path: path.to_path_buf(),
            issue: RowIssue { line, field: column, reason: format!("{value:?} is not {expected}") },
        };
        let field = |c: usize| rec.get(c).unwrap_or("");
        let caption: u32 = field(id).parse().map_err(|_| bad("caption_id", field(id), "a whole number ≥ 0"))?;
        let tier = PriceTier::from_name(field(tier))
            .ok_or_else(|| bad("price_tier", field(tier), "budget, mid or premium"))?;
        let mut set = Triggers::default();
        for name in field(triggers).split(';').filter(|t| !t.is_empty()) {
            let t = Trigger::from_name(name).ok_or_else(|| {
                bad(
                    "triggers",
                    field(triggers),
                    "a `;`-separated list of urgency, scarcity, exclusivity, personal, curiosity",
                )
            })?;
            set = set.with(t);
        }
        out.insert(caption, CaptionFeatures { tier, triggers: set });
    }
    Ok(out)
}

/// Writes `rows` as a CSV file with a header from the fields of `T` (analysis outputs such
/// as `creator_segments.csv` and `trigger_profiles.csv`).
pub fn write_rows<T: serde::Serialize>(path: &Path, rows: &[T]) -> Result<(), DataError> {
    let err = |e: csv::Error| DataError::Csv { path: path.to_path_buf(), message: e.to_string() };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    for row in rows {
        w.serialize(row).map_err(err)?;
    }
    w.flush().map_err(|source| DataError::Io { path: path.to_path_buf(), source })
}
