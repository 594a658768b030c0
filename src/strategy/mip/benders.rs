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
//!
//! Where the whole master is too slow to solve again (above `FULL_MODEL_LIMIT` triples), only
//! the first round runs here, and what it learned ([`Learned`]) goes on into the neighbourhood
//! search, where a **windowed master** ([`window_step`], decision 73) is one kind of
//! neighbourhood: the master built for a window of consecutive dates only, with the cases the
//! plan has on them (and the unscheduled ones) free among those dates and every other case kept
//! where it is, and with the cuts learned so far on those dates. Its choice is a move of the
//! plan: the dates whose cases changed are solved exactly, get their cuts, and the plan is kept
//! when it is cheaper.

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

/// How the rounds after the first solve the master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Master {
    /// The whole master, every date at once.
    Whole,
    /// Only the first round here; then a window of dates at a time, as a kind of the
    /// neighbourhood search ([`window_step`]).
    Windows,
}

/// Units of work for one windowed master.
const WINDOW_MASTER_WORK: f64 = 2.0;
/// Units of work for the dates one windowed master changes.
const WINDOW_DATES_WORK: f64 = 1.0;

/// Cases per date.
type Sets = BTreeMap<NaiveDate, Vec<usize>>;

/// What the rounds learn: each date's plan per set of cases solved, and the cuts, in the order
/// learned, by case (so that any master built on a subset of the pairs can take them).
pub struct Learned<'a> {
    inst: &'a Instance,
    full: &'a Candidates,
    /// Per date and set of cases solved, the date's plan (when one was found).
    cache: BTreeMap<(NaiveDate, Vec<usize>), Option<Vec<Placement>>>,
    /// Per cut: the date, its cases, and the least cost (`∞`: cannot take its mandatory cases).
    cuts: Vec<(NaiveDate, Vec<usize>, f64)>,
    work: f64,
}

impl<'a> Learned<'a> {
    /// Nothing learned yet about the dates of `full`'s cases.
    pub fn new(inst: &'a Instance, full: &'a Candidates) -> Self {
        Learned {
            inst,
            full,
            cache: BTreeMap::new(),
            cuts: Vec::new(),
            work: 0.0,
        }
    }

    /// Solves the sets of `sets` not solved yet, smallest first, each with its share of what is
    /// left of `budget` (what is left for these dates) as a soft end (as the parts of a model: `driver::optimise`), and gives
    /// each its cut (in date order). Returns whether a cut was learned.
    fn solve(&mut self, sets: &Sets, opts: &SolveOptions, budget: Budget) -> Result<bool, SolveError> {
        let (inst, full) = (self.inst, self.full);
        let n = inst.procedures.len();
        let mut todo: Vec<(NaiveDate, Candidates)> = (sets.iter())
            .filter(|(&date, cases)| !self.cache.contains_key(&(date, cases.to_vec())))
            .map(|(&date, cases)| {
                let set: BTreeSet<usize> = cases.iter().copied().collect();
                let mut sub = full.subset(
                    inst,
                    |t| set.contains(&t.p) && inst.sessions[t.k].date == date,
                    vec![false; n],
                );
                // The other cases are other dates' (their unscheduled cost is no constant of
                // this date's model: a relative gap is of the date's own cost).
                for (p, out) in sub.outside.iter_mut().enumerate() {
                    *out = *out || !set.contains(&p);
                }
                (date, sub)
            })
            .collect();
        todo.sort_by_key(|(_, sub)| sub.triples.len());
        let mut left: usize = todo.iter().map(|(_, sub)| sub.triples.len().max(1)).sum();
        let mut new_cuts: BTreeMap<NaiveDate, (Vec<usize>, f64)> = BTreeMap::new();
        let before = self.work;
        for (date, sub) in todo {
            if budget.less(self.work - before).spent() || opts.stop.is_raised() {
                break;
            }
            let share = sub.triples.len().max(1) as f64 / left as f64;
            left -= sub.triples.len().max(1);
            let mut local = Vec::new();
            let o = optimise(
                inst,
                &sub,
                None,
                opts,
                budget.soft_share(self.work - before, share),
                &mut local,
            )?;
            self.work += o.work;
            tracing::debug!(%date, triples = sub.triples.len(), share, status = ?o.status, best = ?o.best.as_ref().map(|b| b.1), bound = ?o.bound, work = o.work, "date solved");
            // A lower bound of the date's least cost (+∞: it cannot take the mandatory cases).
            let nowhere = sub.nowhere_cost(inst) as f64;
            let cost = if o.infeasible {
                f64::INFINITY
            } else {
                o.bound.map_or(f64::NEG_INFINITY, |b| (b - 1e-6).ceil() - nowhere)
            };
            let cases = &sets[&date];
            if cost > f64::NEG_INFINITY {
                let cut: Vec<usize> = (cases.iter().copied())
                    .filter(|&p| cost.is_finite() || full.scheduled_always(inst, p))
                    .collect();
                // (A date that cannot take its cases always has a mandatory one among them.)
                if !cut.is_empty() {
                    new_cuts.insert(date, (cut, cost));
                }
            }
            self.cache.insert((date, cases.clone()), o.best.map(|(pl, _)| pl));
        }
        let learned = !new_cuts.is_empty();
        self.cuts
            .extend(new_cuts.into_iter().map(|(d, (cases, cost))| (d, cases, cost)));
        Ok(learned)
    }

