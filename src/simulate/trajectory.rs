//! One trust under one strategy through every round of the series: a [`Walk`].
//!
//! Round 1 solves the batch file as it is (the plan published after the batch's own strike),
//! its horizon first extended ([`super::extend`]) when the calendar needs it. Each later round
//! *k* is one call of [`crate::restrike::restrike`] on the previous round's instance and plan,
//! then one solve:
//!
//! - **today** is the round's re-plan date ([`super::calendar`]); cases the previous plan
//!   booked before it were operated and leave, lists before it are gone;
//! - **the horizon** is extended by whole weeks ([`super::extend`]: the batch's own weeks in
//!   turn) so that it reaches at least `horizon_weeks` after today and a week past the last
//!   strike day of this round and of the next: the next re-plan date lies within it (a case
//!   booked before the next round is operated before it), and the next strike meets the
//!   bookings a booking office working weeks ahead would hold on its days;
//! - **bookings** of the previous plan are carried, notified when dated within
//!   `notified_within_days` of today, and binding (rule 11) within `keep_notified_days`;
//! - **the strike**: on each strike day, `share_lost` of the lists are lost, drawn by
//!   restrike's own draw ([`crate::restrike::draw_lost`]) with a seed derived from (seed, round)
//!   only; their cases are cancelled once more, and a case among them with a hard deadline has
//!   it released ([`release_deadlines`]);
//! - **new cases** ([`super::cases`]) are added;
//! - the strategy re-plans, and the plan must pass the independent checker.
//!
//! A round that cannot be made or solved (a restrike refusal, no plan, a plan the checker
//! rejects, a panic) ends the walk: its row says `failed` with the reason.
//!
//! Every round records a [`Row`]: the state after the re-plan (every case entered so far is
//! exactly one of operated, booked, waiting, or cancelled again and waiting; the walk checks it)
//! and what happens up to the next round (the cases operated, their waits and breaches, the extra
//! lists they used).

use super::calendar::{shift, Calendar, RoundDates};
use super::cases;
use super::extend::extend;
use super::series::Series;
use crate::check;
use crate::generate::rng::Rng;
use crate::io::instance::InstanceFile;
use crate::io::schedule::{self as schedule_io, ScheduleFile};
use crate::io::validate::validate;
use crate::metrics;
use crate::model::{Instance, Priority};
use crate::restrike::{self, Notified, Strike};
use crate::schedule::{self, Solution};
use crate::strategy::{SolveOptions, Strategy};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What every walk of a run shares.
pub struct Setup<'a> {
    /// The series.
    pub series: &'a Series,
    /// The series on the batch's calendar.
    pub calendar: &'a Calendar,
    /// Options of every solve.
    pub solve: &'a SolveOptions,
    /// Keep each round's instance and plan in [`Walk::kept`].
    pub keep_plans: bool,
    /// Keep each round's case states in [`Walk::states`].
    pub keep_states: bool,
}

/// One trust of the batch, as the walks see it.
#[derive(Debug, Clone, Serialize)]
pub struct Trust {
    /// `trust.id`.
    pub id: String,
    /// `trust.name`, or the id.
    pub name: String,
    /// Cases of its batch file.
    pub cases: usize,
    /// Its size against an average trust: the series' `trust_scale`, else its cases over the
    /// batch's mean cases per trust.
    pub scale: f64,
    /// Days each re-plan books ahead at least: the series' `horizon_weeks`, else its batch
    /// horizon rounded up to whole weeks.
    pub horizon_days: i64,
    /// Its batch file (round 1's instance, and the case mix new cases are drawn from).
    #[serde(skip)]
    pub file: InstanceFile,
}

