//! Builds the integer programme of the module docs of [`super`] with good_lp: the columns in a
//! fixed order (`x`, `y`, `u`, `z`, the constant column, then `a`, `v` and `w` as their families
//! create them), the objective, and one function per constraint family, called in the order of
//! the docs. HiGHS explores the model in that order, so changing it changes plans.

use super::candidates::{hours_rules_active, Candidates, Triple};
use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::{self, Placement};
use chrono::NaiveDate;
use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable};
use std::collections::{BTreeMap, BTreeSet};

/// The built model: good_lp problem plus the column layout.
pub struct Built {
    pub problem: HighsProblem,
    pub columns: usize,
    pub rows: usize,
    /// Objective coefficient of every column (to audit what HiGHS returns).
    pub costs: Vec<f64>,
    pub x: Vec<usize>,
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
    /// Classes of interchangeable lists (see [`twin_lists`]), each in session order.
    twins: Vec<Vec<usize>>,
}

/// Collects variables with their column index (good_lp adds columns in creation order).
#[derive(Default)]
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

/// The model of candidates `c` with the lazy no-good `cuts` found so far, with the
/// symmetry-breaking rows of family 10 when `symmetry` is set.
pub fn build(inst: &Instance, c: &Candidates, cuts: &[Vec<usize>], symmetry: bool) -> Built {
    let mut cols = Columns::default();
    // Rule 11: a kept booking with a single triple is fixed, with the list it staffs and opens.
    let fixed: Vec<bool> = (c.triples.iter())
        .map(|t| c.must_keep[t.p] && c.by_case[t.p].len() == 1)
        .collect();
    let fixed_pairs: BTreeSet<(usize, usize)> = (c.triples.iter().zip(&fixed))
        .filter(|(_, &f)| f)
        .map(|(t, _)| (t.k, t.s))
        .collect();
    let binary = |fix: bool| {
        if fix {
            variable().binary().min(1.0)
        } else {
            variable().binary()
        }
    };
    let x: Vec<usize> = fixed.iter().map(|&f| cols.add(binary(f))).collect();
    let y: Vec<usize> = (c.staff.iter())
        .map(|ks| cols.add(binary(fixed_pairs.contains(ks))))
        .collect();
    let mut u = BTreeMap::new();
    for t in &c.triples {
        if inst.sessions[t.k].open_cost > 0 && !u.contains_key(&t.k) {
            let opened = fixed_pairs.range((t.k, 0)..=(t.k, usize::MAX)).next().is_some();
            let col = cols.add(binary(opened));
            u.insert(t.k, col);
        }
    }
    let (mut objective, z, one) = objective(inst, c, &mut cols, &x, &u);

    let mut rows: Vec<Constraint> = Vec::new();
    assignment_rows(c, &cols, &x, &z, &mut rows);
    // The triples of each session, in triple order: capacity and symmetry rows share them.
    let mut by_session: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (t, tr) in c.triples.iter().enumerate() {
        by_session.entry(tr.k).or_default().push(t);
    }
    capacity_rows(inst, c, &by_session, &cols, &x, &u, &mut rows);
    staffing_rows(inst, c, &cols, &x, &y, &mut rows);
    operating_rows(inst, c, &cols, &x, &mut rows);
    let a = safe_hours_rows(inst, c, &mut cols, &y, cuts, &mut rows);
    let (v, w) = switch_rows(inst, c, &mut cols, &x, &mut objective, &mut rows);
    let twins = if symmetry {
        twin_lists(inst, c, &by_session)
    } else {
        Vec::new()
    };
    symmetry_rows(inst, c, &by_session, &cols, &x, &u, &twins, &mut rows);

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
        twins,
    }
}

