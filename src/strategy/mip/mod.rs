//! The integer programme (`--strategy mip`): exact on every rule of SPEC.md section 3, solved by
//! HiGHS through good_lp.
//!
//! # Sets
//!
//! - *P* cases, *K* sessions, *S* surgeons; *d(k)* the date of session *k*, *th(k)* its theatre.
//! - *T* ⊆ P × K × S, the **eligible triples**: surgeon *s* may operate case *p* in session *k*
//!   (SPEC.md 3 rule 2 and the ownership rule), the case fits the free block with its turnaround, the
//!   surgeon's operating cap that date leaves room for it, and — for an unowned list — staffing the list
//!   alone, on top of the surgeon's fixed roster, breaks no safe-hours rule. The safe-hours rules are
//!   monotone (adding a duty item never repairs a breach), so a triple removed here can be in no
//!   feasible plan: the pruning is exact. A case whose booking must be kept (rule 11, SPEC.md
//!   section 8) has triples only in its booked session: the kept bookings shrink the model.
//! - *Y* ⊆ K × S, the **staffing pairs**: unowned session *k* and surgeon *s* with a triple in *T*.
//!
//! # Variables
//!
//! - `x[t] ∈ {0,1}` for *t* ∈ *T*: the case is operated in that session by that surgeon.
//! - `y[k,s] ∈ {0,1}` for (*k*,*s*) ∈ *Y*: *s* staffs the unowned list *k* (a new duty item). Created
//!   only when a rule can use it (an unshared list, or any safe-hours rule switched on).
//! - `u[k] ∈ {0,1}`: session *k* with `open_cost > 0` is used.
//! - `a[s,δ] ∈ [0,1]`: *s* starts a staffed list on date δ (only where rule 10 needs it).
//! - `v[s,δ,θ] ∈ [0,1]`, `w[s,δ] ≥ 0`: *s* operates in theatre θ on δ, and the theatre switches
//!   (only when `theatre_switch > 0`).
//!
//! # Objective (SPEC.md 4), minimised
//!
//! `Σ_p U_p + Σ_t (c(p,k) − U_p)·x[t] + Σ_k open_cost_k·u[k] + switch·Σ w[s,δ]`, where `c` is
//! [`schedule::placement_cost`]: the priority-weighted wait plus breach penalties (the
//! repeat-cancellation one included) of rebooking *p* on the date of *k*, plus the `moved` cost
//! when *p* has a live booking in another session; and `U_p` is [`schedule::unscheduled_cost`],
//! the cost of leaving it unscheduled (plus the `moved` cost of a live booking). Every coefficient
//! is an integer, so an absolute gap below 1 proves optimality.
//!
//! # Constraints (one function each in `model.rs`)
//!
//! 1. **Assignment**: `Σ_{t∋p} x[t] ≤ 1`, `= 1` when *p* has a deadline (its triples respect it)
//!    or a booking that must be kept. A kept booking with a single triple has no row: its `x` is
//!    fixed at 1, and so are the `y` of the list it staffs and the `u` of the list it opens.
//! 2. **Capacity** (rule 3): `Σ_{t∋k} (dur_p + turnaround)·x[t] ≤ free_k` (× `u[k]` when the list has an
//!    open cost), and `x[t] ≤ u[k]`.
//! 3. **Staffing** (rule 4): `x[p,k,s] ≤ y[k,s]`; `Σ_s y[k,s] ≤ 1` for an unshared list. An owned list
//!    has only its owner's triples.
//! 4. **Operating minutes** (rule 5): `Σ_{t∋(s,δ)} dur_p·x[t] ≤ cap(s,δ) − booked(s,δ)`.
//! 5. **Pairs** (rules 6 and 7, exact for any two items): two staffing pairs of one surgeon within a
//!    day of each other that together with the fixed roster break any rule (overlap, a shift chained
//!    through fixed duties, …) get `y₁ + y₂ ≤ 1`.
//! 6. **Seven-day windows** (rule 8): for every window `[D, D+6]`,
//!    `Σ len_k·y[k,s] ≤ 72 h − fixed minutes of s in the window` (windows whose candidates can never
//!    exceed it are skipped; identical candidate sets keep the tightest).
//! 7. **Horizon average** (rule 9): `Σ len_k·y[k,s] ≤ ⌊(48 h·days − 7·fixed)/7⌋`.
//! 8. **Consecutive days** (rule 10): for every run `W` of `max+1` consecutive dates each with a fixed
//!    or a candidate item, with `F(W)` its dates without a fixed item:
//!    `Σ_{δ∈F(W)} a[s,δ] ≤ |F(W)| − 1` and `a[s,δ] ≥ y[k,s]` for candidates on δ.
//! 9. **Theatre switches**: `v[s,δ,θ] ≥ x[t]`, `w[s,δ] ≥ Σ_θ v[s,δ,θ] − 1`.
//! 10. **Symmetry** between interchangeable lists (same date, times, free minutes, open cost,
//!     owner, specialty and sharing, and the same candidates at the same costs; with theatre
//!     switches paid, each its theatre's only list that date): in each class, ordered by session,
//!     `Σ_{t∋k} (dur_p + turnaround)·x[t] ≥` the same sum of the next list, and `u[k] ≥ u[next]`.
//!     Swapping the whole contents of two such lists maps a plan to one of the same cost that
//!     keeps the same rules, so some optimal plan keeps these rows; a warm start is permuted to
//!     keep them. Switched off by `bench ihtc --without symmetry`.
//!
//! Shift chains of three or more items (rule 7) are the one family not stated up front: a chain
//! can link any number of items. After each solve every surgeon's duty items are checked; each
//! shift, window or run that fails gets the no-good cut `Σ_{(k,s)∈B} y[k,s] ≤ |B| − 1` over its
//! staffed items *B*, and the model is solved again (warm-started) until no rule fails. Each cut
//! removes only plans that break a rule, so the final plan is optimal for the exact problem when
//! HiGHS proves optimality, and the final bound is valid for it.
//!
//! # Solving
//!
//! The model is built with good_lp, then the underlying HiGHS model is taken (`try_into_inner`) to
//! set a complete warm start (the best of `fifo` and `priority`), the time limit, relative gap,
//! absolute gap 0.999, one thread and a fixed seed, and to read the dual bound and gap, which good_lp
//! does not expose. A plan is never worse than its warm start: if HiGHS returns nothing better, the
//! heuristic plan is kept and the status says so.
//!
//! A model that falls apart into independent parts, which no row and no cut joins, is solved part
//! by part (`driver::optimise`, decision 71): triples are joined when they share a case, a date
//! (every row about a list, a theatre or a surgeon's day) or, when a safe-hours rule applies, a
//! surgeon. When the cases keep their dates and no safe-hours rule applies (IHTC's day-restricted
//! model), that is one part per date. Each part gets the share of what is left that its triples
//! are of those left, as a soft end: it stops there if it has a plan, else goes on until it has
//! one. The plans are put together and the bounds added.
//!
//! On mid-sized models that no safe-hours rule joins across dates, the day-level relaxation and
//! the day-restricted model become the first round of a logic-based Benders decomposition on the
//! dates (`benders.rs`, decision 72): the relaxation chooses the dates, each date is solved
//! exactly and gets a cut that binds where the relaxation under-priced it, until the
//! relaxation prices its own choice exactly (a proof of optimality) or its share of the limit
//! is spent. Above `FULL_MODEL_LIMIT` triples, where the whole relaxation is too slow to solve
//! again, the rounds after the first are windowed, as a kind of the neighbourhood search
//! (decision 73): the relaxation is solved for a window of dates at a time, every other case
//! kept where it is, and its choice is kept when the dates it changes, solved exactly, make a
//! cheaper plan.
//!
//! # Files
//!
//! `candidates.rs` prunes the triples; `model.rs` builds the model; `driver.rs` runs HiGHS and the
//! rounds of lazy cuts of `cuts.rs`; [`decompose`] handles large instances with the same driver,
//! `relaxation.rs` is its day-level relaxation, and `benders.rs` its Benders rounds on the dates;
//! `reasons.rs` explains the cases left out. This file is the strategy and the steps of
//! [`solve_with_limit`], and calls down into all of them; none of them calls back.