/// Counts of one round (one trust, or summed over trusts). Each is documented with the column
/// it fills (`docs/SIMULATE.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Lists lost to this round's strike.
    pub lists_lost: usize,
    /// Cases whose booked list was lost this round (void bookings: cancelled once more).
    pub cancelled_again: usize,
    /// New cancellations added this round (round 1: the batch's cases).
    pub new_cases: usize,
    /// Cases entered so far (the batch's and every new case).
    pub cases: usize,
    /// Cases operated before this round's re-plan date.
    pub operated_before: usize,
    /// Cases not yet operated at the re-plan: `booked + waiting + waiting_cancelled_again`.
    pub backlog: usize,
    /// Of the backlog, cases the re-plan booked.
    pub booked: usize,
    /// Of the backlog, cases without a date, cancelled once.
    pub waiting: usize,
    /// Of the backlog, cases without a date, cancelled twice or more.
    pub waiting_cancelled_again: usize,
    /// Patients cancelled at least twice so far (operated or not).
    pub cancelled_twice: usize,
    /// Patients cancelled at least three times so far.
    pub cancelled_thrice: usize,
    /// The longest wait so far of a case in the backlog: days from its first cancellation to
    /// the re-plan date (the maximum over trusts in a total).
    pub waiting_longest_days: i64,
    /// Bookings the re-plan kept (SPEC.md section 8).
    pub kept: usize,
    /// Notified patients the re-plan moved.
    pub moved_notified: usize,
    /// Patients not yet told whom the re-plan moved.
    pub moved_unnotified: usize,
    /// The re-plan's objective (cost points).
    pub objective: i64,
    /// Cases operated from the re-plan date to the end of the period (the day before the next
    /// round's re-plan, or the last horizon's end).
    pub operated: usize,
    /// Of `operated`, per priority P1..P4.
    pub operated_by_priority: [usize; 4],
    /// Σ days from first cancellation to operation of the operated cases, per priority.
    pub wait_days_by_priority: [i64; 4],
    /// The longest of those waits.
    pub wait_max_days: i64,
    /// Extra lists (an opening cost) in which cases were operated in the period.
    pub extra_lists: usize,
    /// Targets the operated cases missed: 28-day rule, priority, 18-week RTT, repeat
    /// cancellation (SPEC.md sections 4 and 8).
    pub breaches: [usize; 4],
    /// Hard deadlines released this round: cases with a deadline whose booked list the strike
    /// took (see [`release_deadlines`]).
    pub deadlines_released: usize,
    /// Seconds the strategy ran.
    pub seconds: f64,
}

impl Figures {
    /// Adds `o` to these figures: counts add up, the longest waits take the maximum.
    pub fn add(&mut self, o: &Figures) {
        self.lists_lost += o.lists_lost;
        self.cancelled_again += o.cancelled_again;
        self.new_cases += o.new_cases;
        self.cases += o.cases;
        self.operated_before += o.operated_before;
        self.backlog += o.backlog;
        self.booked += o.booked;
        self.waiting += o.waiting;
        self.waiting_cancelled_again += o.waiting_cancelled_again;
        self.cancelled_twice += o.cancelled_twice;
        self.cancelled_thrice += o.cancelled_thrice;
        self.waiting_longest_days = self.waiting_longest_days.max(o.waiting_longest_days);
        self.kept += o.kept;
        self.moved_notified += o.moved_notified;
        self.moved_unnotified += o.moved_unnotified;
        self.objective += o.objective;
        self.operated += o.operated;
        for i in 0..4 {
            self.operated_by_priority[i] += o.operated_by_priority[i];
            self.wait_days_by_priority[i] += o.wait_days_by_priority[i];
            self.breaches[i] += o.breaches[i];
        }
        self.wait_max_days = self.wait_max_days.max(o.wait_max_days);
        self.extra_lists += o.extra_lists;
        self.deadlines_released += o.deadlines_released;
        self.seconds += o.seconds;
    }
}

/// One round of one walk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Round number, from 1.
    pub round: usize,
    /// The trust's id.
    pub trust: String,
    /// The strategy's name.
    pub strategy: String,
    /// The seed of the walk.
    pub seed: u64,
    /// `solved`, or `failed` (the walk ends here; `message` says why).
    pub status: String,
    /// How the strategy's run ended (`optimal`, `heuristic`, …); empty when failed.
    pub solver_status: String,
    /// The MIP's relative gap, when it has one.
    pub gap: Option<f64>,
    /// The last day of the round's period.
    pub period_end: Option<NaiveDate>,
    /// The counts.
    pub figures: Figures,
    /// Why the round failed, or empty.
    pub message: String,
}

