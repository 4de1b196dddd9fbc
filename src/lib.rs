//! eros-sim: simulation and offline evaluation of caption-selection policies.
//!
//! The folder tree is the architecture (DESIGN.md §9):
//! - [`domain`] — plain data — ids, time, creators, cohorts, captions, outcomes;
//! - [`scenario`] — the scenario file schema and its validation;
//! - [`data`] — history files: schema, streaming readers, generate, audit, repair;
//! - [`world`] — ground truth — response model, state, generation, calibration;
//! - [`score`] — conversion score (empirical-Bayes smoothing);
//! - [`policy`] — the `Policy` trait, each policy, and the shared eligibility rules;
//! - [`sim`] — the engine (replicates × policies), feedback cadence, metrics, summaries;
//! - [`stats`] — intervals across replicates;
//! - [`report`] — tables and output files.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod data;
pub mod domain;
pub mod policy;
pub mod report;
pub mod scenario;
pub mod score;
pub mod sim;
pub mod stats;
pub mod streams;
pub mod world;
