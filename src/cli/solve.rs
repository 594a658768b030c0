//! `rebook solve` and `rebook compare`: a batch of trusts run with one or several strategies, the
//! plans written per trust and the runs totalled. A batch that partly fails is not an error: the
//! others are solved and written, the problems printed, and the [`Outcome`] says the worst.
//!
//! With `--shard K/N` a command solves only its part of the batch (`batch::shard`) and records in
//! `summary.json` what `rebook merge` needs to put the parts together (`merge.rs`).
//!
//! Ctrl-C or SIGTERM stops a batch (`signals.rs`): the trusts finished are written as usual, the
//! others recorded as `interrupted` in the summary, and the exit code is 130 (`cli::INTERRUPTED`).

use super::error::{CliError, Outcome, Tally};
use super::progress::{Mode, Progress};
use super::signals::Interrupts;
use super::values::StrategyName;
use crate::batch::shard::{self, Shard, ShardSpec};
use crate::batch::summary::{self, BatchRecord, Row, ShardRecord, WaitCounts};
use crate::batch::{self, Task, TrustResult};
use crate::io;
use crate::model::Priority;
use crate::strategy::{self, SolveOptions, Strategy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Solve each trust, side by side: `<trust>.schedule.json` and `<trust>.assignments.csv` per
/// trust, and `summary.json` / `summary.csv` for the batch.
#[derive(clap::Args)]
pub struct SolveArgs {
    /// Instance files or directories of them (a batch: one file per trust).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Strategy: mip (the integer programme), fifo (treat in turn), priority (clinical
    /// priority, then longest wait).
    #[arg(long, short, default_value = "mip", value_parser = StrategyName, hide_possible_values = true)]
    strategy: String,
    /// Output directory (created if missing).
    #[arg(long, short, default_value = "out")]
    out: PathBuf,
    /// Also write each plan as a self-contained HTML page, `<trust>.report.html`.
    #[arg(long)]
    report: bool,
    #[command(flatten)]
    run: RunArgs,
}

/// Run several strategies on every trust of a batch and compare them: a table on stdout, and
/// comparison.csv, comparison.md, comparison.html and each strategy's plans in --out.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// Instance files or directories of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Strategies to compare, comma-separated.
    #[arg(long, default_value = "fifo,priority,mip", value_delimiter = ',', value_parser = StrategyName)]
    strategies: Vec<String>,
    /// Output directory (created if missing).
    #[arg(long, short, default_value = "out/compare")]
    out: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

/// How a batch runs (solve and compare).
#[derive(clap::Args)]
struct RunArgs {
    /// Trusts solved side by side (default: all cores).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// MIP time limit per trust, seconds [default: 30; with --work-limit W, 3 × W + 10, a
    /// safety net that a run normally does not reach].
    #[arg(long, value_parser = super::values::non_negative_seconds)]
    time_limit: Option<f64>,
    /// Deterministic mode: bound each MIP by this much work instead of wall time (units of about
    /// a second of HiGHS on an idle machine), so the same batch gives the same plans on any
    /// machine, loaded or not, unless the time limit is reached first (status time_limit).
    #[arg(long, value_name = "UNITS", value_parser = super::values::non_negative_seconds)]
    work_limit: Option<f64>,
    /// MIP relative gap at which to stop (0.005 = 0.5 %).
    #[arg(long, default_value_t = 0.005, value_parser = super::values::fraction)]
    gap: f64,
    /// HiGHS threads per trust (parallelism normally comes from solving trusts side by side).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// HiGHS random seed.
    #[arg(long, default_value_t = 2016)]
    seed: u32,
    /// Solve only part K of N of the batch (K from 0 to N-1, like Slurm array task ids), split by
    /// file and balanced by estimated work, the same on every machine; or `auto`: the part from
    /// the batch engine (a Slurm job array, or a Kubernetes Indexed Job with --shard-count). Put
    /// the parts together with `rebook merge`.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<ShardSpec>,
    /// How many shards `--shard auto` splits the batch into when the engine does not say
    /// (Kubernetes Indexed Jobs; default: $REBOOK_SHARD_COUNT).
    #[arg(long, value_name = "N", requires = "shard", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    shard_count: Option<u32>,
    /// No progress on stderr (errors and warnings are still printed).
    #[arg(long, short)]
    quiet: bool,
    /// Write HiGHS's own log of every MIP solve to FILE, each line prefixed with its trust.
    #[arg(long, value_name = "FILE", value_parser = super::logging::solver_log_file)]
    solver_log: Option<crate::strategy::SolverLog>,
}

/// How a batch runs.
#[derive(Debug, Clone)]
struct BatchOptions {
    solve: SolveOptions,
    /// Worker threads (trusts solved side by side).
    jobs: usize,
    progress: Mode,
}

impl RunArgs {
    /// The batch's options, stopped by `interrupts`.
    fn batch(&self, interrupts: &Interrupts) -> BatchOptions {
        BatchOptions {
            solve: SolveOptions {
                time_limit: super::values::time_limit(self.time_limit, self.work_limit),
                work_limit: self.work_limit,
                gap: self.gap,
                threads: self.threads,
                seed: self.seed,
                stop: interrupts.stop(),
                solver_log: self.solver_log.clone(),
                without: Default::default(),
            },
            jobs: self.jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get()),
                |j| j as usize,
            ),
            progress: Mode::detect(self.quiet),
        }
    }

    /// The part of the batch to solve: none (all of it), the `K/N` given, or the engine's.
    fn shard(&self) -> Result<Option<Shard>, CliError> {
        let count = self.shard_count.map(|c| c as usize);
        match self.shard {
            None => Ok(None),
            Some(ShardSpec::Fixed(s)) => match count {
                Some(n) if n != s.count => Err(CliError::Shard(format!(
                    "--shard {s} and --shard-count {n} disagree: give the count once"
                ))),
                _ => Ok(Some(s)),
            },
            Some(ShardSpec::Auto) => shard::from_env(|k| std::env::var(k).ok(), count)
                .map(Some)
                .map_err(CliError::Shard),
        }
    }
}