/// Which cases are where after a round's re-plan, by id (kept when [`Setup::keep_states`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundState {
    /// Round number.
    pub round: usize,
    /// Every case entered so far.
    pub entered: BTreeSet<String>,
    /// Operated before the round's re-plan date.
    pub operated: BTreeSet<String>,
    /// Booked by the re-plan.
    pub booked: BTreeSet<String>,
    /// Without a date, cancelled once.
    pub waiting: BTreeSet<String>,
    /// Without a date, cancelled twice or more.
    pub waiting_cancelled_again: BTreeSet<String>,
    /// Lists lost to the round's strike.
    pub lost_lists: BTreeSet<String>,
    /// Ids of the cases the round added.
    pub new_cases: BTreeSet<String>,
}

/// A round's instance and plan (kept when [`Setup::keep_plans`]).
#[derive(Debug, Clone)]
pub struct Kept {
    /// Round number.
    pub round: usize,
    /// The instance solved (round 1: the batch file, extended when the calendar needs it).
    pub instance: InstanceFile,
    /// The plan, checked; `None` when the strategy found none (the walk failed there).
    pub plan: Option<ScheduleFile>,
}

/// Where a case stands in a walk.
#[derive(Debug, Clone, Copy)]
struct Book {
    /// Its first cancellation: `original_date` when it entered (else `earliest`).
    first: NaiveDate,
    priority: Priority,
}

/// Season figures of one walk ([`Walk::season`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Season {
    /// Rounds run (solved).
    pub rounds: usize,
    /// Walks that ended early (failed): 0 or 1 for one walk, a count in a total.
    pub failed: usize,
    /// Cases entered over the season.
    pub cases: usize,
    /// Cases operated by the season's end.
    pub operated: usize,
    /// Cases not operated by the season's end (the last period's end).
    pub backlog_end: usize,
    /// Patients cancelled at least twice.
    pub cancelled_twice: usize,
    /// Patients cancelled at least three times.
    pub cancelled_thrice: usize,
    /// Bookings lost to strikes (each a patient cancelled once more).
    pub cancelled_again: usize,
    /// Notified patients moved by re-plans.
    pub moved_notified: usize,
    /// Patients not yet told moved by re-plans.
    pub moved_unnotified: usize,
    /// Extra lists used for operations.
    pub extra_lists: usize,
    /// Targets missed by the operated cases: 28-day rule, priority, RTT, repeat cancellation.
    pub breaches: [usize; 4],
    /// Per priority: cases counted in `wait_days_by_priority` (operated, and those still
    /// waiting at the season's end, counted to it).
    pub waits_by_priority: [usize; 4],
    /// Per priority: Σ days from first cancellation to operation (or to the season's end).
    pub wait_days_by_priority: [i64; 4],
    /// The longest such wait.
    pub wait_max_days: i64,
    /// Hard deadlines released because a strike took the case's list.
    pub deadlines_released: usize,
    /// Seconds the strategies ran.
    pub seconds: f64,
    /// Every case's wait in days (to operation, or to the season's end), sorted.
    #[serde(skip)]
    pub waits: Vec<i64>,
}

impl Season {
    /// Adds another walk's season (summing over trusts).
    pub fn add(&mut self, o: &Season) {
        self.rounds = self.rounds.max(o.rounds);
        self.failed += o.failed;
        self.cases += o.cases;
        self.operated += o.operated;
        self.backlog_end += o.backlog_end;
        self.cancelled_twice += o.cancelled_twice;
        self.cancelled_thrice += o.cancelled_thrice;
        self.cancelled_again += o.cancelled_again;
        self.moved_notified += o.moved_notified;
        self.moved_unnotified += o.moved_unnotified;
        self.extra_lists += o.extra_lists;
        for i in 0..4 {
            self.breaches[i] += o.breaches[i];
            self.waits_by_priority[i] += o.waits_by_priority[i];
            self.wait_days_by_priority[i] += o.wait_days_by_priority[i];
        }
        self.wait_max_days = self.wait_max_days.max(o.wait_max_days);
        self.deadlines_released += o.deadlines_released;
        self.seconds += o.seconds;
        self.waits.extend_from_slice(&o.waits);
        self.waits.sort_unstable();
    }

