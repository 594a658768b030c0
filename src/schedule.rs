//! The solver-agnostic result of a strategy, its objective (SPEC.md section 4) and the packing
//! of its cases into clock times. Written as a `rebook-schedule/1` file by
//! [`crate::io::schedule::to_file`].

use crate::model::{Instance, Priority};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Why a case was left unscheduled (SPEC.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Nothing in the horizon could ever take it.
    NoEligibleSession,
    /// A hard deadline that cannot be met.
    DeadlineInfeasible,
    /// Eligible sessions exist but were better used by others.
    Capacity,
    /// Only surgeons' limits (safe hours, operating-minute caps) stopped it.
    SurgeonLimits,
}

impl Reason {
    /// The `reason` as written in schedule files (`no_eligible_session`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoEligibleSession => "no_eligible_session",
            Reason::DeadlineInfeasible => "deadline_infeasible",
            Reason::Capacity => "capacity",
            Reason::SurgeonLimits => "surgeon_limits",
        }
    }
}

/// Case `procedure` is operated in `session` by `surgeon`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Placement {
    /// Index into [`Instance::procedures`].
    pub procedure: usize,
    /// Index into [`Instance::sessions`].
    pub session: usize,
    /// Index into [`Instance::surgeons`] of the operating surgeon.
    pub surgeon: usize,
}

/// How a strategy's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal: no plan has a lower objective (a gap of 0).
    Optimal,
    /// The search stopped at the requested relative gap (`--gap`): the plan is within that
    /// fraction of the optimum, which was not proven.
    GapReached,
    /// A feasible plan, optimality not proven.
    Feasible,
    /// The time limit stopped the search; the plan is the best found.
    TimeLimit,
    /// The work limit (`--work-limit`) stopped the search; the plan is the best found, and the
    /// same on any machine.
    WorkLimit,
    /// The search was stopped from outside (Ctrl-C, a scheduler's SIGTERM); the plan is the best
    /// found by then.
    Interrupted,
    /// A heuristic plan: no bound.
    Heuristic,
}

/// The `solver` block of a schedule file (SPEC.md section 5): how the plan was found.
#[derive(Debug, Clone, Serialize)]
pub struct SolverInfo {
    /// How the run ended (`status`).
    pub status: Status,
    /// Written as an integer when it is one (every MIP bound is rounded up to an integer, as the
    /// objective is), as in SPEC.md section 5's `"bound": 12001`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "whole_number")]
    pub bound: Option<f64>,
    /// Relative gap `(objective − bound) / objective` (0 when the objective is 0); `None` without a
    /// bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Wall-clock seconds the strategy ran.
    pub seconds: f64,
    /// Columns of the last MIP model solved; `None` for a heuristic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<usize>,
    /// Rows of the last MIP model solved; `None` for a heuristic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<usize>,
    /// Free-form notes (warm start used, rounds of lazy constraints, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Serialises a whole number as a JSON integer (`12001`, not `12001.0`), anything else as a float.
pub fn whole_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match *v {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_some(&(x as i64)),
        Some(x) => s.serialize_some(&x),
        None => s.serialize_none(),
    }
}

impl SolverInfo {
    /// The info of a heuristic run of `seconds`: no bound, gap or model size.
    pub fn heuristic(seconds: f64) -> Self {
        SolverInfo {
            status: Status::Heuristic,
            bound: None,
            gap: None,
            seconds,
            variables: None,
            constraints: None,
            notes: Vec::new(),
        }
    }
}

/// A strategy's plan for one trust.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The scheduled cases, one placement each.
    pub placements: Vec<Placement>,
    /// The cases left out (index into [`Instance::procedures`]), each with why.
    pub unscheduled: Vec<(usize, Reason)>,
    /// How the plan was found (the `solver` block).
    pub solver: SolverInfo,
}

/// The targets a case rebooked on a date misses (SPEC.md section 4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missed {
    /// Cancelled on the day and rebooked more than 28 days after the original date.
    pub cancelled_on_day: bool,
    /// More than the clinical-priority target after listing (P1 3, P2 28, P3 91 days; P4 none).
    pub priority: bool,
    /// More than 18 weeks (126 days) after referral.
    pub rtt: bool,
    /// Cancelled at least twice (`times_cancelled ≥ 2`) and rebooked more than 28 days after the
    /// original date (SPEC.md section 8).
    pub repeat_cancellation: bool,
}

/// The targets case `pr` misses when rebooked on `date`.
pub fn missed(pr: &crate::model::Procedure, date: NaiveDate) -> Missed {
    let over = |from: Option<NaiveDate>, days: i64| from.is_some_and(|f| (date - f).num_days() > days);
    Missed {
        cancelled_on_day: pr.cancelled_on_day && over(pr.original_date, 28),
        priority: pr.priority.target_days().is_some_and(|d| over(pr.listed, d)),
        rtt: over(pr.referral, 126),
        repeat_cancellation: pr.times_cancelled >= 2 && over(pr.original_date, 28),
    }
}

/// Cost of rebooking case `p` on `date`: priority-weighted wait plus any target breaches.
pub fn case_cost(inst: &Instance, p: usize, date: NaiveDate) -> i64 {
    let pr = &inst.procedures[p];
    let w = &inst.weights;
    let m = missed(pr, date);
    w.wait_per_day[pr.priority.index()] * (date - pr.earliest).num_days().max(0)
        + i64::from(m.cancelled_on_day) * w.breach_cancelled_on_day
        + i64::from(m.priority) * w.breach_priority
        + i64::from(m.rtt) * w.breach_rtt
        + i64::from(m.repeat_cancellation) * w.breach_repeat_cancellation
}

