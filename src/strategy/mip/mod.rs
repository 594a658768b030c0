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
//!   feasible plan: the pruning is exact.
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
//! `Σ_p U_p + Σ_t (c(p,d(k)) − U_p)·x[t] + Σ_k open_cost_k·u[k] + switch·Σ w[s,δ]`, where `c` is the
//! priority-weighted wait plus breach penalties of rebooking *p* on that date and `U_p` the cost of
//! leaving it unscheduled. Every coefficient is an integer, so an absolute gap below 1 proves
//! optimality.
//!
//! # Constraints (one function each below)
//!
//! 1. **Assignment**: `Σ_{t∋p} x[t] ≤ 1`, `= 1` when *p* has a deadline (its triples respect it).
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

use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::{self, Placement, Reason, Solution, SolverInfo, Status};
use crate::strategy::greedy::{self, PlanState};
use crate::strategy::{SolveError, SolveOptions, Strategy};
use chrono::NaiveDate;
use good_lp::solvers::highs::highs;
use good_lp::{variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Rounds of lazy cuts before giving up on improving the warm start.
const MAX_ROUNDS: usize = 50;

pub mod decompose;

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

/// Case `p` in session `k` by surgeon `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Triple {
    pub(crate) p: usize,
    pub(crate) k: usize,
    pub(crate) s: usize,
}

/// The pruned candidate sets.
pub(crate) struct Candidates {
    /// Cases that must be scheduled in this model (frozen cases of a neighbourhood); cases with
    /// a deadline always must.
    forced: Vec<bool>,
    triples: Vec<Triple>,
    /// Triples of each case.
    by_case: Vec<Vec<usize>>,
    /// Staffing pairs (unowned session, surgeon) that get a `y` variable.
    staff: Vec<(usize, usize)>,
    staff_index: BTreeMap<(usize, usize), usize>,
    /// Cases that were statically eligible somewhere but lost every triple to a surgeon limit.
    limits_pruned: Vec<bool>,
}

/// Does any safe-hours rule (6–10) apply to new duty items?
fn hours_rules_active(inst: &Instance) -> bool {
    let r = &inst.rules;
    r.no_overlapping_duties
        || r.max_shift_minutes.is_some()
        || r.max_minutes_per_7_days.is_some()
        || r.max_average_weekly_minutes.is_some()
        || r.max_consecutive_days.is_some()
}

pub(crate) fn booked_minutes(inst: &Instance) -> BTreeMap<(usize, NaiveDate), i64> {
    let mut booked = BTreeMap::new();
    for sess in &inst.sessions {
        if let Some(o) = sess.owner {
            *booked.entry((o, sess.date)).or_insert(0) += sess.booked_minutes();
        }
    }
    booked
}

fn candidates(inst: &Instance) -> Candidates {
    let booked = booked_minutes(inst);
    let fixed: Vec<Vec<Item>> = (0..inst.surgeons.len()).map(|s| rules::fixed_items(inst, s)).collect();
    let active = hours_rules_active(inst);
    let mut staffable: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    let mut triples = Vec::new();
    let mut by_case = vec![Vec::new(); inst.procedures.len()];
    let mut limits_pruned = vec![false; inst.procedures.len()];
    for (p, pr) in inst.procedures.iter().enumerate() {
        let mut static_any = false;
        for (k, sess) in inst.sessions.iter().enumerate() {
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
    }
}

impl Candidates {
    /// The candidates restricted to the triples `keep` accepts, with `forced` cases.
    pub(crate) fn subset(&self, inst: &Instance, keep: impl Fn(&Triple) -> bool, forced: Vec<bool>) -> Candidates {
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
        }
    }
}

/// The built model: good_lp problem plus the column layout.
struct Built {
    problem: good_lp::solvers::highs::HighsProblem,
    columns: usize,
    rows: usize,
    /// Objective coefficient of every column (to audit what HiGHS returns).
    costs: Vec<f64>,
    x: Vec<usize>,
    /// `z[p]`: case `p` unscheduled (cases with triples and no deadline).
    z: Vec<Option<usize>>,
    /// The column fixed at 1 that carries the cost of cases no session can take.
    one: Option<usize>,
    y: Vec<usize>,
    u: BTreeMap<usize, usize>,
    /// `a[s,δ]` columns and the staffing pairs they dominate.
    a: Vec<(usize, Vec<usize>)>,
    /// `v[s,δ,θ]` columns and their triples; `w[s,δ]` columns and their `v`s.
    v: Vec<(usize, Vec<usize>)>,
    w: Vec<(usize, Vec<usize>)>,
}