    /// The 90th percentile of the waits (interpolated between ranks, as every percentile of
    /// rebook: [`crate::metrics::percentile`]).
    pub fn wait_p90(&self) -> Option<f64> {
        (!self.waits.is_empty()).then(|| crate::metrics::percentile(&self.waits, 0.9))
    }

    /// Cases whose wait exceeded `days`.
    pub fn waited_over(&self, days: i64) -> usize {
        self.waits.len() - self.waits.partition_point(|&w| w <= days)
    }
}

/// One trust under one strategy and one seed, round by round.
#[derive(Debug, Clone)]
pub struct Walk {
    /// Position of the trust in the batch.
    pub trust: usize,
    /// The strategy's name.
    pub strategy: String,
    /// The seed (strike draws and new cases).
    pub seed: u64,
    /// One row per round run (the last one `failed` when the walk ended early).
    pub rows: Vec<Row>,
    /// The season's figures (once the walk has ended).
    pub season: Season,
    /// Case states per round, when kept.
    pub states: Vec<RoundState>,
    /// Instances and plans per round, when kept.
    pub kept: Vec<Kept>,
    /// Why the walk ended early.
    pub failure: Option<String>,
    file: InstanceFile,
    plan: Option<ScheduleFile>,
    books: BTreeMap<String, Book>,
    operated: BTreeMap<String, NaiveDate>,
    twice: BTreeSet<String>,
    thrice: BTreeSet<String>,
    /// Cases still waiting after the last plan, with the day the season ended.
    end: Option<NaiveDate>,
}

/// The seed of round `round`'s strike draw: derived from the walk's seed and the round only.
pub fn strike_seed(seed: u64, round: usize) -> u64 {
    Rng::for_part(seed, &format!("simulate/strike/round-{round}")).next_u64()
}

/// The solved plan of one round, checked.
struct Solved {
    instance: Instance,
    plan: ScheduleFile,
    solution: Solution,
    bookings: metrics::Bookings,
}

/// Solves `inst` with `strategy`, writes the plan and checks it; every failure (a panic too) as
/// a message.
fn solve(inst: Instance, strategy: &dyn Strategy, opts: &SolveOptions) -> Result<Solved, String> {
    let name = strategy.name();
    crate::batch::isolated(|| {
        let solution = strategy.solve(&inst, opts).map_err(|e| e.to_string())?;
        let m = metrics::compute(&inst, &solution);
        let bookings = m.bookings;
        let plan = schedule_io::to_file(&inst, name, &solution, serde_json::to_value(&m).unwrap_or_default());
        let report = check::check(&inst, &plan);
        if !report.is_ok() {
            let first: Vec<String> = (report.violations.iter().take(5))
                .map(|v| format!("{}: {}", v.rule, v.message))
                .collect();
            return Err(format!(
                "internal error: the {name} plan failed the independent checker ({} violations): {}",
                report.violations.len(),
                first.join("; ")
            ));
        }
        Ok(Solved {
            instance: inst,
            plan,
            solution,
            bookings,
        })
    })
    .unwrap_or_else(|panic| Err(format!("internal error (panic in {name}): {panic}")))
}

/// The date a round's horizon must reach: `horizon_days` after today, and a week past the
/// last strike day of this round and of the next one (so the next re-plan date lies within it,
/// and the next strike meets the bookings a booking office working weeks ahead would hold).
fn target(dates: &RoundDates, next: Option<&RoundDates>, horizon_days: i64) -> NaiveDate {
    let mut t = shift(dates.today, horizon_days - 1);
    for r in std::iter::once(dates).chain(next) {
        t = t.max(shift(r.today, 1)).max(shift(r.last, 7));
    }
    t
}

