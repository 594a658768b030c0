//! Logic-based Benders decomposition on dates (decision 72), for models no safe-hours rule joins
//! across dates.
//!
//! The day-level relaxation (the **master**, `relaxation::DayModel`) chooses each case's date; it
//! prices a date's cases and opened lists but not how they pack into lists, nor theatre switches.
//! Once the rules join nothing across dates, a plan is one packing problem per date, and the
//! least cost of date δ holding the set of cases `S`, `C(δ, S)`, is what the day-restricted model
//! solves per part. Adding a case to a date never makes that date cheaper (a plan of the larger
//! set, less the case, is a plan of the smaller one at no more cost), so in any plan that puts
//! all of `S` on δ the date costs at least `C(δ, S)`. The cut
//!
//! `θ[δ] + Σ_{(p,δ)} c·w + Σ_{k on δ} open·o ≥ C·(1 − Σ_{i∈S} (1 − w_i))`
//!
//! is therefore valid: the master with its cuts stays a relaxation, and its dual bound stays a
//! bound of the whole problem. A date that cannot take the mandatory cases of `S` at all gets the
//! no-good `Σ_{i∈S mandatory} w_i ≤ |S_m| − 1`.
//!
//! Each round solves every date of the master's choice exactly (cached by date and set), puts the
//! dates' plans together into a plan of the whole problem, and gives each date solved its cut
//! (it binds where the master under-priced the date); the master is solved again, warm-started
//! from the best plan. When the master's bound meets the best plan, that plan is optimal: this
//! happens once the master prices its own choice at its true cost.

use super::candidates::{hours_rules_active, Candidates};
use super::driver::{optimise, run_audited, Budget, Plan};
use super::relaxation::{DayCut, DayModel, DayPlan};
use crate::model::Instance;
use crate::schedule::{self, Placement};
use crate::strategy::contract::{SolveError, SolveOptions};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Whether Benders applies: no safe-hours rule joins a surgeon's dates.
pub fn applies(inst: &Instance) -> bool {
    !hours_rules_active(inst)
}