mod benders;
mod candidates;
mod cuts;
pub mod decompose;
mod driver;
mod highs_ffi;

pub use highs_ffi::highs_version;
mod model;
mod reasons;
mod relaxation;

use crate::model::Instance;
use crate::schedule::{self, Placement, Solution, SolverInfo, Status};
use crate::strategy::contract::{SolveError, SolveOptions, Strategy};
use crate::strategy::greedy::Greedy;
use candidates::{Candidates, UnionFind};
use driver::{optimise, seconds_left, Budget, ModelSize, Plan};
use highs::HighsModelStatus;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The `mip` strategy: [`solve`].
pub struct Mip;

impl Strategy for Mip {
    fn name(&self) -> &'static str {
        "mip"
    }
    fn cost_hint(&self) -> u64 {
        1000
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        solve(inst, opts)
    }
}

/// The best plan HiGHS finds within the time limit, never worse than the heuristics, with its
/// bound and gap; the full model or, on large instances, the decomposition.
pub fn solve(inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
    solve_with_limit(inst, opts, decompose::FULL_MODEL_LIMIT)
}

/// [`solve`], with the full model used up to `full_model_limit` eligible triples and the
/// decomposition of [`decompose`] above it (tests force the decomposition with 0). The steps:
///
/// 1. prune the candidates; a case with a deadline and no triple proves that no plan exists;
/// 2. the warm start: the better heuristic plan;
/// 3. with no triple at all there is nothing to optimise;
/// 4. the search: the full model with its rounds of lazy cuts, or the decomposition;
/// 5. the better of the search's plan and the warm start;
/// 6. the bound, gap and status, then the reasons for the cases left out.
pub fn solve_with_limit(inst: &Instance, opts: &SolveOptions, full_model_limit: usize) -> Result<Solution, SolveError> {
    solve_with_paths(inst, opts, decompose::HYBRID_FROM, full_model_limit)
}

