//! Larger instances. Up to [`HYBRID_FROM`] eligible triples the parent module solves the full
//! model directly. Above it, steps 1 and 2 below first give a bound and a far better starting
//! plan than the heuristics (IHTC i25: 5,250 against 6,895 for `priority`); then, up to
//! [`FULL_MODEL_LIMIT`] triples, the full model runs from that plan, and above it step 3 replaces
//! the full model. Where the full assignment model has more than [`FULL_MODEL_LIMIT`] eligible
//! triples, HiGHS stalls (on IHTC-2024 instances of 400–500 cases and ~50,000 binaries it did not
//! even finish the root LP in 60 s, and its incumbents stayed 20–30 % above the best-known
//! values). There, the MIP works in three steps, each exact on every rule:
//!
//! 1. **Day-level relaxation.** Variables `w[p,δ]` (case *p* on date δ, for dates where it has a
//!    triple), `z[p]` (unscheduled) and `o[k]` (list *k* with an open cost is used). Per case
//!    `Σ_δ w + z = 1`; per date and specialty, minutes of cases with turnaround `≤` free minutes of
//!    the lists that could take them (lists with an open cost only when opened); a case on a date
//!    where every list that could take it has an open cost needs one of them opened
//!    (`w[p,δ] ≤ Σ o[k]`); named surgeons' operating-minute caps per date. It drops the packing into
//!    individual lists, surgeon staffing and the safe-hours rules, and the theatre-switch cost,
//!    so its optimum is a **lower bound** of the exact problem: the bound and gap we report.
//! 2. **Day-restricted exact model.** The full model of the parent module, with each case allowed
//!    only on the date the relaxation chose (or unscheduled when it has no deadline). Small, and
//!    usually close to the bound.
//! 3. **Large-neighbourhood search.** From the better of step 2 and the heuristic warm start:
//!    repeatedly free every case on a window of consecutive dates (and every unscheduled case, on
//!    those dates), freeze the rest on their triples, and solve that exact model warm-started from
//!    the incumbent, so each step is never worse. Windows slide by half their width; after a full
//!    pass without improvement they double, up to the whole horizon.

use super::{optimise, run_audited, Candidates, Placement, Triple};
use crate::model::Instance;
use crate::schedule;
use crate::strategy::{SolveError, SolveOptions};
use chrono::NaiveDate;
use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Above this many eligible triples the full model is replaced by the decomposition.
pub const FULL_MODEL_LIMIT: usize = 12_000;

/// Above this many triples the full model gets half the time, then neighbourhood search.
pub const HYBRID_FROM: usize = 1_500;

/// Free triples in a first neighbourhood.
const FIRST_WINDOW_TRIPLES: usize = 4_000;

/// A plan with its objective.
type Plan = (Vec<Placement>, i64);
/// Columns and rows of the last model solved.
type ModelSize = (usize, usize);

/// Per case the date chosen by the relaxation (`None`: unscheduled).
type DayPlan = Vec<Option<NaiveDate>>;
/// Cases of a (date, specialty) group and the lists they could use.
type Group = (Vec<usize>, BTreeSet<usize>);

pub(crate) fn left(deadline: Instant) -> f64 {
    deadline.saturating_duration_since(Instant::now()).as_secs_f64()
}

