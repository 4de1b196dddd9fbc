//! The engine (DESIGN.md §1, §6–7): the day loop that asks a policy at every slot and
//! delivers feedback at its cadence, the warm-up history, replicates × policies in parallel,
//! the metrics tallied along the way, and their summary with intervals.
//!
//! Not here: the world's truth (`world`), the policies (`policy`), writing files (`report`).

mod engine;
pub mod feedback;
pub mod kpi;
pub mod metrics;
pub mod summary;
pub mod trajectory;

pub use engine::{
    NoProgress, Progress, ReplicateResult, ResolvedPolicy, RunResult, SimError, resolve_policies, run, run_replicate,
    warm_up,
};