/// [`solve_with_limit`], with the full model straight away only up to `hybrid_from` eligible
/// triples: tests force the mid-sized path (the day-level steps with the Benders rounds, the
/// short search, then the full model) on tiny instances with 0.
pub fn solve_with_paths(
    inst: &Instance,
    opts: &SolveOptions,
    hybrid_from: usize,
    full_model_limit: usize,
) -> Result<Solution, SolveError> {
    let started = Instant::now();
    let cands = Candidates::prune(inst);
    no_case_without_triple(inst, &cands)?;
    let warm = WarmStart::best_heuristic(inst, opts);
    let mut notes = Vec::new();
    if let Some(w) = &warm {
        notes.push(format!("warm start: {} (objective {})", w.name, w.objective));
    }
    if cands.triples.is_empty() {
        return Ok(nothing_to_optimise(inst, &cands, started));
    }
    let job = Job {
        inst,
        cands: &cands,
        opts,
        started,
        deadline: started + Duration::from_secs_f64(opts.time_limit.max(0.0)),
    };
    let warm_placements = warm.as_ref().map(|w| w.placements.as_slice());
    let triples = cands.triples.len();
    let found = if triples <= hybrid_from && triples <= full_model_limit {
        full_model(&job, warm_placements, 0.0, &mut notes)?
    } else {
        decomposition(&job, warm_placements, full_model_limit, &mut notes)?
    };
    if found.best.is_none() && warm.is_none() {
        // No plan at all: say so by name when the bookings that must be kept are the reason.
        if let Some(cases) = unkeepable_bookings(&job) {
            return Err(unkept(inst, &cases));
        }
    }
    let (placements, objective) = never_worse_than_warm(found.best, warm, opts, &mut notes)?;
    let (status, bound, gap) = verdict(&job, objective, found.bound, found.status, found.by_work);
    let unscheduled = reasons::reasons(inst, &cands, &placements);
    Ok(Solution {
        unscheduled,
        placements,
        solver: SolverInfo {
            status,
            bound,
            gap,
            seconds: started.elapsed().as_secs_f64(),
            variables: Some(found.size.0),
            constraints: Some(found.size.1),
            notes,
        },
    })
}

/// How far past the time limit naming the bookings that cannot be kept may run, seconds (within
/// the 2 s a run may pass its limit by: docs/BENCHMARKS.md, "Time limits kept").
const DIAGNOSIS_SECONDS: f64 = 1.5;