/// Releases the hard deadline of every case `plan` booked into a list of `lost` (in `file`,
/// the instance the plan was made for): the strike broke the promise the deadline stood for,
/// and a deadline no list can meet any more would make the re-planning instance infeasible.
/// The case keeps its priority (and its weights); the release is counted. Returns how many.
pub fn release_deadlines(file: &mut InstanceFile, plan: &ScheduleFile, lost: &BTreeSet<String>) -> usize {
    let hit: BTreeSet<&str> = (plan.assignments.iter())
        .filter(|a| lost.contains(&a.session))
        .map(|a| a.procedure.as_str())
        .collect();
    let mut released = 0;
    for p in &mut file.procedures {
        if p.deadline.is_some() && hit.contains(p.id.as_str()) {
            p.deadline = None;
            released += 1;
        }
    }
    released
}

impl Walk {
    /// Round 1: the batch file solved as it is (extended by whole weeks first, through restrike
    /// with a blank plan, only when the horizon must reach further). `seed` is written in the
    /// rows; round 1 does not depend on it.
    pub fn start(trust_index: usize, trust: &Trust, strategy: &dyn Strategy, setup: &Setup, seed: u64) -> Walk {
        let mut walk = Walk::empty(trust_index, trust, strategy.name(), seed);
        if let Err(panic) = crate::batch::isolated(|| walk.first_round(trust, strategy, setup)) {
            walk.fail(1, &trust.id, format!("internal error (panic): {panic}"));
        }
        walk
    }

    /// A walk that has run no round yet (or that ended before its first: see [`Walk::ended`]).
    fn empty(trust_index: usize, trust: &Trust, strategy: &str, seed: u64) -> Walk {
        Walk {
            trust: trust_index,
            strategy: strategy.to_string(),
            seed,
            rows: Vec::new(),
            season: Season::default(),
            states: Vec::new(),
            kept: Vec::new(),
            failure: None,
            file: trust.file.clone(),
            plan: None,
            books: BTreeMap::new(),
            operated: BTreeMap::new(),
            twice: BTreeSet::new(),
            thrice: BTreeSet::new(),
            end: None,
        }
    }

    /// A walk that failed before its first round ran, with `message`.
    pub fn ended(trust_index: usize, trust: &Trust, strategy: &str, seed: u64, message: String) -> Walk {
        let mut walk = Walk::empty(trust_index, trust, strategy, seed);
        walk.fail(1, &trust.id, message);
        walk.sum_season();
        walk
    }

    /// Round 1 (see [`Walk::start`]).
    fn first_round(&mut self, trust: &Trust, strategy: &dyn Strategy, setup: &Setup) {
        let dates = &setup.calendar.rounds[0];
        let next = setup.calendar.rounds.get(1);
        let file = extend(&trust.file, &trust.file, target(dates, next, trust.horizon_days));
        self.round(1, trust, strategy, setup, file, None);
    }

    /// The same walk under another seed (round 1 is shared).
    pub fn with_seed(&self, seed: u64) -> Walk {
        let mut w = self.clone();
        w.seed = seed;
        for r in &mut w.rows {
            r.seed = seed;
        }
        w
    }

    /// Runs rounds 2.. to the end of the series (or the first failure), then sums the season.
    pub fn run(&mut self, trust: &Trust, strategy: &dyn Strategy, setup: &Setup) {
        let rounds = setup.calendar.rounds.len();
        for k in 2..=rounds {
            if self.failure.is_some() {
                break;
            }
            if let Err(panic) = crate::batch::isolated(|| self.restrike_round(k, trust, strategy, setup)) {
                self.fail(k, &trust.id, format!("internal error (panic): {panic}"));
            }
        }
        self.sum_season();
    }

