//! `rebook simulate`: a batch run forward through a strike series with each strategy
//! (`crate::simulate`). This file reads the inputs, calls the library, prints and writes; the
//! logic is in the library.

use super::error::{CliError, Outcome};
use super::input::read_text;
use super::values::StrategyName;
use crate::io::instance::InstanceFile;
use crate::io::{self, json};
use crate::simulate::{self, series, tables, Run, SeriesError, SimulateError};
use crate::strategy::SolveOptions;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Run a batch forward through a season of strikes (a strike series file), every trust
/// re-planned after every round with each strategy: lists on strike days lost (drawn with the
/// seed, the same for every strategy), their patients cancelled again, new cancellations
/// added, cases whose date has passed operated. Writes series.csv, series.json, season.csv and
/// series.html into --out; with --seeds K, means and 95 % intervals over K seeds.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Instance files or a directory of them: the batch as after the series' first round.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The strike series (rebook-series/1 JSON), e.g. instances/series/england-2023-24.json.
    #[arg(long, value_name = "FILE")]
    series: PathBuf,
    /// Strategies to compare, comma-separated.
    #[arg(long, default_value = "fifo,priority,mip", value_delimiter = ',', value_parser = StrategyName)]
    strategies: Vec<String>,
    /// Seed of the strike draws and new cases (the first seed with --seeds).
    #[arg(long, default_value_t = 2023)]
    seed: u64,
    /// Replications: seeds N to N+K-1, with means and 95 % t-intervals.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    seeds: u64,
    /// Output directory (created if missing).
    #[arg(long, short)]
    out: PathBuf,
    /// Walks (trust × strategy × seed) run side by side (default: all cores).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// MIP time limit per trust and round, seconds.
    #[arg(long, default_value_t = 10.0, value_parser = super::values::non_negative_seconds)]
    time_limit: f64,
    /// MIP relative gap at which to stop (0.005 = 0.5 %).
    #[arg(long, default_value_t = 0.005, value_parser = super::values::fraction)]
    gap: f64,
    /// HiGHS threads per solve.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// HiGHS random seed.
    #[arg(long, default_value_t = 2016)]
    solver_seed: u32,
    /// The batch's strike date: round 1's first day on the batch's calendar (default: the
    /// earliest original date of the batch's cases in the 14 days before it starts).
    #[arg(long, value_name = "DATE", value_parser = date)]
    strike_date: Option<NaiveDate>,
    /// Also write every round's instance and plan: plans/seed-<N>/<strategy>/round-<k>/ (a
    /// round no plan was found for: its instance alone).
    #[arg(long)]
    keep_plans: bool,
    /// No progress on stderr (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
    /// Write HiGHS's own log of every MIP solve to FILE, each line prefixed with its trust.
    #[arg(long, value_name = "FILE", value_parser = super::logging::solver_log_file)]
    solver_log: Option<crate::strategy::SolverLog>,
}