/// Collects variables with their column index (good_lp adds columns in creation order).
struct Columns {
    vars: ProblemVariables,
    list: Vec<Variable>,
}

impl Columns {
    fn add(&mut self, def: good_lp::VariableDefinition) -> usize {
        self.list.push(self.vars.add(def));
        self.list.len() - 1
    }
}

fn build(inst: &Instance, c: &Candidates, cuts: &[Vec<usize>]) -> Built {
    let mut cols = Columns {
        vars: ProblemVariables::new(),
        list: Vec::new(),
    };
    let x: Vec<usize> = c.triples.iter().map(|_| cols.add(variable().binary())).collect();
    let y: Vec<usize> = c.staff.iter().map(|_| cols.add(variable().binary())).collect();
    let mut u = BTreeMap::new();
    for t in &c.triples {
        if inst.sessions[t.k].open_cost > 0 && !u.contains_key(&t.k) {
            let col = cols.add(variable().binary());
            u.insert(t.k, col);
        }
    }
    let mut rows: Vec<Constraint> = Vec::new();
    let var = |cols: &Columns, i: usize| cols.list[i];

    // Objective. Unscheduled cases are paid through `z[p] = 1 − Σ x` and cases that can go nowhere
    // through one column fixed at 1, so that HiGHS sees the true objective (no constant offset)
    // and its relative gap is the gap of the plan.
    let w_ = &inst.weights;
    let mut objective = Expression::with_capacity(c.triples.len() + u.len() + inst.procedures.len());
    let mut z = vec![None; inst.procedures.len()];
    let mut nowhere = 0.0;
    for (p, pr) in inst.procedures.iter().enumerate() {
        let unscheduled = w_.unscheduled[pr.priority.index()] as f64;
        if c.by_case[p].is_empty() {
            nowhere += unscheduled;
            continue;
        }
        for &t in &c.by_case[p] {
            let tr = c.triples[t];
            let coef = schedule::case_cost(inst, p, inst.sessions[tr.k].date);
            objective.add_mul(coef as f64, var(&cols, x[t]));
        }
        if pr.deadline.is_none() && !c.forced[p] {
            let col = cols.add(variable().min(0.0).max(1.0));
            objective.add_mul(unscheduled, var(&cols, col));
            z[p] = Some(col);
        }
    }
    let one = if nowhere > 0.0 {
        let col = cols.add(variable().min(1.0).max(1.0));
        objective.add_mul(nowhere, var(&cols, col));
        Some(col)
    } else {
        None
    };
    for (&k, &col) in &u {
        objective.add_mul(inst.sessions[k].open_cost as f64, var(&cols, col));
    }

    assignment_rows(c, &cols, &x, &z, &mut rows);
    capacity_rows(inst, c, &cols, &x, &u, &mut rows);
    staffing_rows(inst, c, &cols, &x, &y, &mut rows);
    operating_rows(inst, c, &cols, &x, &mut rows);
    let a = safe_hours_rows(inst, c, &mut cols, &y, cuts, &mut rows);
    let (v, w) = switch_rows(inst, c, &mut cols, &x, &mut objective, &mut rows);

    let position: std::collections::HashMap<Variable, usize> =
        cols.list.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut costs = vec![0.0; cols.list.len()];
    for (v, coef) in objective.clone().linear_coefficients() {
        costs[position[&v]] = coef;
    }
    let columns = cols.list.len();
    let row_count = rows.len();
    let mut problem = cols.vars.minimise(objective).using(highs);
    for r in rows {
        problem.add_constraint(r);
    }
    Built {
        problem,
        columns,
        rows: row_count,
        costs,
        x,
        z,
        one,
        y,
        u,
        a,
        v,
        w,
    }
}

fn sum(cols: &Columns, terms: impl IntoIterator<Item = (f64, usize)>) -> Expression {
    let mut e = Expression::with_capacity(8);
    for (coef, i) in terms {
        e.add_mul(coef, cols.list[i]);
    }
    e
}

/// Family 1: each case once, or unscheduled (`z[p]`); a case with a deadline has no `z`.
fn assignment_rows(c: &Candidates, cols: &Columns, x: &[usize], z: &[Option<usize>], rows: &mut Vec<Constraint>) {
    for (p, ts) in c.by_case.iter().enumerate() {
        if ts.is_empty() {
            continue;
        }
        let mut e = sum(cols, ts.iter().map(|&t| (1.0, x[t])));
        if let Some(col) = z[p] {
            e.add_mul(1.0, cols.list[col]);
        }
        rows.push(e.eq(1.0));
    }
}