    /// Round `k` ≥ 2: extend the previous round's instance, draw the lists lost, restrike,
    /// then solve.
    fn restrike_round(&mut self, k: usize, trust: &Trust, strategy: &dyn Strategy, setup: &Setup) {
        let Some(plan) = self.plan.take() else {
            return;
        };
        let dates = &setup.calendar.rounds[k - 1];
        let round = &setup.series.rounds[k - 1];
        let next = setup.calendar.rounds.get(k);
        let mut file = extend(&self.file, &trust.file, target(dates, next, trust.horizon_days));
        // The strike: restrike's own draw over the lists of the strike days, with a seed of
        // (seed, round) only, so every strategy loses the same lists.
        let lost = restrike::draw_lost(
            &trust.id,
            &file.sessions,
            &dates.strike_dates,
            round.share_lost,
            strike_seed(self.seed, k),
        );
        let released = release_deadlines(&mut file, &plan, &lost);
        let how_many = cases::count(round.new_cases_per_strike_day, dates.strike_dates.len(), trust.scale);
        let opts = restrike::Options {
            today: dates.today,
            extend_weeks: 0,
            notified: Notified::Within(u32::try_from(setup.series.notified_within_days).unwrap_or(0)),
            keep_notified_days: Some(setup.series.keep_notified_days),
            strike: Strike::Lost(lost.iter().cloned().collect()),
            new_cases: cases::new_cases(&trust.file, k, &dates.strike_dates, how_many, self.seed),
        };
        match restrike::restrike(&file, &plan, &opts) {
            Ok(made) => self.round(
                k,
                trust,
                strategy,
                setup,
                made.instance,
                Some((made.summary, lost, released)),
            ),
            Err(e) => {
                let detail = match &e {
                    restrike::RestrikeError::Invalid(d) | restrike::RestrikeError::InvalidInstance(d) => {
                        let first: Vec<String> = (d.iter().filter(|d| d.is_error()).take(3))
                            .map(|d| d.to_string())
                            .collect();
                        format!(": {}", first.join("; "))
                    }
                    _ => String::new(),
                };
                self.fail(
                    k,
                    &trust.id,
                    format!("the re-planning instance cannot be made: {e}{detail}"),
                );
            }
        }
    }

    /// Records a failed round `k` and ends the walk.
    fn fail(&mut self, k: usize, trust: &str, message: String) {
        self.rows.push(Row {
            round: k,
            trust: trust.to_string(),
            strategy: self.strategy.clone(),
            seed: self.seed,
            status: "failed".to_string(),
            solver_status: String::new(),
            gap: None,
            period_end: None,
            figures: Figures::default(),
            message: message.clone(),
        });
        self.failure = Some(message);
        self.plan = None;
    }

    /// Solves round `k`'s instance `file` and records the round. `made`: restrike's summary and
    /// the previous round's instance (for the lists lost), `None` in round 1.
    fn round(
        &mut self,
        k: usize,
        trust: &Trust,
        strategy: &dyn Strategy,
        setup: &Setup,
        file: InstanceFile,
        made: Option<(restrike::Summary, BTreeSet<String>, usize)>,
    ) {
        let checked = validate(&file);
        let Some(inst) = checked.instance else {
            let first: Vec<String> = (checked.diagnostics.iter().filter(|d| d.is_error()).take(3))
                .map(|d| d.to_string())
                .collect();
            self.fail(
                k,
                &trust.id,
                format!("round {k}'s instance is invalid: {}", first.join("; ")),
            );
            return;
        };
        let solved = match solve(inst, strategy, setup.solve) {
            Ok(s) => s,
            Err(message) => {
                if setup.keep_plans {
                    // The instance no plan was found for, to see why.
                    self.kept.push(Kept {
                        round: k,
                        instance: file,
                        plan: None,
                    });
                }
                self.fail(k, &trust.id, message);
                return;
            }
        };
        let dates = &setup.calendar.rounds[k - 1];
        let next = setup.calendar.rounds.get(k).map(|n| n.today);
        let (summary, lost, released) = match made {
            Some((summary, lost, released)) => (Some(summary), lost, released),
            None => (None, BTreeSet::new(), 0),
        };
        if summary.is_some_and(|s| s.lost_lists != lost.len()) {
            self.fail(
                k,
                &trust.id,
                "internal error: the lists lost do not match restrike's count".into(),
            );
            return;
        }
        match self.record(k, trust, dates.today, next, &solved, summary, lost, released) {
            Ok(()) => {
                if setup.keep_plans {
                    self.kept.push(Kept {
                        round: k,
                        instance: file.clone(),
                        plan: Some(solved.plan.clone()),
                    });
                }
                self.file = file;
                self.plan = Some(solved.plan);
            }
            Err(message) => self.fail(k, &trust.id, message),
        }
        if !setup.keep_states {
            self.states.clear();
        }
    }