    /// The plan of `sets` put together from the dates' plans, when every date has one.
    fn plan(&self, sets: &Sets) -> Option<Plan> {
        let mut all = Vec::new();
        for (&date, cases) in sets {
            all.extend_from_slice(self.cache.get(&(date, cases.clone()))?.as_ref()?);
        }
        let obj = schedule::objective(self.inst, &all).total;
        Some((all, obj))
    }

    /// The cuts on `model`'s pairs. A cut with a case that has no pair on its date there is
    /// left out: that case is off the date in every plan of the model, and the cut is slack.
    fn cuts_on(&self, model: &DayModel) -> Vec<DayCut> {
        let index: BTreeMap<(usize, NaiveDate), usize> =
            model.pairs.iter().enumerate().map(|(i, &pd)| (pd, i)).collect();
        (self.cuts.iter())
            .filter_map(|(date, cases, cost)| {
                let pairs = (cases.iter())
                    .map(|&p| index.get(&(p, *date)).copied())
                    .collect::<Option<Vec<usize>>>()?;
                Some(DayCut {
                    date: *date,
                    pairs,
                    cost: *cost,
                })
            })
            .collect()
    }
}

/// Cases per date of `days`.
fn sets_of(days: &DayPlan) -> Sets {
    let mut sets = Sets::new();
    for (p, d) in days.iter().enumerate() {
        if let Some(d) = d {
            sets.entry(*d).or_default().push(p);
        }
    }
    sets
}

