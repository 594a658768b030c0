//! Larger instances. Up to [`HYBRID_FROM`] eligible triples the parent module solves the full
//! model directly. Above it, steps 1 and 2 below first give a bound and a far better starting
//! plan than the heuristics (IHTC i25: 5,250 against 6,895 for `priority`); then, up to
//! [`FULL_MODEL_LIMIT`] triples, a short neighbourhood search of step 3
//! ([`HYBRID_SEARCH_SHARE`] of the limit, no neighbourhood the whole problem) improves that plan
//! and the full model runs from it, and above it step 3 replaces the full model. Where the full
//! assignment model has more than [`FULL_MODEL_LIMIT`] eligible triples, HiGHS stalls (on
//! IHTC-2024 instances of 400–500 cases and ~50,000 binaries it did not even finish the root LP
//! in 60 s, and its incumbents stayed 20–30 % above the best-known values). There, the MIP works
//! in three steps, each exact on every rule:
//!
//! 1. **Day-level relaxation** (`relaxation.rs`). Variables `w[p,δ]` (case *p* on date δ, for
//!    dates where it has a triple), `z[p]` (unscheduled) and `o[k]` (list *k* with an open cost
//!    is used). Per case
//!    `Σ_δ w + z = 1`; per date and specialty, minutes of cases with turnaround `≤` free minutes of
//!    the lists that could take them (lists with an open cost only when opened); a case on a date
//!    where every list that could take it has an open cost needs one of them opened
//!    (`w[p,δ] ≤ Σ o[k]`); named surgeons' operating-minute caps per date. A case on a date costs
//!    the least of its placement costs in that date's lists (the `moved` cost is saved only in its
//!    booked list), and a case whose booking must be kept has no `z`. It drops the packing into
//!    individual lists, surgeon staffing and the safe-hours rules, and the theatre-switch cost,
//!    so its optimum is a **lower bound** of the exact problem: the bound and gap we report.
//! 2. **Day-restricted exact model.** The full model of the parent module, with each case allowed
//!    only on the date the relaxation chose (or unscheduled when it has no deadline). Small, and
//!    usually close to the bound. Up to [`FULL_MODEL_LIMIT`] triples, when no safe-hours rule
//!    joins a surgeon's dates, it is the first round of the Benders decomposition of
//!    `benders.rs` (decision 72): each date is solved on its own and gets a cut (binding where
//!    the relaxation under-priced it), and the relaxation is solved again with them, within the
//!    same share of the limit. Above it only the first round runs here, and the rounds go on
//!    windowed as a kind of step 3 (decision 73).
//! 3. **Adaptive large-neighbourhood search** ([`lns`]). From the better of step 2 and the
//!    heuristic warm start: repeatedly free the cases of one neighbourhood on its triples, freeze
//!    the rest on their triples, and solve that exact model warm-started from the incumbent, so
//!    each step is never worse. Six kinds of neighbourhood: a window of consecutive dates (every
//!    case on them, and every unscheduled case, on those dates), surgeons and theatres (their
//!    cases across the horizon, or a window of dates of one when it alone is too large), cases at
//!    random and optional cases at random (on all their triples: trades between distant dates),
//!    and, above [`FULL_MODEL_LIMIT`] when no safe-hours rule applies, windowed Benders masters
//!    (`benders::window_step`: a window of dates' relaxation, with the cuts learned so far and
//!    every case off those dates kept, re-chooses its cases' dates; the dates it changes are
//!    solved exactly and the plan is kept when cheaper).
//!    The kind is drawn by roulette over weights that follow each kind's recent success (ALNS),
//!    and each kind's size adapts to how its last neighbourhood went. Before the full model
//!    the search starts, once, with every scheduled case free on the lists of its own date (the
//!    dates kept, each date's lists, theatres and surgeons chosen again).

use super::benders::{window_step, Learned, Master};
use super::candidates::{Candidates, Triple};
use super::driver::{optimise, seconds_left, Budget, ModelSize, Optimised, Plan};
use super::relaxation::{relax, DayModel};
use crate::generate::rng::SplitMix64;
use crate::model::Instance;
use crate::schedule::{self, Placement};
use crate::strategy::contract::{SolveError, SolveOptions};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Units of work (about seconds on an idle machine) of one neighbourhood.
const STEP_WORK: f64 = 10.0;

