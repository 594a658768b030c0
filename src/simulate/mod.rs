//! A season of strikes, simulated (`rebook simulate`): a batch of trusts run forward through a
//! strike series, each trust re-planned after every round with each strategy through the
//! re-planning path of SPEC.md section 8, so that strategies can be compared on what patients
//! live through over a season — how many are cancelled twice or three times, how long they wait,
//! how many notified patients are moved, how many extra lists it takes.
//!
//! - [`series`]: the series file (`rebook-series/1`): the rounds, and the settings of the
//!   simulation with their defaults and sources.
//! - [`calendar`]: the series moved onto the batch's own calendar (round 1 = the batch's strike).
//! - [`cases`]: each round's new cancellations, resampled from the trust's case mix.
//! - [`extend`]: the horizon rolled forward by whole weeks, the batch's own weeks in turn.
//! - [`trajectory`]: one trust under one strategy and one seed, round by round ([`Walk`]):
//!   restrike (`crate::restrike`), solve, check, record.
//! - [`tables`]: rows, totals over trusts, season figures, means and 95 % t-intervals over seeds,
//!   and the files `series.csv`, `series.json`, `season.csv`.
//! - [`page`]: `series.html`, self-contained.
//!
//! **Common random numbers.** Strike draws and new cases depend only on (seed, round, trust,
//! date), never on a strategy's state: each strategy follows its own trajectory (its own
//! bookings, so its own void bookings and backlog), but on every seed all strategies lose the
//! same lists and meet the same new patients, so their differences are the strategies'.
//!
//! **Parallel and deterministic.** Round 1 runs once per (trust, strategy); then every
//! (trust, strategy, seed) walk runs its rounds on a pool of `jobs` threads, longest first, each
//! solve single-threaded and isolated (a panic fails its walk only). Results are gathered in a
//! fixed order, so every output but the seconds is the same whatever `jobs` is (a MIP stopped by
//! its time limit depends on the load, as in `rebook solve`: docs/DECISIONS.md 20 and 25).

pub mod calendar;
pub mod cases;
pub mod extend;
pub mod page;
pub mod series;
pub mod tables;
pub mod trajectory;

pub use calendar::Calendar;
pub use series::{Series, SeriesError};
pub use trajectory::{Figures, RoundState, Row, Season, Trust, Walk};

use crate::io::instance::InstanceFile;
use crate::io::validate::{validate, Diagnostic};
use crate::strategy::{self, SolveOptions, Strategy};
use chrono::NaiveDate;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use trajectory::Setup;

/// How a simulation runs ([`Options::default`]: fifo, priority and mip, seed 2023, a 10 s MIP
/// limit, one job).
#[derive(Debug, Clone)]
pub struct Options {
    /// Strategy names ([`crate::strategy::NAMES`]), in the order of the outputs (`--strategies`,
    /// default `fifo,priority,mip`).
    pub strategies: Vec<String>,
    /// The seeds (`--seed N --seeds K`: N..N+K−1; default 2023 alone).
    pub seeds: Vec<u64>,
    /// Options of every solve (one HiGHS thread each; default time limit 10 s per trust and
    /// round, the rest as `rebook solve`).
    pub solve: SolveOptions,
    /// Walks run side by side (`--jobs`; default here 1, the command's default every core).
    pub jobs: usize,
    /// The batch's strike date (`--strike-date`); `None` (default): read from the cases
    /// ([`calendar::strike_date`]).
    pub strike_date: Option<NaiveDate>,
    /// Keep every round's instance and plan ([`Walk::kept`]; `--keep-plans`; default off).
    pub keep_plans: bool,
    /// Keep every round's case states ([`Walk::states`]; default off).
    pub keep_states: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategies: vec!["fifo".into(), "priority".into(), "mip".into()],
            seeds: vec![2023],
            solve: SolveOptions {
                time_limit: 10.0,
                ..Default::default()
            },
            jobs: 1,
            strike_date: None,
            keep_plans: false,
            keep_states: false,
        }
    }
}

