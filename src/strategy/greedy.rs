//! Greedy list scheduling: `fifo` (treat in turn) and `priority` (clinical priority, then
//! longest wait). Each case goes to the earliest session where adding it keeps *every* rule of
//! SPEC.md section 3.
//!
//! Decision: cases with a hard deadline are placed first (by deadline) in both strategies, as a
//! booking office books its must-do cases before the rest; the remaining cases follow the
//! strategy's order.

use super::{SolveError, SolveOptions, Strategy};
use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::{Placement, Reason, Solution, SolverInfo};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `original_date`, then `referral`.
    Fifo,
    /// priority, then `referral` (longest wait), then `original_date`.
    Priority,
}

pub struct Greedy {
    pub order: Order,
}

impl Greedy {
    pub fn fifo() -> Self {
        Greedy { order: Order::Fifo }
    }
    pub fn priority() -> Self {
        Greedy { order: Order::Priority }
    }
}

/// Incremental state of a partial plan: everything needed to test one more placement.
pub struct PlanState<'a> {
    inst: &'a Instance,
    used_minutes: Vec<i64>,
    operating: Vec<BTreeSet<usize>>,
    items: Vec<Vec<Item>>,
    operating_minutes: Vec<BTreeMap<NaiveDate, i64>>,
    pub placements: Vec<Placement>,
}

/// What stopped a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    Capacity,
    SurgeonLimits,
}

impl<'a> PlanState<'a> {
    pub fn new(inst: &'a Instance) -> Self {
        let n = inst.surgeons.len();
        let mut operating_minutes = vec![BTreeMap::new(); n];
        for s in &inst.sessions {
            if let Some(o) = s.owner {
                *operating_minutes[o].entry(s.date).or_insert(0) += s.booked_minutes();
            }
        }
        PlanState {
            inst,
            used_minutes: vec![0; inst.sessions.len()],
            operating: vec![BTreeSet::new(); inst.sessions.len()],
            items: (0..n).map(|s| rules::fixed_items(inst, s)).collect(),
            operating_minutes,
            placements: Vec::new(),
        }
    }

    /// Can case `p` go into session `k` with surgeon `s` (already statically eligible)?
    pub fn check(&self, p: usize, k: usize, s: usize) -> Result<(), Blocked> {
        let inst = self.inst;
        let sess = &inst.sessions[k];
        let need = inst.procedures[p].duration + inst.rules.turnaround_minutes;
        if self.used_minutes[k] + need > sess.free_minutes {
            return Err(Blocked::Capacity);
        }
        if !sess.shared && self.operating[k].iter().any(|&o| o != s) {
            return Err(Blocked::Capacity);
        }
        if let Some(cap) = inst.operating_cap(s, sess.date) {
            let so_far = self.operating_minutes[s].get(&sess.date).copied().unwrap_or(0);
            if so_far + inst.procedures[p].duration > cap {
                return Err(Blocked::SurgeonLimits);
            }
        }
        if sess.owner.is_none()
            && !self.operating[k].contains(&s)
            && !rules::admits(inst, &self.items[s], Item::staffed_session(inst, k))
        {
            return Err(Blocked::SurgeonLimits);
        }
        Ok(())
    }

    pub fn place(&mut self, p: usize, k: usize, s: usize) {
        let inst = self.inst;
        let sess = &inst.sessions[k];
        self.used_minutes[k] += inst.procedures[p].duration + inst.rules.turnaround_minutes;
        *self.operating_minutes[s].entry(sess.date).or_insert(0) += inst.procedures[p].duration;
        if self.operating[k].insert(s) && sess.owner.is_none() {
            let item = Item::staffed_session(inst, k);
            let pos = self.items[s].partition_point(|i| (i.start, i.end, i.date) <= (item.start, item.end, item.date));
            self.items[s].insert(pos, item);
        }
        self.placements.push(Placement {
            procedure: p,
            session: k,
            surgeon: s,
        });
    }

    /// Surgeons to try for `p` in `k`: one already operating there first (no new duty), then
    /// the rest in instance order.
    fn surgeon_order(&self, p: usize, k: usize) -> Vec<usize> {
        let mut v = self.inst.eligible_surgeons(p, k);
        v.sort_by_key(|s| (!self.operating[k].contains(s), *s));
        v
    }

    /// Places `p` in the first session of `order` where it fits; otherwise returns why not.
    pub fn place_earliest(&mut self, p: usize, order: &[usize]) -> Result<Placement, Reason> {
        let mut any_eligible = false;
        let mut capacity_blocked = false;
        for &k in order {
            for s in self.surgeon_order(p, k) {
                any_eligible = true;
                match self.check(p, k, s) {
                    Ok(()) => {
                        self.place(p, k, s);
                        return Ok(*self.placements.last().expect("just placed"));
                    }
                    Err(Blocked::SurgeonLimits) => {}
                    Err(Blocked::Capacity) => capacity_blocked = true,
                }
            }
        }
        Err(if self.inst.procedures[p].deadline.is_some() {
            Reason::DeadlineInfeasible
        } else if !any_eligible {
            Reason::NoEligibleSession
        } else if capacity_blocked {
            Reason::Capacity
        } else {
            // Every eligible session had room: only the safe-hours limits stopped it.
            Reason::SurgeonLimits
        })
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