/// Above this many eligible triples the full model is replaced by the decomposition.
pub const FULL_MODEL_LIMIT: usize = 12_000;

/// Above this many triples the full model starts from the day-restricted plan, improved by a
/// short neighbourhood search ([`HYBRID_SEARCH_SHARE`] of the limit).
pub const HYBRID_FROM: usize = 1_500;

/// The share of the limit the neighbourhood search gets before the full model, on instances
/// between [`HYBRID_FROM`] and [`FULL_MODEL_LIMIT`] triples (decision 70).
pub const HYBRID_SEARCH_SHARE: f64 = 0.2;

/// Before the full model, a neighbourhood frees at most this share of the triples: the whole
/// problem is the full model's to solve.
const HYBRID_LARGEST: f64 = 2.0 / 3.0;

/// Before the full model, the search hands over after this many neighbourhoods in a row
/// without a gain: the time is the full model's.
const HYBRID_PATIENCE: usize = 3;

/// Free triples in the first neighbourhood of each kind.
const FIRST_TRIPLES: usize = 4_000;

/// Steps 1 and 2: the relaxation's bound (solved within `relaxation`), and the better of the warm
/// start and the day-restricted exact model's plan (within what is left of `both`, or to a 0.5 %
/// gap); with the units of work both used. With `benders`, the day-restricted model is the first
/// round of [`super::benders`]: with [`Master::Whole`] its rounds go on within `both`; with
/// [`Master::Windows`] only that round runs here, and what it learned goes into `learned` for the
/// windowed masters of the neighbourhood search.
#[allow(clippy::too_many_arguments)]
pub fn day_plan(
    inst: &Instance,
    full: &Candidates,
    warm: Option<&[Placement]>,
    opts: &SolveOptions,
    relaxation: Budget,
    both: Budget,
    benders: Option<(Master, &mut Learned)>,
    notes: &mut Vec<String>,
) -> Result<(Option<Plan>, Option<f64>, f64), SolveError> {
    let date_of = |t: &Triple| inst.sessions[t.k].date;
    // The relaxation and the restricted model only seed the search: they stop at a small gap
    // (their dual bounds stay valid) so that the time goes where it pays.
    let seed_opts = SolveOptions {
        gap: opts.gap.max(0.005),
        ..opts.clone()
    };
    let model = DayModel::new(inst, full);
    let (days, bound, relaxation_work) = relax(&model, &seed_opts, relaxation, notes)?;
    let mut work = relaxation_work;
    let mut incumbent: Option<Plan> = warm.map(|w| (w.to_vec(), schedule::objective(inst, w).total));
    if let Some((how, learned)) = benders {
        // The first round solves the relaxation's dates one by one: the day-restricted model.
        // Its bound starts at the relaxation's and only rises.
        let Some(days) = days else {
            return Ok((incumbent, bound, work));
        };
        let (plan, bound, w) = super::benders::solve(
            &model,
            (days, bound),
            incumbent,
            how,
            learned,
            opts,
            both.less(work),
            notes,
        )?;
        return Ok((plan, bound, work + w));
    }
    if let Some(days) = &days {
        let sub = full.subset(
            inst,
            |t| days[t.p] == Some(date_of(t)),
            vec![false; inst.procedures.len()],
        );
        let mut local = Vec::new();
        let o = optimise(inst, &sub, None, &seed_opts, both.less(work), &mut local)?;
        work += o.work;
        match o.best {
            Some((pl, obj)) => {
                let cut = if o.status == highs::HighsModelStatus::ReachedTimeLimit {
                    " (cut by the time limit)"
                } else {
                    ""
                };
                let parts = if o.parts > 1 {
                    format!(", solved in {} independent parts", o.parts)
                } else {
                    String::new()
                };
                notes.push(format!("day-restricted model: objective {obj}{cut}{parts}"));
                if incumbent.as_ref().is_none_or(|(_, b)| obj < *b) {
                    incumbent = Some((pl, obj));
                }
            }
            None if o.infeasible => notes.push("day-restricted model infeasible (cases did not pack)".into()),
            None => notes.push("day-restricted model: no plan in time".into()),
        }
    }
    Ok((incumbent, bound, work))
}

