//! History data (DESIGN.md §8): the CSV schema of `captions.csv` and `sends.csv`, streaming
//! readers that validate every row, writers, generation of a history with the seed's defects
//! injected, the audit, the repair, creator segmentation and trigger effectiveness.
//!
//! Every input row ends up clean, repaired (with a change log) or quarantined (with a reason),
//! and the counts reconcile. Not here: the simulation that produces the history (`sim`).

pub mod anomaly;
pub mod audit;
pub mod generate;
pub mod repair;
pub mod schema;
pub mod segment;
pub mod triggers;

pub use schema::{DataError, RowIssue, SendRow, SendsReader, SendsWriter};