/// A date option.
fn date(s: &str) -> Result<NaiveDate, String> {
    crate::model::time::parse_date(s.trim()).ok_or_else(|| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// The series file read and checked; problems printed (one a line) and `None`.
fn read_series(path: &Path) -> Result<Option<series::Series>, CliError> {
    let text = read_text(path, "the strike series")?;
    match series::parse(&text) {
        Ok(s) => Ok(Some(s)),
        Err(SeriesError::Json(e)) => {
            eprintln!(
                "error: {}: not a rebook-series/1 file: {e} (hint: docs/SIMULATE.md gives the format)",
                path.display()
            );
            Ok(None)
        }
        Err(SeriesError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("error: {}: {p}", path.display());
            }
            eprintln!(
                "error: {}: invalid strike series ({} problem(s); hint: docs/SIMULATE.md gives the format)",
                path.display(),
                problems.len()
            );
            Ok(None)
        }
    }
}

/// The batch's files parsed; a file that is not an instance is an error naming it.
fn read_batch(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<InstanceFile>), CliError> {
    let files = io::instance_paths(paths).map_err(CliError::Paths)?;
    let mut out = Vec::with_capacity(files.len());
    for f in &files {
        let text = read_text(f, "the instance")?;
        out.push(
            json::parse::<InstanceFile>(&text).map_err(|source| CliError::NotAnInstance {
                path: f.clone(),
                source,
            })?,
        );
    }
    Ok((files, out))
}

/// Runs `rebook simulate`.
pub fn simulate(args: &SimulateArgs) -> Result<Outcome, CliError> {
    let Some(series) = read_series(&args.series)? else {
        return Ok(Outcome::BadInput);
    };
    let (files, batch) = read_batch(&args.paths)?;
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::CreateDir {
        path: args.out.clone(),
        what: "output directory",
        source,
    })?;
    let opts = simulate::Options {
        strategies: args.strategies.clone(),
        seeds: (0..args.seeds).map(|k| args.seed.wrapping_add(k)).collect(),
        solve: SolveOptions {
            time_limit: args.time_limit,
            gap: args.gap,
            threads: args.threads,
            seed: args.solver_seed,
            solver_log: args.solver_log.clone(),
            ..Default::default()
        },
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        ),
        strike_date: args.strike_date,
        keep_plans: args.keep_plans,
        keep_states: false,
    };
    let started = Instant::now();
    let done = Mutex::new(0usize);
    let total = batch.len() * opts.strategies.len() * opts.seeds.len();
    let observe = |walk: &simulate::Walk, trust: &simulate::Trust| {
        tracing::info!(
            trust = %trust.id,
            strategy = %walk.strategy,
            seed = walk.seed,
            rounds = walk.season.rounds,
            failure = walk.failure.as_deref().unwrap_or_default(),
            seconds = %format_args!("{:.2}", walk.season.seconds),
            "walk finished"
        );
        if args.quiet {
            return;
        }
        let mut n = done.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        let how = match &walk.failure {
            Some(f) => format!("FAILED in round {}: {f}", walk.rows.last().map_or(1, |r| r.round)),
            None => format!(
                "{} rounds, {} cancelled twice or more, {} not operated at the end",
                walk.season.rounds, walk.season.cancelled_twice, walk.season.backlog_end
            ),
        };
        eprintln!(
            "[{n}/{total}] {} {} seed {}: {how} ({:.1} s solving)",
            trust.id, walk.strategy, walk.seed, walk.season.seconds
        );
    };
    let run = match simulate::simulate(&batch, &series, &opts, &observe) {
        Ok(run) => run,
        Err(SimulateError::InvalidInstance { index, diagnostics, .. }) => {
            return Err(CliError::InvalidInstance {
                path: files[index].clone(),
                diagnostics,
            })
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Outcome::BadInput);
        }
    };
    let labels: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let written = write(&run, &args.out, &labels, args.keep_plans);
    print_summary(&run);
    let failed = run.failed().count();
    for walk in run.failed() {
        eprintln!(
            "error: {} with {} (seed {}) ended early: {}",
            run.trusts[walk.trust].id,
            walk.strategy,
            walk.seed,
            walk.failure.as_deref().unwrap_or_default()
        );
    }
    eprintln!(
        "{} walk(s) of {} rounds in {:.1} s wall-clock; series.csv, series.json, season.csv and series.html in {}",
        run.walks.len(),
        run.calendar.rounds.len(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    written?;
    Ok(if failed > 0 { Outcome::Failed } else { Outcome::Ok })
}

/// Writes the outputs (and with `keep_plans` every round's instance and plan).
fn write(run: &Run, out: &Path, batch: &[String], keep_plans: bool) -> Result<(), CliError> {
    let totals = tables::totals(run);
    let csv_error = |path: PathBuf| {
        move |e: ::csv::Error| CliError::Write {
            path,
            what: "",
            source: std::io::Error::other(e.to_string()),
        }
    };
    let series_csv = tables::series_csv(run, &totals).map_err(csv_error(out.join("series.csv")))?;
    let season_csv = tables::season_csv(run).map_err(csv_error(out.join("season.csv")))?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (out.join("series.csv"), series_csv),
        (
            out.join("series.json"),
            json::pretty(&tables::series_json(run, &totals, batch)),
        ),
        (out.join("season.csv"), season_csv),
        (
            out.join("series.html"),
            simulate::page::html(run, &totals, &batch.join(", ")).into_bytes(),
        ),
    ];
    if keep_plans {
        for walk in &run.walks {
            let trust = io::safe_stem(&run.trusts[walk.trust].id);
            for kept in &walk.kept {
                let dir = out
                    .join("plans")
                    .join(format!("seed-{}", walk.seed))
                    .join(io::safe_stem(&walk.strategy))
                    .join(format!("round-{:02}", kept.round));
                files.push((dir.join(format!("{trust}.json")), json::pretty(&kept.instance)));
                if let Some(plan) = &kept.plan {
                    files.push((dir.join(format!("{trust}.schedule.json")), json::pretty(plan)));
                }
            }
        }
    }
    for (path, _) in &files {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| CliError::CreateDir {
                path: dir.to_path_buf(),
                what: "directory",
                source,
            })?;
        }
    }
    io::write_all_or_nothing(&files).map_err(|(i, source)| CliError::Write {
        path: files[i].0.clone(),
        what: "",
        source,
    })
}

/// The season per strategy on stdout: mean [95 % interval] of the key figures.
fn print_summary(run: &Run) {
    let summary = tables::summary(run);
    let keys = [
        "cancelled_twice",
        "cancelled_thrice",
        "backlog_end",
        "wait_mean",
        "wait_p90_days",
        "waited_over_18_weeks",
        "moved_notified",
        "extra_lists",
        "breaches_repeat_cancellation",
    ];
    let index: Vec<usize> = (keys.iter())
        .filter_map(|k| tables::MEASURES.iter().position(|m| m.key == *k))
        .collect();
    let mut header = vec!["strategy".to_string()];
    header.extend(index.iter().map(|&m| tables::MEASURES[m].key.to_string()));
    let mut lines = vec![header];
    for (s, name) in run.strategies.iter().enumerate() {
        let mut line = vec![name.clone()];
        for &m in &index {
            let i = &summary[s][m];
            line.push(match (i.mean.is_finite(), i.low, i.high) {
                (false, ..) => "n/a".to_string(),
                (true, Some(l), Some(h)) => format!("{:.1} [{:.1}-{:.1}]", i.mean, l, h),
                (true, ..) => format!("{:.1}", i.mean),
            });
        }
        lines.push(line);
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    for line in lines {
        let cells: Vec<String> = (line.iter().zip(&widths).enumerate())
            .map(|(c, (v, w))| if c == 0 { format!("{v:<w$}") } else { format!("{v:>w$}") })
            .collect();
        outln!("{}", cells.join("  ").trim_end());
    }
}