/// The files of a batch a run solves: the whole batch's, and the positions of those it solves.
struct Part {
    /// Every file of the batch, in order.
    batch: Vec<PathBuf>,
    /// Positions in `batch` of the files solved here, in order.
    mine: Vec<usize>,
    /// The shard, when only a part is solved.
    shard: Option<Shard>,
}

impl Part {
    /// The part of `batch` to solve into `out`. A shard first removes the `summary.json` an
    /// earlier attempt left in `out`: it writes its own last, so a shard that dies leaves none
    /// and `rebook merge` names it, instead of merging the earlier attempt's.
    fn new(batch: Vec<PathBuf>, strats: &[Box<dyn Strategy>], shard: Option<Shard>, out: &Path) -> Part {
        if shard.is_some() {
            let _ = std::fs::remove_file(out.join("summary.json"));
        }
        let mine = match shard {
            Some(s) => {
                let refs: Vec<&dyn Strategy> = strats.iter().map(|s| s.as_ref()).collect();
                shard::select(&batch, &refs, s)
            }
            None => (0..batch.len()).collect(),
        };
        Part { batch, mine, shard }
    }

    fn files(&self) -> Vec<PathBuf> {
        self.mine.iter().map(|&i| self.batch[i].clone()).collect()
    }

    /// `(shard 1/4: 3 of 12 files)`, or nothing for a whole batch.
    fn note(&self) -> String {
        self.shard
            .map(|s| format!(" (shard {s}: {} of {} files)", self.mine.len(), self.batch.len()))
            .unwrap_or_default()
    }

