//! The HiGHS driver: runs a good_lp model through the underlying HiGHS model (options, warm
//! start, dual bound), audits what HiGHS returns, and optimises a model round by round with its
//! lazy cuts. Every solve of the MIP, the decomposition's included, goes through here, so all
//! use the same options.

use super::candidates::{parts, Candidates};
use super::cuts::violated_cuts;
use super::highs_ffi::{self, Watch};
use super::model::{build, warm_vector};
use crate::model::Instance;
use crate::schedule::{self, Placement};
use crate::strategy::contract::{SolveError, SolveOptions};
use good_lp::solvers::highs::HighsProblem;
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Instant;

/// Rounds of lazy cuts before giving up on improving the warm start.
const MAX_ROUNDS: usize = 50;

/// HiGHS's `mip_heuristic_effort` (its default is 0.05): the share of branch-and-bound work
/// spent on primal heuristics (RINS, RENS, feasibility pump, …). Six times the default finds
/// better plans within the time limit on the IHTC set (docs/BENCHMARKS.md, "What each idea
/// bought").
const HEURISTIC_EFFORT: f64 = 0.3;

/// Seconds, and units of work, that a part of a model solved from cold (no warm start) needs at
/// least on average for the model to be solved part by part: IHTC test10's day-restricted model,
/// 20 parts in 15 s, gave 29,040 part by part against 28,410 whole; i24's, 28 parts in 38 s, its
/// proven optimum 30,895 part by part against 30,925 whole (decision 71).
const PART_LEAST: f64 = 1.0;

/// A plan with its objective.
pub type Plan = (Vec<Placement>, i64);
/// Columns and rows of a model.
pub type ModelSize = (usize, usize);

/// Seconds left until `deadline` (0 once it has passed).
pub fn seconds_left(deadline: Instant) -> f64 {
    deadline.saturating_duration_since(Instant::now()).as_secs_f64()
}

/// Simplex iterations, on a model of 1,000 rows and columns, in one unit of work: about one
/// second of HiGHS on an idle machine (docs/BENCHMARKS.md, "Work units").
pub const ITERATIONS_PER_UNIT: f64 = 6_500.0;

/// How much more an iteration of a model of `cells` rows and columns weighs than one of 1,000:
/// measured time per iteration of HiGHS's MIP grows far slower than the model (about ×3 from
/// 1,500 to 54,000), so the weight grows with the fourth root.
fn iteration_weight(cells: f64) -> f64 {
    (cells / 1000.0).max(0.1).powf(0.25)
}

/// When a HiGHS run must stop: at a wall-clock deadline always, and, when `work` is given, after
/// that many units of work. Work is counted in simplex iterations weighted by the model's size,
/// so it stops a run at the same point on any machine, loaded or not: where a run ends by work,
/// its plan does not depend on the machine's speed. A `soft` end stops the run there only once
/// it has a plan (a part of a model solved part by part gets its share that way: it never ends
/// without a plan while the hard limits leave time).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Wall-clock deadline.
    pub deadline: Instant,
    /// Units of work allowed ([`ITERATIONS_PER_UNIT`]); `None`: no work limit.
    pub work: Option<f64>,
    /// Where the run stops if it has a plan by then.
    pub soft: Option<Soft>,
}

/// A soft end of a run: a time and, with a work limit, units of work.
#[derive(Debug, Clone, Copy)]
pub struct Soft {
    pub at: Instant,
    pub work: Option<f64>,
}

impl Budget {
    /// A budget of wall time only.
    pub fn until(deadline: Instant) -> Budget {
        Budget {
            deadline,
            work: None,
            soft: None,
        }
    }
    /// This budget with at most `work` units (the smaller of both when it has a work limit).
    pub fn with_work(self, work: f64) -> Budget {
        Budget {
            work: Some(self.work.map_or(work, |w| w.min(work))),
            ..self
        }
    }
    /// This budget less `used` units of work.
    pub fn less(self, used: f64) -> Budget {
        Budget {
            work: self.work.map(|w| (w - used).max(0.0)),
            soft: self.soft.map(|s| Soft {
                work: s.work.map(|w| (w - used).max(0.0)),
                ..s
            }),
            ..self
        }
    }
    /// This budget less `used` units of work, with a soft end ([`Soft`]) at `share` of what is
    /// left of it, in wall time and in work.
    pub fn soft_share(self, used: f64, share: f64) -> Budget {
        let now = Instant::now();
        let wall = self.deadline.saturating_duration_since(now);
        Budget {
            soft: Some(Soft {
                at: now + wall.mul_f64(share),
                work: self.work.map(|w| (w - used).max(0.0) * share),
            }),
            ..self.less(used)
        }
    }
    /// This budget ending no later than `at`.
    pub fn capped(self, at: Instant) -> Budget {
        Budget {
            deadline: self.deadline.min(at),
            ..self
        }
    }
    /// No work left (never without a work limit).
    pub fn work_spent(&self) -> bool {
        self.work.is_some_and(|w| w <= 0.0)
    }
    /// No time or no work left.
    pub fn spent(&self) -> bool {
        seconds_left(self.deadline) <= 0.0 || self.work_spent()
    }
}

