//! The day-level relaxation (step 1 of `decompose.rs`): each case's date, capacity per date and
//! specialty, opened lists and operating caps, without the packing into lists. It gives the
//! decomposition its bound and its first dates, and it is the master of the Benders rounds of
//! `benders.rs`, with their cuts (decision 72).

use super::candidates::Candidates;
use super::driver::{run_audited, Budget};
use crate::model::Instance;
use crate::schedule;
use crate::strategy::contract::{SolveError, SolveOptions};
use chrono::NaiveDate;
use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use std::collections::{BTreeMap, BTreeSet};

/// Per case the date chosen by the relaxation (`None`: unscheduled).
pub type DayPlan = Vec<Option<NaiveDate>>;
/// Cases of a (date, specialty) group and the lists they could use.
type Group = (Vec<usize>, BTreeSet<usize>);

/// The day-level relaxation: per case its chosen date (`None` = unscheduled), the bound, and the
/// units of work used.
pub fn relax(
    model: &DayModel,
    opts: &SolveOptions,
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<(Option<DayPlan>, Option<f64>, f64), SolveError> {
    let inst = model.inst;
    let (problem, costs, w) = model.build();
    let rebuild = || {
        let (p, c, _) = model.build();
        (p, c)
    };
    let run = run_audited((problem, costs), &rebuild, None, opts, &inst.trust_id, budget, notes)?;
    let bound = run.bound;
    let Some(cols) = run.columns else {
        notes.push("day-level relaxation: no solution in time".into());
        return Ok((None, bound, run.work));
    };
    let days = model.days(&cols, &w);
    notes.push(format!(
        "day-level relaxation: bound {:.0} ({:?}, {:.1} units of work)",
        bound.unwrap_or(f64::NAN),
        run.status,
        run.work
    ));
    Ok((Some(days), bound, run.work))
}

/// The relaxation's model (step 1 of the module docs): what it is built from.
pub struct DayModel<'a> {
    pub inst: &'a Instance,
    pub full: &'a Candidates,
    /// Lists each case could use on each date.
    lists: BTreeMap<(usize, NaiveDate), BTreeSet<usize>>,
    /// The (case, date) pairs that get a `w` column, in column order.
    pub pairs: Vec<(usize, NaiveDate)>,
    booked: BTreeMap<(usize, NaiveDate), i64>,
}

/// Where the master's columns are: `w` per pair, `z` per case that may stay unscheduled, the
/// constant column, `o` per list with an open cost, `θ` per date with a Benders cut.
pub struct DayLayout {
    pub w: Vec<usize>,
    z: BTreeMap<usize, usize>,
    one: Option<usize>,
    o: BTreeMap<usize, usize>,
    theta: BTreeMap<NaiveDate, usize>,
    /// Per date with a `θ`, the master's cost of that date (`θ` excluded) as terms.
    day_terms: BTreeMap<NaiveDate, Vec<(f64, usize)>>,
}

/// A logic-based Benders cut on the day-level relaxation: the pairs (indices into
/// `DayModel::pairs`) of the cases a date held, and the least cost of that date with all of
/// them on it (placements, opened lists, theatre switches, and the unscheduled cost of any it
/// could not take); infinite when the date cannot take the mandatory ones among them.
pub struct DayCut {
    pub date: NaiveDate,
    pub pairs: Vec<usize>,
    pub cost: f64,
}

/// The relaxation's columns as they are created: variables with their objective coefficients.
#[derive(Default)]
struct DayColumns {
    vars: ProblemVariables,
    list: Vec<Variable>,
    costs: Vec<f64>,
}

impl DayColumns {
    fn add(&mut self, def: good_lp::VariableDefinition, cost: f64) -> usize {
        self.list.push(self.vars.add(def));
        self.costs.push(cost);
        self.list.len() - 1
    }

    fn term(&self, e: &mut Expression, coef: f64, i: usize) {
        e.add_mul(coef, self.list[i]);
    }
}

