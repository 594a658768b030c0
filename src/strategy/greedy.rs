//! Greedy list scheduling: `fifo` (treat in turn) and `priority` (clinical priority, then
//! longest wait). Each case goes to the earliest session where adding it keeps *every* rule of
//! SPEC.md section 3.
//!
//! Decision: cases with a hard deadline are placed first (by deadline) in both strategies, as a
//! booking office books its must-do cases before the rest; the remaining cases follow the
//! strategy's order.

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

/// Runs a greedy pass in `cases` order and returns placements and unscheduled reasons.
pub fn run(inst: &Instance, cases: &[usize]) -> (Vec<Placement>, Vec<(usize, Reason)>) {
    let sessions = session_order(inst);
    let mut state = PlanState::new(inst);
    let mut unscheduled = Vec::new();
    for &p in cases {
        if let Err(reason) = state.place_earliest(p, &sessions) {
            unscheduled.push((p, reason));
        }
    }
    (state.placements, unscheduled)
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
        let (placements, unscheduled) = run(inst, &case_order(inst, self.order));
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
