//! What every strategy is given and promises: the [`Strategy`] trait, the [`SolveOptions`] it
//! runs with and the [`SolveError`] it may return. The strategies and the registry above them
//! depend on this file; it depends on none of them.

use crate::model::Instance;
use crate::schedule::Solution;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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
    /// Deterministic mode (`--work-limit`): the MIP's whole search is bounded by this many units
    /// of work (simplex iterations weighted by model size; a unit is about a second of HiGHS on an
    /// idle machine), so the same input gives the same plan on any machine, loaded or not, as
    /// long as the wall-clock `time_limit`, still a safety net, is not reached first. `None`: the
    /// phases inside a solve still end by work, and the whole solve by `time_limit`.
    pub work_limit: Option<f64>,
    /// Raised from outside (Ctrl-C, a scheduler's SIGTERM) to stop: HiGHS is interrupted, the
    /// phases end and the strategy returns at once with what it has.
    pub stop: StopFlag,
    /// Where HiGHS's own log goes (`--solver-log FILE`), shared by the trusts of a batch.
    pub solver_log: Option<SolverLog>,
    /// Parts of the MIP's search switched off, to measure what each buys (`bench ihtc
    /// --without`); none by default.
    pub without: Without,
}

/// Parts of the MIP's search that can be switched off, so that a benchmark can measure what
/// each buys (docs/BENCHMARKS.md, "What each idea bought"). All `false` by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Without {
    /// No symmetry-breaking rows between interchangeable lists.
    pub symmetry: bool,
    /// Neighbourhoods of consecutive dates only, as before the surgeon, theatre, case and
    /// optional-case neighbourhoods and their adaptive choice.
    pub neighbourhoods: bool,
    /// HiGHS's default effort on primal heuristics instead of rebook's.
    pub heuristics: bool,
    /// No neighbourhood search between the day-restricted plan and the full model on mid-sized
    /// instances (the full model straight from the day-restricted plan, as before).
    pub hybrid_search: bool,
    /// Every model solved whole, as before, even when it falls apart into independent parts.
    pub parts: bool,
    /// No logic-based Benders rounds on the dates after the day-restricted model (the search
    /// starts from that model's plan, as before).
    pub benders: bool,
    /// No windowed Benders rounds above `FULL_MODEL_LIMIT` triples (the day-restricted model,
    /// then the neighbourhood search from its plan, as before).
    pub windows: bool,
}

/// A flag raised once to ask every solve that holds a clone of it to stop. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// Asks every holder to stop.
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    /// Whether [`raise`](Self::raise) was called.
    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// HiGHS's own log, one file for a whole run: each line is prefixed with the trust it is about,
/// so trusts solved side by side can be told apart. Clones share the file.
#[derive(Clone)]
pub struct SolverLog {
    path: Arc<Path>,
    file: Arc<Mutex<std::fs::File>>,
}

impl SolverLog {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> std::io::Result<SolverLog> {
        Ok(SolverLog {
            path: path.into(),
            file: Arc::new(Mutex::new(std::fs::File::create(path)?)),
        })
    }
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Appends `text` (one or more lines) about `label`; a failed write is ignored, so a full
    /// disk cannot stop a solve.
    pub fn write(&self, label: &str, text: &str) {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::with_capacity(text.len() + 16);
        for line in text.lines() {
            out.push_str(label);
            out.push_str(": ");
            out.push_str(line);
            out.push('\n');
        }
        let _ = file.write_all(out.as_bytes());
    }
}

impl fmt::Debug for SolverLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SolverLog({})", self.path.display())
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: 30.0,
            gap: 0.005,
            threads: 1,
            seed: 2016,
            work_limit: None,
            stop: StopFlag::default(),
            solver_log: None,
            without: Without::default(),
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
