//! The HiGHS driver: runs a good_lp model through the underlying HiGHS model (options, warm
//! start, dual bound), audits what HiGHS returns, and optimises a model round by round with its
//! lazy cuts. Every solve of the MIP, the decomposition's included, goes through here, so all
//! use the same options.

use super::candidates::Candidates;
use super::cuts::violated_cuts;
use super::model::{build, warm_vector};
use crate::model::Instance;
use crate::schedule::{self, Placement};
use crate::strategy::contract::{SolveError, SolveOptions};
use good_lp::solvers::highs::HighsProblem;
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::time::Instant;

/// Rounds of lazy cuts before giving up on improving the warm start.
const MAX_ROUNDS: usize = 50;

/// A plan with its objective.
pub type Plan = (Vec<Placement>, i64);
/// Columns and rows of a model.
pub type ModelSize = (usize, usize);

/// Seconds left until `deadline` (0 once it has passed).
pub fn seconds_left(deadline: Instant) -> f64 {
    deadline.saturating_duration_since(Instant::now()).as_secs_f64()
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
}

/// Solves a good_lp model through the underlying HiGHS model (options, warm start, bound).
pub fn run_highs(
    problem: HighsProblem,
    costs: &[f64],
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    seconds: f64,
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
    set(&mut model, "output_flag", OptionValue::Bool(false))?;
    set(&mut model, "time_limit", OptionValue::Float(seconds.max(0.01)))?;
    set(&mut model, "mip_rel_gap", OptionValue::Float(opts.gap))?;
    set(&mut model, "mip_abs_gap", OptionValue::Float(0.999))?;
    set(&mut model, "threads", OptionValue::Int(opts.threads.max(1) as i32))?;
    set(&mut model, "random_seed", OptionValue::Int(opts.seed as i32))?;
    if !presolve {
        set(&mut model, "presolve", OptionValue::Str("off"))?;
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| err("warm start", &e))?;
    }
    let solved = model.try_solve().map_err(|e| err("solve", &e))?;
    let status = solved.status();
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
    Ok(HighsRun {
        status,
        columns,
        bound,
        inconsistent,
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
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<HighsRun, SolveError> {
    let (problem, costs) = first;
    let run = run_highs(problem, &costs, warm, opts, seconds_left(deadline), true)?;
    if !run.inconsistent {
        return Ok(run);
    }
    notes.push("HiGHS returned a solution inconsistent with its objective; re-solved without presolve".into());
    let (problem, costs) = rebuild();
    let run = run_highs(problem, &costs, warm, opts, seconds_left(deadline), false)?;
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
}

/// Solves `cands` with lazy shift-chain cuts until the plan keeps every rule or time runs out.
pub fn optimise(
    inst: &Instance,
    cands: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<Optimised, SolveError> {
    let mut out = Optimised {
        best: None,
        bound: None,
        status: HighsModelStatus::NotSet,
        infeasible: false,
        size: (0, 0),
    };
    let mut cuts: Vec<Vec<usize>> = Vec::new();
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        if seconds_left(deadline) <= 0.05 {
            notes.push("time limit reached between rounds of cuts".into());
            break;
        }
        rounds += 1;
        let built = build(inst, cands, &cuts);
        out.size = (built.columns, built.rows);
        let warm_cols = warm.and_then(|pl| warm_vector(cands, &built, pl));
        let x = built.x.clone();
        let rebuild = || {
            let b = build(inst, cands, &cuts);
            (b.problem, b.costs)
        };
        let run = run_audited(
            (built.problem, built.costs),
            &rebuild,
            warm_cols.as_deref(),
            opts,
            deadline,
            notes,
        )?;
        out.status = run.status;
        out.bound = run.bound;
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