/// Steps 1 and 2: the relaxation's bound (solved until `relaxation_deadline`), and the better of
/// the warm start and the day-restricted exact model's plan (until `deadline`, or a 0.5 % gap).
pub(crate) fn day_plan(
    inst: &Instance,
    full: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    relaxation_deadline: Instant,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<(Option<Plan>, Option<f64>), SolveError> {
    let date_of = |t: &Triple| inst.sessions[t.k].date;
    // The relaxation and the restricted model only seed the search: they stop at a small gap
    // (their dual bounds stay valid) so that the time goes where it pays.
    let seed_opts = SolveOptions {
        gap: opts.gap.max(0.005),
        ..opts.clone()
    };
    let (days, bound) = relaxation(inst, full, &seed_opts, relaxation_deadline.min(deadline), notes)?;
    let mut incumbent: Option<(Vec<Placement>, i64)> = warm.map(|w| (w.to_vec(), schedule::objective(inst, w).total));
    if let Some(days) = &days {
        let sub = full.subset(
            inst,
            |t| days[t.p] == Some(date_of(t)),
            vec![false; inst.procedures.len()],
        );
        let mut local = Vec::new();
        let o = optimise(inst, &sub, None, &seed_opts, deadline, &mut local)?;
        match o.best {
            Some((pl, obj)) => {
                notes.push(format!("day-restricted model: objective {obj}"));
                if incumbent.as_ref().is_none_or(|(_, b)| obj < *b) {
                    incumbent = Some((pl, obj));
                }
            }
            None if o.infeasible => notes.push("day-restricted model infeasible (cases did not pack)".into()),
            None => notes.push("day-restricted model: no plan in time".into()),
        }
    }
    Ok((incumbent, bound))
}

/// Large-neighbourhood search from a feasible `plan`: windows of consecutive dates are freed in
/// turn (with every unscheduled case) and re-optimised exactly, the rest frozen on their triples.
/// Stops at `deadline`, when `obj` reaches `bound`, or when a window covering the whole horizon
/// has been solved.
#[allow(clippy::too_many_arguments)]
pub(crate) fn lns(
    inst: &Instance,
    full: &Candidates,
    mut plan: Vec<Placement>,
    mut obj: i64,
    bound_int: Option<i64>,
    opts: &SolveOptions,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<(Vec<Placement>, i64, ModelSize), SolveError> {
    let date_of = |t: &Triple| inst.sessions[t.k].date;
    let dates: Vec<NaiveDate> = full
        .triples
        .iter()
        .map(date_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut per_date: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for t in &full.triples {
        *per_date.entry(date_of(t)).or_default() += 1;
    }
    let mut target = FIRST_WINDOW_TRIPLES;
    let mut start = 0usize;
    let mut improved_in_pass = false;
    let (mut steps, mut better) = (0usize, 0usize);
    let mut size = (0, 0);
    while left(deadline) > 0.5 && !dates.is_empty() {
        if bound_int.is_some_and(|b| obj <= b) {
            break; // proven optimal
        }
        let mut end = start + 1;
        let mut count = per_date[&dates[start]];
        while end < dates.len() && count + per_date[&dates[end]] <= target {
            count += per_date[&dates[end]];
            end += 1;
        }
        let window: BTreeSet<NaiveDate> = dates[start..end].iter().copied().collect();
        let mut current: Vec<Option<Placement>> = vec![None; inst.procedures.len()];
        for pl in &plan {
            current[pl.procedure] = Some(*pl);
        }
        let free: Vec<bool> = current
            .iter()
            .map(|c| c.is_none_or(|pl| window.contains(&inst.sessions[pl.session].date)))
            .collect();
        let forced: Vec<bool> = current.iter().zip(&free).map(|(c, &f)| c.is_some() && !f).collect();
        let sub = full.subset(
            inst,
            |t| {
                if free[t.p] {
                    window.contains(&date_of(t))
                } else {
                    current[t.p].is_some_and(|pl| pl.session == t.k && pl.surgeon == t.s)
                }
            },
            forced,
        );
        let step_deadline = Instant::now() + Duration::from_secs_f64(left(deadline).clamp(0.5, 10.0));
        let mut local = Vec::new();
        let o = optimise(inst, &sub, Some(&plan), opts, step_deadline.min(deadline), &mut local)?;
        size = o.size;
        steps += 1;
        let solved_exactly = o.status == highs::HighsModelStatus::Optimal && o.best.is_some();
        if let Some((pl, o_obj)) = o.best {
            if o_obj < obj {
                plan = pl;
                obj = o_obj;
                better += 1;
                improved_in_pass = true;
            }
        }
        let width = end - start;
        if end >= dates.len() {
            if start == 0 && solved_exactly {
                break; // the window was the whole horizon, and that model was solved to optimality
            }
            start = 0;
            if !improved_in_pass {
                target = target.saturating_mul(2);
            }
            improved_in_pass = false;
        } else {
            start += (width / 2).max(1);
        }
    }
    notes.push(format!(
        "neighbourhood search: {steps} windows, {better} improvements, final window {target} triples"
    ));
    Ok((plan, obj, size))
}

/// The day-level relaxation: per case its chosen date (`None` = unscheduled), and the bound.
fn relaxation(
    inst: &Instance,
    full: &Candidates,
    opts: &SolveOptions,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<(Option<DayPlan>, Option<f64>), SolveError> {
    let turn = inst.rules.turnaround_minutes;
    // Lists each case could use on each date.
    let mut lists: BTreeMap<(usize, NaiveDate), BTreeSet<usize>> = BTreeMap::new();
    for t in &full.triples {
        lists.entry((t.p, inst.sessions[t.k].date)).or_default().insert(t.k);
    }
    let pairs: Vec<(usize, NaiveDate)> = lists.keys().copied().collect();
    let booked = super::booked_minutes(inst);
    let make = || {
        let mut vars = ProblemVariables::new();
        let mut list: Vec<Variable> = Vec::new();
        let mut costs: Vec<f64> = Vec::new();
        let mut add = |vars: &mut ProblemVariables, def: good_lp::VariableDefinition, cost: f64| {
            list.push(vars.add(def));
            costs.push(cost);
            list.len() - 1
        };
        let w: Vec<usize> = pairs
            .iter()
            .map(|&(p, d)| add(&mut vars, variable().binary(), schedule::case_cost(inst, p, d) as f64))
            .collect();
        let mut z = BTreeMap::new();
        let mut nowhere = 0.0;
        for (p, pr) in inst.procedures.iter().enumerate() {
            let u = inst.weights.unscheduled[pr.priority.index()] as f64;
            if full.by_case[p].is_empty() {
                nowhere += u;
            } else if pr.deadline.is_none() {
                z.insert(p, add(&mut vars, variable().min(0.0).max(1.0), u));
            }
        }
        if nowhere > 0.0 {
            add(&mut vars, variable().min(1.0).max(1.0), nowhere);
        }
        let mut o = BTreeMap::new();
        for set in lists.values() {
            for &k in set {
                let cost = inst.sessions[k].open_cost;
                if cost > 0 && !o.contains_key(&k) {
                    o.insert(k, add(&mut vars, variable().binary(), cost as f64));
                }
            }
        }
        let mut objective = Expression::with_capacity(list.len());
        for (i, &v) in list.iter().enumerate() {
            objective.add_mul(costs[i], v);
        }
        let mut rows = Vec::new();
        let term = |e: &mut Expression, coef: f64, i: usize| e.add_mul(coef, list[i]);
        // Each case once or unscheduled.
        let mut by_case: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &(p, _)) in pairs.iter().enumerate() {
            by_case.entry(p).or_default().push(i);
        }
        for (p, is) in &by_case {
            let mut e = Expression::with_capacity(is.len() + 1);
            for &i in is {
                term(&mut e, 1.0, w[i]);
            }
            if let Some(&zc) = z.get(p) {
                term(&mut e, 1.0, zc);
            }
            rows.push(e.eq(1.0));
        }
        // Capacity per date and specialty.
        let mut groups: BTreeMap<(NaiveDate, &str), Group> = BTreeMap::new();
        for (i, &(p, d)) in pairs.iter().enumerate() {
            let g = groups.entry((d, inst.procedures[p].specialty.as_str())).or_default();
            g.0.push(i);
            g.1.extend(lists[&(p, d)].iter().copied());
        }
        for (is, ks) in groups.values() {
            let mut e = Expression::with_capacity(is.len() + ks.len());
            let mut fixed = 0.0;
            for &i in is {
                term(&mut e, (inst.procedures[pairs[i].0].duration + turn) as f64, w[i]);
            }
            for k in ks {
                let free = inst.sessions[*k].free_minutes as f64;
                match o.get(k) {
                    Some(&oc) => term(&mut e, -free, oc),
                    None => fixed += free,
                }
            }
            rows.push(e.leq(fixed));
        }
        // A date whose lists all carry an open cost needs one opened.
        for (i, pd) in pairs.iter().enumerate() {
            let ks = &lists[pd];
            if ks.iter().all(|k| o.contains_key(k)) {
                let mut e = Expression::with_capacity(ks.len() + 1);
                term(&mut e, 1.0, w[i]);
                for k in ks {
                    term(&mut e, -1.0, o[k]);
                }
                rows.push(e.leq(0.0));
            }
        }
        // Named surgeons' operating caps.
        let mut caps: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
        for (i, &(p, d)) in pairs.iter().enumerate() {
            if let Some(s) = inst.procedures[p].surgeon {
                caps.entry((s, d)).or_default().push(i);
            }
        }
        for ((s, d), is) in caps {
            let Some(cap) = inst.operating_cap(s, d) else { continue };
            let booked = booked.get(&(s, d)).copied().unwrap_or(0);
            let mut e = Expression::with_capacity(is.len());
            for &i in &is {
                term(&mut e, inst.procedures[pairs[i].0].duration as f64, w[i]);
            }
            rows.push(e.leq((cap - booked) as f64));
        }
        let mut problem = vars.minimise(objective).using(highs);
        for r in rows {
            problem.add_constraint(r);
        }
        (problem, costs, w)
    };
    let (problem, costs, w) = make();
    let rebuild = || {
        let (p, c, _) = make();
        (p, c)
    };
    let run = run_audited((problem, costs), &rebuild, None, opts, deadline, notes)?;
    let bound = run.bound;
    let Some(cols) = run.columns else {
        notes.push("day-level relaxation: no solution in time".into());
        return Ok((None, bound));
    };
    let mut days = vec![None; inst.procedures.len()];
    for (i, &(p, d)) in pairs.iter().enumerate() {
        if cols[w[i]] > 0.5 {
            days[p] = Some(d);
        }
    }
    notes.push(format!(
        "day-level relaxation: bound {:.0} ({:?})",
        bound.unwrap_or(f64::NAN),
        run.status
    ));
    Ok((Some(days), bound))
}