impl<'a> DayModel<'a> {
    pub fn new(inst: &'a Instance, full: &'a Candidates) -> Self {
        let mut lists: BTreeMap<(usize, NaiveDate), BTreeSet<usize>> = BTreeMap::new();
        for t in &full.triples {
            lists.entry((t.p, inst.sessions[t.k].date)).or_default().insert(t.k);
        }
        let pairs = lists.keys().copied().collect();
        DayModel {
            inst,
            full,
            lists,
            pairs,
            booked: inst.owned_booked_minutes(),
        }
    }

    /// Per case the date its `w` columns (`w`, in pair order) choose in the solution `cols`.
    pub fn days(&self, cols: &[f64], w: &[usize]) -> DayPlan {
        let mut days = vec![None; self.inst.procedures.len()];
        for (i, &(p, d)) in self.pairs.iter().enumerate() {
            if cols[w[i]] > 0.5 {
                days[p] = Some(d);
            }
        }
        days
    }

    /// The model, its column costs and the `w` column of each pair. Columns: `w`, `z`, the
    /// constant column, `o`; rows: each case once, capacity per date and specialty, opened lists,
    /// operating caps.
    fn build(&self) -> (HighsProblem, Vec<f64>, Vec<usize>) {
        let (problem, costs, layout) = self.build_with(&[]);
        (problem, costs, layout.w)
    }

    /// The model with the Benders cuts `cuts` (see [`super::benders`]): a column `θ[δ]` per date
    /// with a cut, and a row per cut.
    pub fn build_with(&self, cuts: &[DayCut]) -> (HighsProblem, Vec<f64>, DayLayout) {
        let inst = self.inst;
        let mut cols = DayColumns::default();
        // A case on a date costs the least of its placements in that date's lists (the `moved`
        // cost is only saved in its booked list), so the relaxation stays a lower bound.
        let w: Vec<usize> = self
            .pairs
            .iter()
            .map(|&(p, d)| {
                let cost = (self.lists[&(p, d)].iter())
                    .map(|&k| schedule::placement_cost(inst, p, k))
                    .min()
                    .expect("a (case, date) pair has a list");
                cols.add(variable().binary(), cost as f64)
            })
            .collect();
        let mut z = BTreeMap::new();
        let mut nowhere = 0.0;
        for p in 0..inst.procedures.len() {
            let u = schedule::unscheduled_cost(inst, p) as f64;
            if self.full.by_case[p].is_empty() {
                // (A case outside the model is another model's.)
                if !self.full.outside[p] {
                    nowhere += u;
                }
            } else if !self.full.scheduled_always(inst, p) {
                z.insert(p, cols.add(variable().min(0.0).max(1.0), u));
            }
        }
        let one = (nowhere > 0.0).then(|| cols.add(variable().min(1.0).max(1.0), nowhere));
        let mut o = BTreeMap::new();
        for set in self.lists.values() {
            for &k in set {
                let cost = inst.sessions[k].open_cost;
                if cost > 0 && !o.contains_key(&k) {
                    o.insert(k, cols.add(variable().binary(), cost as f64));
                }
            }
        }
        let mut theta = BTreeMap::new();
        for cut in cuts {
            if cut.cost.is_finite() && !theta.contains_key(&cut.date) {
                theta.insert(cut.date, cols.add(variable().min(0.0), 1.0));
            }
        }
        let mut objective = Expression::with_capacity(cols.list.len());
        for (i, &v) in cols.list.iter().enumerate() {
            objective.add_mul(cols.costs[i], v);
        }
        let mut rows = Vec::new();
        self.each_case_once(&cols, &w, &z, &mut rows);
        self.capacity_per_date_and_specialty(&cols, &w, &o, &mut rows);
        self.opened_lists(&cols, &w, &o, &mut rows);
        self.operating_caps(&cols, &w, &mut rows);
        let day_terms = self.date_terms(&cols.costs, &w, &o, &theta);
        let layout = DayLayout {
            w,
            z,
            one,
            o,
            theta,
            day_terms,
        };
        self.cut_rows(&cols, &layout, cuts, &mut rows);
        let mut problem = cols.vars.minimise(objective).using(highs);
        for r in rows {
            problem.add_constraint(r);
        }
        (problem, cols.costs, layout)
    }