/// The kinds of neighbourhood the search draws from. Each frees a set of cases on a set of
/// triples and freezes every other case on its triple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Consecutive dates: every case on them (and every unscheduled case) free on those dates.
    Dates,
    /// Surgeons: every case of theirs free on all their triples, across the horizon.
    Surgeons,
    /// Theatres: every case in their lists free on all their lists, across the horizon.
    Theatres,
    /// Cases drawn at random (scheduled or not) free on all their triples: trades between
    /// distant dates that no window holds.
    Cases,
    /// Optional cases (no deadline) drawn at random, scheduled or not, free on all their
    /// triples: the knapsack-like trade of which optional cases to treat.
    Optional,
    /// A windowed Benders master on consecutive dates (decision 73, `benders::window_step`):
    /// the day-level relaxation of the window with the cuts learned so far chooses new dates
    /// for its cases, and the dates it changes are solved exactly. Only when no safe-hours rule
    /// applies, above `FULL_MODEL_LIMIT`.
    Windows,
}

const KINDS: [Kind; 6] = [
    Kind::Dates,
    Kind::Surgeons,
    Kind::Theatres,
    Kind::Cases,
    Kind::Optional,
    Kind::Windows,
];

/// One kind's adaptive state: its selection weight and its size in free triples.
struct Arm {
    weight: f64,
    target: usize,
    tries: usize,
    wins: usize,
}

/// Weight given to a neighbourhood that improved the plan, that was solved exactly without
/// improving it, and that was cut by its work before finishing (ALNS scores).
const SCORE_BETTER: f64 = 4.0;
const SCORE_SOLVED: f64 = 1.0;
const SCORE_CUT: f64 = 0.25;
/// How much of a weight is its history: `w ← DECAY·w + (1 − DECAY)·score`.
const DECAY: f64 = 0.7;
/// The smallest size a neighbourhood shrinks to, in free triples.
const MIN_TRIPLES: usize = 300;
/// The smallest weight a kind's record of failures brings it to, so that it is still drawn now
/// and then.
const MIN_WEIGHT: f64 = 0.05;

/// A deterministic stream of draws for the choice of neighbourhoods: the generator's SplitMix64
/// (`generate/rng.rs`), so the draws never change with a dependency update.
struct Draws(SplitMix64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// `0..n` in a random order (Fisher–Yates).
    fn order(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
        v
    }
}

/// What one neighbourhood frees: the free cases, and the triples a free case may take.
struct Freed<'a> {
    free: Vec<bool>,
    /// The triples a free case may take.
    allows: Box<dyn Fn(&Triple) -> bool + 'a>,
    /// Free triples (allowed triples of free cases).
    triples: usize,
    /// The neighbourhood is the whole problem.
    whole: bool,
}

/// Triples per key (a surgeon or a theatre) and date.
type PerKeyAndDate = BTreeMap<usize, BTreeMap<NaiveDate, usize>>;

/// What the neighbourhoods are drawn from: triples counted per date, per surgeon and date and
/// per theatre and date (fixed for the search), and where the next date window starts.
struct Search<'a> {
    inst: &'a Instance,
    full: &'a Candidates,
    dates: Vec<NaiveDate>,
    per_date: BTreeMap<NaiveDate, usize>,
    per_surgeon: PerKeyAndDate,
    per_theatre: PerKeyAndDate,
    /// The next window's first date (windows slide by half their width).
    next_date: usize,
    /// The same for the windowed Benders masters.
    next_window: usize,
}

impl<'a> Search<'a> {
    fn new(inst: &'a Instance, full: &'a Candidates) -> Self {
        let mut per_date: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let (mut per_surgeon, mut per_theatre) = (PerKeyAndDate::new(), PerKeyAndDate::new());
        for t in &full.triples {
            let sess = &inst.sessions[t.k];
            *per_date.entry(sess.date).or_default() += 1;
            *per_surgeon.entry(t.s).or_default().entry(sess.date).or_default() += 1;
            *per_theatre
                .entry(sess.theatre)
                .or_default()
                .entry(sess.date)
                .or_default() += 1;
        }
        Search {
            inst,
            full,
            dates: per_date.keys().copied().collect(),
            per_date,
            per_surgeon,
            per_theatre,
            next_date: 0,
            next_window: 0,
        }
    }