/// What every step of one solve shares.
struct Job<'a> {
    inst: &'a Instance,
    cands: &'a Candidates,
    opts: &'a SolveOptions,
    started: Instant,
    /// When the time limit runs out.
    deadline: Instant,
}

/// How far past its share of the time limit a phase may run on the wall clock before it is cut
/// (the work limit normally ends it first: on a machine 2× slower it still does), unless that
/// would leave the later phases less than half the time after the share.
const PHASE_WALL_SLACK: f64 = 3.0;

impl Job<'_> {
    /// The whole solve's budget, less `used` units of work: the time limit, and the work limit
    /// when there is one.
    fn rest(&self, used: f64) -> Budget {
        Budget {
            work: self.opts.work_limit,
            ..Budget::until(self.deadline)
        }
        .less(used)
    }

    /// `share` of the work limit, or of the time limit taken as units of work.
    fn units(&self, share: f64) -> f64 {
        self.opts.work_limit.unwrap_or(self.opts.time_limit.max(0.0)) * share
    }

    /// A phase's budget: `share` of the work limit, or of the time limit taken as units of work,
    /// so that where the phase ends does not depend on the machine's speed. Without a work limit
    /// its wall clock is also capped, at [`PHASE_WALL_SLACK`] times its share but no later than
    /// halfway between its share and the time limit, so a busy machine still leaves the later
    /// phases time.
    fn phase(&self, share: f64) -> Budget {
        let limit = self.opts.time_limit.max(0.0);
        let units = self.units(share);
        let cap_share = (share * PHASE_WALL_SLACK).min((1.0 + share) / 2.0);
        let budget = Budget::until(self.deadline).with_work(units);
        if self.opts.work_limit.is_some() {
            budget
        } else {
            budget.capped(self.started + Duration::from_secs_f64(limit * cap_share))
        }
    }

    /// A slice of `share` of the limit, after `used` units of work: that share of the work
    /// limit, or of the time limit taken as units of work, within what is left. Without a work
    /// limit its wall clock is also capped at [`PHASE_WALL_SLACK`] times its share, and no later
    /// than halfway to the time limit.
    fn slice(&self, used: f64, share: f64) -> Budget {
        let limit = self.opts.time_limit.max(0.0);
        let budget = self.rest(used).with_work(self.units(share));
        if self.opts.work_limit.is_some() {
            return budget;
        }
        let now = Instant::now();
        let halfway = now + self.deadline.saturating_duration_since(now) / 2;
        budget.capped(halfway.min(now + Duration::from_secs_f64(limit * share * PHASE_WALL_SLACK)))
    }
}

/// What a search found: the best plan keeping every rule, a valid lower bound, the size of the
/// last model solved and HiGHS's last status.
struct Found {
    best: Option<Plan>,
    bound: Option<f64>,
    size: ModelSize,
    status: HighsModelStatus,
    /// The search ended because its work limit was spent.
    by_work: bool,
}

/// The heuristic plan the search starts from.
struct WarmStart {
    name: &'static str,
    placements: Vec<Placement>,
    objective: i64,
}

impl WarmStart {
    /// Step 2: the best heuristic plan (fifo or priority), if either meets every deadline.
    fn best_heuristic(inst: &Instance, opts: &SolveOptions) -> Option<WarmStart> {
        let mut best: Option<WarmStart> = None;
        for strat in [Greedy::priority(), Greedy::fifo()] {
            if let Ok(sol) = strat.solve(inst, opts) {
                let objective = schedule::objective(inst, &sol.placements).total;
                if best.as_ref().is_none_or(|b| objective < b.objective) {
                    best = Some(WarmStart {
                        name: strat.name(),
                        placements: sol.placements,
                        objective,
                    });
                }
            }
        }
        best
    }
}