/// Family 2: capacity with turnaround; opening a list with a cost.
fn capacity_rows(
    inst: &Instance,
    c: &Candidates,
    cols: &Columns,
    x: &[usize],
    u: &BTreeMap<usize, usize>,
    rows: &mut Vec<Constraint>,
) {
    let mut by_session: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (t, tr) in c.triples.iter().enumerate() {
        by_session.entry(tr.k).or_default().push(t);
    }
    let turn = inst.rules.turnaround_minutes;
    for (k, ts) in by_session {
        let sess = &inst.sessions[k];
        let need = |t: usize| (inst.procedures[c.triples[t].p].duration + turn) as f64;
        // Each case counts once however many surgeons could operate it.
        let mut per_case: BTreeMap<usize, i64> = BTreeMap::new();
        for &t in &ts {
            per_case.insert(c.triples[t].p, inst.procedures[c.triples[t].p].duration + turn);
        }
        let most = per_case.values().sum::<i64>();
        let mut e = sum(cols, ts.iter().map(|&t| (need(t), x[t])));
        match u.get(&k) {
            Some(&uk) => {
                e.add_mul(-(sess.free_minutes as f64), cols.list[uk]);
                rows.push(e.leq(0.0));
                for &t in &ts {
                    rows.push(sum(cols, [(1.0, x[t]), (-1.0, uk)]).leq(0.0));
                }
            }
            None => {
                if most > sess.free_minutes {
                    rows.push(e.leq(sess.free_minutes as f64));
                }
            }
        }
    }
}

/// Family 3: a case in an unowned list staffs it; one surgeon in an unshared list.
fn staffing_rows(
    inst: &Instance,
    c: &Candidates,
    cols: &Columns,
    x: &[usize],
    y: &[usize],
    rows: &mut Vec<Constraint>,
) {
    for (t, tr) in c.triples.iter().enumerate() {
        if let Some(&i) = c.staff_index.get(&(tr.k, tr.s)) {
            rows.push(sum(cols, [(1.0, x[t]), (-1.0, y[i])]).leq(0.0));
        }
    }
    let mut by_session: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &(k, _)) in c.staff.iter().enumerate() {
        by_session.entry(k).or_default().push(i);
    }
    for (k, list) in by_session {
        if !inst.sessions[k].shared && list.len() > 1 {
            rows.push(sum(cols, list.iter().map(|&i| (1.0, y[i]))).leq(1.0));
        }
    }
}

/// Family 4: operating-minute caps per surgeon and date.
fn operating_rows(inst: &Instance, c: &Candidates, cols: &Columns, x: &[usize], rows: &mut Vec<Constraint>) {
    let booked = booked_minutes(inst);
    let mut groups: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
    for (t, tr) in c.triples.iter().enumerate() {
        groups.entry((tr.s, inst.sessions[tr.k].date)).or_default().push(t);
    }
    for ((s, d), ts) in groups {
        let Some(cap) = inst.operating_cap(s, d) else { continue };
        let room = cap - booked.get(&(s, d)).copied().unwrap_or(0);
        // Each case counts once however many lists it could go to.
        let mut per_case: BTreeMap<usize, i64> = BTreeMap::new();
        for &t in &ts {
            per_case.insert(c.triples[t].p, inst.procedures[c.triples[t].p].duration);
        }
        if per_case.values().sum::<i64>() <= room {
            continue;
        }
        let e = sum(
            cols,
            ts.iter()
                .map(|&t| (inst.procedures[c.triples[t].p].duration as f64, x[t])),
        );
        rows.push(e.leq(room as f64));
    }
}