    /// The row of round `k` from its solved plan, and the books moved on to the next round.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        k: usize,
        trust: &Trust,
        today: NaiveDate,
        next: Option<NaiveDate>,
        solved: &Solved,
        made: Option<restrike::Summary>,
        lost: BTreeSet<String>,
        released: usize,
    ) -> Result<(), String> {
        let inst = &solved.instance;
        let plan = &solved.plan;
        let mut state = RoundState {
            round: k,
            lost_lists: lost,
            ..Default::default()
        };
        for p in &inst.procedures {
            if self.operated.contains_key(&p.id) {
                return Err(format!(
                    "internal error: case {} is in round {k}'s instance but was operated before",
                    p.id
                ));
            }
            if !self.books.contains_key(&p.id) {
                state.new_cases.insert(p.id.clone());
                self.books.insert(
                    p.id.clone(),
                    Book {
                        first: p.original_date.unwrap_or(p.earliest),
                        priority: p.priority,
                    },
                );
            }
            if p.times_cancelled >= 2 {
                self.twice.insert(p.id.clone());
            }
            if p.times_cancelled >= 3 {
                self.thrice.insert(p.id.clone());
            }
        }
        let index: HashMap<&str, usize> = (inst.procedures.iter().enumerate())
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        for a in &plan.assignments {
            state.booked.insert(a.procedure.clone());
        }
        for u in &plan.unscheduled {
            let again = index
                .get(u.procedure.as_str())
                .is_some_and(|&p| inst.procedures[p].times_cancelled >= 2);
            if again {
                state.waiting_cancelled_again.insert(u.procedure.clone());
            } else {
                state.waiting.insert(u.procedure.clone());
            }
        }
        state.operated = self.operated.keys().cloned().collect();
        state.entered = self.books.keys().cloned().collect();
        // Conservation: every case entered is exactly one of operated, booked, waiting, or
        // cancelled again and waiting.
        let placed = state.booked.len() + state.waiting.len() + state.waiting_cancelled_again.len();
        if placed != inst.procedures.len()
            || state.operated.len() + placed != state.entered.len()
            || !state.booked.is_disjoint(&state.waiting)
            || !state.booked.is_disjoint(&state.waiting_cancelled_again)
        {
            return Err(format!(
                "internal error: round {k} does not account for every case ({} entered, {} operated, {} booked, {} waiting, {} cancelled again and waiting)",
                state.entered.len(),
                state.operated.len(),
                state.booked.len(),
                state.waiting.len(),
                state.waiting_cancelled_again.len()
            ));
        }
        let mut f = Figures {
            lists_lost: made.map_or(0, |m| m.lost_lists),
            cancelled_again: made.map_or(0, |m| m.void),
            new_cases: made.map_or(inst.procedures.len(), |m| m.added),
            cases: state.entered.len(),
            operated_before: state.operated.len(),
            backlog: inst.procedures.len(),
            booked: state.booked.len(),
            waiting: state.waiting.len(),
            waiting_cancelled_again: state.waiting_cancelled_again.len(),
            cancelled_twice: self.twice.len(),
            cancelled_thrice: self.thrice.len(),
            kept: solved.bookings.kept,
            moved_notified: solved.bookings.moved_notified,
            moved_unnotified: solved.bookings.moved_unnotified,
            objective: plan.objective,
            deadlines_released: released,
            seconds: solved.solution.solver.seconds,
            ..Default::default()
        };
        f.waiting_longest_days = (inst.procedures.iter())
            .map(|p| (today - self.books[&p.id].first).num_days().max(0))
            .max()
            .unwrap_or(0);
        // The period: what the plan operates before the next round's re-plan.
        let mut extra = BTreeSet::new();
        for pl in &solved.solution.placements {
            let date = inst.sessions[pl.session].date;
            if next.is_some_and(|n| date >= n) {
                continue;
            }
            let pr = &inst.procedures[pl.procedure];
            let book = self.books[&pr.id];
            let wait = (date - book.first).num_days().max(0);
            let i = book.priority.index();
            f.operated += 1;
            f.operated_by_priority[i] += 1;
            f.wait_days_by_priority[i] += wait;
            f.wait_max_days = f.wait_max_days.max(wait);
            let m = schedule::missed(pr, date);
            f.breaches[0] += usize::from(m.cancelled_on_day);
            f.breaches[1] += usize::from(m.priority);
            f.breaches[2] += usize::from(m.rtt);
            f.breaches[3] += usize::from(m.repeat_cancellation);
            if inst.sessions[pl.session].open_cost > 0 {
                extra.insert(pl.session);
            }
            self.operated.insert(pr.id.clone(), date);
        }
        f.extra_lists = extra.len();
        let period_end = match next {
            Some(n) => shift(n, -1),
            None => inst.horizon_end,
        };
        if next.is_none() {
            self.end = Some(period_end);
        }
        let solver = serde_json::to_value(solved.solution.solver.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.rows.push(Row {
            round: k,
            trust: trust.id.clone(),
            strategy: self.strategy.clone(),
            seed: self.seed,
            status: "solved".to_string(),
            solver_status: solver,
            gap: solved.solution.solver.gap,
            period_end: Some(period_end),
            figures: f,
            message: String::new(),
        });
        self.states.push(state);
        Ok(())
    }

    /// The season's figures from the rows (and, for the cases still waiting at the season's end,
    /// their waits counted to it).
    fn sum_season(&mut self) {
        let mut s = Season {
            failed: usize::from(self.failure.is_some()),
            cases: self.books.len(),
            operated: self.operated.len(),
            backlog_end: self.books.len() - self.operated.len(),
            cancelled_twice: self.twice.len(),
            cancelled_thrice: self.thrice.len(),
            ..Default::default()
        };
        for r in self.rows.iter().filter(|r| r.status == "solved") {
            let f = &r.figures;
            s.rounds += 1;
            s.cancelled_again += f.cancelled_again;
            s.moved_notified += f.moved_notified;
            s.moved_unnotified += f.moved_unnotified;
            s.extra_lists += f.extra_lists;
            s.deadlines_released += f.deadlines_released;
            s.seconds += f.seconds;
            for i in 0..4 {
                s.breaches[i] += f.breaches[i];
                s.waits_by_priority[i] += f.operated_by_priority[i];
                s.wait_days_by_priority[i] += f.wait_days_by_priority[i];
            }
            s.wait_max_days = s.wait_max_days.max(f.wait_max_days);
        }
        let end = self.end.or_else(|| self.rows.iter().filter_map(|r| r.period_end).max());
        for (id, book) in &self.books {
            if let Some(date) = self.operated.get(id) {
                s.waits.push((*date - book.first).num_days().max(0));
                continue;
            }
            let Some(end) = end else { continue };
            let wait = (end - book.first).num_days().max(0);
            let i = book.priority.index();
            s.waits_by_priority[i] += 1;
            s.wait_days_by_priority[i] += wait;
            s.wait_max_days = s.wait_max_days.max(wait);
            s.waits.push(wait);
        }
        s.waits.sort_unstable();
        self.season = s;
        self.plan = None;
    }
}