/// The objective, with the `z` columns and the constant column it creates. Unscheduled cases
/// are paid through `z[p] = 1 − Σ x` and cases that can go nowhere through one column fixed at
/// 1, so that HiGHS sees the true objective (no constant offset) and its relative gap is the gap
/// of the plan. The theatre-switch terms are added by [`switch_rows`].
fn objective(
    inst: &Instance,
    c: &Candidates,
    cols: &mut Columns,
    x: &[usize],
    u: &BTreeMap<usize, usize>,
) -> (Expression, Vec<Option<usize>>, Option<usize>) {
    let mut objective = Expression::with_capacity(c.triples.len() + u.len() + inst.procedures.len());
    let mut z = vec![None; inst.procedures.len()];
    for (p, (ts, zp)) in c.by_case.iter().zip(z.iter_mut()).enumerate() {
        if ts.is_empty() {
            continue; // costed below, with the cases no triple can take
        }
        let unscheduled = schedule::unscheduled_cost(inst, p) as f64;
        for &t in ts {
            let coef = schedule::placement_cost(inst, p, c.triples[t].k);
            objective.add_mul(coef as f64, cols.list[x[t]]);
        }
        if !c.scheduled_always(inst, p) {
            let col = cols.add(variable().min(0.0).max(1.0));
            objective.add_mul(unscheduled, cols.list[col]);
            *zp = Some(col);
        }
    }
    // A case of another part is that part's to place and to cost.
    let nowhere = c.nowhere_cost(inst) as f64;
    let one = if nowhere > 0.0 {
        let col = cols.add(variable().min(1.0).max(1.0));
        objective.add_mul(nowhere, cols.list[col]);
        Some(col)
    } else {
        None
    };
    for (&k, &col) in u {
        objective.add_mul(inst.sessions[k].open_cost as f64, cols.list[col]);
    }
    (objective, z, one)
}

fn sum(cols: &Columns, terms: impl IntoIterator<Item = (f64, usize)>) -> Expression {
    let mut e = Expression::with_capacity(8);
    for (coef, i) in terms {
        e.add_mul(coef, cols.list[i]);
    }
    e
}

