//! The batch commands of the CLI: `rebook solve`, `rebook compare` and `rebook report`. Each returns
//! the process exit code: 0 ok, 1 a run failed (solver error, panic, plan rejected by the checker,
//! a plan or summary that could not be written), 2 bad input or usage (including an output
//! directory that cannot be created: a wrong `--out`).

use crate::batch::summary::{self, Row};
use crate::batch::{self, Outcome, Task, TrustResult};
use crate::cli::progress::{Mode, Progress};
use crate::io::{self, schedule::ScheduleFile};
use crate::model::Priority;
use crate::strategy::{self, SolveOptions, Strategy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub solve: SolveOptions,
    /// Worker threads (trusts solved side by side).
    pub jobs: usize,
    pub progress: Mode,
}

/// Failures of a batch, for the exit code.
#[derive(Default)]
struct Tally {
    invalid: usize,
    failed: usize,
}

impl Tally {
    fn code(&self) -> i32 {
        if self.failed > 0 {
            1
        } else if self.invalid > 0 {
            2
        } else {
            0
        }
    }
}

/// The strategies of a batch, in the order given.
type Strategies = Vec<Box<dyn Strategy>>;

fn strategies(names: &[String]) -> Result<Strategies, String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        let name = name.trim();
        if !seen.insert(name.to_string()) {
            continue;
        }
        match strategy::by_name(name) {
            Some(s) => out.push(s),
            None => {
                return Err(format!(
                    "unknown strategy '{name}' (choose from: {})",
                    strategy::NAMES.join(", ")
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(format!(
            "no strategy given (choose from: {})",
            strategy::NAMES.join(", ")
        ));
    }
    Ok(out)
}

/// The strategies, the instance files and the output directory, or the exit code of a usage
/// error (checked in that order: an unknown strategy creates no directory).
fn prepare(names: &[String], paths: &[PathBuf], out: &Path) -> Result<(Strategies, Vec<PathBuf>), i32> {
    let strats = strategies(names).map_err(|e| {
        eprintln!("error: {e}");
        2
    })?;
    let files = io::instance_paths(paths).map_err(|e| {
        eprintln!("error: {e}");
        2
    })?;
    if files.is_empty() {
        eprintln!(
            "error: no instance files (*.json) in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Err(2);
    }
    std::fs::create_dir_all(out).map_err(|e| {
        eprintln!("error: {}: cannot create the output directory: {e}", out.display());
        2
    })?;
    Ok((strats, files))
}

/// Prints a run's diagnostics (warnings of solved trusts, errors of the others) and counts it.
fn report_problems(r: &TrustResult, tally: &mut Tally) {
    match &r.outcome {
        Outcome::Invalid { diagnostics } => {
            tally.invalid += 1;
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}: {d}", r.path.display());
            }
        }
        Outcome::Failed { trust, message } => {
            tally.failed += 1;
            eprintln!(
                "{}: {}{}: {message}",
                r.path.display(),
                trust.as_ref().map(|t| format!("trust {t}, ")).unwrap_or_default(),
                r.strategy
            );
        }
        Outcome::Solved { warnings, .. } => {
            for w in warnings {
                eprintln!("{}: {w}", r.path.display());
            }
        }
    }
}

/// Writes a solved run's files into `dir` as `<stem>.*`: the schedule JSON, the assignments CSV
/// and, with `report`, the HTML page. All or nothing: when one cannot be written, those already
/// written are removed, so a trust the summary calls failed leaves no plan behind.
fn write_plan(r: &TrustResult, dir: &Path, stem: &str, report: bool) -> Result<(), String> {
    let Outcome::Solved {
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
    let csv = io::assignments_csv(instance, schedule).map_err(|e| format!("cannot write the CSV: {e}"))?;
    let mut files = vec![
        (json_path.clone(), json),
        (dir.join(format!("{stem}.assignments.csv")), csv),
    ];
    if report {
        let html = crate::report::plan_html_checked(instance, schedule, check, &report_source(&r.path, &json_path));
        files.push((dir.join(format!("{stem}.report.html")), html.into_bytes()));
    }
    write_files(&files)
}

/// Writes the files all or none (see [`io::write_all_or_nothing`]), naming the one that failed.
fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    io::write_all_or_nothing(files).map_err(|(i, e)| format!("cannot write {}: {e}", files[i].0.display()))
}

/// Output stems of the solved runs of one strategy (`None` for the others): the trust id made
/// safe; when two files carry the same trust id (or ids equal up to case, which collide on some
/// file systems), the later one gets the first free `-2`, `-3`… In file order, so the names never
/// depend on `--jobs`.
fn stems(results: &[&TrustResult]) -> Vec<Option<String>> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    results
        .iter()
        .map(|r| {
            let Outcome::Solved { schedule, .. } = &r.outcome else {
                return None;
            };
            let base = io::safe_stem(&schedule.trust);
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.to_lowercase()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            Some(name)
        })
        .collect()
}

