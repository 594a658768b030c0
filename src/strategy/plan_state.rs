//! The incremental state of a partial plan: what each list and each surgeon already holds, so
//! that one more placement can be tested against every rule of SPEC.md section 3 without
//! re-checking the whole plan. The greedy strategies build their plans with it; the MIP uses it
//! to say why a case was left out.

use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::{Placement, Reason};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Incremental state of a partial plan: everything needed to test one more placement.
pub struct PlanState<'a> {
    inst: &'a Instance,
    /// Minutes (cases with turnaround) booked into each session so far.
    used_minutes: Vec<i64>,
    /// Surgeons operating in each session so far.
    operating: Vec<BTreeSet<usize>>,
    /// Each surgeon's duty items (fixed roster plus the lists staffed so far), sorted.
    items: Vec<Vec<Item>>,
    /// Each surgeon's operating minutes per date (booked before the strike plus placed).
    operating_minutes: Vec<BTreeMap<NaiveDate, i64>>,
    /// What has been placed, in order.
    pub placements: Vec<Placement>,
}

/// What stopped a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// No room in the list, or another surgeon holds an unshared list.
    Capacity,
    /// The surgeon's operating cap or a safe-hours rule.
    SurgeonLimits,
}

impl<'a> PlanState<'a> {
    /// The empty plan: each surgeon's fixed roster and booked minutes, nothing placed.
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

    /// Adds case `p` to session `k` with surgeon `s` (after [`PlanState::check`] said yes).
    pub fn place(&mut self, p: usize, k: usize, s: usize) {
        let inst = self.inst;
        let sess = &inst.sessions[k];
        self.used_minutes[k] += inst.procedures[p].duration + inst.rules.turnaround_minutes;
        *self.operating_minutes[s].entry(sess.date).or_insert(0) += inst.procedures[p].duration;
        if self.operating[k].insert(s) && sess.owner.is_none() {
            rules::insert_sorted(&mut self.items[s], Item::staffed_session(inst, k));
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

    /// Places `p` in session `k` with the first of its surgeons for whom the placement keeps
    /// every rule: one already operating there first, then those in `prefer`, then the rest in
    /// instance order; `None` when none can. For a booking kept in its list (SPEC.md section 8),
    /// `prefer` naming the surgeons the list's other bookings need.
    pub fn place_in(&mut self, p: usize, k: usize, prefer: &[usize]) -> Option<Placement> {
        let mut surgeons = self.inst.eligible_surgeons(p, k);
        surgeons.sort_by_key(|s| (!self.operating[k].contains(s), !prefer.contains(s), *s));
        let s = surgeons.into_iter().find(|&s| self.check(p, k, s).is_ok())?;
        self.place(p, k, s);
        self.placements.last().copied()
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