/// Step 1: a case whose booking must be kept, or with a deadline, that no triple can take
/// proves the instance infeasible (the pruning is exact).
fn no_case_without_triple(inst: &Instance, cands: &Candidates) -> Result<(), SolveError> {
    let unkeepable: Vec<usize> = (0..inst.procedures.len())
        .filter(|&p| cands.must_keep[p] && cands.by_case[p].is_empty())
        .collect();
    if !unkeepable.is_empty() {
        return Err(unkept(inst, &unkeepable));
    }
    let impossible: Vec<String> = (inst.procedures.iter().enumerate())
        .filter(|(p, pr)| pr.deadline.is_some() && cands.by_case[*p].is_empty())
        .map(|(_, pr)| pr.id.clone())
        .collect();
    if impossible.is_empty() {
        Ok(())
    } else {
        Err(SolveError::DeadlineInfeasible {
            strategy: "mip".into(),
            cases: impossible,
            proven: true,
        })
    }
}

/// The model proved that no plan keeps every rule: the bookings that must be kept cannot all
/// be (named by [`unkeepable_bookings`]), or else the cases with a deadline cannot all be placed
/// (with those bookings kept).
fn infeasibility(job: &Job) -> SolveError {
    if let Some(cases) = unkeepable_bookings(job) {
        return unkept(job.inst, &cases);
    }
    let mandatory: Vec<String> = (job.inst.procedures.iter())
        .filter(|p| p.deadline.is_some())
        .map(|p| p.id.clone())
        .collect();
    SolveError::DeadlineInfeasible {
        strategy: "mip".into(),
        cases: mandatory,
        proven: true,
    }
}

/// The proof that the bookings of `cases` cannot all be kept.
fn unkept(inst: &Instance, cases: &[usize]) -> SolveError {
    SolveError::KeptBookingsInfeasible {
        strategy: "mip".into(),
        cases: cases.iter().map(|&p| inst.procedures[p].id.clone()).collect(),
        proven: true,
    }
}

/// The bookings that must be kept and cannot all be, when a model of them alone is proven
/// infeasible; `None` otherwise. They fall apart into groups that share no session and no
/// surgeon (so no rule links two groups); each group is solved alone and the cases of the
/// infeasible groups are named. Only run once a model has been proven infeasible; it may run
/// [`DIAGNOSIS_SECONDS`] past the time limit (all groups together), and when no group is proven
/// infeasible in that time every booking that must be kept is named.
fn unkeepable_bookings(job: &Job) -> Option<Vec<usize>> {
    let inst = job.inst;
    let kept: Vec<usize> = (0..inst.procedures.len()).filter(|&p| job.cands.must_keep[p]).collect();
    if kept.is_empty() {
        return None;
    }
    // One deadline for the whole diagnosis, so a run never passes its limit by more than this.
    let deadline = job
        .deadline
        .max(Instant::now() + Duration::from_secs_f64(DIAGNOSIS_SECONDS));
    let proven_infeasible = |cases: &[usize]| {
        let mut inside = vec![false; inst.procedures.len()];
        for &p in cases {
            inside[p] = true;
        }
        let sub = job
            .cands
            .subset(inst, |t| inside[t.p], vec![false; inst.procedures.len()]);
        let mut notes = Vec::new();
        optimise(inst, &sub, None, job.opts, Budget::until(deadline), &mut notes).is_ok_and(|o| o.infeasible)
    };
    if !proven_infeasible(&kept) {
        return None;
    }
    // Groups: union-find over the cases, joining cases that share a session or a surgeon.
    let mut joined = UnionFind::new(inst.procedures.len());
    let mut first_by_session: BTreeMap<usize, usize> = BTreeMap::new();
    let mut first_by_surgeon: BTreeMap<usize, usize> = BTreeMap::new();
    for &p in &kept {
        for &t in &job.cands.by_case[p] {
            let tr = job.cands.triples[t];
            for other in [
                *first_by_session.entry(tr.k).or_insert(p),
                *first_by_surgeon.entry(tr.s).or_insert(p),
            ] {
                joined.join(p, other);
            }
        }
    }
    let groups = joined.groups(kept.iter().copied());
    let named: Vec<usize> = (groups.into_iter())
        .filter(|g| proven_infeasible(g))
        .flatten()
        .collect();
    Some(if named.is_empty() { kept } else { named })
}