    /// The master's cost of each date with a `θ` column (`θ` excluded): its cases' placement
    /// costs and its opened lists, as terms (coefficient, column).
    fn date_terms(
        &self,
        costs: &[f64],
        w: &[usize],
        o: &BTreeMap<usize, usize>,
        theta: &BTreeMap<NaiveDate, usize>,
    ) -> BTreeMap<NaiveDate, Vec<(f64, usize)>> {
        let mut terms: BTreeMap<NaiveDate, Vec<(f64, usize)>> = theta.keys().map(|&d| (d, Vec::new())).collect();
        for (i, &(_, d)) in self.pairs.iter().enumerate() {
            if let Some(t) = terms.get_mut(&d) {
                t.push((costs[w[i]], w[i]));
            }
        }
        for (&k, &c) in o {
            if let Some(t) = terms.get_mut(&self.inst.sessions[k].date) {
                t.push((costs[c], c));
            }
        }
        terms
    }

    /// One row per cut. With `S` its pairs and `C` its cost, all of them on the date:
    /// `θ[δ] + Σ_{δ} c·w + Σ_{δ} open·o ≥ C·(1 − Σ_{i∈S} (1 − w_i))`; a date that could not take
    /// `S` at all: `Σ_{i∈S} w_i ≤ |S| − 1`.
    fn cut_rows(&self, cols: &DayColumns, layout: &DayLayout, cuts: &[DayCut], rows: &mut Vec<good_lp::Constraint>) {
        let n = |cut: &DayCut| cut.pairs.len() as f64;
        for cut in cuts {
            let mut e = Expression::with_capacity(cut.pairs.len() * 2);
            if cut.cost.is_finite() {
                cols.term(&mut e, 1.0, layout.theta[&cut.date]);
                for &(c, i) in &layout.day_terms[&cut.date] {
                    cols.term(&mut e, c, i);
                }
                for &i in &cut.pairs {
                    cols.term(&mut e, -cut.cost, layout.w[i]);
                }
                rows.push(e.geq(cut.cost * (1.0 - n(cut))));
            } else {
                for &i in &cut.pairs {
                    cols.term(&mut e, 1.0, layout.w[i]);
                }
                rows.push(e.leq(n(cut) - 1.0));
            }
        }
    }

    /// A complete column vector of the master for `days` (per case its date) with `opened` the
    /// lists the plan uses, `θ` as low as the cuts allow.
    pub fn warm(
        &self,
        costs: &[f64],
        layout: &DayLayout,
        cuts: &[DayCut],
        days: &DayPlan,
        opened: &BTreeSet<usize>,
    ) -> Vec<f64> {
        let mut col = vec![0.0; costs.len()];
        for (i, &(p, d)) in self.pairs.iter().enumerate() {
            if days[p] == Some(d) {
                col[layout.w[i]] = 1.0;
            }
        }
        for (&p, &zc) in &layout.z {
            if days[p].is_none() {
                col[zc] = 1.0;
            }
        }
        if let Some(one) = layout.one {
            col[one] = 1.0;
        }
        for (k, &oc) in &layout.o {
            if opened.contains(k) {
                col[oc] = 1.0;
            }
        }
        for cut in cuts.iter().filter(|c| c.cost.is_finite()) {
            let held = cut.pairs.iter().filter(|&&i| col[layout.w[i]] > 0.5).count() as f64;
            let rhs = cut.cost * (1.0 - (cut.pairs.len() as f64 - held));
            let have: f64 = (layout.day_terms[&cut.date].iter()).map(|&(c, i)| c * col[i]).sum();
            let t = layout.theta[&cut.date];
            col[t] = col[t].max(rhs - have);
        }
        col
    }