    /// Every scheduled case free on the triples of its own date (unscheduled cases stay so).
    fn same_date(&self, current: &[Option<Placement>]) -> Freed<'a> {
        let inst = self.inst;
        let date: Vec<Option<NaiveDate>> = (current.iter())
            .map(|c| c.map(|pl| inst.sessions[pl.session].date))
            .collect();
        let free: Vec<bool> = current.iter().map(Option::is_some).collect();
        let allows = move |t: &Triple| date[t.p] == Some(inst.sessions[t.k].date);
        let triples = (self.full.triples.iter()).filter(|t| allows(t)).count();
        Freed {
            whole: triples == self.full.triples.len(),
            free,
            allows: Box::new(allows),
            triples,
        }
    }

    /// The next window of consecutive dates of `kind` (its own sequence), with about `target`
    /// triples; windows slide by half their width.
    fn window(&mut self, target: usize, kind: Kind) -> BTreeSet<NaiveDate> {
        let next = if kind == Kind::Windows {
            &mut self.next_window
        } else {
            &mut self.next_date
        };
        if *next >= self.dates.len() {
            *next = 0;
        }
        let start = *next;
        let mut end = start + 1;
        let mut count = self.per_date[&self.dates[start]];
        while end < self.dates.len() && count + self.per_date[&self.dates[end]] <= target {
            count += self.per_date[&self.dates[end]];
            end += 1;
        }
        *next = if end >= self.dates.len() {
            0
        } else {
            start + ((end - start) / 2).max(1)
        };
        self.dates[start..end].iter().copied().collect()
    }

    /// The cases freed by `kind`, with about `target` free triples, around the plan `current`.
    fn draw(&mut self, kind: Kind, target: usize, current: &[Option<Placement>], draws: &mut Draws) -> Freed<'a> {
        let inst = self.inst;
        let full = self.full;
        let allows: Box<dyn Fn(&Triple) -> bool + 'a> = match kind {
            Kind::Dates | Kind::Windows => {
                let window = self.window(target, kind);
                Box::new(move |t: &Triple| window.contains(&inst.sessions[t.k].date))
            }
            Kind::Surgeons | Kind::Theatres => {
                let key = move |t: &Triple| {
                    if kind == Kind::Surgeons {
                        t.s
                    } else {
                        inst.sessions[t.k].theatre
                    }
                };
                let per_key = if kind == Kind::Surgeons {
                    &self.per_surgeon
                } else {
                    &self.per_theatre
                };
                let pool: Vec<usize> = per_key.keys().copied().collect();
                // Whole surgeons (theatres) across the horizon while they fit the target; when
                // the first alone exceeds it, a window of consecutive dates of it.
                let mut chosen = BTreeSet::new();
                let mut count = 0;
                for i in draws.order(pool.len()) {
                    let n: usize = per_key[&pool[i]].values().sum();
                    if !chosen.is_empty() && count + n > target {
                        break;
                    }
                    chosen.insert(pool[i]);
                    count += n;
                }
                let window: Option<BTreeSet<NaiveDate>> = (count > target).then(|| {
                    let days: Vec<(&NaiveDate, &usize)> = chosen.iter().flat_map(|k| per_key[k].iter()).collect();
                    let first = (draws.next() % days.len() as u64) as usize;
                    let mut sum = 0;
                    days[first..]
                        .iter()
                        .take_while(|(_, &n)| {
                            sum += n;
                            sum <= target
                        })
                        .map(|(d, _)| **d)
                        .chain(std::iter::once(*days[first].0))
                        .collect()
                });
                Box::new(move |t: &Triple| {
                    chosen.contains(&key(t)) && window.as_ref().is_none_or(|w| w.contains(&inst.sessions[t.k].date))
                })
            }
            Kind::Cases | Kind::Optional => {
                let mut chosen = vec![false; inst.procedures.len()];
                let mut count = 0;
                for p in draws.order(inst.procedures.len()) {
                    if count >= target {
                        break;
                    }
                    let eligible = kind == Kind::Cases || !full.scheduled_always(inst, p);
                    if eligible && !full.by_case[p].is_empty() {
                        chosen[p] = true;
                        count += full.by_case[p].len();
                    }
                }
                Box::new(move |t: &Triple| chosen[t.p])
            }
        };
        // A case is free when its own triple is allowed, or it is unscheduled and has one.
        let free: Vec<bool> = (0..inst.procedures.len())
            .map(|p| match current[p] {
                Some(pl) => allows(&Triple {
                    p,
                    k: pl.session,
                    s: pl.surgeon,
                }),
                None => full.by_case[p].iter().any(|&t| allows(&full.triples[t])),
            })
            .collect();
        let triples = (full.triples.iter()).filter(|t| free[t.p] && allows(t)).count();
        Freed {
            whole: triples == full.triples.len(),
            free,
            allows,
            triples,
        }
    }
}