    /// What `summary.json` records for `rebook merge` when this is a shard.
    fn record(&self, plans: Vec<Option<String>>, waits: Vec<WaitCounts>) -> Option<ShardRecord> {
        self.shard.map(|s| ShardRecord {
            index: s.index,
            count: s.count,
            files: self.mine.clone(),
            plans,
            waits,
        })
    }
}

/// The strategies of a batch, in the order given, each once.
type Strategies = Vec<Box<dyn Strategy>>;

fn strategies(names: &[String]) -> Result<Strategies, CliError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let s = strategy::by_name(name).ok_or_else(|| CliError::UnknownStrategy { name: name.clone() })?;
        out.push(s);
    }
    if out.is_empty() {
        return Err(CliError::NoStrategy);
    }
    Ok(out)
}

/// The strategies, the instance files and the output directory, checked in that order (an
/// unknown strategy creates no directory).
fn prepare(names: &[String], paths: &[PathBuf], out: &Path) -> Result<(Strategies, Vec<PathBuf>), CliError> {
    let strats = strategies(names)?;
    let files = io::instance_paths(paths).map_err(CliError::Paths)?;
    if files.is_empty() {
        return Err(CliError::NoInstances {
            paths: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    std::fs::create_dir_all(out).map_err(|source| CliError::CreateDir {
        path: out.to_path_buf(),
        what: "output directory",
        source,
    })?;
    Ok((strats, files))
}

/// Prints a run's diagnostics (warnings of solved trusts, errors of the others) and counts it.
fn report_problems(r: &TrustResult, tally: &mut Tally) {
    match &r.outcome {
        batch::Outcome::Invalid { diagnostics } => {
            tally.invalid += 1;
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}: {d}", r.path.display());
            }
        }
        batch::Outcome::Failed { trust, message } => {
            tally.failed += 1;
            eprintln!(
                "{}: {}{}: {message}",
                r.path.display(),
                trust.as_ref().map(|t| format!("trust {t}, ")).unwrap_or_default(),
                r.strategy
            );
        }
        batch::Outcome::Solved { warnings, .. } => {
            for w in warnings {
                eprintln!("{}: {w}", r.path.display());
            }
        }
        // Counted, not listed one by one: the summary names them, and the end says how many.
        batch::Outcome::Interrupted { .. } => tally.interrupted += 1,
    }
}

/// The end of a stopped run's last line: how many runs were interrupted and what to do.
fn interrupted_note(tally: &Tally) -> String {
    if tally.interrupted == 0 {
        return String::new();
    }
    format!(
        "; stopped by a signal: {} run(s) interrupted, recorded as `interrupted` in summary.json — solve them again",
        tally.interrupted
    )
}

/// Writes a solved run's files into `dir` as `<stem>.*`: the schedule JSON, the assignments CSV
/// and, with `report`, the HTML page. All or nothing: when one cannot be written, those already
/// written are removed, so a trust the summary calls failed leaves no plan behind.
fn write_plan(r: &TrustResult, dir: &Path, stem: &str, report: bool) -> Result<(), String> {
    let batch::Outcome::Solved {
        instance,
        schedule,
        check,
        ..
    } = &r.outcome
    else {
        return Ok(());
    };
    let json_path = dir.join(format!("{stem}.schedule.json"));
    let mut json =
        serde_json::to_vec_pretty(schedule.as_ref()).map_err(|e| format!("cannot serialise the plan: {e}"))?;
    json.push(b'\n');
    let csv = io::schedule::assignments_csv(instance, schedule).map_err(|e| format!("cannot write the CSV: {e}"))?;
    let mut files = vec![
        (json_path.clone(), json),
        (dir.join(format!("{stem}.assignments.csv")), csv),
    ];
    if report {
        let source = super::report::source_line(&r.path, &json_path);
        let html = crate::report::plan_html_checked(instance, schedule, check, &source);
        files.push((dir.join(format!("{stem}.report.html")), html.into_bytes()));
    }
    write_files(&files)
}

/// Writes the files all or none (see [`io::write_all_or_nothing`]), naming the one that failed.
pub(super) fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    io::write_all_or_nothing(files).map_err(|(i, e)| format!("cannot write {}: {e}", files[i].0.display()))
}

