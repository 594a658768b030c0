//! Strategies: each turns an [`Instance`](crate::model::Instance) into a
//! [`Solution`](crate::schedule::Solution). Looked up by name in [`by_name`].
//!
//! - `fifo`: treat in turn (what a booking office does by hand).
//! - `priority`: clinical priority first, then longest wait.
//! - `mip`: the integer programme (see [`crate::strategy::mip`]).
//!
//! Calls run downward: this registry names the strategies; [`greedy`] and [`mip`] share the
//! incremental [`plan_state`]; all of them implement the trait of [`contract`].

pub mod contract;
pub mod greedy;
pub mod mip;
pub mod plan_state;

pub use contract::{SolveError, SolveOptions, SolverLog, StopFlag, Strategy, Without};

/// Names accepted by `--strategy`.
pub const NAMES: [&str; 3] = ["fifo", "priority", "mip"];

/// The strategy called `name` (one of [`NAMES`]).
pub fn by_name(name: &str) -> Option<Box<dyn Strategy>> {
    match name {
        "fifo" => Some(Box::new(greedy::Greedy::fifo())),
        "priority" => Some(Box::new(greedy::Greedy::priority())),
        "mip" => Some(Box::new(mip::Mip)),
        _ => None,
    }
}
