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
    /// Cases left to another model: the candidates of one independent part of a model
    /// ([`Candidates::part`]) neither place nor cost the other parts' cases.
    pub outside: Vec<bool>,
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
            outside: vec![false; inst.procedures.len()],
        }
    }

    /// Whether case `p` must be in every plan of this model: it has a hard deadline, it is
    /// frozen in a neighbourhood, or its booking must be kept.
    pub fn scheduled_always(&self, inst: &Instance, p: usize) -> bool {
        inst.procedures[p].deadline.is_some() || self.forced[p] || self.must_keep[p]
    }

    /// The candidates restricted to the triples `keep` accepts, with `forced` cases.
    pub fn subset(&self, inst: &Instance, keep: impl Fn(&Triple) -> bool, forced: Vec<bool>) -> Candidates {
        let kept = self.triples.iter().filter(|t| keep(t)).copied();
        self.of_triples(inst, kept, forced)
    }

    /// The candidates of one independent part (see [`parts`]): the triples `part` (indices into
    /// these candidates' triples, ascending), with every case that has none of them left
    /// outside.
    pub fn part(&self, inst: &Instance, part: &[usize]) -> Candidates {
        let mut sub = self.of_triples(inst, part.iter().map(|&t| self.triples[t]), self.forced.clone());
        for (p, out) in sub.outside.iter_mut().enumerate() {
            *out = *out || sub.by_case[p].is_empty();
        }
        sub
    }

    /// These candidates with only `triples` (a subsequence of theirs), with `forced` cases.
    fn of_triples(&self, inst: &Instance, kept: impl Iterator<Item = Triple>, forced: Vec<bool>) -> Candidates {
        let mut triples = Vec::new();
        let mut by_case = vec![Vec::new(); inst.procedures.len()];
        for t in kept {
            by_case[t.p].push(triples.len());
            triples.push(t);
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
            outside: self.outside.clone(),
        }
    }

    /// The unscheduled cost of the cases no triple can take (and that no other model places):
    /// a constant of every plan of this model.
    pub fn nowhere_cost(&self, inst: &Instance) -> i64 {
        (0..inst.procedures.len())
            .filter(|&p| self.by_case[p].is_empty() && !self.outside[p])
            .map(|p| crate::schedule::unscheduled_cost(inst, p))
            .sum()
    }
}

/// The independent parts of the model of `c`: groups of triples (indices, ascending; parts in
/// order of their first triple) such that no row of the model, and no lazy cut, joins two
/// groups. Triples are joined when they are of the same case (family 1), on the same date (every
/// row about a list, a theatre, or a surgeon's day: families 2–4, 9 and 10), or, when a
/// safe-hours rule applies, of the same surgeon (families 5–8 and the cuts span dates). The
/// objective is a sum over triples and lists, so each part can be solved alone and the plans put
/// together: the optimum of the whole is the sum of the parts' optima. A model whose cases keep
/// their dates (the day-restricted model, a neighbourhood of dates kept) falls apart by date
/// when no safe-hours rule applies, as on the IHTC instances.
pub fn parts(inst: &Instance, c: &Candidates) -> Vec<Vec<usize>> {
    let by_surgeon = hours_rules_active(inst);
    let mut joined = UnionFind::new(c.triples.len());
    let mut first_of_case: BTreeMap<usize, usize> = BTreeMap::new();
    let mut first_of_date: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
    let mut first_of_surgeon: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, t) in c.triples.iter().enumerate() {
        let firsts = [
            Some(*first_of_case.entry(t.p).or_insert(i)),
            Some(*first_of_date.entry(inst.sessions[t.k].date).or_insert(i)),
            by_surgeon.then(|| *first_of_surgeon.entry(t.s).or_insert(i)),
        ];
        for other in firsts.into_iter().flatten() {
            // The smaller root stays the root, so each part is keyed by its first triple.
            let (a, b) = (joined.find(i), joined.find(other));
            joined.join(a.max(b), a.min(b));
        }
    }
    joined.groups(0..c.triples.len())
}

/// Union-find over `0..n`, with path halving: the groups of the independent parts (triples) and
/// of the bookings that must be kept (cases, `mod.rs`).
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// The root of `i`'s group.
    pub fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the groups of `a` and `b`: `a`'s root goes under `b`'s.
    pub fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.parent[a] = b;
    }

    /// The groups of `members` (in their order within each group), in the order of their roots.
    pub fn groups(&mut self, members: impl IntoIterator<Item = usize>) -> Vec<Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in members {
            groups.entry(self.find(i)).or_default().push(i);
        }
        groups.into_values().collect()
    }
}