/// Writes the plans of `results` into `dir` (stems as [`summary::plan_stems`]) and marks as
/// failed the rows of those that could not be written. Returns the stem of each plan written.
fn write_plans(
    results: &[&TrustResult],
    rows: &mut [&mut Row],
    dir: &Path,
    report: bool,
    tally: &mut Tally,
) -> Vec<Option<String>> {
    let stems = summary::plan_stems(&rows.iter().map(|r| &**r).collect::<Vec<&Row>>());
    let mut written = Vec::with_capacity(stems.len());
    for ((r, row), stem) in results.iter().zip(rows.iter_mut()).zip(stems) {
        let Some(stem) = stem else {
            written.push(None);
            continue;
        };
        if let Err(e) = write_plan(r, dir, &stem, report) {
            eprintln!("{}: {e}", r.path.display());
            tally.failed += 1;
            row.status = summary::RunStatus::Failed;
            row.message = e;
            written.push(None);
        } else {
            written.push(Some(stem));
        }
    }
    written
}

/// The waits of each run, empty unless its row is still `solved` (a plan that could not be
/// written is not).
fn run_waits(results: &[&TrustResult], rows: &[&Row]) -> Vec<Vec<(Priority, i64)>> {
    results
        .iter()
        .zip(rows)
        .map(|(r, row)| match &r.outcome {
            batch::Outcome::Solved { instance, solution, .. } if row.status == summary::RunStatus::Solved => {
                crate::metrics::waits(instance, solution)
            }
            _ => Vec::new(),
        })
        .collect()
}

/// Runs every file with every strategy (the runs of one file together) with progress on stderr,
/// until done or stopped by `interrupts`; returns the results in that order and the wall-clock
/// seconds.
fn run_batch(
    files: &[PathBuf],
    strats: &[Box<dyn Strategy>],
    opts: &BatchOptions,
    interrupts: &Interrupts,
) -> (Vec<TrustResult>, f64) {
    let tasks: Vec<Task> = files
        .iter()
        .flat_map(|p| {
            strats.iter().map(move |s| Task {
                path: p,
                strategy: s.as_ref(),
            })
        })
        .collect();
    let started = std::time::Instant::now();
    let progress = Arc::new(Progress::new(tasks.len(), opts.progress, strats.len() > 1));
    let stopping = progress.clone();
    interrupts.on_stop(move || stopping.stopping());
    let results = batch::run(&tasks, &opts.solve, opts.jobs, |e| progress.observe(e));
    progress.finish();
    // Every run has ended: a signal now only hurries the writing.
    interrupts.on_stop(|| {
        eprintln!("stopping: the finished runs are being written; Ctrl-C again to quit at once");
    });
    (results, started.elapsed().as_secs_f64())
}

/// What one strategy's runs of a batch add up to.
struct StrategyTotal {
    total: Row,
    /// The (priority, wait) of every case its written plans rebook.
    waits: Vec<(Priority, i64)>,
}

/// Per run (as `results`), what a shard's `summary.json` records: the stem its plan was written
/// under, and its plan's waits.
struct Written {
    plans: Vec<Option<String>>,
    waits: Vec<WaitCounts>,
}

impl Written {
    fn new(runs: usize) -> Written {
        Written {
            plans: vec![None; runs],
            waits: vec![WaitCounts::new(); runs],
        }
    }
}