/// Runs Benders rounds on `model`'s instance and candidates from the master's first choice (the
/// relaxation's dates and bound) within `budget`. Returns the best plan (better than `start`, or
/// `start`), the best bound of the master with its cuts, and the units of work used.
pub fn solve(
    model: &DayModel,
    relaxation: (DayPlan, Option<f64>),
    start: Option<Plan>,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<(Option<Plan>, Option<f64>, f64), SolveError> {
    let (inst, full) = (model.inst, model.full);
    let (mut days, relaxation_bound) = relaxation;
    let n = inst.procedures.len();
    let mut best = start;
    let mut bound: Option<f64> = relaxation_bound;
    let mut cuts: Vec<DayCut> = Vec::new();
    // Per date and set of cases solved, the date's plan (when one was found).
    let mut cache: BTreeMap<(NaiveDate, Vec<usize>), Option<Vec<Placement>>> = BTreeMap::new();
    let mut work = 0.0;
    let mut rounds = 0;
    let mut proven = false;
    let pair_index: BTreeMap<(usize, NaiveDate), usize> =
        model.pairs.iter().enumerate().map(|(i, &pd)| (pd, i)).collect();
    loop {
        rounds += 1;
        // The master's choice, date by date.
        let mut per_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for (p, d) in days.iter().enumerate() {
            if let Some(d) = d {
                per_date.entry(*d).or_default().push(p);
            }
        }
        // The dates not solved yet with their cases, smallest first, each with its share of what
        // is left as a soft end (as the parts of a model: `driver::optimise`).
        let mut todo: Vec<(NaiveDate, Candidates)> = (per_date.iter())
            .filter(|(&date, cases)| !cache.contains_key(&(date, cases.to_vec())))
            .map(|(&date, cases)| {
                let set: BTreeSet<usize> = cases.iter().copied().collect();
                let sub = full.subset(
                    inst,
                    |t| set.contains(&t.p) && inst.sessions[t.k].date == date,
                    vec![false; n],
                );
                (date, sub)
            })
            .collect();
        todo.sort_by_key(|(_, sub)| sub.triples.len());
        let mut left: usize = todo.iter().map(|(_, sub)| sub.triples.len().max(1)).sum();
        // Each date solved gets its cut (in date order, after the round).
        let mut new_cuts: BTreeMap<NaiveDate, DayCut> = BTreeMap::new();
        for (date, sub) in todo {
            if budget.less(work).spent() || opts.stop.is_raised() {
                break;
            }
            let share = sub.triples.len().max(1) as f64 / left as f64;
            left -= sub.triples.len().max(1);
            let mut local = Vec::new();
            let o = optimise(inst, &sub, None, opts, budget.soft_share(work, share), &mut local)?;
            work += o.work;
            // A lower bound of the date's least cost (+∞: it cannot take the mandatory cases).
            let nowhere = sub.nowhere_cost(inst) as f64;
            let cost = if o.infeasible {
                f64::INFINITY
            } else {
                o.bound.map_or(f64::NEG_INFINITY, |b| (b - 1e-6).ceil() - nowhere)
            };
            let cases = &per_date[&date];
            if cost > f64::NEG_INFINITY {
                let pairs: Vec<usize> = (cases.iter())
                    .filter(|&&p| cost.is_finite() || full.scheduled_always(inst, p))
                    .map(|&p| pair_index[&(p, date)])
                    .collect();
                // (A date that cannot take its cases always has a mandatory one among them.)
                if !pairs.is_empty() {
                    new_cuts.insert(date, DayCut { date, pairs, cost });
                }
            }
            cache.insert((date, cases.clone()), o.best.map(|(pl, _)| pl));
        }
        let learned = !new_cuts.is_empty();
        cuts.extend(new_cuts.into_values());
        let mut plan: Option<Vec<Placement>> = Some(Vec::new());
        for (&date, cases) in &per_date {
            match (&mut plan, cache.get(&(date, cases.clone()))) {
                (Some(all), Some(Some(pl))) => all.extend_from_slice(pl),
                (p, _) => *p = None,
            }
        }
        if let Some(pl) = plan {
            let obj = schedule::objective(inst, &pl).total;
            if best.as_ref().is_none_or(|b| obj < b.1) {
                best = Some((pl, obj));
            }
        }
        if best.as_ref().zip(bound).is_some_and(|(b, lb)| b.1 as f64 <= lb.ceil()) {
            proven = true;
            break;
        }
        if budget.less(work).spent() || opts.stop.is_raised() {
            break;
        }
        // The master again, with every cut so far, warm-started from the best plan.
        let (problem, costs, layout) = model.build_with(&cuts);
        let warm = best.as_ref().map(|(pl, _)| {
            let mut plan_days: DayPlan = vec![None; n];
            let mut opened = BTreeSet::new();
            for p in pl {
                plan_days[p.procedure] = Some(inst.sessions[p.session].date);
                opened.insert(p.session);
            }
            model.warm(&costs, &layout, &cuts, &plan_days, &opened)
        });
        let rebuild = || {
            let (p, c, _) = model.build_with(&cuts);
            (p, c)
        };
        let run = run_audited(
            (problem, costs),
            &rebuild,
            warm.as_deref(),
            opts,
            &inst.trust_id,
            budget.less(work),
            notes,
        )?;
        work += run.work;
        if let Some(b) = run.bound {
            bound = Some(bound.map_or(b, |a: f64| a.max(b)));
        }
        let Some(cols) = run.columns else { break };
        let next = model.days(&cols, &layout.w);
        if !learned && next == days {
            break; // nothing learned and the master chose the same dates
        }
        days = next;
    }
    notes.push(format!(
        "Benders on dates: {rounds} round{}, {} cuts, {} date sets solved{}, bound {} ({work:.1} units of work)",
        if rounds == 1 { "" } else { "s" },
        cuts.len(),
        cache.len(),
        if proven { ", proven optimal" } else { "" },
        bound.map_or("none".to_string(), |b| format!("{b:.0}")),
    ));
    Ok((best, bound, work))
}