/// A finished simulation.
#[derive(Debug, Clone)]
pub struct Run {
    /// The series.
    pub series: Series,
    /// The series on the batch's calendar.
    pub calendar: Calendar,
    /// The trusts, in batch order.
    pub trusts: Vec<Trust>,
    /// Strategy names, in order.
    pub strategies: Vec<String>,
    /// Seeds, in order.
    pub seeds: Vec<u64>,
    /// The options of the solves.
    pub solve: SolveOptions,
    /// Every walk, ordered by seed, then strategy, then trust.
    pub walks: Vec<Walk>,
}

impl Run {
    /// The walk of (`seed` index, `strategy` index, `trust` index).
    pub fn walk(&self, seed: usize, strategy: usize, trust: usize) -> &Walk {
        &self.walks[(seed * self.strategies.len() + strategy) * self.trusts.len() + trust]
    }

    /// Walks that ended early.
    pub fn failed(&self) -> impl Iterator<Item = &Walk> {
        self.walks.iter().filter(|w| w.failure.is_some())
    }
}

/// Why no simulation was run.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// No instance in the batch.
    #[error("the batch holds no trust")]
    NoTrust,
    /// An instance of the batch does not validate.
    #[error("trust file {index} ({trust}) is invalid ({} error(s))", .diagnostics.iter().filter(|d| d.is_error()).count())]
    InvalidInstance {
        /// Its position in the batch.
        index: usize,
        /// Its `trust.id`.
        trust: String,
        /// Every diagnostic.
        diagnostics: Vec<Diagnostic>,
    },
    /// Two files of the batch are the same trust.
    #[error("trust {0} is in the batch twice: a batch holds one file per trust")]
    DuplicateTrust(String),
    /// A strategy name the registry does not know.
    #[error("unknown strategy '{name}' (choose from: {})", crate::strategy::NAMES.join(", "))]
    UnknownStrategy {
        /// The name given.
        name: String,
    },
    /// No strategy or no seed.
    #[error("give at least one strategy and one seed")]
    Nothing,
}

/// The trusts of `batch`, each with its size and horizon (`series` may set both).
fn trusts(batch: &[InstanceFile], series: &Series) -> Result<Vec<(Trust, crate::model::Instance)>, SimulateError> {
    let mut out: Vec<(Trust, crate::model::Instance)> = Vec::with_capacity(batch.len());
    for (index, file) in batch.iter().enumerate() {
        let checked = validate(file);
        let Some(inst) = checked.instance else {
            return Err(SimulateError::InvalidInstance {
                index,
                trust: file.trust.id.clone(),
                diagnostics: checked.diagnostics,
            });
        };
        if out.iter().any(|(t, _)| t.id == inst.trust_id) {
            return Err(SimulateError::DuplicateTrust(inst.trust_id.clone()));
        }
        let own_days = (inst.horizon_end - inst.horizon_start).num_days() + 1;
        let horizon_days = series.horizon_weeks.map_or((own_days + 6) / 7 * 7, |w| w * 7);
        out.push((
            Trust {
                id: inst.trust_id.clone(),
                name: file.trust.name.clone().unwrap_or_else(|| inst.trust_id.clone()),
                cases: inst.procedures.len(),
                scale: 1.0,
                horizon_days,
                file: file.clone(),
            },
            inst,
        ));
    }
    let mean = out.iter().map(|(t, _)| t.cases as f64).sum::<f64>() / out.len().max(1) as f64;
    for (t, _) in &mut out {
        t.scale = match series.trust_scale.get(&t.id) {
            Some(s) => *s,
            None if mean > 0.0 => t.cases as f64 / mean,
            None => 1.0,
        };
    }
    Ok(out)
}