/// Writes the plans of strategy `name` into `dir` (or, when `dir` could not be created, marks its
/// solved rows failed with that message), notes in `written` what was written, and totals its
/// rows. `rows[i]` belongs to `results[i]`.
fn settle_strategy(
    name: &str,
    results: &[TrustResult],
    rows: &mut [Row],
    dir: Result<&Path, String>,
    report: bool,
    tally: &mut Tally,
    written: &mut Written,
) -> StrategyTotal {
    let idx: Vec<usize> = (0..results.len()).filter(|&i| results[i].strategy == name).collect();
    let of: Vec<&TrustResult> = idx.iter().map(|&i| &results[i]).collect();
    match dir {
        Ok(dir) => {
            let mut mine: Vec<&mut Row> = rows
                .iter_mut()
                .enumerate()
                .filter(|(i, _)| idx.contains(i))
                .map(|(_, r)| r)
                .collect();
            let stems = write_plans(&of, &mut mine, dir, report, tally);
            for (&i, stem) in idx.iter().zip(stems) {
                written.plans[i] = stem;
            }
        }
        Err(message) => {
            for &i in &idx {
                if rows[i].status == summary::RunStatus::Solved {
                    tally.failed += 1;
                    rows[i].status = summary::RunStatus::Failed;
                    rows[i].message = message.clone();
                }
            }
        }
    }
    let row_refs: Vec<&Row> = idx.iter().map(|&i| &rows[i]).collect();
    let per_run = run_waits(&of, &row_refs);
    for (&i, w) in idx.iter().zip(&per_run) {
        written.waits[i] = summary::wait_counts(w);
    }
    let waits: Vec<(Priority, i64)> = per_run.into_iter().flatten().collect();
    let days: Vec<i64> = waits.iter().map(|&(_, d)| d).collect();
    StrategyTotal {
        total: summary::total(name, &row_refs, &days),
        waits,
    }
}

/// `rebook solve`: every file with one strategy; plans, `summary.json` and `summary.csv` in `out`,
/// and with `--report` each plan's HTML page as `<stem>.report.html`; stopped by `interrupts`.
pub fn solve(args: &SolveArgs, interrupts: &Interrupts) -> Result<Outcome, CliError> {
    let opts = args.run.batch(interrupts);
    let out = args.out.as_path();
    let shard = args.run.shard()?;
    let (strats, files) = prepare(std::slice::from_ref(&args.strategy), &args.paths, out)?;
    let name = strats[0].name();
    let record = BatchRecord::new(&args.paths, &files, args.report);
    let part = Part::new(files, &strats, shard, out);
    let (results, wall) = run_batch(&part.files(), &strats, &opts, interrupts);

    let mut tally = Tally::default();
    for r in &results {
        report_problems(r, &mut tally);
    }
    let mut rows: Vec<Row> = results.iter().map(summary::row).collect();
    let mut written = Written::new(results.len());
    let total = settle_strategy(
        name,
        &results,
        &mut rows,
        Ok(out),
        args.report,
        &mut tally,
        &mut written,
    )
    .total;
    let shard_record = part.record(written.plans, written.waits);

    let mut table = rows.clone();
    table.push(total.clone());
    let written = summary::to_csv(&table, false)
        .map_err(|e| e.to_string())
        .and_then(|csv| {
            write_files(&[
                (out.join("summary.csv"), csv),
                (
                    out.join("summary.json"),
                    summary::summary_json(name, &opts.solve, &rows, &total, &record, shard_record.as_ref()),
                ),
            ])
        });
    if let Err(e) = written {
        eprintln!("error: cannot write the summary: {e}");
        tally.failed += 1;
    }
    outln!("{}", summary::text_table(&table).trim_end());
    let solved = rows.iter().filter(|r| r.status == summary::RunStatus::Solved).count();
    eprintln!(
        "{solved} of {} trust(s) solved with {name} in {wall:.1} s wall-clock ({}){}; plans and summary in {}{}",
        results.len(),
        jobs_label(opts.jobs),
        part.note(),
        out.display(),
        interrupted_note(&tally)
    );
    Ok(tally.outcome())
}