/// Cost of placing case `p` in session `k`: [`case_cost`] on the session's date, plus the
/// `moved` cost when the case has a live booking in another session (SPEC.md section 8).
pub fn placement_cost(inst: &Instance, p: usize, k: usize) -> i64 {
    let pr = &inst.procedures[p];
    let moved = match pr.live_booking() {
        Some(b) if b != k => pr.moved_cost(&inst.weights),
        _ => 0,
    };
    case_cost(inst, p, inst.sessions[k].date) + moved
}

/// Cost of leaving case `p` unscheduled: `unscheduled[priority]`, plus the `moved` cost when it
/// has a live booking (SPEC.md sections 4 and 8).
pub fn unscheduled_cost(inst: &Instance, p: usize) -> i64 {
    let pr = &inst.procedures[p];
    inst.weights.unscheduled[pr.priority.index()] + pr.moved_cost(&inst.weights)
}

/// The objective of SPEC.md section 4, term by term.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Objective {
    /// Σ [`case_cost`] of the scheduled cases (wait and breaches), cost points.
    pub wait_and_breaches: i64,
    /// Σ `unscheduled[priority]` of the cases left out, cost points.
    pub unscheduled: i64,
    /// Σ `open_cost` of the sessions that received a case, cost points.
    pub open_cost: i64,
    /// `theatre_switch` × Σ (distinct theatres − 1) over each surgeon's dates, cost points.
    pub theatre_switch: i64,
    /// Σ `moved` costs of the cases with a live booking not assigned to its session (SPEC.md
    /// section 8), cost points.
    pub moved: i64,
    /// The objective: the sum of the terms, cost points.
    pub total: i64,
}

/// The objective of `placements` (SPEC.md section 4); every case not placed counts as unscheduled.
pub fn objective(inst: &Instance, placements: &[Placement]) -> Objective {
    let mut o = Objective::default();
    let mut placed = vec![false; inst.procedures.len()];
    let mut used = BTreeSet::new();
    let mut theatres: BTreeMap<(usize, NaiveDate), BTreeSet<usize>> = BTreeMap::new();
    let mut kept = vec![false; inst.procedures.len()];
    for pl in placements {
        placed[pl.procedure] = true;
        kept[pl.procedure] = inst.procedures[pl.procedure].live_booking() == Some(pl.session);
        let s = &inst.sessions[pl.session];
        o.wait_and_breaches += case_cost(inst, pl.procedure, s.date);
        used.insert(pl.session);
        theatres.entry((pl.surgeon, s.date)).or_default().insert(s.theatre);
    }
    for (p, pr) in inst.procedures.iter().enumerate() {
        if !placed[p] {
            o.unscheduled += inst.weights.unscheduled[pr.priority.index()];
        }
        if !kept[p] {
            o.moved += pr.moved_cost(&inst.weights);
        }
    }
    o.open_cost = used.iter().map(|&k| inst.sessions[k].open_cost).sum();
    o.theatre_switch = inst.weights.theatre_switch * theatres.values().map(|t| t.len() as i64 - 1).sum::<i64>();
    o.total = o.wait_and_breaches + o.unscheduled + o.open_cost + o.theatre_switch + o.moved;
    o
}

/// A placed case with its clock times: new cases fill the free block at the end of the list,
/// back to back, each followed by the turnaround. Within a list, higher priority goes first,
/// then the order of the procedures in the instance.
#[derive(Debug, Clone)]
pub struct Timed {
    /// The case, its list and its surgeon.
    pub placement: Placement,
    /// Start of the case, absolute UTC minute.
    pub start: i64,
    /// End of the case (start + duration, turnaround not included), absolute UTC minute.
    pub end: i64,
}

/// The clock times of `placements` (see [`Timed`]), sorted by date, start, session and procedure.
pub fn pack(inst: &Instance, placements: &[Placement]) -> Vec<Timed> {
    let mut by_session: BTreeMap<usize, Vec<Placement>> = BTreeMap::new();
    for pl in placements {
        by_session.entry(pl.session).or_default().push(*pl);
    }
    let mut out = Vec::with_capacity(placements.len());
    for (k, mut list) in by_session {
        list.sort_by_key(|pl| (inst.procedures[pl.procedure].priority, pl.procedure));
        let mut t = inst.sessions[k].free_start();
        for pl in list {
            let end = t + inst.procedures[pl.procedure].duration;
            out.push(Timed {
                placement: pl,
                start: t,
                end,
            });
            t = end + inst.rules.turnaround_minutes;
        }
    }
    out.sort_by_key(|t| {
        (
            inst.sessions[t.placement.session].date,
            t.start,
            t.placement.session,
            t.placement.procedure,
        )
    });
    out
}

/// Per-priority counts, in P1..P4 order, as a JSON-friendly map.
pub fn by_priority<T: Copy + Serialize>(values: [T; 4]) -> BTreeMap<&'static str, T> {
    Priority::ALL.iter().map(|p| (p.as_str(), values[p.index()])).collect()
}