/// Large-neighbourhood search from a feasible `plan` (ALNS). In turn a neighbourhood of one of
/// the [`Kind`]s is drawn (by roulette over weights that follow each kind's recent success),
/// its cases are freed on its triples, the rest frozen on their triples, and that exact model
/// is solved warm-started from the incumbent, so each step is never worse. Each kind's size
/// adapts: a neighbourhood solved exactly grows the next one of its kind by a quarter (doubles
/// it when it took under a quarter of its work), one cut by its work shrinks it by 30 %.
///
/// Stops when `budget` is spent, when `obj` reaches `bound`, or when a neighbourhood covering
/// the whole problem has been solved exactly (then the plan is proven optimal). With
/// `before_full_model` (the short search before the full model) the first neighbourhood, once,
/// frees every scheduled case on the lists of its own date (each date's lists, theatres and
/// surgeons chosen again with the dates kept), no neighbourhood frees more than
/// [`HYBRID_LARGEST`] of the triples, and the search stops after [`HYBRID_PATIENCE`]
/// neighbourhoods in a row without a gain.
///
/// Each neighbourhood gets [`STEP_WORK`] units of work, so the sequence of neighbourhoods, and
/// the plan, depend on the work done, not on the machine's speed: only the budget's wall-clock
/// deadline can end the search at a machine-dependent point. Returns the plan, whether it is
/// proven optimal, the size of the last model and the units of work used.
#[allow(clippy::too_many_arguments)]
pub fn lns(
    inst: &Instance,
    full: &Candidates,
    start: Plan,
    bound_int: Option<i64>,
    opts: &SolveOptions,
    budget: Budget,
    before_full_model: bool,
    mut windows: Option<&mut Learned>,
    notes: &mut Vec<String>,
) -> Result<(Plan, bool, ModelSize, f64), SolveError> {
    let (mut plan, mut obj) = start;
    // Before the full model no neighbourhood is the whole problem: that is the full model's.
    let largest = if before_full_model {
        ((full.triples.len() as f64 * HYBRID_LARGEST) as usize).max(MIN_TRIPLES)
    } else {
        full.triples.len()
    };
    let mut search = Search::new(inst, full);
    let mut draws = Draws(SplitMix64::new(0x5EED_0000_0000_0000 ^ u64::from(opts.seed)));
    let mut arms: Vec<Arm> = KINDS
        .iter()
        .map(|&kind| Arm {
            // Without the new neighbourhoods, date windows alone (the search before them).
            // The windowed masters start with half the draws: on the instances where they
            // apply they found what the other kinds did not (decision 73).
            weight: if kind == Kind::Windows {
                if windows.is_some() {
                    (KINDS.len() - 1) as f64
                } else {
                    0.0
                }
            } else if kind == Kind::Dates || !opts.without.neighbourhoods {
                1.0
            } else {
                0.0
            },
            // A windowed master is a model of dates, not of triples: its first window is a
            // third of the horizon's triples (on IHTC i24 a third of the dates did better than
            // a quarter or a half, decision 73).
            target: if kind == Kind::Windows {
                FIRST_TRIPLES.max(full.triples.len() / 3)
            } else {
                FIRST_TRIPLES
            },
            tries: 0,
            wins: 0,
        })
        .collect();
    let (mut steps, mut cut_by_time, mut proven) = (0usize, 0usize, false);
    // Neighbourhoods in a row without a gain.
    let mut fruitless = 0;
    let mut size = (0, 0);
    let mut work = 0.0;
    // Before the full model, first, once: every scheduled case free on the lists of its own
    // date, so each date's lists, theatres and surgeons are chosen again with the dates kept
    // (small there, and solved fast; above `FULL_MODEL_LIMIT` it took the little time left
    // after the day-restricted model and was dropped: decision 70).
    let mut same_date = None;
    if before_full_model && !budget.spent() && bound_int.is_none_or(|b| obj > b) {
        let current = placed(inst, &plan);
        let freed = search.same_date(&current);
        let o = explore(inst, full, &freed, &current, &plan, opts, budget)?;
        tracing::debug!(kind = "same date", free = freed.triples, obj, new = ?o.best.as_ref().map(|b| b.1), status = ?o.status, "neighbourhood");
        work += o.work;
        size = o.size;
        steps += 1;
        if o.status == highs::HighsModelStatus::ReachedTimeLimit {
            cut_by_time += 1;
        }
        let before = obj;
        if let Some((pl, o_obj)) = o.best.filter(|b| b.1 < obj) {
            plan = pl;
            obj = o_obj;
        }
        same_date = Some(before - obj);
    }
    while seconds_left(budget.deadline) > 0.5
        && !budget.less(work).spent()
        && !opts.stop.is_raised()
        && !full.triples.is_empty()
    {
        if bound_int.is_some_and(|b| obj <= b) {
            break; // proven optimal
        }
        if before_full_model && fruitless >= HYBRID_PATIENCE {
            break;
        }
        let total: f64 = arms.iter().map(|a| a.weight).sum();
        let mut pick = draws.unit() * total;
        // (Rounding can leave `pick` past the last weight: then the last kind with one.)
        let mut a = arms.iter().rposition(|arm| arm.weight > 0.0).unwrap_or(0);
        for (i, arm) in arms.iter().enumerate() {
            if pick < arm.weight {
                a = i;
                break;
            }
            pick -= arm.weight;
        }
        if KINDS[a] == Kind::Windows {
            let Some(learned) = windows.as_deref_mut() else {
                unreachable!("the windows kind has no weight without what Benders learned")
            };
            let window = search.window(arms[a].target.min(largest), Kind::Windows);
            let step = budget
                .less(work)
                .with_work(STEP_WORK)
                .capped(Instant::now() + Duration::from_secs_f64(3.0 * STEP_WORK));
            let o = window_step(learned, &plan, &window, opts, step)?;
            tracing::debug!(kind = ?Kind::Windows, target = arms[a].target, dates = window.len(), obj, new = ?o.plan.as_ref().map(|b| b.1), kept = o.kept, "neighbourhood");
            work += o.work;
            steps += 1;
            arms[a].tries += 1;
            fruitless += 1;
            // A window the master keeps, or a move of it evaluated exactly, is "solved"; a
            // master or a date without a plan in its work is "cut".
            let mut score = if o.kept || o.plan.is_some() {
                SCORE_SOLVED
            } else {
                SCORE_CUT
            };
            if let Some((pl, o_obj)) = o.plan.filter(|p| p.1 < obj) {
                plan = pl;
                obj = o_obj;
                fruitless = 0;
                arms[a].wins += 1;
                score = SCORE_BETTER;
            }
            arms[a].weight = (DECAY * arms[a].weight + (1.0 - DECAY) * score).max(MIN_WEIGHT);
            // A window the master keeps grows the next (it has no move there); one whose master
            // or dates ran out of work shrinks it.
            let t = arms[a].target;
            arms[a].target = if o.kept {
                (t + t / 4).min(largest)
            } else if score == SCORE_CUT {
                (t * 7 / 10).max(MIN_TRIPLES)
            } else {
                t
            };
            continue;
        }
        let current = placed(inst, &plan);
        let freed = search.draw(KINDS[a], arms[a].target.min(largest), &current, &mut draws);
        let o = explore(inst, full, &freed, &current, &plan, opts, budget.less(work))?;
        tracing::debug!(kind = ?KINDS[a], target = arms[a].target, free = freed.triples, obj, new = ?o.best.as_ref().map(|b| b.1), status = ?o.status, "neighbourhood");
        work += o.work;
        size = o.size;
        steps += 1;
        arms[a].tries += 1;
        if o.status == highs::HighsModelStatus::ReachedTimeLimit {
            cut_by_time += 1;
        }
        let solved_exactly = o.status == highs::HighsModelStatus::Optimal && o.best.is_some();
        let mut score = if solved_exactly { SCORE_SOLVED } else { SCORE_CUT };
        fruitless += 1;
        if let Some((pl, o_obj)) = o.best {
            if o_obj < obj {
                plan = pl;
                obj = o_obj;
                fruitless = 0;
                arms[a].wins += 1;
                // An improvement found in a neighbourhood that was not solved in its work
                // counts half: a smaller one of that kind may find it sooner.
                score = if solved_exactly {
                    SCORE_BETTER
                } else {
                    SCORE_BETTER / 2.0
                };
            }
        }
        if arms[a].weight > 0.0 {
            arms[a].weight = (DECAY * arms[a].weight + (1.0 - DECAY) * score).max(MIN_WEIGHT);
        }
        if solved_exactly {
            if freed.whole {
                proven = true;
                break; // the neighbourhood was the whole problem, solved to optimality
            }
            let quick = o.work < 0.25 * STEP_WORK;
            let grown = if quick {
                arms[a].target * 2
            } else {
                arms[a].target + arms[a].target / 4
            };
            arms[a].target = grown.max(freed.triples + 1).min(largest);
        } else {
            arms[a].target = (arms[a].target * 7 / 10).max(MIN_TRIPLES);
        }
    }
    let cut = if cut_by_time > 0 {
        format!(", {cut_by_time} cut by the time limit")
    } else {
        String::new()
    };
    let kinds: Vec<String> = (KINDS.iter().zip(&arms))
        .map(|(k, a)| format!("{k:?} {}/{}", a.wins, a.tries))
        .collect();
    let first = same_date.map_or(String::new(), |gain| format!(", the dates kept first (gain {gain})"));
    notes.push(format!(
        "neighbourhood search: {steps} neighbourhoods{cut}{first}, improvements per kind {} ({work:.1} units of work)",
        kinds.join(", ")
    ));
    Ok(((plan, obj), proven, size, work))
}