/// Writes the plans of `results` into `dir` (stems as [`stems`]) and marks as failed the rows of
/// those that could not be written.
fn write_plans(results: &[&TrustResult], rows: &mut [&mut Row], dir: &Path, report: bool, tally: &mut Tally) {
    for ((r, row), stem) in results.iter().zip(rows.iter_mut()).zip(stems(results)) {
        let Some(stem) = stem else { continue };
        if let Err(e) = write_plan(r, dir, &stem, report) {
            eprintln!("{}: {e}", r.path.display());
            tally.failed += 1;
            row.status = summary::RunStatus::Failed;
            row.message = e;
        }
    }
}

/// The waits of the runs whose row is still `solved` (a plan that could not be written is not).
fn pooled_waits(results: &[&TrustResult], rows: &[&Row]) -> Vec<(Priority, i64)> {
    results
        .iter()
        .zip(rows)
        .filter(|(_, row)| row.status == summary::RunStatus::Solved)
        .filter_map(|(r, _)| match &r.outcome {
            Outcome::Solved { instance, solution, .. } => Some(crate::metrics::waits(instance, solution)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Runs every file with every strategy (the runs of one file together) with progress on stderr;
/// returns the results in that order and the wall-clock seconds.
fn run_batch(files: &[PathBuf], strats: &[Box<dyn Strategy>], opts: &BatchOptions) -> (Vec<TrustResult>, f64) {
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
    let progress = Progress::new(tasks.len(), opts.progress, strats.len() > 1);
    let results = batch::run(&tasks, &opts.solve, opts.jobs, |e| progress.observe(e));
    progress.finish();
    (results, started.elapsed().as_secs_f64())
}

/// What one strategy's runs of a batch add up to.
struct StrategyTotal {
    total: Row,
    /// The (priority, wait) of every case its written plans rebook.
    waits: Vec<(Priority, i64)>,
}

/// Writes the plans of strategy `name` into `dir` (or, when `dir` could not be created, marks its
/// solved rows failed with that message) and totals its rows. `rows[i]` belongs to `results[i]`.
fn settle_strategy(
    name: &str,
    results: &[TrustResult],
    rows: &mut [Row],
    dir: Result<&Path, String>,
    report: bool,
    tally: &mut Tally,
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
            write_plans(&of, &mut mine, dir, report, tally);
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
    let waits = pooled_waits(&of, &row_refs);
    let days: Vec<i64> = waits.iter().map(|&(_, d)| d).collect();
    StrategyTotal {
        total: summary::total(name, &row_refs, &days),
        waits,
    }
}

/// `rebook solve`: every file with one strategy; plans, `summary.json` and `summary.csv` in `out`,
/// and with `report` each plan's HTML page as `<stem>.report.html`.
pub fn solve(paths: &[PathBuf], strategy_name: &str, out: &Path, opts: &BatchOptions, report: bool) -> i32 {
    let (strats, files) = match prepare(&[strategy_name.to_string()], paths, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let name = strats[0].name();
    let (results, wall) = run_batch(&files, &strats, opts);

    let mut tally = Tally::default();
    for r in &results {
        report_problems(r, &mut tally);
    }
    let mut rows: Vec<Row> = results.iter().map(summary::row).collect();
    let total = settle_strategy(name, &results, &mut rows, Ok(out), report, &mut tally).total;

    let mut table = rows.clone();
    table.push(total.clone());
    let written = summary::to_csv(&table, false)
        .map_err(|e| e.to_string())
        .and_then(|csv| {
            write_files(&[
                (out.join("summary.csv"), csv),
                (
                    out.join("summary.json"),
                    summary::summary_json(name, &opts.solve, &rows, &total),
                ),
            ])
        });
    if let Err(e) = written {
        eprintln!("error: cannot write the summary: {e}");
        tally.failed += 1;
    }
    crate::outln!("{}", summary::text_table(&table).trim_end());
    let solved = rows.iter().filter(|r| r.status == summary::RunStatus::Solved).count();
    eprintln!(
        "{solved} of {} trust(s) solved with {name} in {wall:.1} s wall-clock ({}); plans and summary in {}",
        results.len(),
        jobs_label(opts.jobs),
        out.display()
    );
    tally.code()
}

/// `rebook compare`: every file with every strategy; each strategy's plans in `out/<strategy>/`,
/// and `comparison.csv`, `comparison.md`, `comparison.html` in `out`.
pub fn compare(paths: &[PathBuf], names: &[String], out: &Path, opts: &BatchOptions) -> i32 {
    let (strats, files) = match prepare(names, paths, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (results, wall) = run_batch(&files, &strats, opts);

    let mut tally = Tally::default();
    for r in &results {
        report_problems(r, &mut tally);
    }
    let mut rows: Vec<Row> = results.iter().map(summary::row).collect();
    let mut totals = Vec::new();
    let mut waits: BTreeMap<String, Vec<(Priority, i64)>> = BTreeMap::new();
    for s in &strats {
        let name = s.name();
        let dir = out.join(io::safe_stem(name));
        let dir = std::fs::create_dir_all(&dir).map(|_| dir.as_path()).map_err(|e| {
            let message = format!("cannot create {}: {e}", dir.display());
            eprintln!("error: {message}");
            message
        });
        let settled = settle_strategy(name, &results, &mut rows, dir, false, &mut tally);
        totals.push(settled.total);
        waits.insert(name.to_string(), settled.waits);
    }
    rows.extend(totals);

    let label = batch_label(paths);
    let written = summary::to_csv(&rows, true).map_err(|e| e.to_string()).and_then(|csv| {
        write_files(&[
            (out.join("comparison.csv"), csv),
            (out.join("comparison.md"), summary::markdown(&label, &rows).into_bytes()),
            (
                out.join("comparison.html"),
                crate::report::comparison_html(&label, &rows, &waits).into_bytes(),
            ),
        ])
    });
    if let Err(e) = written {
        eprintln!("error: cannot write the comparison: {e}");
        tally.failed += 1;
    }
    crate::outln!("{}", summary::text_table(&rows).trim_end());
    eprintln!(
        "{} trust(s) × {} strategies in {wall:.1} s wall-clock ({}); comparison.csv, comparison.md, comparison.html and each strategy's plans in {}",
        files.len(),
        strats.len(),
        jobs_label(opts.jobs),
        out.display()
    );
    tally.code()
}

fn jobs_label(jobs: usize) -> String {
    if jobs == 1 {
        "1 job".into()
    } else {
        format!("{jobs} jobs")
    }
}

/// A short name for a batch: the directory or file names given.
fn batch_label(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| {
            p.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "source" line of a report: the instance and schedule file names.
fn report_source(instance: &Path, schedule: &Path) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!("{} and {}", name(instance), name(schedule))
}

/// Reads and validates an instance and parses a schedule for it, printing every problem with its
/// file; `Err` carries the exit code (2). Shared by `rebook check` and `rebook report`.
pub fn load_plan(instance: &Path, schedule: &Path) -> Result<(crate::model::Instance, ScheduleFile), i32> {
    let loaded = io::load_instance(instance);
    let Some(inst) = loaded.instance else {
        for d in loaded.errors() {
            eprintln!("{}: {d}", instance.display());
        }
        return Err(2);
    };
    let text = std::fs::read_to_string(schedule).map_err(|e| {
        eprintln!("error: {}: cannot read the schedule: {e}", schedule.display());
        2
    })?;
    let file = io::json::parse::<ScheduleFile>(&text).map_err(|e| {
        eprintln!(
            "error: {}: not a rebook-schedule/1 file: {e} (hint: see SPEC.md section 5 for the schedule format)",
            schedule.display()
        );
        2
    })?;
    Ok((inst, file))
}

/// `rebook report`: the plan of one trust as a self-contained HTML page.
pub fn report(instance: &Path, schedule: &Path, out: Option<&Path>) -> i32 {
    let (inst, file) = match load_plan(instance, schedule) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let target = out.map(Path::to_path_buf).unwrap_or_else(|| {
        let name = schedule
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "plan".into());
        let stem = name
            .strip_suffix(".schedule.json")
            .or_else(|| name.strip_suffix(".json"))
            .unwrap_or(&name);
        schedule.with_file_name(format!("{stem}.report.html"))
    });
    let source = report_source(instance, schedule);
    let verdict = crate::check::check(&inst, &file);
    let html = crate::report::plan_html_checked(&inst, &file, &verdict, &source);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: {}: cannot create the directory: {e}", dir.display());
            return 1;
        }
    }
    if let Err(e) = io::write_atomic(&target, html.as_bytes()) {
        eprintln!("error: {}: cannot write the report: {e}", target.display());
        return 1;
    }
    if verdict.is_ok() {
        eprintln!("report written to {}", target.display());
        0
    } else {
        eprintln!(
            "report written to {}; the plan FAILS the checker ({} violations: rebook check {} {})",
            target.display(),
            verdict.violations.len(),
            instance.display(),
            schedule.display()
        );
        1
    }
}