/// Families 5–8 and the lazy cuts: the safe-hours rules on staffing pairs. Returns the `a`
/// columns (rule 10) with the pairs each dominates.
fn safe_hours_rows(
    inst: &Instance,
    c: &Candidates,
    cols: &mut Columns,
    y: &[usize],
    cuts: &[Vec<usize>],
    rows: &mut Vec<Constraint>,
) -> Vec<(usize, Vec<usize>)> {
    let r = &inst.rules;
    let mut a_cols = Vec::new();
    if !hours_rules_active(inst) {
        return a_cols;
    }
    let mut by_surgeon: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &(_, s)) in c.staff.iter().enumerate() {
        by_surgeon.entry(s).or_default().push(i);
    }
    for (s, pairs) in by_surgeon {
        let fixed = rules::fixed_items(inst, s);
        let item = |i: usize| Item::staffed_session(inst, c.staff[i].0);
        // Family 5: conflicting pairs within a day of each other.
        for (n, &i) in pairs.iter().enumerate() {
            let a = item(i);
            let mut with_a = fixed.clone();
            let pos = with_a.partition_point(|it| (it.start, it.end, it.date) <= (a.start, a.end, a.date));
            with_a.insert(pos, a);
            for &j in &pairs[n + 1..] {
                let b = item(j);
                if (b.date - a.date).num_days().abs() > 1 {
                    continue;
                }
                if !rules::admits(inst, &with_a, b) {
                    rows.push(sum(cols, [(1.0, y[i]), (1.0, y[j])]).leq(1.0));
                }
            }
        }
        // Fixed minutes by start date.
        let mut fixed_by_date: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for it in &fixed {
            *fixed_by_date.entry(it.date).or_insert(0) += it.minutes();
        }
        let mut cand_by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for &i in &pairs {
            cand_by_date.entry(item(i).date).or_default().push(i);
        }
        let (Some(&first), Some(&last)) = (cand_by_date.keys().next(), cand_by_date.keys().next_back()) else {
            continue;
        };
        // Family 6: seven-day windows.
        if let Some(cap) = r.max_minutes_per_7_days {
            let mut windows: BTreeMap<Vec<usize>, i64> = BTreeMap::new();
            let mut d = first - chrono::Days::new(6);
            while d <= last {
                let end = d + chrono::Days::new(6);
                let inside: Vec<usize> = cand_by_date
                    .range(d..=end)
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                let fixed_min: i64 = fixed_by_date.range(d..=end).map(|(_, m)| m).sum();
                let most: i64 = inside.iter().map(|&i| item(i).minutes()).sum();
                if !inside.is_empty() && most > cap - fixed_min {
                    let e = windows.entry(inside).or_insert(i64::MAX);
                    *e = (*e).min(cap - fixed_min);
                }
                d = d + chrono::Days::new(1);
            }
            for (inside, rhs) in windows {
                let e = sum(cols, inside.iter().map(|&i| (item(i).minutes() as f64, y[i])));
                rows.push(e.leq(rhs as f64));
            }
        }
        // Family 7: the horizon average.
        if let Some(avg) = r.max_average_weekly_minutes {
            let days = inst.horizon_days();
            let fixed_min: i64 = fixed_by_date
                .range(inst.horizon_start..=inst.horizon_end)
                .map(|(_, m)| m)
                .sum();
            let inside: Vec<usize> = pairs
                .iter()
                .copied()
                .filter(|&i| inst.in_horizon(item(i).date))
                .collect();
            let room = (avg * days - 7 * fixed_min).div_euclid(7);
            let most: i64 = inside.iter().map(|&i| item(i).minutes()).sum();
            if most > room {
                let e = sum(cols, inside.iter().map(|&i| (item(i).minutes() as f64, y[i])));
                rows.push(e.leq(room as f64));
            }
        }
        // Family 8: consecutive days.
        if let Some(max) = r.max_consecutive_days {
            let mut a_of: BTreeMap<NaiveDate, usize> = BTreeMap::new();
            let span = max as u64;
            let mut d = first - chrono::Days::new(span);
            while d <= last {
                let window: Vec<NaiveDate> = (0..=span).map(|k| d + chrono::Days::new(k)).collect();
                let covered = window
                    .iter()
                    .all(|x| fixed_by_date.contains_key(x) || cand_by_date.contains_key(x));
                let free: Vec<NaiveDate> = window
                    .iter()
                    .copied()
                    .filter(|x| !fixed_by_date.contains_key(x))
                    .collect();
                if covered && !free.is_empty() {
                    let mut e = Expression::with_capacity(free.len());
                    for day in &free {
                        let col = *a_of.entry(*day).or_insert_with(|| {
                            let col = cols.add(variable().min(0.0).max(1.0));
                            a_cols.push((col, cand_by_date[day].clone()));
                            col
                        });
                        e.add_mul(1.0, cols.list[col]);
                    }
                    rows.push(e.leq(free.len() as f64 - 1.0));
                }
                d = d + chrono::Days::new(1);
            }
            for (day, &col) in &a_of {
                for &i in &cand_by_date[day] {
                    rows.push(sum(cols, [(1.0, y[i]), (-1.0, col)]).leq(0.0));
                }
            }
        }
    }
    // Lazy no-good cuts from earlier rounds.
    for cut in cuts {
        rows.push(sum(cols, cut.iter().map(|&i| (1.0, y[i]))).leq(cut.len() as f64 - 1.0));
    }
    a_cols
}

type SwitchColumns = (Vec<(usize, Vec<usize>)>, Vec<(usize, Vec<usize>)>);

