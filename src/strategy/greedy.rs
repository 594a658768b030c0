//! Greedy list scheduling: `fifo` (treat in turn) and `priority` (clinical priority, then
//! longest wait). Each case goes to the earliest session where adding it keeps *every* rule of
//! SPEC.md section 3.
//!
//! Decision: cases with a hard deadline are placed first (by deadline) in both strategies, as a
//! booking office books its must-do cases before the rest; the remaining cases follow the
//! strategy's order.
//!
//! Re-planning a published plan (SPEC.md section 8), both strategies work as a booking office
//! would: first every booking that must be kept (rule 11; if one cannot be, the trust fails with
//! [`SolveError::KeptBookingsInfeasible`] naming the cases), then every other live booking that
//! still fits its list (in the strategy's case order), then every other case to its earliest
//! session. Decision: when keeping the optional bookings leaves a hard deadline unmet, the pass
//! is run again with the cases with a deadline placed right after the bookings that must be kept
//! (each in its own booked list when it fits); only if that fails too does the strategy fail.
//! Without bookings both passes are the one pass of before, case by case.

use super::contract::{SolveError, SolveOptions, Strategy};
use super::plan_state::PlanState;
use crate::model::Instance;
use crate::schedule::{Placement, Reason, Solution, SolverInfo};
use chrono::NaiveDate;
use std::time::Instant;

/// The order in which a greedy strategy takes the cases (after those with a hard deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `original_date`, then `referral`.
    Fifo,
    /// priority, then `referral` (longest wait), then `original_date`.
    Priority,
}

/// A greedy strategy: each case in turn to the earliest session that keeps every rule.
pub struct Greedy {
    /// The order in which it takes the cases after those with a hard deadline.
    pub order: Order,
}

impl Greedy {
    /// `fifo`: treat in turn.
    pub fn fifo() -> Self {
        Greedy { order: Order::Fifo }
    }
    /// `priority`: clinical priority first, then longest wait.
    pub fn priority() -> Self {
        Greedy { order: Order::Priority }
    }
}

/// Sessions in time order (date, start, then instance order).
pub fn session_order(inst: &Instance) -> Vec<usize> {
    let mut v: Vec<usize> = (0..inst.sessions.len()).collect();
    v.sort_by_key(|&k| (inst.sessions[k].date, inst.sessions[k].start, k));
    v
}

/// The order in which a strategy takes the cases.
pub fn case_order(inst: &Instance, order: Order) -> Vec<usize> {
    let far = NaiveDate::MAX;
    let mut v: Vec<usize> = (0..inst.procedures.len()).collect();
    v.sort_by_key(|&p| {
        let pr = &inst.procedures[p];
        let mandatory = pr.deadline.unwrap_or(far);
        let (a, b, c) = match order {
            Order::Fifo => (0, pr.original_date.unwrap_or(far), pr.referral.unwrap_or(far)),
            Order::Priority => (
                pr.priority.index(),
                pr.referral.unwrap_or(far),
                pr.original_date.unwrap_or(far),
            ),
        };
        (pr.deadline.is_none(), mandatory, a, b, c, p)
    });
    v
}

/// A greedy plan: the placements and, for each case left out, why.
pub type GreedyPlan = (Vec<Placement>, Vec<(usize, Reason)>);

/// Runs a greedy pass in `cases` order (see the module docs): the bookings that must be kept,
/// the other live bookings, then the rest, each to its earliest session. `Err` holds the cases
/// whose booking must be kept (rule 11) and could not be.
pub fn run(inst: &Instance, cases: &[usize]) -> Result<GreedyPlan, Vec<usize>> {
    let plan = pass(inst, cases, false)?;
    let misses_deadline = |plan: &GreedyPlan| plan.1.iter().any(|(_, r)| *r == Reason::DeadlineInfeasible);
    let optional_bookings = cases
        .iter()
        .any(|&p| inst.procedures[p].live_booking().is_some() && inst.must_keep(p).is_none());
    if misses_deadline(&plan) && optional_bookings {
        let retry = pass(inst, cases, true)?;
        if !misses_deadline(&retry) {
            return Ok(retry);
        }
    }
    Ok(plan)
}