/// Family 1: each case once, or unscheduled (`z[p]`); a case with a deadline has no `z`, and a
/// kept booking with a single triple needs no row (its column is fixed at 1).
fn assignment_rows(c: &Candidates, cols: &Columns, x: &[usize], z: &[Option<usize>], rows: &mut Vec<Constraint>) {
    for (p, ts) in c.by_case.iter().enumerate() {
        if ts.is_empty() || (c.must_keep[p] && ts.len() == 1) {
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
    by_session: &BTreeMap<usize, Vec<usize>>,
    cols: &Columns,
    x: &[usize],
    u: &BTreeMap<usize, usize>,
    rows: &mut Vec<Constraint>,
) {
    let turn = inst.rules.turnaround_minutes;
    for (&k, ts) in by_session {
        let sess = &inst.sessions[k];
        let need = |t: usize| (inst.procedures[c.triples[t].p].duration + turn) as f64;
        // Each case counts once however many surgeons could operate it.
        let mut per_case: BTreeMap<usize, i64> = BTreeMap::new();
        for &t in ts {
            per_case.insert(c.triples[t].p, inst.procedures[c.triples[t].p].duration + turn);
        }
        let most = per_case.values().sum::<i64>();
        let mut e = sum(cols, ts.iter().map(|&t| (need(t), x[t])));
        match u.get(&k) {
            Some(&uk) => {
                e.add_mul(-(sess.free_minutes as f64), cols.list[uk]);
                rows.push(e.leq(0.0));
                for &t in ts {
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
    let booked = inst.owned_booked_minutes();
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

/// One surgeon's staffing pairs with the fixed roster around them, as the safe-hours families
/// (5–8) read them.
struct SurgeonPairs<'a> {
    inst: &'a Instance,
    c: &'a Candidates,
    /// Indices into `c.staff` of the surgeon's pairs, in order.
    pairs: Vec<usize>,
    /// The surgeon's fixed items (duties and owned lists), sorted.
    fixed: Vec<Item>,
    /// Fixed minutes by start date.
    fixed_by_date: BTreeMap<NaiveDate, i64>,
    /// The pairs by the date of their list.
    cand_by_date: BTreeMap<NaiveDate, Vec<usize>>,
    /// The first and last dates of the pairs' lists.
    first: NaiveDate,
    last: NaiveDate,
}

impl<'a> SurgeonPairs<'a> {
    /// `None` when the surgeon has no pair.
    fn new(inst: &'a Instance, c: &'a Candidates, s: usize, pairs: Vec<usize>) -> Option<Self> {
        let fixed = rules::fixed_items(inst, s);
        let mut fixed_by_date: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for it in &fixed {
            *fixed_by_date.entry(it.date).or_insert(0) += it.minutes();
        }
        let mut cand_by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for &i in &pairs {
            let date = inst.sessions[c.staff[i].0].date;
            cand_by_date.entry(date).or_default().push(i);
        }
        let first = *cand_by_date.keys().next()?;
        let last = *cand_by_date.keys().next_back()?;
        Some(SurgeonPairs {
            inst,
            c,
            pairs,
            fixed,
            fixed_by_date,
            cand_by_date,
            first,
            last,
        })
    }

    /// The duty item of staffing pair `i`.
    fn item(&self, i: usize) -> Item {
        Item::staffed_session(self.inst, self.c.staff[i].0)
    }

    /// `Σ minutes·y` over the pairs `inside`.
    fn minutes_sum(&self, cols: &Columns, y: &[usize], inside: &[usize]) -> Expression {
        sum(cols, inside.iter().map(|&i| (self.item(i).minutes() as f64, y[i])))
    }
}

/// Families 5–8 and the lazy cuts: the safe-hours rules on staffing pairs, surgeon by surgeon.
/// Returns the `a` columns (rule 10) with the pairs each dominates.
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
        let Some(sp) = SurgeonPairs::new(inst, c, s, pairs) else {
            continue;
        };
        conflicting_pair_rows(&sp, cols, y, rows);
        if let Some(cap) = r.max_minutes_per_7_days {
            seven_day_rows(&sp, cap, cols, y, rows);
        }
        if let Some(avg) = r.max_average_weekly_minutes {
            average_rows(&sp, avg, cols, y, rows);
        }
        if let Some(max) = r.max_consecutive_days {
            consecutive_day_rows(&sp, max, cols, y, rows, &mut a_cols);
        }
    }
    // Lazy no-good cuts from earlier rounds.
    for cut in cuts {
        rows.push(sum(cols, cut.iter().map(|&i| (1.0, y[i]))).leq(cut.len() as f64 - 1.0));
    }
    a_cols
}

/// Family 5: pairs within a day of each other that together with the fixed roster break a rule.
fn conflicting_pair_rows(sp: &SurgeonPairs, cols: &Columns, y: &[usize], rows: &mut Vec<Constraint>) {
    for (n, &i) in sp.pairs.iter().enumerate() {
        let a = sp.item(i);
        let mut with_a = sp.fixed.clone();
        rules::insert_sorted(&mut with_a, a);
        for &j in &sp.pairs[n + 1..] {
            let b = sp.item(j);
            if (b.date - a.date).num_days().abs() > 1 {
                continue;
            }
            if !rules::admits(sp.inst, &with_a, b) {
                rows.push(sum(cols, [(1.0, y[i]), (1.0, y[j])]).leq(1.0));
            }
        }
    }
}

/// Family 6: every seven-day window whose pairs could exceed `cap` with the fixed minutes in it
/// (identical sets of pairs keep the tightest right-hand side).
fn seven_day_rows(sp: &SurgeonPairs, cap: i64, cols: &Columns, y: &[usize], rows: &mut Vec<Constraint>) {
    let mut windows: BTreeMap<Vec<usize>, i64> = BTreeMap::new();
    let mut d = sp.first - chrono::Days::new(6);
    while d <= sp.last {
        let end = d + chrono::Days::new(6);
        let inside: Vec<usize> = sp
            .cand_by_date
            .range(d..=end)
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        let fixed_min: i64 = sp.fixed_by_date.range(d..=end).map(|(_, m)| m).sum();
        let most: i64 = inside.iter().map(|&i| sp.item(i).minutes()).sum();
        if !inside.is_empty() && most > cap - fixed_min {
            let e = windows.entry(inside).or_insert(i64::MAX);
            *e = (*e).min(cap - fixed_min);
        }
        d = d + chrono::Days::new(1);
    }
    for (inside, rhs) in windows {
        rows.push(sp.minutes_sum(cols, y, &inside).leq(rhs as f64));
    }
}

/// Family 7: the horizon total against the average-weekly allowance `avg`.
fn average_rows(sp: &SurgeonPairs, avg: i64, cols: &Columns, y: &[usize], rows: &mut Vec<Constraint>) {
    let inst = sp.inst;
    let days = inst.horizon_days();
    let fixed_min: i64 = sp
        .fixed_by_date
        .range(inst.horizon_start..=inst.horizon_end)
        .map(|(_, m)| m)
        .sum();
    let inside: Vec<usize> = sp
        .pairs
        .iter()
        .copied()
        .filter(|&i| inst.in_horizon(sp.item(i).date))
        .collect();
    let room = (avg * days - 7 * fixed_min).div_euclid(7);
    let most: i64 = inside.iter().map(|&i| sp.item(i).minutes()).sum();
    if most > room {
        rows.push(sp.minutes_sum(cols, y, &inside).leq(room as f64));
    }
}

/// Family 8: in every run of `max + 1` consecutive dates each with a fixed or a candidate item,
/// one date without a fixed item stays free; `a[s,δ]` marks a date the surgeon works.
fn consecutive_day_rows(
    sp: &SurgeonPairs,
    max: i64,
    cols: &mut Columns,
    y: &[usize],
    rows: &mut Vec<Constraint>,
    a_cols: &mut Vec<(usize, Vec<usize>)>,
) {
    let mut a_of: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let span = max as u64;
    let mut d = sp.first - chrono::Days::new(span);
    while d <= sp.last {
        let window: Vec<NaiveDate> = (0..=span).map(|k| d + chrono::Days::new(k)).collect();
        let covered = window
            .iter()
            .all(|x| sp.fixed_by_date.contains_key(x) || sp.cand_by_date.contains_key(x));
        let free: Vec<NaiveDate> = window
            .iter()
            .copied()
            .filter(|x| !sp.fixed_by_date.contains_key(x))
            .collect();
        if covered && !free.is_empty() {
            let mut e = Expression::with_capacity(free.len());
            for day in &free {
                let col = *a_of.entry(*day).or_insert_with(|| {
                    let col = cols.add(variable().min(0.0).max(1.0));
                    a_cols.push((col, sp.cand_by_date[day].clone()));
                    col
                });
                e.add_mul(1.0, cols.list[col]);
            }
            rows.push(e.leq(free.len() as f64 - 1.0));
        }
        d = d + chrono::Days::new(1);
    }
    for (day, &col) in &a_of {
        for &i in &sp.cand_by_date[day] {
            rows.push(sum(cols, [(1.0, y[i]), (-1.0, col)]).leq(0.0));
        }
    }
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

/// Classes of interchangeable lists: same date, times, free minutes, open cost, owner,
/// specialty and sharing, and the same candidates (case, surgeon and cost) in each; when theatre
/// switches are paid, each list is also its theatre's only list that date. Swapping the whole
/// contents of two such lists maps every plan to one that keeps the same rules at the same
/// cost, so ordering them is valid (family 10).
fn twin_lists(inst: &Instance, c: &Candidates, by_session: &BTreeMap<usize, Vec<usize>>) -> Vec<Vec<usize>> {
    let mut lists_per_theatre_day: BTreeMap<(usize, NaiveDate), usize> = BTreeMap::new();
    for s in &inst.sessions {
        *lists_per_theatre_day.entry((s.theatre, s.date)).or_default() += 1;
    }
    type Signature<'s> = (
        NaiveDate,
        i64,
        i64,
        i64,
        i64,
        Option<usize>,
        Option<&'s str>,
        bool,
        Vec<(usize, usize, i64)>,
    );
    let mut classes: BTreeMap<Signature, Vec<usize>> = BTreeMap::new();
    for (&k, ts) in by_session {
        let s = &inst.sessions[k];
        if inst.weights.theatre_switch > 0 && lists_per_theatre_day[&(s.theatre, s.date)] > 1 {
            continue;
        }
        let mut cands: Vec<(usize, usize, i64)> = (ts.iter())
            .map(|&t| {
                let tr = c.triples[t];
                (tr.p, tr.s, schedule::placement_cost(inst, tr.p, k))
            })
            .collect();
        cands.sort_unstable();
        let signature = (
            s.date,
            s.start,
            s.end,
            s.free_minutes,
            s.open_cost,
            s.owner,
            s.specialty.as_deref(),
            s.shared,
            cands,
        );
        classes.entry(signature).or_default().push(k);
    }
    classes.into_values().filter(|ks| ks.len() > 1).collect()
}

/// Family 10: symmetry breaking between interchangeable lists (the classes of [`twin_lists`]):
/// each list of a class carries at least the minutes of the next, and is opened if the next is.
#[allow(clippy::too_many_arguments)]
fn symmetry_rows(
    inst: &Instance,
    c: &Candidates,
    by_session: &BTreeMap<usize, Vec<usize>>,
    cols: &Columns,
    x: &[usize],
    u: &BTreeMap<usize, usize>,
    twins: &[Vec<usize>],
    rows: &mut Vec<Constraint>,
) {
    let turn = inst.rules.turnaround_minutes;
    let need = |t: usize| (inst.procedures[c.triples[t].p].duration + turn) as f64;
    for class in twins {
        for pair in class.windows(2) {
            let (first, next) = (pair[0], pair[1]);
            let mut e = sum(cols, by_session[&first].iter().map(|&t| (need(t), x[t])));
            for &t in &by_session[&next] {
                e.add_mul(-need(t), cols.list[x[t]]);
            }
            rows.push(e.geq(0.0));
            if let (Some(&a), Some(&b)) = (u.get(&first), u.get(&next)) {
                rows.push(sum(cols, [(1.0, a), (-1.0, b)]).geq(0.0));
            }
        }
    }
}

/// A plan with the contents of interchangeable lists permuted so that it keeps family 10 (the
/// fullest first within each class): the same cost, and the same rules kept.
fn canonical(inst: &Instance, twins: &[Vec<usize>], placements: &[Placement]) -> Vec<Placement> {
    let mut out = placements.to_vec();
    if twins.is_empty() {
        return out;
    }
    let turn = inst.rules.turnaround_minutes;
    let mut load: BTreeMap<usize, i64> = BTreeMap::new();
    for pl in placements {
        *load.entry(pl.session).or_default() += inst.procedures[pl.procedure].duration + turn;
    }
    for class in twins {
        let mut by_load: Vec<usize> = class.clone();
        // Fullest first; ties keep session order.
        by_load.sort_by_key(|k| std::cmp::Reverse(load.get(k).copied().unwrap_or(0)));
        let to: BTreeMap<usize, usize> = by_load.iter().zip(class).map(|(&from, &to)| (from, to)).collect();
        for (pl, orig) in out.iter_mut().zip(placements) {
            if let Some(&k) = to.get(&orig.session) {
                pl.session = k;
            }
        }
    }
    out
}

/// A complete column vector for a feasible plan (the warm start). `None` if a placement is not
/// among the triples (cannot happen for a feasible plan; kept defensive).
pub fn warm_vector(inst: &Instance, c: &Candidates, b: &Built, placements: &[Placement]) -> Option<Vec<f64>> {
    let placements = &canonical(inst, &b.twins, placements)[..];
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