/// Family 9: theatre switches per surgeon and date (only with a positive weight).
fn switch_rows(
    inst: &Instance,
    c: &Candidates,
    cols: &mut Columns,
    x: &[usize],
    objective: &mut Expression,
    rows: &mut Vec<Constraint>,
) -> SwitchColumns {
    let (mut v_cols, mut w_cols) = (Vec::new(), Vec::new());
    let weight = inst.weights.theatre_switch;
    if weight <= 0 {
        return (v_cols, w_cols);
    }
    let mut groups: BTreeMap<(usize, NaiveDate), BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (t, tr) in c.triples.iter().enumerate() {
        let sess = &inst.sessions[tr.k];
        groups
            .entry((tr.s, sess.date))
            .or_default()
            .entry(sess.theatre)
            .or_default()
            .push(t);
    }
    for (_, theatres) in groups {
        if theatres.len() < 2 {
            continue;
        }
        let mut vs = Vec::new();
        for (_, ts) in theatres {
            let v = cols.add(variable().min(0.0).max(1.0));
            for &t in &ts {
                rows.push(sum(cols, [(1.0, x[t]), (-1.0, v)]).leq(0.0));
            }
            v_cols.push((v, ts));
            vs.push(v_cols.len() - 1);
        }
        let w = cols.add(variable().min(0.0));
        let mut e = sum(cols, vs.iter().map(|&i| (1.0, v_cols[i].0)));
        e.add_mul(-1.0, cols.list[w]);
        rows.push(e.leq(1.0));
        objective.add_mul(weight as f64, cols.list[w]);
        w_cols.push((w, vs));
    }
    (v_cols, w_cols)
}

/// A complete column vector for a feasible plan (the warm start). `None` if a placement is not
/// among the triples (cannot happen for a feasible plan; kept defensive).
fn warm_vector(c: &Candidates, b: &Built, placements: &[Placement]) -> Option<Vec<f64>> {
    let mut col = vec![0.0; b.columns];
    let index: BTreeMap<Triple, usize> = c.triples.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let mut used = BTreeSet::new();
    for pl in placements {
        let t = *index.get(&Triple {
            p: pl.procedure,
            k: pl.session,
            s: pl.surgeon,
        })?;
        col[b.x[t]] = 1.0;
        used.insert(pl.session);
        if let Some(&i) = c.staff_index.get(&(pl.session, pl.surgeon)) {
            col[b.y[i]] = 1.0;
        }
    }
    let mut placed = vec![false; c.by_case.len()];
    for pl in placements {
        placed[pl.procedure] = true;
    }
    for (p, z) in b.z.iter().enumerate() {
        if let Some(z) = *z {
            col[z] = if placed[p] { 0.0 } else { 1.0 };
        }
    }
    if let Some(one) = b.one {
        col[one] = 1.0;
    }
    for (k, &u) in &b.u {
        if used.contains(k) {
            col[u] = 1.0;
        }
    }
    for (a, pairs) in &b.a {
        if pairs.iter().any(|&i| col[b.y[i]] > 0.5) {
            col[*a] = 1.0;
        }
    }
    for (v, ts) in &b.v {
        if ts.iter().any(|&t| col[b.x[t]] > 0.5) {
            col[*v] = 1.0;
        }
    }
    for (w, vs) in &b.w {
        let on = vs.iter().filter(|&&i| col[b.v[i].0] > 0.5).count() as f64;
        col[*w] = (on - 1.0).max(0.0);
    }
    Some(col)
}

/// What one HiGHS run gave.
pub(crate) struct HighsRun {
    pub status: HighsModelStatus,
    /// Column values when HiGHS has a feasible solution.
    pub columns: Option<Vec<f64>>,
    /// Dual bound of the model.
    pub bound: Option<f64>,
    /// HiGHS's solution did not price at its own objective (or the bound exceeded it).
    pub inconsistent: bool,
}