/// Runs `work(i)` for every `i` in `order` on `jobs` threads; results by index.
fn pooled<T: Send>(count: usize, order: &[usize], jobs: usize, work: impl Fn(usize) -> T + Sync) -> Vec<Option<T>> {
    let slots: Vec<Mutex<Option<T>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let run = || loop {
        let n = next.fetch_add(1, Ordering::SeqCst);
        let Some(&i) = order.get(n) else { break };
        let result = work(i);
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    let workers = jobs.clamp(1, count.max(1));
    match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool.scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| run());
            }
        }),
        Err(_) => run(),
    }
    slots
        .into_iter()
        .map(|s| s.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

/// Simulates `batch` (one instance file per trust, as after the series' first round) through
/// `series`. `observe` hears of every walk as it ends (from the worker threads).
pub fn simulate(
    batch: &[InstanceFile],
    series: &Series,
    opts: &Options,
    observe: &(dyn Fn(&Walk, &Trust) + Sync),
) -> Result<Run, SimulateError> {
    if batch.is_empty() {
        return Err(SimulateError::NoTrust);
    }
    if opts.strategies.is_empty() || opts.seeds.is_empty() {
        return Err(SimulateError::Nothing);
    }
    let strategies: Vec<Box<dyn Strategy>> = (opts.strategies.iter())
        .map(|n| strategy::by_name(n).ok_or_else(|| SimulateError::UnknownStrategy { name: n.clone() }))
        .collect::<Result<_, _>>()?;
    let with_instances = trusts(batch, series)?;
    let instances: Vec<&crate::model::Instance> = with_instances.iter().map(|(_, i)| i).collect();
    let start = instances.iter().map(|i| i.horizon_start).max().unwrap_or_default();
    let strike_date = opts
        .strike_date
        .or_else(|| calendar::strike_date(&instances))
        .unwrap_or(start);
    let calendar = calendar::calendar(series, strike_date, start);
    let trusts: Vec<Trust> = with_instances.into_iter().map(|(t, _)| t).collect();
    let setup = Setup {
        series,
        calendar: &calendar,
        solve: &opts.solve,
        keep_plans: opts.keep_plans,
        keep_states: opts.keep_states,
    };
    let (n_trusts, n_strategies, n_seeds) = (trusts.len(), strategies.len(), opts.seeds.len());
    // Longest first: cases × the strategy's cost hint, ties in order.
    let cost = |t: usize, s: usize| trusts[t].cases as u64 * strategies[s].cost_hint().max(1);
    let by_cost = |count: usize, key: &dyn Fn(usize) -> (usize, usize)| {
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|&i| {
            let (t, s) = key(i);
            (std::cmp::Reverse(cost(t, s)), i)
        });
        order
    };

    // Round 1, once per (strategy, trust).
    let first_key = |i: usize| (i % n_trusts, i / n_trusts);
    let order = by_cost(n_strategies * n_trusts, &first_key);
    let firsts = pooled(n_strategies * n_trusts, &order, opts.jobs, |i| {
        let (t, s) = first_key(i);
        Walk::start(t, &trusts[t], strategies[s].as_ref(), &setup, opts.seeds[0])
    });

    // Every (seed, strategy, trust) walk to the end of the series.
    let walk_key = |i: usize| (i % n_trusts, (i / n_trusts) % n_strategies);
    let count = n_seeds * n_strategies * n_trusts;
    let order = by_cost(count, &walk_key);
    let walks = pooled(count, &order, opts.jobs, |i| {
        let (t, s) = walk_key(i);
        let seed = opts.seeds[i / (n_trusts * n_strategies)];
        let mut walk = match &firsts[s * n_trusts + t] {
            Some(first) => first.with_seed(seed),
            None => Walk::start(t, &trusts[t], strategies[s].as_ref(), &setup, seed),
        };
        walk.run(&trusts[t], strategies[s].as_ref(), &setup);
        // An observer that panics must neither stop the run nor lose a walk.
        let _ = catch_unwind(AssertUnwindSafe(|| observe(&walk, &trusts[t])));
        walk
    });
    let walks: Vec<Walk> = (walks.into_iter().enumerate())
        .map(|(i, w)| {
            w.unwrap_or_else(|| {
                let (t, s) = walk_key(i);
                let seed = opts.seeds[i / (n_trusts * n_strategies)];
                Walk::ended(
                    t,
                    &trusts[t],
                    strategies[s].name(),
                    seed,
                    "internal error: the walk was never run".into(),
                )
            })
        })
        .collect();
    Ok(Run {
        series: series.clone(),
        calendar,
        trusts,
        strategies: opts.strategies.clone(),
        seeds: opts.seeds.clone(),
        solve: opts.solve.clone(),
        walks,
    })
}