/// `rebook compare`: every file with every strategy; each strategy's plans in `out/<strategy>/`,
/// and `comparison.csv`, `comparison.md`, `comparison.html` in `out`; stopped by `interrupts`.
pub fn compare(args: &CompareArgs, interrupts: &Interrupts) -> Result<Outcome, CliError> {
    let opts = args.run.batch(interrupts);
    let out = args.out.as_path();
    let shard = args.run.shard()?;
    let (strats, files) = prepare(&args.strategies, &args.paths, out)?;
    let record = BatchRecord::new(&args.paths, &files, false);
    let part = Part::new(files, &strats, shard, out);
    let files = part.files();
    let (results, wall) = run_batch(&files, &strats, &opts, interrupts);

    let mut tally = Tally::default();
    for r in &results {
        report_problems(r, &mut tally);
    }
    let mut rows: Vec<Row> = results.iter().map(summary::row).collect();
    let mut totals = Vec::new();
    let mut waits: BTreeMap<String, Vec<(Priority, i64)>> = BTreeMap::new();
    let mut written = Written::new(results.len());
    for s in &strats {
        let name = s.name();
        let dir = out.join(io::safe_stem(name));
        // The strategy's plans cannot be written, but the comparison can: its runs fail, the
        // batch goes on.
        let dir = std::fs::create_dir_all(&dir).map(|_| dir.as_path()).map_err(|e| {
            let message = format!("cannot create {}: {e}", dir.display());
            eprintln!("error: {message}");
            message
        });
        let settled = settle_strategy(name, &results, &mut rows, dir, false, &mut tally, &mut written);
        totals.push(settled.total);
        waits.insert(name.to_string(), settled.waits);
    }
    let names: Vec<&str> = strats.iter().map(|s| s.name()).collect();
    let summary_json = summary::comparison_json(
        &names,
        &opts.solve,
        &rows,
        &totals,
        &record,
        part.record(written.plans, written.waits).as_ref(),
    );
    rows.extend(totals);

    let label = batch_label(&args.paths);
    let written = write_comparison(out, &label, &rows, &waits, summary_json);
    if let Err(e) = written {
        eprintln!("error: cannot write the comparison: {e}");
        tally.failed += 1;
    }
    outln!("{}", summary::text_table(&rows).trim_end());
    eprintln!(
        "{} trust(s) × {} strategies in {wall:.1} s wall-clock ({}){}; comparison.csv, comparison.md, comparison.html, summary.json and each strategy's plans in {}{}",
        files.len(),
        strats.len(),
        jobs_label(opts.jobs),
        part.note(),
        out.display(),
        interrupted_note(&tally)
    );
    Ok(tally.outcome())
}

/// Writes the comparison files into `out`: `comparison.csv`, `.md`, `.html` from `rows` (totals
/// included) and `waits`, and `summary.json` as given.
pub(super) fn write_comparison(
    out: &Path,
    label: &str,
    rows: &[Row],
    waits: &BTreeMap<String, Vec<(Priority, i64)>>,
    summary_json: Vec<u8>,
) -> Result<(), String> {
    let csv = summary::to_csv(rows, true).map_err(|e| e.to_string())?;
    write_files(&[
        (out.join("comparison.csv"), csv),
        (out.join("comparison.md"), summary::markdown(label, rows).into_bytes()),
        (
            out.join("comparison.html"),
            crate::report::comparison_html(label, rows, waits).into_bytes(),
        ),
        (out.join("summary.json"), summary_json),
    ])
}

fn jobs_label(jobs: usize) -> String {
    if jobs == 1 {
        "1 job".into()
    } else {
        format!("{jobs} jobs")
    }
}

/// A short name for a batch: the directory or file names given.
pub(super) fn batch_label<P: AsRef<Path>>(paths: &[P]) -> String {
    paths
        .iter()
        .map(|p| {
            let p = p.as_ref();
            p.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