/// Solves a good_lp model through the underlying HiGHS model (options, warm start, bound).
pub(crate) fn run_highs(
    problem: good_lp::solvers::highs::HighsProblem,
    costs: &[f64],
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    seconds: f64,
    presolve: bool,
) -> Result<HighsRun, SolveError> {
    let err = |what: &str, e: &dyn std::fmt::Debug| SolveError::Solver(format!("HiGHS {what}: {e:?}"));
    let mut model = problem
        .try_into_inner()
        .map_err(|e| err("could not build the model", &e))?;
    model.make_quiet();
    let set = |model: &mut highs::Model, key: &str, value: OptionValue| -> Result<(), SolveError> {
        let r = match value {
            OptionValue::Bool(v) => model.try_set_option(key, v),
            OptionValue::Int(v) => model.try_set_option(key, v),
            OptionValue::Float(v) => model.try_set_option(key, v),
            OptionValue::Str(v) => model.try_set_option(key, v),
        };
        r.map_err(|e| err(&format!("option {key}"), &e))
    };
    set(&mut model, "output_flag", OptionValue::Bool(false))?;
    set(&mut model, "time_limit", OptionValue::Float(seconds.max(0.01)))?;
    set(&mut model, "mip_rel_gap", OptionValue::Float(opts.gap))?;
    set(&mut model, "mip_abs_gap", OptionValue::Float(0.999))?;
    set(&mut model, "threads", OptionValue::Int(opts.threads.max(1) as i32))?;
    set(&mut model, "random_seed", OptionValue::Int(opts.seed as i32))?;
    if !presolve {
        set(&mut model, "presolve", OptionValue::Str("off"))?;
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| err("warm start", &e))?;
    }
    let solved = model.try_solve().map_err(|e| err("solve", &e))?;
    let status = solved.status();
    let feasible = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    let mut inconsistent = false;
    let columns = if feasible {
        let cols = solved.get_solution().columns().to_vec();
        // Audit: the returned columns must price at HiGHS's own objective value. With a warm start
        // and presolve, HiGHS (1.16) has been seen to report a lower "optimal" objective while
        // returning the warm start itself; such a run is repeated without presolve by the caller.
        let priced: f64 = costs.iter().zip(&cols).map(|(c, v)| c * v).sum();
        if (priced - solved.objective_value()).abs() > 0.5 || bound.is_some_and(|b| b > priced + 0.5) {
            inconsistent = true;
        }
        Some(cols)
    } else {
        None
    };
    Ok(HighsRun {
        status,
        columns,
        bound,
        inconsistent,
    })
}

enum OptionValue {
    Bool(bool),
    Int(i32),
    Float(f64),
    Str(&'static str),
}

/// Runs HiGHS, and once more without presolve if the first answer is inconsistent.
pub(crate) fn run_audited(
    first: (good_lp::solvers::highs::HighsProblem, Vec<f64>),
    rebuild: &dyn Fn() -> (good_lp::solvers::highs::HighsProblem, Vec<f64>),
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<HighsRun, SolveError> {
    let left = |d: Instant| d.saturating_duration_since(Instant::now()).as_secs_f64();
    let (problem, costs) = first;
    let run = run_highs(problem, &costs, warm, opts, left(deadline), true)?;
    if !run.inconsistent {
        return Ok(run);
    }
    notes.push("HiGHS returned a solution inconsistent with its objective; re-solved without presolve".into());
    let (problem, costs) = rebuild();
    let run = run_highs(problem, &costs, warm, opts, left(deadline), false)?;
    if run.inconsistent {
        return Err(SolveError::Solver(
            "HiGHS returned a solution inconsistent with its own objective twice".into(),
        ));
    }
    Ok(run)
}

/// The result of optimising one (possibly restricted) model with its lazy cuts.
pub(crate) struct Optimised {
    /// The best plan found that keeps every rule, with its objective.
    pub best: Option<(Vec<Placement>, i64)>,
    /// Dual bound of the last round (valid for the model's restriction).
    pub bound: Option<f64>,
    pub status: HighsModelStatus,
    /// The model has no solution at all (a forced or mandatory case cannot be placed).
    pub infeasible: bool,
    pub size: (usize, usize),
}

/// Solves `cands` with lazy shift-chain cuts until the plan keeps every rule or time runs out.
pub(crate) fn optimise(
    inst: &Instance,
    cands: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    deadline: Instant,
    notes: &mut Vec<String>,
) -> Result<Optimised, SolveError> {
    let mut out = Optimised {
        best: None,
        bound: None,
        status: HighsModelStatus::NotSet,
        infeasible: false,
        size: (0, 0),
    };
    let mut cuts: Vec<Vec<usize>> = Vec::new();
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        if deadline.saturating_duration_since(Instant::now()).as_secs_f64() <= 0.05 {
            notes.push("time limit reached between rounds of cuts".into());
            break;
        }
        rounds += 1;
        let built = build(inst, cands, &cuts);
        out.size = (built.columns, built.rows);
        let warm_cols = warm.and_then(|pl| warm_vector(cands, &built, pl));
        let x = built.x.clone();
        let rebuild = || {
            let b = build(inst, cands, &cuts);
            (b.problem, b.costs)
        };
        let run = run_audited(
            (built.problem, built.costs),
            &rebuild,
            warm_cols.as_deref(),
            opts,
            deadline,
            notes,
        )?;
        out.status = run.status;
        out.bound = run.bound;
        match run.status {
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                out.infeasible = true;
                return Ok(out);
            }
            HighsModelStatus::Optimal
            | HighsModelStatus::ReachedTimeLimit
            | HighsModelStatus::ObjectiveBound
            | HighsModelStatus::ObjectiveTarget
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedInterrupt
            | HighsModelStatus::ReachedMemoryLimit => {}
            other => return Err(SolveError::Solver(format!("HiGHS stopped with status {other:?}"))),
        }
        let Some(cols) = run.columns else {
            notes.push(format!("round {rounds}: HiGHS found no plan in time"));
            break;
        };
        let placements: Vec<Placement> = x
            .iter()
            .enumerate()
            .filter(|&(_, &col)| cols[col] > 0.5)
            .map(|(t, _)| {
                let tr = cands.triples[t];
                Placement {
                    procedure: tr.p,
                    session: tr.k,
                    surgeon: tr.s,
                }
            })
            .collect();
        let new_cuts = violated_cuts(inst, cands, &placements);
        if new_cuts.is_empty() {
            let obj = schedule::objective(inst, &placements).total;
            out.best = Some((placements, obj));
            break;
        }
        cuts.extend(new_cuts);
    }
    if rounds > 1 {
        notes.push(format!("{rounds} rounds, {} lazy shift-chain cuts", cuts.len()));
    }
    Ok(out)
}

