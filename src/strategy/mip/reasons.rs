//! Why the MIP's plan leaves a case out (SPEC.md section 5), from the model's view: the
//! candidates say whether the case could go anywhere, and the plan's state whether room or the
//! safe-hours rules stopped it.

use super::candidates::Candidates;
use crate::model::Instance;
use crate::schedule::{Placement, Reason};
use crate::strategy::plan_state::{Blocked, PlanState};

/// Reasons for the cases a plan leaves out, from the model's view (SPEC.md 5).
pub fn reasons(inst: &Instance, c: &Candidates, placements: &[Placement]) -> Vec<(usize, Reason)> {
    let mut state = PlanState::new(inst);
    let mut placed = vec![false; inst.procedures.len()];
    for pl in placements {
        state.place(pl.procedure, pl.session, pl.surgeon);
        placed[pl.procedure] = true;
    }
    let mut out = Vec::new();
    for (p, _) in placed.iter().enumerate().filter(|(_, &done)| !done) {
        let reason = if c.limits_pruned[p] {
            Reason::SurgeonLimits
        } else if c.by_case[p].is_empty() {
            Reason::NoEligibleSession
        } else {
            // Capacity when any eligible list was full (or held by another surgeon), or when a
            // list would take it but was better left closed; limits when room existed everywhere
            // and only the safe-hours rules stopped it.
            let mut limits_only = true;
            for &t in &c.by_case[p] {
                let tr = c.triples[t];
                match state.check(tr.p, tr.k, tr.s) {
                    Err(Blocked::SurgeonLimits) => {}
                    _ => limits_only = false,
                }
            }
            if limits_only {
                Reason::SurgeonLimits
            } else {
                Reason::Capacity
            }
        };
        out.push((p, reason));
    }
    out
}
