//! Lazy cuts: the one family of safe-hours constraints not stated up front. A shift can chain
//! any number of staffed lists through short rests, so after each solve every surgeon's duty
//! items are checked, and each shift, window or run that breaks a rule becomes a no-good cut over
//! its staffed items (see the module docs of [`super`]).

use super::candidates::Candidates;
use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::Placement;
use std::collections::{BTreeMap, BTreeSet};

/// Failing safe-hours structures of a plan, as sets of staffing-pair indices (lazy cuts).
pub fn violated_cuts(inst: &Instance, c: &Candidates, placements: &[Placement]) -> Vec<Vec<usize>> {
    let mut staffed: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for pl in placements {
        if inst.sessions[pl.session].owner.is_none() {
            staffed.entry(pl.surgeon).or_default().insert(pl.session);
        }
    }
    let mut cuts = BTreeSet::new();
    for (s, sessions) in staffed {
        let mut items = rules::fixed_items(inst, s);
        items.extend(sessions.iter().map(|&k| Item::staffed_session(inst, k)));
        rules::sort_items(&mut items);
        for b in rules::breaches(inst, &items) {
            if !b.failure {
                continue;
            }
            let cut: Vec<usize> = b
                .items
                .iter()
                .filter_map(|&i| match items[i].kind {
                    rules::ItemKind::Staffed(k) => c.staff_index.get(&(k, s)).copied(),
                    _ => None,
                })
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if !cut.is_empty() {
                cuts.insert(cut);
            }
        }
    }
    cuts.into_iter().collect()
}