    /// Each case once or unscheduled.
    fn each_case_once(
        &self,
        cols: &DayColumns,
        w: &[usize],
        z: &BTreeMap<usize, usize>,
        rows: &mut Vec<good_lp::Constraint>,
    ) {
        let mut by_case: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &(p, _)) in self.pairs.iter().enumerate() {
            by_case.entry(p).or_default().push(i);
        }
        for (p, is) in &by_case {
            let mut e = Expression::with_capacity(is.len() + 1);
            for &i in is {
                cols.term(&mut e, 1.0, w[i]);
            }
            if let Some(&zc) = z.get(p) {
                cols.term(&mut e, 1.0, zc);
            }
            rows.push(e.eq(1.0));
        }
    }

    /// Minutes of the cases (with turnaround) on a date and specialty within the free minutes
    /// of the lists that could take them (a list with an open cost only when opened).
    fn capacity_per_date_and_specialty(
        &self,
        cols: &DayColumns,
        w: &[usize],
        o: &BTreeMap<usize, usize>,
        rows: &mut Vec<good_lp::Constraint>,
    ) {
        let inst = self.inst;
        let turn = inst.rules.turnaround_minutes;
        let mut groups: BTreeMap<(NaiveDate, &str), Group> = BTreeMap::new();
        for (i, &(p, d)) in self.pairs.iter().enumerate() {
            let g = groups.entry((d, inst.procedures[p].specialty.as_str())).or_default();
            g.0.push(i);
            g.1.extend(self.lists[&(p, d)].iter().copied());
        }
        for (is, ks) in groups.values() {
            let mut e = Expression::with_capacity(is.len() + ks.len());
            let mut fixed = 0.0;
            for &i in is {
                cols.term(&mut e, (inst.procedures[self.pairs[i].0].duration + turn) as f64, w[i]);
            }
            for k in ks {
                let free = inst.sessions[*k].free_minutes as f64;
                match o.get(k) {
                    Some(&oc) => cols.term(&mut e, -free, oc),
                    None => fixed += free,
                }
            }
            rows.push(e.leq(fixed));
        }
    }

    /// A date whose lists all carry an open cost needs one opened.
    fn opened_lists(
        &self,
        cols: &DayColumns,
        w: &[usize],
        o: &BTreeMap<usize, usize>,
        rows: &mut Vec<good_lp::Constraint>,
    ) {
        for (i, pd) in self.pairs.iter().enumerate() {
            let ks = &self.lists[pd];
            if ks.iter().all(|k| o.contains_key(k)) {
                let mut e = Expression::with_capacity(ks.len() + 1);
                cols.term(&mut e, 1.0, w[i]);
                for k in ks {
                    cols.term(&mut e, -1.0, o[k]);
                }
                rows.push(e.leq(0.0));
            }
        }
    }

    /// Named surgeons' operating caps per date.
    fn operating_caps(&self, cols: &DayColumns, w: &[usize], rows: &mut Vec<good_lp::Constraint>) {
        let inst = self.inst;
        let mut caps: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
        for (i, &(p, d)) in self.pairs.iter().enumerate() {
            if let Some(s) = inst.procedures[p].surgeon {
                caps.entry((s, d)).or_default().push(i);
            }
        }
        for ((s, d), is) in caps {
            let Some(cap) = inst.operating_cap(s, d) else { continue };
            let booked = self.booked.get(&(s, d)).copied().unwrap_or(0);
            let mut e = Expression::with_capacity(is.len());
            for &i in &is {
                cols.term(&mut e, inst.procedures[self.pairs[i].0].duration as f64, w[i]);
            }
            rows.push(e.leq((cap - booked) as f64));
        }
    }
}