/// Per case its placement in `plan` (`None`: unscheduled).
fn placed(inst: &Instance, plan: &[Placement]) -> Vec<Option<Placement>> {
    let mut current = vec![None; inst.procedures.len()];
    for pl in plan {
        current[pl.procedure] = Some(*pl);
    }
    current
}

/// Solves one neighbourhood warm-started from `plan` (whose placements are `current`): its free
/// cases on their allowed triples, every other case on its own triple, within [`STEP_WORK`] of
/// `budget`. A neighbourhood's own wall-clock cap is generous (three times its work): under load
/// it is the work that ends it, so the plan does not change with the machine's speed.
fn explore(
    inst: &Instance,
    full: &Candidates,
    freed: &Freed,
    current: &[Option<Placement>],
    plan: &[Placement],
    opts: &SolveOptions,
    budget: Budget,
) -> Result<Optimised, SolveError> {
    let forced: Vec<bool> = (current.iter().zip(&freed.free))
        .map(|(c, &f)| c.is_some() && !f)
        .collect();
    let sub = full.subset(
        inst,
        |t| {
            if freed.free[t.p] {
                (freed.allows)(t)
            } else {
                current[t.p].is_some_and(|pl| pl.session == t.k && pl.surgeon == t.s)
            }
        },
        forced,
    );
    let step = budget
        .with_work(STEP_WORK)
        .capped(Instant::now() + Duration::from_secs_f64(3.0 * STEP_WORK));
    let mut local = Vec::new();
    optimise(inst, &sub, Some(plan), opts, step, &mut local)
}
