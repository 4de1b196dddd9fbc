//! Scenario files: the schema of a study (`scenarios/*.toml`), its defaults, and validation
//! with errors that name the file, line, key and what is allowed.
//!
//! Not here: what the parameters mean for the world (see `world`) or for policies (see
//! `policy`); this module only parses and checks them.

mod load;
mod schema;

pub use load::{ScenarioError, load, parse};
pub use schema::{
    Cadence, CalibrationParams, CapSetting, DefectParams, FeedbackData, PolicyKind, PolicySettings, PolicySpec,
    RulesParams, Scenario, Thresholds, WorldParams,
};