/// The master `model` solved with `cuts`, warm-started from `plan` (per case its date) with
/// the lists `opened`, within `budget`: its dates (when it has a solution), its bound, the work.
fn master(
    model: &DayModel,
    cuts: &[DayCut],
    plan: Option<(&DayPlan, &BTreeSet<usize>)>,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<(Option<DayPlan>, Option<f64>, f64), SolveError> {
    let (problem, costs, layout) = model.build_with(cuts);
    let warm = plan.map(|(days, opened)| model.warm(&costs, &layout, cuts, days, opened));
    let rebuild = || {
        let (p, c, _) = model.build_with(cuts);
        (p, c)
    };
    let run = run_audited(
        (problem, costs),
        &rebuild,
        warm.as_deref(),
        opts,
        &model.inst.trust_id,
        budget,
        notes,
    )?;
    let days = run.columns.map(|cols| model.days(&cols, &layout.w));
    Ok((days, run.bound, run.work))
}

/// Per case its date in `plan`, and the lists it opens.
fn dates_and_lists(inst: &Instance, plan: &[Placement]) -> (DayPlan, BTreeSet<usize>) {
    let mut days: DayPlan = vec![None; inst.procedures.len()];
    let mut opened = BTreeSet::new();
    for p in plan {
        days[p.procedure] = Some(inst.sessions[p.session].date);
        opened.insert(p.session);
    }
    (days, opened)
}

/// Runs Benders rounds on `model`'s instance and candidates from the master's first choice (the
/// relaxation's dates and bound) within `budget`, the master solved `how` after the first
/// round. Returns the best plan (better than `start`, or `start`), the best
/// bound of the master with its cuts, and the units of work used.
#[allow(clippy::too_many_arguments)]
pub fn solve(
    model: &DayModel,
    relaxation: (DayPlan, Option<f64>),
    start: Option<Plan>,
    how: Master,
    learned: &mut Learned,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<(Option<Plan>, Option<f64>, f64), SolveError> {
    let inst = model.inst;
    let (mut days, relaxation_bound) = relaxation;
    let mut best = start;
    let mut bound: Option<f64> = relaxation_bound;
    let before = learned.work;
    let mut rounds = 0;
    let mut proven = false;
    loop {
        rounds += 1;
        let sets = sets_of(&days);
        let new = learned.solve(&sets, opts, budget.less(learned.work - before))?;
        let plan = learned.plan(&sets);
        if let Some((pl, obj)) = plan {
            if best.as_ref().is_none_or(|b| obj < b.1) {
                best = Some((pl, obj));
            }
        }
        if best.as_ref().zip(bound).is_some_and(|(b, lb)| b.1 as f64 <= lb.ceil()) {
            proven = true;
            break;
        }
        if budget.less(learned.work - before).spent() || opts.stop.is_raised() {
            break;
        }
        if how == Master::Windows {
            break; // the windowed rounds are the neighbourhood search's
        }
        // The master again, with every cut so far, warm-started from the best plan.
        let cuts = learned.cuts_on(model);
        let warm = best.as_ref().map(|(pl, _)| dates_and_lists(inst, pl));
        let (next, b, w) = master(
            model,
            &cuts,
            warm.as_ref().map(|(d, o)| (d, o)),
            opts,
            budget.less(learned.work - before),
            notes,
        )?;
        learned.work += w;
        if let Some(b) = b {
            bound = Some(bound.map_or(b, |a: f64| a.max(b)));
        }
        let Some(next) = next else { break };
        if !new && next == days {
            break; // nothing learned and the master chose the same dates
        }
        days = next;
    }
    notes.push(format!(
        "Benders on dates: {rounds} round{}, {} cuts, {} date sets solved{}, bound {} ({:.1} units of work)",
        if rounds == 1 { "" } else { "s" },
        learned.cuts.len(),
        learned.cache.len(),
        if proven { ", proven optimal" } else { "" },
        bound.map_or("none".to_string(), |b| format!("{b:.0}")),
        learned.work - before,
    ));
    Ok((best, bound, learned.work - before))
}

/// What one windowed master gave (module docs).
pub struct WindowStep {
    /// The plan with the window's dates re-chosen, when the master changed any.
    pub plan: Option<Plan>,
    /// The master kept the window as it is: no move there (for the master as it stands).
    pub kept: bool,
    /// Units of work used.
    pub work: f64,
}

/// One windowed master (module docs) around `plan`: the relaxation of the dates `window`, with
/// the cases `plan` has on them and its unscheduled cases free among those dates and every other
/// case kept where it is, and the cuts `learned` has on them; the dates whose cases it changes
/// are solved exactly (cached, each with its cut), and put together with `plan`'s other dates.
pub fn window_step(
    learned: &mut Learned,
    plan: &[Placement],
    window: &BTreeSet<NaiveDate>,
    opts: &SolveOptions,
    budget: Budget,
) -> Result<WindowStep, SolveError> {
    let (inst, full) = (learned.inst, learned.full);
    let n = inst.procedures.len();
    let before = learned.work;
    let date_of = |k: usize| inst.sessions[k].date;
    let (days, opened) = dates_and_lists(inst, plan);
    let kept = |work: f64| WindowStep {
        plan: None,
        kept: true,
        work,
    };
    let nothing = |work: f64| WindowStep {
        plan: None,
        kept: false,
        work,
    };
    // Free: the cases on the window's dates and the unscheduled ones.
    let free: Vec<bool> = (0..n).map(|p| days[p].is_none_or(|d| window.contains(&d))).collect();
    let mut sub = full.subset(inst, |t| free[t.p] && window.contains(&date_of(t.k)), vec![false; n]);
    for (p, out) in sub.outside.iter_mut().enumerate() {
        *out = *out || !free[p];
    }
    if sub.triples.is_empty() {
        return Ok(kept(0.0)); // nothing in the window to move
    }
    let local = DayModel::new(inst, &sub);
    let cuts = learned.cuts_on(&local);
    let mut notes = Vec::new();
    let (choice, _, w) = master(
        &local,
        &cuts,
        Some((&days, &opened)),
        opts,
        budget.with_work(WINDOW_MASTER_WORK),
        &mut notes,
    )?;
    learned.work += w;
    let Some(choice) = choice else {
        return Ok(nothing(learned.work - before));
    };
    // The window's dates whose cases the master changed.
    let now = sets_of(&days);
    let chosen = sets_of(&choice);
    let changed: Sets = (window.iter())
        .filter(|d| now.get(*d) != chosen.get(*d))
        .map(|d| (*d, chosen.get(d).cloned().unwrap_or_default()))
        .collect();
    if changed.is_empty() {
        return Ok(kept(learned.work - before));
    }
    let solving: Sets = changed
        .iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(d, c)| (*d, c.clone()))
        .collect();
    learned.solve(
        &solving,
        opts,
        budget.less(learned.work - before).with_work(WINDOW_DATES_WORK),
    )?;
    let mut placements: Vec<Placement> = (plan.iter())
        .filter(|pl| !changed.contains_key(&date_of(pl.session)))
        .copied()
        .collect();
    for (&date, cases) in &solving {
        match learned.cache.get(&(date, cases.clone())) {
            Some(Some(pl)) => placements.extend_from_slice(pl),
            _ => return Ok(nothing(learned.work - before)), // a date without a plan in time
        }
    }
    let obj = schedule::objective(inst, &placements).total;
    Ok(WindowStep {
        plan: Some((placements, obj)),
        kept: false,
        work: learned.work - before,
    })
}
