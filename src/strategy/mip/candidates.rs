//! The candidate sets of the model: the eligible triples (which case may go where, with whom),
//! pruned exactly by the rules a single placement can already break, and the staffing pairs
//! that need a `y` variable. Everything the model, the cuts and the decomposition index into.

use crate::model::Instance;
use crate::rules::{self, Item};
use std::collections::BTreeMap;

/// Case `p` in session `k` by surgeon `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Triple {
    pub p: usize,
    pub k: usize,
    pub s: usize,
}

/// The pruned candidate sets.
pub struct Candidates {
    /// Cases that must be scheduled in this model (frozen cases of a neighbourhood); cases with
    /// a deadline always must.
    pub forced: Vec<bool>,
    pub triples: Vec<Triple>,
    /// Triples of each case.
    pub by_case: Vec<Vec<usize>>,
    /// Staffing pairs (unowned session, surgeon) that get a `y` variable.
    pub staff: Vec<(usize, usize)>,
    pub staff_index: BTreeMap<(usize, usize), usize>,
    /// Cases that were statically eligible somewhere but lost every triple to a surgeon limit.
    pub limits_pruned: Vec<bool>,
    /// Cases whose booking must be kept (rule 11, SPEC.md section 8): their only triples are in
    /// the booked session and they are always scheduled (no `z` column).
    pub must_keep: Vec<bool>,
}

/// Does any safe-hours rule (6–10) apply to new duty items?
pub fn hours_rules_active(inst: &Instance) -> bool {
    let r = &inst.rules;
    r.no_overlapping_duties
        || r.max_shift_minutes.is_some()
        || r.max_minutes_per_7_days.is_some()
        || r.max_average_weekly_minutes.is_some()
        || r.max_consecutive_days.is_some()
}

impl Candidates {
    /// Every eligible triple of `inst`, pruned as the module docs of [`super`] say, and the
    /// staffing pairs they need.
    pub fn prune(inst: &Instance) -> Candidates {
        let booked = inst.owned_booked_minutes();
        let fixed: Vec<Vec<Item>> = (0..inst.surgeons.len()).map(|s| rules::fixed_items(inst, s)).collect();
        let active = hours_rules_active(inst);
        let mut staffable: BTreeMap<(usize, usize), bool> = BTreeMap::new();
        let mut triples = Vec::new();
        let mut by_case = vec![Vec::new(); inst.procedures.len()];
        let mut limits_pruned = vec![false; inst.procedures.len()];
        let must_keep: Vec<bool> = (0..inst.procedures.len())
            .map(|p| inst.must_keep(p).is_some())
            .collect();
        for (p, pr) in inst.procedures.iter().enumerate() {
            let mut static_any = false;
            // Rule 11: a booking that must be kept drops every other session from the model.
            let kept = inst.must_keep(p);
            for (k, sess) in inst.sessions.iter().enumerate() {
                if kept.is_some_and(|b| b != k) {
                    continue;
                }
                for s in inst.eligible_surgeons(p, k) {
                    static_any = true;
                    if let Some(cap) = inst.operating_cap(s, sess.date) {
                        if booked.get(&(s, sess.date)).copied().unwrap_or(0) + pr.duration > cap {
                            continue;
                        }
                    }
                    if sess.owner.is_none() && active {
                        let ok = *staffable
                            .entry((k, s))
                            .or_insert_with(|| rules::admits(inst, &fixed[s], Item::staffed_session(inst, k)));
                        if !ok {
                            continue;
                        }
                    }
                    by_case[p].push(triples.len());
                    triples.push(Triple { p, k, s });
                }
            }
            limits_pruned[p] = static_any && by_case[p].is_empty();
        }
        let mut staff_index = BTreeMap::new();
        let mut staff = Vec::new();
        for t in &triples {
            let sess = &inst.sessions[t.k];
            if sess.owner.is_none() && (active || !sess.shared) && !staff_index.contains_key(&(t.k, t.s)) {
                staff_index.insert((t.k, t.s), staff.len());
                staff.push((t.k, t.s));
            }
        }
        // Deterministic order of staffing pairs: by session then surgeon.
        let mut order: Vec<usize> = (0..staff.len()).collect();
        order.sort_by_key(|&i| staff[i]);
        let staff: Vec<(usize, usize)> = order.iter().map(|&i| staff[i]).collect();
        let staff_index = staff.iter().enumerate().map(|(i, &ks)| (ks, i)).collect();
        Candidates {
            forced: vec![false; inst.procedures.len()],
            triples,
            by_case,
            staff,
            staff_index,
            limits_pruned,
            must_keep,
        }
    }

    /// Whether case `p` must be in every plan of this model: it has a hard deadline, it is
    /// frozen in a neighbourhood, or its booking must be kept.
    pub fn scheduled_always(&self, inst: &Instance, p: usize) -> bool {
        inst.procedures[p].deadline.is_some() || self.forced[p] || self.must_keep[p]
    }

    /// The candidates restricted to the triples `keep` accepts, with `forced` cases.
    pub fn subset(&self, inst: &Instance, keep: impl Fn(&Triple) -> bool, forced: Vec<bool>) -> Candidates {
        let mut triples = Vec::new();
        let mut by_case = vec![Vec::new(); inst.procedures.len()];
        for t in self.triples.iter().filter(|t| keep(t)) {
            by_case[t.p].push(triples.len());
            triples.push(*t);
        }
        let mut staff: Vec<(usize, usize)> = triples
            .iter()
            .filter(|t| self.staff_index.contains_key(&(t.k, t.s)))
            .map(|t| (t.k, t.s))
            .collect();
        staff.sort();
        staff.dedup();
        let staff_index = staff.iter().enumerate().map(|(i, &ks)| (ks, i)).collect();
        Candidates {
            forced,
            triples,
            by_case,
            staff,
            staff_index,
            limits_pruned: self.limits_pruned.clone(),
            must_keep: self.must_keep.clone(),
        }
    }
}