/// Step 3: no case can go anywhere, so the empty plan is optimal.
fn nothing_to_optimise(inst: &Instance, cands: &Candidates, started: Instant) -> Solution {
    let placements = Vec::new();
    Solution {
        unscheduled: reasons::reasons(inst, cands, &placements),
        placements,
        solver: SolverInfo {
            status: Status::Optimal,
            bound: Some(schedule::objective(inst, &[]).total as f64),
            gap: Some(0.0),
            seconds: started.elapsed().as_secs_f64(),
            variables: Some(0),
            constraints: Some(0),
            notes: vec!["no case can be placed anywhere: nothing to optimise".into()],
        },
    }
}

/// Step 4, smaller models: the full model with its lazy cuts, from `start`, with what is left
/// after `used` units of work.
fn full_model(job: &Job, start: Option<&[Placement]>, used: f64, notes: &mut Vec<String>) -> Result<Found, SolveError> {
    let o = optimise(job.inst, job.cands, start, job.opts, job.rest(used), notes)?;
    if o.infeasible {
        return Err(infeasibility(job));
    }
    Ok(Found {
        best: o.best,
        bound: o.bound,
        size: o.size,
        status: o.status,
        by_work: o.stopped_by_work,
    })
}

/// Step 4, larger models: first a day-level relaxation (bound) and a day-restricted plan (a far
/// better start than the heuristics), then a short neighbourhood search from that plan and the
/// full model from its plan, or, above `full_model_limit`, neighbourhood search alone.
fn decomposition(
    job: &Job,
    warm: Option<&[Placement]>,
    full_model_limit: usize,
    notes: &mut Vec<String>,
) -> Result<Found, SolveError> {
    let triples = job.cands.triples.len();
    // Shares of the limit, in units of work: the relaxation stops at the first, the
    // day-restricted model at the second (or at a 0.5 % gap, usually much earlier). Above
    // `full_model_limit`, 0.6 instead of 0.85 was measured and rejected (decision 70): cut
    // earlier, the restricted model's plan can be far worse (IHTC i19 and i27: 22–29 % gaps).
    let (relax_share, plan_share) = if triples <= full_model_limit {
        (0.15, 0.35)
    } else {
        (0.35, 0.85)
    };
    // Benders on the dates (decision 72), its rounds windowed in the neighbourhood search above
    // `full_model_limit` (decision 73).
    let how = match triples <= full_model_limit {
        true => Some(benders::Master::Whole),
        false if !job.opts.without.windows => Some(benders::Master::Windows),
        false => None,
    }
    .filter(|_| !job.opts.without.benders && benders::applies(job.inst));
    let mut learned = benders::Learned::new(job.inst, job.cands);
    let (start, relax_bound, used) = decompose::day_plan(
        job.inst,
        job.cands,
        warm,
        job.opts,
        job.phase(relax_share),
        job.phase(plan_share),
        how.map(|h| (h, &mut learned)),
        notes,
    )?;
    let bound_int = relax_bound.map(|b| rounded_up(b) as i64);
    if triples <= full_model_limit {
        let (start, used) = match start {
            Some(plan) if !job.opts.without.hybrid_search => {
                notes.push(format!(
                    "{triples} eligible triples: full model from the day-restricted plan, after a short neighbourhood search"
                ));
                let slice = job.slice(used, decompose::HYBRID_SEARCH_SHARE);
                let (plan, _, size, w) =
                    decompose::lns(job.inst, job.cands, plan, bound_int, job.opts, slice, true, None, notes)?;
                if bound_int.is_some_and(|b| plan.1 <= b) {
                    notes.push(
                        "the plan meets the day-level relaxation's bound: proven optimal, the full model is not needed"
                            .into(),
                    );
                    return Ok(Found {
                        best: Some(plan),
                        bound: relax_bound,
                        size,
                        status: HighsModelStatus::Optimal,
                        by_work: false,
                    });
                }
                (Some(plan), used + w)
            }
            start => {
                notes.push(format!(
                    "{triples} eligible triples: full model from the day-restricted plan"
                ));
                (start, used)
            }
        };
        let start_placements = start.as_ref().map(|(pl, _)| pl.as_slice());
        let found = full_model(job, start_placements.or(warm), used, notes)?;
        let best = match (found.best, start) {
            (Some(a), Some(b)) => Some(if a.1 <= b.1 { a } else { b }),
            (a, b) => a.or(b),
        };
        let bound = match (found.bound, relax_bound) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(Found { best, bound, ..found })
    } else {
        notes.push(format!(
            "{triples} eligible triples: neighbourhood search from the day-restricted plan"
        ));
        let Some(start) = start else {
            return Ok(Found {
                best: None,
                bound: relax_bound,
                size: (0, 0),
                status: HighsModelStatus::ReachedTimeLimit,
                by_work: false,
            });
        };
        let (plan, proven, size, lns_work) = decompose::lns(
            job.inst,
            job.cands,
            start,
            bound_int,
            job.opts,
            job.rest(used),
            false,
            (how == Some(benders::Master::Windows)).then_some(&mut learned),
            notes,
        )?;
        // A neighbourhood that was the whole problem, solved to optimality, proves the plan.
        let relax_bound = if proven { Some(plan.1 as f64) } else { relax_bound };
        let by_work = job.rest(used + lns_work).work_spent();
        let status = if seconds_left(job.deadline) <= 0.5 {
            HighsModelStatus::ReachedTimeLimit
        } else if by_work || job.opts.stop.is_raised() {
            HighsModelStatus::ReachedInterrupt
        } else {
            HighsModelStatus::Optimal
        };
        Ok(Found {
            best: Some(plan),
            bound: relax_bound,
            size,
            status,
            by_work,
        })
    }
}