/// One pass of [`run`]; with `deadlines_first`, the cases with a hard deadline come right after
/// the bookings that must be kept.
fn pass(inst: &Instance, cases: &[usize], deadlines_first: bool) -> Result<GreedyPlan, Vec<usize>> {
    let sessions = session_order(inst);
    // The surgeons each list's live bookings name: a pooled case kept in an unshared list goes
    // to the surgeon its list's other bookings need, so that they can be kept too.
    let mut named_in: Vec<Vec<usize>> = vec![Vec::new(); inst.sessions.len()];
    for pr in &inst.procedures {
        if let (Some(k), Some(s)) = (pr.live_booking(), pr.surgeon) {
            if !named_in[k].contains(&s) {
                named_in[k].push(s);
            }
        }
    }
    let mut state = PlanState::new(inst);
    let mut done = vec![false; inst.procedures.len()];
    let mut unscheduled = Vec::new();
    // 1. Rule 11: every booking that must be kept.
    let mut unkept = Vec::new();
    for &p in cases {
        if let Some(k) = inst.must_keep(p) {
            done[p] = true;
            if state.place_in(p, k, &named_in[k]).is_none() {
                unkept.push(p);
            }
        }
    }
    if !unkept.is_empty() {
        return Err(unkept);
    }
    let to_earliest = |state: &mut PlanState, p: usize, unscheduled: &mut Vec<(usize, Reason)>| {
        if let Err(reason) = state.place_earliest(p, &sessions) {
            unscheduled.push((p, reason));
        }
    };
    // 1b. On the second pass, the cases with a deadline: their booked list if it fits, else the
    // earliest.
    if deadlines_first {
        for &p in cases {
            if done[p] || inst.procedures[p].deadline.is_none() {
                continue;
            }
            done[p] = true;
            let kept = inst.procedures[p]
                .live_booking()
                .is_some_and(|k| state.place_in(p, k, &named_in[k]).is_some());
            if !kept {
                to_earliest(&mut state, p, &mut unscheduled);
            }
        }
    }
    // 2. Every other live booking that still fits its list.
    for &p in cases {
        if !done[p] {
            if let Some(k) = inst.procedures[p].live_booking() {
                done[p] = state.place_in(p, k, &named_in[k]).is_some();
            }
        }
    }
    // 3. The rest, each to its earliest session.
    for &p in cases {
        if !done[p] {
            to_earliest(&mut state, p, &mut unscheduled);
        }
    }
    Ok((state.placements, unscheduled))
}

impl Strategy for Greedy {
    fn name(&self) -> &'static str {
        match self.order {
            Order::Fifo => "fifo",
            Order::Priority => "priority",
        }
    }

    fn solve(&self, inst: &Instance, _opts: &SolveOptions) -> Result<Solution, SolveError> {
        let t0 = Instant::now();
        let (placements, unscheduled) =
            run(inst, &case_order(inst, self.order)).map_err(|unkept| SolveError::KeptBookingsInfeasible {
                strategy: self.name().to_string(),
                cases: unkept.iter().map(|&p| inst.procedures[p].id.clone()).collect(),
                proven: false,
            })?;
        let missed: Vec<String> = unscheduled
            .iter()
            .filter(|(_, r)| *r == Reason::DeadlineInfeasible)
            .map(|&(p, _)| inst.procedures[p].id.clone())
            .collect();
        if !missed.is_empty() {
            return Err(SolveError::DeadlineInfeasible {
                strategy: self.name().to_string(),
                cases: missed,
                proven: false,
            });
        }
        Ok(Solution {
            placements,
            unscheduled,
            solver: SolverInfo::heuristic(t0.elapsed().as_secs_f64()),
        })
    }
}