/// What one HiGHS run gave.
pub struct HighsRun {
    pub status: HighsModelStatus,
    /// Column values when HiGHS has a feasible solution.
    pub columns: Option<Vec<f64>>,
    /// Dual bound of the model.
    pub bound: Option<f64>,
    /// HiGHS's solution did not price at its own objective (or the bound exceeded it).
    pub inconsistent: bool,
    /// Units of work the run used.
    pub work: f64,
    /// The run was stopped by its work limit (not by time, the stop flag or optimality).
    pub stopped_by_work: bool,
}

/// Solves a good_lp model through the underlying HiGHS model (options, warm start, bound).
pub fn run_highs(
    problem: HighsProblem,
    costs: &[f64],
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    label: &str,
    budget: Budget,
    presolve: bool,
) -> Result<HighsRun, SolveError> {
    let err = |what: &str, e: &dyn std::fmt::Debug| SolveError::Solver(format!("HiGHS {what}: {e:?}"));
    let mut model = problem
        .try_into_inner()
        .map_err(|e| err("could not build the model", &e))?;
    model.make_quiet();
    let set = |model: &mut highs::Model, key: &str, value: OptionValue| -> Result<(), SolveError> {
        let r = match value {
            OptionValue::Bool(v) => model.try_set_option(key, v),
            OptionValue::Int(v) => model.try_set_option(key, v),
            OptionValue::Float(v) => model.try_set_option(key, v),
            OptionValue::Str(v) => model.try_set_option(key, v),
        };
        r.map_err(|e| err(&format!("option {key}"), &e))
    };
    let (model_rows, model_cols) = (model.num_rows(), model.num_cols());
    let cells = (model_rows + model_cols).max(1) as f64;
    let iterations_in = |w: f64| (w * ITERATIONS_PER_UNIT / iteration_weight(cells)).ceil().max(1.0) as i64;
    let watch = Watch {
        stop: &opts.stop,
        iteration_limit: budget.work.map(iterations_in),
        soft: budget.soft.map(|s| (s.at, s.work.map(iterations_in))),
        stopped_soft_by_time: AtomicBool::new(false),
        log: opts.solver_log.as_ref().map(|log| (log, label)),
        iterations: AtomicI64::new(0),
        stopped_by_work: AtomicBool::new(false),
    };
    set(&mut model, "output_flag", OptionValue::Bool(watch.log.is_some()))?;
    set(&mut model, "log_to_console", OptionValue::Bool(false))?;
    highs_ffi::watch(&mut model, &watch);
    set(
        &mut model,
        "time_limit",
        OptionValue::Float(seconds_left(budget.deadline).max(0.01)),
    )?;
    set(&mut model, "mip_rel_gap", OptionValue::Float(opts.gap))?;
    set(&mut model, "mip_abs_gap", OptionValue::Float(0.999))?;
    set(&mut model, "threads", OptionValue::Int(opts.threads.max(1) as i32))?;
    set(&mut model, "random_seed", OptionValue::Int(opts.seed as i32))?;
    if !opts.without.heuristics {
        set(&mut model, "mip_heuristic_effort", OptionValue::Float(HEURISTIC_EFFORT))?;
    }
    if !presolve {
        set(&mut model, "presolve", OptionValue::Str("off"))?;
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| err("warm start", &e))?;
    }
    let started = Instant::now();
    let solved = model.try_solve().map_err(|e| err("solve", &e))?;
    // A run stopped at its soft end by time has reached its time (its share of the limit).
    let status = match solved.status() {
        HighsModelStatus::ReachedInterrupt if watch.stopped_soft_by_time.load(Ordering::Relaxed) => {
            HighsModelStatus::ReachedTimeLimit
        }
        other => other,
    };
    let feasible = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    let mut inconsistent = false;
    let columns = if feasible {
        let cols = solved.get_solution().columns().to_vec();
        // Audit: the returned columns must price at HiGHS's own objective value. With a warm start
        // and presolve, HiGHS (1.16) has been seen to report a lower "optimal" objective while
        // returning the warm start itself; such a run is repeated without presolve by the caller.
        let priced: f64 = costs.iter().zip(&cols).map(|(c, v)| c * v).sum();
        if (priced - solved.objective_value()).abs() > 0.5 || bound.is_some_and(|b| b > priced + 0.5) {
            inconsistent = true;
        }
        Some(cols)
    } else {
        None
    };
    let iterations = (watch.iterations.load(Ordering::Relaxed)).max(solved.simplex_iteration_count());
    let stopped_by_work = watch.stopped_by_work.load(Ordering::Relaxed);
    let work = iterations as f64 * iteration_weight(cells) / ITERATIONS_PER_UNIT;
    tracing::debug!(
        trust = label,
        rows = model_rows,
        columns = model_cols,
        iterations,
        work = format!("{work:.2}"),
        seconds = format!("{:.3}", started.elapsed().as_secs_f64()),
        status = ?status,
        by_work = stopped_by_work,
        "HiGHS run"
    );
    Ok(HighsRun {
        status,
        columns,
        bound,
        inconsistent,
        work,
        stopped_by_work,
    })
}