/// Step 5: the search's plan, unless the warm start is better or the search found none.
fn never_worse_than_warm(
    best: Option<Plan>,
    warm: Option<WarmStart>,
    opts: &SolveOptions,
    notes: &mut Vec<String>,
) -> Result<Plan, SolveError> {
    let (plan, kept_warm) = match (best, warm) {
        (Some((pl, obj)), Some(w)) => {
            if obj <= w.objective {
                ((pl, obj), false)
            } else {
                ((w.placements, w.objective), true)
            }
        }
        (Some(plan), None) => (plan, false),
        (None, Some(w)) => ((w.placements, w.objective), true),
        (None, None) => {
            return Err(SolveError::Solver(format!(
                "no plan meeting every hard deadline was found within {:.0} s (the heuristics could not find one either): raise --time-limit",
                opts.time_limit
            )))
        }
    };
    if kept_warm {
        notes.push("HiGHS found nothing better than the warm start: the heuristic plan is returned".into());
    }
    Ok(plan)
}

/// A dual bound rounded up to the integer it proves (every objective is an integer), allowing
/// for HiGHS's tolerance.
fn rounded_up(bound: f64) -> f64 {
    (bound - 1e-6).ceil()
}

/// Step 6: the status, bound and gap of a plan of `objective`. The bound is valid for the exact
/// problem (cuts only remove infeasible plans); the objective is an integer, so the bound rounds
/// up.
fn verdict(
    job: &Job,
    objective: i64,
    bound: Option<f64>,
    last_status: HighsModelStatus,
    by_work: bool,
) -> (Status, Option<f64>, Option<f64>) {
    let bound_int = bound.map(|b| rounded_up(b).min(objective as f64));
    let gap = bound_int.map(|b| {
        if objective == 0 {
            0.0
        } else {
            ((objective as f64 - b) / (objective as f64).abs()).max(0.0)
        }
    });
    // Optimal only when proven (the bound meets the objective); a search stopped at the requested
    // gap says so, so a user can tell a proof from a tolerance.
    let status = if bound_int.is_some_and(|b| b >= objective as f64) {
        Status::Optimal
    } else if gap.is_some_and(|g| g <= job.opts.gap + 1e-9) {
        Status::GapReached
    } else if last_status == HighsModelStatus::ReachedTimeLimit
        || job.started.elapsed().as_secs_f64() >= job.opts.time_limit
    {
        Status::TimeLimit
    } else if by_work {
        Status::WorkLimit
    } else if job.opts.stop.is_raised() {
        Status::Interrupted
    } else {
        Status::Feasible
    };
    (status, bound_int, gap)
}

/// Prunes the candidates and builds the first-round model without solving it; returns the
/// number of columns and rows. For benchmarks of model building.
pub fn build_only(inst: &Instance) -> (usize, usize) {
    let cands = Candidates::prune(inst);
    let built = model::build(inst, &cands, &[], true);
    (built.columns, built.rows)
}
