//! Solving a batch of trusts side by side (rayon), each trust's failure kept to itself.
//!
//! A batch is a list of [`Task`]s (an instance file and a strategy). [`run`] gives them to `jobs`
//! worker threads of a rayon pool, most expensive first (longest-processing-time order: file size
//! times the strategy's [`Strategy::cost_hint`], which keeps the biggest MIP from starting last), and returns the results in the order of the
//! tasks, whatever order they finished in. Every task is isolated: an unreadable or invalid file, a
//! solver error, a plan that fails the checker, even a panic inside a strategy, becomes that task's
//! [`Outcome`] and the others go on.
//!
//! A batch can be stopped from outside: raising [`SolveOptions::stop`] (the CLI does on Ctrl-C or
//! SIGTERM) starts no further task, makes the solves under way return early, and records every
//! task that had not finished by then as [`Outcome::Interrupted`] — a plan cut short is not a
//! result. The tasks finished before keep their outcomes.
//!
//! A batch too big for one machine is split by file into shards ([`shard`]), each solved
//! anywhere with `--shard K/N`, and merged back (`rebook merge`) into what one machine writes.

pub mod shard;
pub mod summary;

use crate::check;
use crate::io::validate::Diagnostic;
use crate::io::{self, schedule::ScheduleFile};
use crate::metrics::{self, Metrics};
use crate::model::Instance;
use crate::schedule::Solution;
use crate::strategy::{SolveOptions, Strategy};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What became of one trust.
pub enum Outcome {
    /// A plan that passed the independent checker.
    Solved {
        /// The instance as loaded and validated.
        instance: Box<Instance>,
        /// The plan as a schedule file (`rebook-schedule/1`, SPEC.md section 5), metrics included.
        schedule: Box<ScheduleFile>,
        /// The strategy's solution the schedule was written from.
        solution: Box<Solution>,
        /// The plan's metrics (also in `schedule.metrics`).
        metrics: Box<Metrics>,
        /// The checker's report on `schedule`: no violation, maybe fixed-roster warnings.
        check: Box<check::CheckReport>,
        /// The validation warnings of the instance file (no errors: it loaded).
        warnings: Vec<Diagnostic>,
    },
    /// The input is invalid (exit code 2).
    Invalid {
        /// Every validation diagnostic of the file, errors and warnings.
        diagnostics: Vec<Diagnostic>,
    },
    /// The strategy found no plan, failed, panicked, or its plan failed the checker (exit code 1).
    Failed {
        /// The trust's id, when the file was read far enough to know it.
        trust: Option<String>,
        /// What went wrong, for people.
        message: String,
    },
    /// The batch was stopped ([`SolveOptions::stop`]) before this task finished: it was never
    /// started, or its solve was cut short (whatever it returned is dropped).
    Interrupted {
        /// The trust's id, when the task had read the file far enough to know it.
        trust: Option<String>,
        /// Whether the task had started when the batch was stopped.
        started: bool,
    },
}

/// One task's result: which file and strategy, what became of it, and how long it took.
pub struct TrustResult {
    /// The instance file.
    pub path: PathBuf,
    /// The strategy's name.
    pub strategy: String,
    /// What became of the trust.
    pub outcome: Outcome,
    /// Wall-clock seconds: reading, validating, solving and checking.
    pub seconds: f64,
}

impl TrustResult {
    /// The trust's id when the file could be read, else the file name.
    pub fn label(&self) -> String {
        trust_of(&self.outcome).unwrap_or_else(|| {
            (self.path.file_name())
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
    }
}

/// One unit of work: solve `path` with `strategy`.
#[derive(Clone, Copy)]
pub struct Task<'a> {
    /// The instance file.
    pub path: &'a Path,
    /// The strategy to solve it with.
    pub strategy: &'a dyn Strategy,
}

/// What [`run`] tells its observer, from the worker threads.
pub enum Event<'a> {
    /// A worker took a task.
    Started {
        /// The task's position in the tasks given to [`run`].
        index: usize,
        /// The task.
        task: Task<'a>,
    },
    /// A task is done (solved or not).
    Finished {
        /// The task's position in the tasks given to [`run`].
        index: usize,
        /// Its result.
        result: &'a TrustResult,
    },
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs `work`, turning a panic inside it into `Err` with the panic's message: the isolation every
/// task of a batch gets, for other runners (the benchmark) to reuse.
pub fn isolated<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(panic_message)
}