enum OptionValue {
    Bool(bool),
    Int(i32),
    Float(f64),
    Str(&'static str),
}

/// Runs HiGHS, and once more without presolve if the first answer is inconsistent.
pub fn run_audited(
    first: (HighsProblem, Vec<f64>),
    rebuild: &dyn Fn() -> (HighsProblem, Vec<f64>),
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    label: &str,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<HighsRun, SolveError> {
    let (problem, costs) = first;
    let first = run_highs(problem, &costs, warm, opts, label, budget, true)?;
    if !first.inconsistent {
        return Ok(first);
    }
    notes.push("HiGHS returned a solution inconsistent with its objective; re-solved without presolve".into());
    let (problem, costs) = rebuild();
    let mut run = run_highs(problem, &costs, warm, opts, label, budget.less(first.work), false)?;
    run.work += first.work;
    if run.inconsistent {
        return Err(SolveError::Solver(
            "HiGHS returned a solution inconsistent with its own objective twice".into(),
        ));
    }
    Ok(run)
}

/// The result of optimising one (possibly restricted) model with its lazy cuts.
pub struct Optimised {
    /// The best plan found that keeps every rule, with its objective.
    pub best: Option<Plan>,
    /// Dual bound of the last round (valid for the model's restriction).
    pub bound: Option<f64>,
    pub status: HighsModelStatus,
    /// The model has no solution at all (a forced or mandatory case cannot be placed).
    pub infeasible: bool,
    pub size: ModelSize,
    /// Units of work used, every round included.
    pub work: f64,
    /// The last round was stopped by the work limit.
    pub stopped_by_work: bool,
    /// Independent parts solved apart (1: the model was solved whole).
    pub parts: usize,
}

/// Solves `cands`, part by part when its model falls apart into independent parts
/// ([`parts`]): the smallest part first, each with the share of what is left of `budget` (work
/// and wall time) that its triples are of the triples left, as a soft end ([`Soft`]: a part
/// without a plan by then goes on until it has one), so that what a part does not use passes to
/// the next. From cold (no `warm`), only when each part gets at least [`PART_LEAST`] on average;
/// otherwise the model is solved whole. The plans of the parts are put together, and the bound
/// is the sum of theirs. A part that ends with no plan of its own keeps its share of `warm` (the parts are
/// independent, so that share keeps every rule); with no `warm` either, there is no plan.
pub fn optimise(
    inst: &Instance,
    cands: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<Optimised, SolveError> {
    let mut parts = if opts.without.parts {
        Vec::new()
    } else {
        parts(inst, cands)
    };
    // From cold, each part pays for finding its own first plan (presolve, root, heuristics);
    // with less than PART_LEAST each the whole model, whose search spans the parts, does better.
    let n = parts.len().max(1) as f64;
    let short = seconds_left(budget.deadline) / n < PART_LEAST || budget.work.is_some_and(|w| w / n < PART_LEAST);
    if parts.len() <= 1 || (warm.is_none() && short) {
        return optimise_whole(inst, cands, warm, opts, budget, notes);
    }
    // Smallest first; ties in the order of their first triple (the sort is stable).
    parts.sort_by_key(Vec::len);
    tracing::debug!(trust = %inst.trust_id, parts = parts.len(), largest = parts.last().map_or(0, Vec::len), "independent parts");
    let mut out = Optimised {
        best: None,
        bound: Some(cands.nowhere_cost(inst) as f64),
        status: HighsModelStatus::Optimal,
        infeasible: false,
        size: (0, 0),
        work: 0.0,
        stopped_by_work: false,
        parts: parts.len(),
    };
    let mut placements: Vec<Placement> = Vec::new();
    let mut complete = true;
    let mut left: usize = parts.iter().map(Vec::len).sum();
    for part in &parts {
        let share = part.len() as f64 / left as f64;
        left -= part.len();
        // Its share is a soft end: a part without a plan by then goes on until it has one
        // (within the hard limits); what a part does not use passes on.
        let own = budget.soft_share(out.work, share);
        let sub = cands.part(inst, part);
        let own_warm: Option<Vec<Placement>> = warm.map(|w| {
            w.iter()
                .filter(|pl| !sub.by_case[pl.procedure].is_empty())
                .copied()
                .collect()
        });
        let o = optimise_whole(inst, &sub, own_warm.as_deref(), opts, own, notes)?;
        out.work += o.work;
        out.size = (out.size.0 + o.size.0, out.size.1 + o.size.1);
        out.stopped_by_work |= o.stopped_by_work;
        if o.infeasible {
            out.infeasible = true;
            out.best = None;
            out.status = o.status;
            return Ok(out);
        }
        if o.status != HighsModelStatus::Optimal && out.status == HighsModelStatus::Optimal {
            // A part that did not start had no time left.
            out.status = match o.status {
                HighsModelStatus::NotSet => HighsModelStatus::ReachedTimeLimit,
                other => other,
            };
        }
        out.bound = out.bound.zip(o.bound).map(|(a, b)| a + b);
        match (o.best, own_warm) {
            (Some((pl, _)), _) => placements.extend(pl),
            (None, Some(w)) => {
                placements.extend(w);
                if out.status == HighsModelStatus::Optimal {
                    out.status = HighsModelStatus::ReachedTimeLimit;
                }
            }
            (None, None) => complete = false,
        }
    }
    if complete {
        let obj = schedule::objective(inst, &placements).total;
        out.best = Some((placements, obj));
    }
    Ok(out)
}

/// Solves `cands` with lazy shift-chain cuts until the plan keeps every rule or time runs out.
fn optimise_whole(
    inst: &Instance,
    cands: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<Optimised, SolveError> {
    let mut out = Optimised {
        best: None,
        bound: None,
        status: HighsModelStatus::NotSet,
        infeasible: false,
        size: (0, 0),
        work: 0.0,
        stopped_by_work: false,
        parts: 1,
    };
    let mut cuts: Vec<Vec<usize>> = Vec::new();
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        if opts.stop.is_raised() {
            notes.push("stopped between rounds of cuts".into());
            break;
        }
        let left = budget.less(out.work);
        if seconds_left(left.deadline) <= 0.05 {
            notes.push("time limit reached between rounds of cuts".into());
            break;
        }
        if left.spent() {
            notes.push("work limit reached between rounds of cuts".into());
            break;
        }
        rounds += 1;
        let built = build(inst, cands, &cuts, !opts.without.symmetry);
        out.size = (built.columns, built.rows);
        let warm_cols = warm.and_then(|pl| warm_vector(inst, cands, &built, pl));
        let x = built.x.clone();
        let rebuild = || {
            let b = build(inst, cands, &cuts, !opts.without.symmetry);
            (b.problem, b.costs)
        };
        let run = run_audited(
            (built.problem, built.costs),
            &rebuild,
            warm_cols.as_deref(),
            opts,
            &inst.trust_id,
            left,
            notes,
        )?;
        out.status = run.status;
        out.bound = run.bound;
        out.work += run.work;
        out.stopped_by_work = run.stopped_by_work;
        match run.status {
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                out.infeasible = true;
                return Ok(out);
            }
            HighsModelStatus::Optimal
            | HighsModelStatus::ReachedTimeLimit
            | HighsModelStatus::ObjectiveBound
            | HighsModelStatus::ObjectiveTarget
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedInterrupt
            | HighsModelStatus::ReachedMemoryLimit => {}
            other => return Err(SolveError::Solver(format!("HiGHS stopped with status {other:?}"))),
        }
        let Some(cols) = run.columns else {
            notes.push(format!("round {rounds}: HiGHS found no plan in time"));
            break;
        };
        let placements = placements_of(cands, &x, &cols);
        let new_cuts = violated_cuts(inst, cands, &placements);
        if new_cuts.is_empty() {
            let obj = schedule::objective(inst, &placements).total;
            out.best = Some((placements, obj));
            break;
        }
        cuts.extend(new_cuts);
    }
    if rounds > 1 {
        notes.push(format!("{rounds} rounds, {} lazy shift-chain cuts", cuts.len()));
    }
    Ok(out)
}

/// The placements of a solution: the triples whose `x` column (`x[t]`) is 1 in `cols`.
fn placements_of(cands: &Candidates, x: &[usize], cols: &[f64]) -> Vec<Placement> {
    x.iter()
        .enumerate()
        .filter(|&(_, &col)| cols[col] > 0.5)
        .map(|(t, _)| {
            let tr = cands.triples[t];
            Placement {
                procedure: tr.p,
                session: tr.k,
                surgeon: tr.s,
            }
        })
        .collect()
}
