//! What every strategy is given and promises: the [`Strategy`] trait, the [`SolveOptions`] it
//! runs with and the [`SolveError`] it may return. The strategies and the registry above them
//! depend on this file; it depends on none of them.

use crate::model::Instance;
use crate::schedule::Solution;
use std::fmt;

/// Options common to every strategy (the heuristics ignore the solver ones).
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock limit for the MIP, seconds.
    pub time_limit: f64,
    /// Relative MIP gap at which to stop.
    pub gap: f64,
    /// HiGHS threads per model (1 when trusts are solved side by side).
    pub threads: u32,
    /// HiGHS random seed.
    pub seed: u32,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: 30.0,
            gap: 0.005,
            threads: 1,
            seed: 2016,
        }
    }
}

/// Why a strategy produced no plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveError {
    /// Cases with a hard deadline that the strategy could not place by it.
    DeadlineInfeasible {
        /// Name of the strategy that gave up.
        strategy: String,
        /// Ids of the cases it could not place by their deadline.
        cases: Vec<String>,
        /// `true` when no plan can meet them (the instance is infeasible); `false` when only this
        /// strategy failed.
        proven: bool,
    },
    /// Bookings that must be kept (rule 11, SPEC.md section 8) that the strategy could not keep
    /// together with the rest of the rules (for example an extra list whose staffing would break
    /// a safe-hours rule), reported like an impossible deadline.
    KeptBookingsInfeasible {
        /// Name of the strategy that gave up.
        strategy: String,
        /// Ids of the cases whose booking could not be kept.
        cases: Vec<String>,
        /// `true` when no plan can keep them (the instance is infeasible); `false` when only this
        /// strategy failed.
        proven: bool,
    },
    /// The solver failed.
    Solver(String),
}

/// `a, b, c` of the first ten ids, and ` and N more` for the rest.
fn listed(cases: &[String]) -> (String, String) {
    let shown: Vec<&str> = cases.iter().take(10).map(String::as_str).collect();
    let more = if cases.len() > 10 {
        format!(" and {} more", cases.len() - 10)
    } else {
        String::new()
    };
    (shown.join(", "), more)
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveError::DeadlineInfeasible {
                strategy,
                cases,
                proven,
            } => {
                let (shown, more) = listed(cases);
                if *proven {
                    write!(f, "no plan can meet the hard deadline of {shown}{more}: the instance is infeasible (move those deadlines or add lists)")
                } else {
                    write!(f, "{strategy} could not place {shown}{more} by their hard deadline (try --strategy mip, or move those deadlines)")
                }
            }
            SolveError::KeptBookingsInfeasible {
                strategy,
                cases,
                proven,
            } => {
                let (shown, more) = listed(cases);
                if *proven {
                    write!(f, "no plan can keep the notified bookings of {shown}{more} in their lists (rule 11): the instance is infeasible (lower rules.keep_notified_days so they may move, or change those lists)")
                } else {
                    write!(f, "{strategy} could not keep the notified bookings of {shown}{more} in their lists (rule 11) (try --strategy mip, or lower rules.keep_notified_days)")
                }
            }
            SolveError::Solver(m) => write!(f, "solver failed: {m}"),
        }
    }
}

impl std::error::Error for SolveError {}

/// A way of turning an instance into a plan.
pub trait Strategy: Send + Sync {
    /// The name `--strategy` accepts.
    fn name(&self) -> &'static str;
    /// Rough cost of a run relative to the heuristics (1), per byte of instance: a batch starts
    /// its most expensive runs first. Only the order of work depends on it, never a plan.
    fn cost_hint(&self) -> u64 {
        1
    }
    /// A plan for `inst`, or why there is none.
    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError>;
}