/// Reads, validates, solves and checks one instance file. Never panics.
pub fn solve_file(path: &Path, strategy: &dyn Strategy, opts: &SolveOptions) -> TrustResult {
    let started = Instant::now();
    let name = strategy.name();
    let mut trust_seen: Option<String> = None;
    let run = |trust_seen: &mut Option<String>| -> Outcome {
        let loaded = io::load_instance(path);
        let Some(inst) = loaded.instance else {
            return Outcome::Invalid {
                diagnostics: loaded.diagnostics,
            };
        };
        *trust_seen = Some(inst.trust_id.clone());
        let warnings = loaded.diagnostics;
        match strategy.solve(&inst, opts) {
            Err(e) => Outcome::Failed {
                trust: Some(inst.trust_id.clone()),
                message: e.to_string(),
            },
            Ok(sol) => {
                let m = metrics::compute(&inst, &sol);
                let file = io::schedule::to_file(&inst, name, &sol, serde_json::to_value(&m).unwrap_or_default());
                let report = check::check(&inst, &file);
                if !report.is_ok() {
                    let first: Vec<String> = report
                        .violations
                        .iter()
                        .take(5)
                        .map(|v| format!("{}: {}", v.rule, v.message))
                        .collect();
                    return Outcome::Failed {
                        trust: Some(inst.trust_id.clone()),
                        message: format!(
                            "internal error: the {name} plan failed the independent checker ({} violations): {}",
                            report.violations.len(),
                            first.join("; ")
                        ),
                    };
                }
                Outcome::Solved {
                    instance: Box::new(inst),
                    schedule: Box::new(file),
                    solution: Box::new(sol),
                    metrics: Box::new(m),
                    check: Box::new(report),
                    warnings,
                }
            }
        }
    };
    let outcome = match isolated(|| run(&mut trust_seen)) {
        Ok(o) => o,
        Err(panic) => Outcome::Failed {
            trust: trust_seen,
            message: format!("internal error (panic in {name}): {panic} — please report it with this instance"),
        },
    };
    TrustResult {
        path: path.to_path_buf(),
        strategy: name.to_string(),
        outcome,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The trust a result names, when it read the file far enough.
fn trust_of(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Solved { schedule, .. } => Some(schedule.trust.clone()),
        Outcome::Failed { trust, .. } | Outcome::Interrupted { trust, .. } => trust.clone(),
        Outcome::Invalid { .. } => None,
    }
}

/// A task the batch was stopped before it finished: never started (`seconds` 0), or cut short.
fn interrupted(task: Task<'_>, cut_short: Option<TrustResult>) -> TrustResult {
    TrustResult {
        path: task.path.to_path_buf(),
        strategy: task.strategy.name().to_string(),
        outcome: Outcome::Interrupted {
            trust: cut_short.as_ref().and_then(|r| trust_of(&r.outcome)),
            started: cut_short.is_some(),
        },
        seconds: cut_short.map_or(0.0, |r| r.seconds),
    }
}

/// Solves every task on `jobs` worker threads, most expensive first, telling `observe` as tasks start
/// and finish. Results come back in the order of `tasks`. Never panics on a task's account.
///
/// Once `opts.stop` is raised no task starts, and every task that had not finished is
/// [`Outcome::Interrupted`]: those under way when it was raised are still reported `Finished` to
/// `observe` (as interrupted), those never started are not reported.
pub fn run<F>(tasks: &[Task<'_>], opts: &SolveOptions, jobs: usize, observe: F) -> Vec<TrustResult>
where
    F: Fn(Event<'_>) + Sync,
{
    // Most expensive first (file size × the strategy's cost hint); ties in task order.
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    let costs: Vec<u64> = order
        .iter()
        .map(|&i| shard::estimated_cost(tasks[i].path, &[tasks[i].strategy]))
        .collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(costs[i]), i));

    let slots: Vec<Mutex<Option<TrustResult>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let k = next.fetch_add(1, Ordering::SeqCst);
        let Some(&i) = order.get(k) else { break };
        let task = tasks[i];
        if opts.stop.is_raised() {
            // Stopped: this task is left for the end, with every other one never started.
            break;
        }
        // An observer that panics must neither stop the batch nor lose a result.
        let _ = catch_unwind(AssertUnwindSafe(|| observe(Event::Started { index: i, task })));
        let result = solve_file(task.path, task.strategy, opts);
        // Raised before the result is in: whatever the solve returned may have been cut short.
        let result = if opts.stop.is_raised() {
            interrupted(task, Some(result))
        } else {
            result
        };
        let _ = catch_unwind(AssertUnwindSafe(|| {
            observe(Event::Finished {
                index: i,
                result: &result,
            })
        }));
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    let workers = jobs.clamp(1, tasks.len().max(1));
    match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool.scope(|s| {
            for _ in 0..workers {
                s.spawn(|_| work());
            }
        }),
        Err(_) => work(),
    }
    slots
        .into_iter()
        .zip(tasks)
        .map(|(slot, task)| {
            slot.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(|| {
                if opts.stop.is_raised() {
                    return interrupted(*task, None);
                }
                TrustResult {
                    path: task.path.to_path_buf(),
                    strategy: task.strategy.name().to_string(),
                    outcome: Outcome::Failed {
                        trust: None,
                        message: "internal error: the task was never run".into(),
                    },
                    seconds: 0.0,
                }
            })
        })
        .collect()
}

/// Solves every file with one strategy on `jobs` worker threads, without an observer.
pub fn solve_batch(paths: &[PathBuf], strategy: &dyn Strategy, opts: &SolveOptions, jobs: usize) -> Vec<TrustResult> {
    let tasks: Vec<Task> = paths.iter().map(|p| Task { path: p, strategy }).collect();
    run(&tasks, opts, jobs, |_| {})
}