/// Failing safe-hours structures of a plan, as sets of staffing-pair indices (lazy cuts).
fn violated_cuts(inst: &Instance, c: &Candidates, placements: &[Placement]) -> Vec<Vec<usize>> {
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

/// Reasons for the cases a plan leaves out, from the model's view (SPEC.md 5).
fn reasons(inst: &Instance, c: &Candidates, placements: &[Placement]) -> Vec<(usize, Reason)> {
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
                    Err(greedy::Blocked::SurgeonLimits) => {}
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

/// The best heuristic plan (fifo or priority), if either meets every deadline.
fn warm_start(inst: &Instance, opts: &SolveOptions) -> Option<(&'static str, Solution)> {
    let mut best: Option<(&'static str, Solution, i64)> = None;
    for strat in [greedy::Greedy::priority(), greedy::Greedy::fifo()] {
        if let Ok(sol) = strat.solve(inst, opts) {
            let obj = schedule::objective(inst, &sol.placements).total;
            if best.as_ref().is_none_or(|b| obj < b.2) {
                best = Some((strat.name(), sol, obj));
            }
        }
    }
    best.map(|(n, s, _)| (n, s))
}

pub fn solve(inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
    solve_with_limit(inst, opts, decompose::FULL_MODEL_LIMIT)
}

/// [`solve`], with the full model used up to `full_model_limit` eligible triples and the
/// decomposition of [`decompose`] above it (tests force the decomposition with 0).
pub fn solve_with_limit(inst: &Instance, opts: &SolveOptions, full_model_limit: usize) -> Result<Solution, SolveError> {
    let t0 = Instant::now();
    let cands = candidates(inst);
    // A mandatory case with no triple: no plan exists.
    let impossible: Vec<String> = inst
        .procedures
        .iter()
        .enumerate()
        .filter(|(p, pr)| pr.deadline.is_some() && cands.by_case[*p].is_empty())
        .map(|(_, pr)| pr.id.clone())
        .collect();
    if !impossible.is_empty() {
        return Err(SolveError::DeadlineInfeasible {
            strategy: "mip".into(),
            cases: impossible,
            proven: true,
        });
    }
    let warm = warm_start(inst, opts);
    let warm_obj = warm
        .as_ref()
        .map(|(_, s)| schedule::objective(inst, &s.placements).total);
    let mut notes = Vec::new();
    if let Some((name, _)) = &warm {
        notes.push(format!("warm start: {name} (objective {})", warm_obj.unwrap_or(0)));
    }
    if cands.triples.is_empty() {
        let placements = Vec::new();
        return Ok(Solution {
            unscheduled: reasons(inst, &cands, &placements),
            placements,
            solver: SolverInfo {
                status: Status::Optimal,
                bound: Some(schedule::objective(inst, &[]).total as f64),
                gap: Some(0.0),
                seconds: t0.elapsed().as_secs_f64(),
                variables: Some(0),
                constraints: Some(0),
                notes: vec!["no case can be placed anywhere: nothing to optimise".into()],
            },
        });
    }

    let deadline = t0 + std::time::Duration::from_secs_f64(opts.time_limit.max(0.0));
    let warm_placements = warm.as_ref().map(|(_, w)| w.placements.as_slice());
    let mandatory_infeasible = || {
        let mandatory: Vec<String> = inst
            .procedures
            .iter()
            .filter(|p| p.deadline.is_some())
            .map(|p| p.id.clone())
            .collect();
        SolveError::DeadlineInfeasible {
            strategy: "mip".into(),
            cases: mandatory,
            proven: true,
        }
    };
    let triples = cands.triples.len();
    let (best, bound, size, last_status) = if triples <= decompose::HYBRID_FROM && triples <= full_model_limit {
        let o = optimise(inst, &cands, warm_placements, opts, deadline, &mut notes)?;
        if o.infeasible {
            return Err(mandatory_infeasible());
        }
        (o.best, o.bound, o.size, o.status)
    } else {
        // Larger models: first a day-level relaxation (bound) and a day-restricted plan (a far
        // better start than the heuristics), then the full model from that plan, or, above
        // `full_model_limit`, neighbourhood search.
        // Shares of the time limit: the relaxation stops at the first, the day-restricted model
        // at the second (or at a 0.5 % gap, usually much earlier).
        let (relax_share, plan_share) = if triples <= full_model_limit {
            (0.15, 0.35)
        } else {
            (0.35, 0.85)
        };
        let at = |share: f64| t0 + std::time::Duration::from_secs_f64(opts.time_limit.max(0.0) * share);
        let (start, relax_bound) = decompose::day_plan(
            inst,
            &cands,
            warm_placements,
            opts,
            at(relax_share),
            at(plan_share),
            &mut notes,
        )?;
        let start_pl = start.as_ref().map(|(pl, _)| pl.as_slice());
        if triples <= full_model_limit {
            notes.push(format!(
                "{triples} eligible triples: full model from the day-restricted plan"
            ));
            let o = optimise(inst, &cands, start_pl.or(warm_placements), opts, deadline, &mut notes)?;
            if o.infeasible {
                return Err(mandatory_infeasible());
            }
            let best = match (o.best, start) {
                (Some(a), Some(b)) => Some(if a.1 <= b.1 { a } else { b }),
                (a, b) => a.or(b),
            };
            let bound = match (o.bound, relax_bound) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            (best, bound, o.size, o.status)
        } else {
            notes.push(format!(
                "{triples} eligible triples: neighbourhood search from the day-restricted plan"
            ));
            match start {
                None => (None, relax_bound, (0, 0), HighsModelStatus::ReachedTimeLimit),
                Some((pl, obj)) => {
                    let bound_int = relax_bound.map(|b| (b - 1e-6).ceil() as i64);
                    let (pl, obj, size) = decompose::lns(inst, &cands, pl, obj, bound_int, opts, deadline, &mut notes)?;
                    let status = if decompose::left(deadline) <= 0.5 {
                        HighsModelStatus::ReachedTimeLimit
                    } else {
                        HighsModelStatus::Optimal
                    };
                    (Some((pl, obj)), relax_bound, size, status)
                }
            }
        }
    };

    // Never worse than the warm start.
    let (placements, obj, kept_warm) = match (best, warm) {
        (Some((pl, obj)), Some((_, w))) => {
            let wobj = warm_obj.unwrap_or(i64::MAX);
            if obj <= wobj {
                (pl, obj, false)
            } else {
                (w.placements, wobj, true)
            }
        }
        (Some((pl, obj)), None) => (pl, obj, false),
        (None, Some((_, w))) => (w.placements, warm_obj.unwrap_or(0), true),
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
    // The bound is valid for the exact problem (cuts only remove infeasible plans); the objective
    // is an integer, so the bound rounds up.
    let bound_int = bound.map(|b| (b - 1e-6).ceil().min(obj as f64));
    let gap = bound_int.map(|b| {
        if obj == 0 {
            0.0
        } else {
            ((obj as f64 - b) / (obj as f64).abs()).max(0.0)
        }
    });
    let status = if gap.is_some_and(|g| g <= opts.gap + 1e-9) {
        Status::Optimal
    } else if last_status == HighsModelStatus::ReachedTimeLimit || t0.elapsed().as_secs_f64() >= opts.time_limit {
        Status::TimeLimit
    } else {
        Status::Feasible
    };
    Ok(Solution {
        unscheduled: reasons(inst, &cands, &placements),
        placements,
        solver: SolverInfo {
            status,
            bound: bound_int,
            gap,
            seconds: t0.elapsed().as_secs_f64(),
            variables: Some(size.0),
            constraints: Some(size.1),
            notes,
        },
    })
}

/// Prunes the candidates and builds the first-round model without solving it; returns the
/// number of columns and rows. For benchmarks of model building.
pub fn build_only(inst: &Instance) -> (usize, usize) {
    let cands = candidates(inst);
    let built = build(inst, &cands, &[]);
    (built.columns, built.rows)
}
