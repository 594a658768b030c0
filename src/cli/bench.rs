//! `rebook bench ihtc`, `rebook bench scale` and `rebook bench batch`: the options and printed
//! tables of the IHTC-2024 benchmark, of the scaling benchmark and of a solved batch's
//! distributions (the work itself is in [`crate::bench::ihtc`], [`crate::bench::scale`] and
//! [`crate::bench::national`]), and the hidden `rebook bench scale-one`, the child process of each
//! scaling run.

use super::error::{CliError, Outcome};
use super::input::read_text;
use crate::bench::ihtc::{self, BenchRow};
use crate::bench::national;
use crate::bench::scale::{self, ScaleOptions};
use crate::strategy::{self, SolveOptions};
use clap::Subcommand;
use std::path::PathBuf;

/// The benchmark suites.
#[derive(Subcommand)]
pub enum BenchSuite {
    /// Solve IHTC-2024 instances with the MIP and compare with the best-known surgical costs.
    Ihtc(BenchIhtcArgs),
    /// How the MIP's cost grows with size: generated single trusts of 100 to 3,200 cases, each
    /// solved in a child process to a first plan and at each time limit (time, gap, model size,
    /// peak memory, overrun); a table, scale.csv, scale.md and scale.svg in --out.
    Scale(BenchScaleArgs),
    /// What a solved batch adds up to: the distribution of its per-trust gaps and seconds, its
    /// slowest trusts and, with --instances, the wall time of the batch split into shards.
    Batch(BenchBatchArgs),
    /// One run of `bench scale` (its child process): prints one JSON line.
    #[command(hide = true)]
    ScaleOne(BenchScaleOneArgs),
}

/// The options of `rebook bench scale`.
#[derive(clap::Args)]
pub struct BenchScaleArgs {
    /// Cases of each generated trust, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = scale::DEFAULT_SIZES,
          value_parser = clap::value_parser!(u32).range(1..=5000))]
    sizes: Vec<u32>,
    /// Time limits of the MIP, seconds, comma-separated (the first plan, limit 0, is always
    /// measured too).
    #[arg(long, value_delimiter = ',', default_values_t = scale::DEFAULT_TIME_LIMITS,
          value_parser = positive_seconds)]
    time_limits: Vec<f64>,
    /// Generator seed of the trusts.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Relative gap at which the MIP stops (0: search to the limit unless proven optimal).
    #[arg(long, default_value_t = 0.0, value_parser = super::values::fraction)]
    gap: f64,
    /// HiGHS threads per solve.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// HiGHS random seed.
    #[arg(long, default_value_t = 2016)]
    solver_seed: u32,
    /// Skip building each full model alone (its size and memory where the decomposition runs).
    #[arg(long)]
    no_full_model: bool,
    /// Output folder: instances/, plans/, scale.csv, scale.md, scale.svg.
    #[arg(long, short, default_value = "out/bench-scale")]
    out: PathBuf,
}

/// The options of `rebook bench batch`.
#[derive(clap::Args)]
pub struct BenchBatchArgs {
    /// Output folders of `rebook solve` (their `*.schedule.json`), e.g. every shard's.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The batch's instance files or folders, as given to `rebook solve`: estimate the wall time
    /// of the batch split into --shards parts from the measured seconds.
    #[arg(long, num_args = 1..)]
    instances: Vec<PathBuf>,
    /// Shard counts to estimate, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1u32, 2, 4, 8, 16],
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    shards: Vec<u32>,
    /// Trusts solved side by side in each shard (`--jobs` of its `rebook solve`).
    #[arg(long, short, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: u32,
    /// How many of the slowest trusts to list.
    #[arg(long, default_value_t = 10)]
    slowest: usize,
    /// Also write one row per trust (stem, trust, cases, status, gap, seconds) as CSV here.
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// The options of the hidden `rebook bench scale-one`.
#[derive(clap::Args)]
pub struct BenchScaleOneArgs {
    /// The instance file.
    path: PathBuf,
    /// Time limit, seconds.
    #[arg(long, default_value_t = 30.0, value_parser = super::values::non_negative_seconds)]
    time_limit: f64,
    /// Relative gap at which to stop.
    #[arg(long, default_value_t = 0.0, value_parser = super::values::fraction)]
    gap: f64,
    /// HiGHS threads.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// HiGHS random seed.
    #[arg(long, default_value_t = 2016)]
    seed: u32,
    /// Write the plan here.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Build the full model alone instead of solving.
    #[arg(long)]
    full_model: bool,
    /// Write HiGHS's own log of the solve to FILE.
    #[arg(long, value_name = "FILE", value_parser = super::logging::solver_log_file)]
    solver_log: Option<crate::strategy::SolverLog>,
}

/// A number of seconds above 0 (`--time-limits`).
fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds above 0")),
    }
}

/// The options of `rebook bench ihtc`.
#[derive(clap::Args)]
pub struct BenchIhtcArgs {
    /// An IHTC instance file or a folder of them.
    path: PathBuf,
    /// Folder of reference solutions (`sol_<name>.json`), scored for the best-known column.
    #[arg(long)]
    solutions: Option<PathBuf>,
    /// A file listing reference values (the benchmark README), for instances without a
    /// reference solution (e.g. the optima of small01-09).
    #[arg(long)]
    reference: Option<PathBuf>,
    /// Time limit per instance, seconds.
    #[arg(long, default_value_t = 60.0, value_parser = super::values::non_negative_seconds)]
    time_limit: f64,
    /// Relative gap at which to stop.
    #[arg(long, default_value_t = 0.0, value_parser = super::values::fraction)]
    gap: f64,
    /// Instances solved side by side (1 = one thread, the benchmark's condition).
    #[arg(long, short, default_value_t = 1)]
    jobs: usize,
    /// Also write the table as CSV here.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Write HiGHS's own log of every solve to FILE, each line prefixed with its instance.
    #[arg(long, value_name = "FILE", value_parser = super::logging::solver_log_file)]
    solver_log: Option<crate::strategy::SolverLog>,
    /// Switch parts of the MIP's search off, to measure what each buys (docs/BENCHMARKS.md,
    /// "What each idea bought"): symmetry (the rows between interchangeable lists),
    /// neighbourhoods (date windows only), heuristics (HiGHS's default heuristic effort),
    /// hybrid-search (no neighbourhood search before the full model on mid-sized instances),
    /// parts (every model solved whole, not part by part when it falls apart), benders (no
    /// Benders rounds on the dates after the day-restricted model), windows (no windowed
    /// Benders rounds above 12,000 triples). Comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "PART")]
    without: Vec<SearchPart>,
}

/// A part of the MIP's search that `bench ihtc --without` switches off.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SearchPart {
    Symmetry,
    Neighbourhoods,
    Heuristics,
    HybridSearch,
    Parts,
    Benders,
    Windows,
}

/// The parts switched off, as the strategies take them.
fn without(parts: &[SearchPart]) -> crate::strategy::Without {
    let mut w = crate::strategy::Without::default();
    for part in parts {
        match part {
            SearchPart::Symmetry => w.symmetry = true,
            SearchPart::Neighbourhoods => w.neighbourhoods = true,
            SearchPart::Heuristics => w.heuristics = true,
            SearchPart::HybridSearch => w.hybrid_search = true,
            SearchPart::Parts => w.parts = true,
            SearchPart::Benders => w.benders = true,
            SearchPart::Windows => w.windows = true,
        }
    }
    w
}

/// Runs `rebook bench <suite>`.
pub fn bench(suite: &BenchSuite) -> Result<Outcome, CliError> {
    match suite {
        BenchSuite::Ihtc(args) => bench_ihtc(args),
        BenchSuite::Scale(args) => bench_scale(args),
        BenchSuite::Batch(args) => bench_batch(args),
        BenchSuite::ScaleOne(args) => bench_scale_one(args),
    }
}

/// Solves every instance (each row on stderr as it is done), then prints the table and its
/// summary, and writes the CSV when asked; [`Outcome::Failed`] when a row is an error.
fn bench_ihtc(args: &BenchIhtcArgs) -> Result<Outcome, CliError> {
    let reference = match &args.reference {
        Some(path) => ihtc::reference_values(&read_text(path, "")?),
        None => Default::default(),
    };
    let files = ihtc::instance_files(&args.path).map_err(CliError::Paths)?;
    let mip =
        strategy::by_name("mip").ok_or_else(|| CliError::Internal("the mip strategy is not registered".into()))?;
    let opts = SolveOptions {
        time_limit: args.time_limit,
        gap: args.gap,
        solver_log: args.solver_log.clone(),
        without: without(&args.without),
        ..SolveOptions::default()
    };
    let solutions = args.solutions.as_deref();
    let rows = ihtc::run(
        &files,
        args.jobs,
        |f| ihtc::bench_one(f, solutions, mip.as_ref(), &opts).with_reference(&reference),
        |row| eprintln!("{}", line(row)),
    );
    outln!("{}", header());
    for r in &rows {
        outln!("{}", line(r));
    }
    let s = ihtc::summarise(&rows);
    outln!(
        "{} instances; geometric-mean ratio to best-known {}; at or below best-known {}/{}; median gap {}",
        s.instances,
        s.geometric_mean_ratio.map_or("-".into(), |g| format!("{g:.4}")),
        s.at_or_below,
        s.with_ratio,
        s.median_gap.map_or("-".into(), |g| format!("{:.2} %", g * 100.0)),
    );
    if let Some(out) = &args.csv {
        let written = ihtc::to_csv(&rows)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::io::write_atomic(out, &bytes));
        written.map_err(|source| CliError::Write {
            path: out.clone(),
            what: "",
            source,
        })?;
        outln!("table written to {}", out.display());
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

fn header() -> String {
    format!(
        "{:<9} {:>5} {:>5} {:>4} {:>3} {:>9} {:>9} {:>7} {:>9} {:>7} {:>7} {:<10}",
        "instance", "cases", "mand", "days", "OT", "cost", "bound", "gap%", "best", "ratio", "sec", "status"
    )
}

fn line(r: &BenchRow) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    format!(
        "{:<9} {:>5} {:>5} {:>4} {:>3} {:>9} {:>9} {:>7} {:>9} {:>7} {:>7.1} {:<10}{}",
        r.instance,
        r.patients,
        r.mandatory,
        r.days,
        r.theaters,
        opt(r.cost.map(|c| c.to_string())),
        opt(r.bound.map(|b| format!("{b:.0}"))),
        opt(r.gap.map(|g| format!("{:.2}", g * 100.0))),
        opt(r.best_known.map(|b| b.to_string())),
        opt(r.ratio.map(|x| format!("{x:.4}"))),
        r.seconds,
        r.status,
        r.error.as_ref().map(|e| format!(" error: {e}")).unwrap_or_default()
    )
}

/// Runs the scaling benchmark (each run on stderr as it ends), prints the table, writes
/// scale.csv, scale.md and scale.svg into --out, and names every run that failed:
/// [`Outcome::Failed`] when one has no checked plan or ran more than 10 % past its limit.
fn bench_scale(args: &BenchScaleArgs) -> Result<Outcome, CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Internal(format!("cannot find the rebook executable to run each solve: {e}")))?;
    let opts = ScaleOptions {
        sizes: args.sizes.clone(),
        time_limits: args.time_limits.clone(),
        seed: args.seed,
        gap: args.gap,
        threads: args.threads,
        solver_seed: args.solver_seed,
        full_model: !args.no_full_model,
        out: args.out.clone(),
        exe,
    };
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::CreateDir {
        path: args.out.clone(),
        what: "output directory",
        source,
    })?;
    let results = scale::run(&opts, |size, run| {
        let m = &run.measured;
        eprintln!(
            "{} cases, {}: {:.2} s{}, {}{}{}",
            size.cases,
            scale::limit_label(run.time_limit),
            m.solve_seconds,
            m.gap.map(|g| format!(", gap {:.2} %", g * 100.0)).unwrap_or_default(),
            if m.status.is_empty() { "error" } else { &m.status },
            run.peak_rss_kib
                .map(|k| format!(", peak {:.0} MiB", k as f64 / 1024.0))
                .unwrap_or_default(),
            run.failure().map(|f| format!(" — FAILED: {f}")).unwrap_or_default(),
        );
    })
    .map_err(|e| match e {
        scale::ScaleError::Generate(g) => CliError::Generate(g),
        scale::ScaleError::Write { path, source } => CliError::Write { path, what: "", source },
    })?;
    for line in scale::table(&results) {
        outln!("{line}");
    }
    let write = |name: &str, bytes: &[u8]| {
        let path = args.out.join(name);
        crate::io::write_atomic(&path, bytes).map_err(|source| CliError::Write { path, what: "", source })
    };
    let csv = scale::to_csv(&results).map_err(|e| CliError::Internal(format!("scale.csv: {e}")))?;
    write("scale.csv", &csv)?;
    write("scale.md", scale::to_markdown(&results).as_bytes())?;
    write("scale.svg", scale::to_svg(&results, &opts.time_limits).as_bytes())?;
    let failed = scale::failures(&results);
    let runs: usize = results.iter().map(|s| s.runs.len()).sum();
    if failed.is_empty() {
        let worst = (results.iter())
            .flat_map(|s| s.runs.iter().filter_map(|r| r.overrun()))
            .fold(f64::NEG_INFINITY, f64::max);
        let within = if worst > 0.0 {
            format!(
                "worst overrun {:+.1} % of the limit (at most {:.0} % or {:.0} s)",
                worst * 100.0,
                scale::MAX_OVERRUN * 100.0,
                scale::MAX_OVERRUN_SECONDS
            )
        } else {
            "every solve returned within its limit".to_string()
        };
        outln!(
            "{runs} runs, every plan checked; {within}; scale.csv, scale.md, scale.svg, instances/ and plans/ in {}",
            args.out.display()
        );
        Ok(Outcome::Ok)
    } else {
        for f in &failed {
            eprintln!("failed: {f}");
        }
        outln!(
            "{} of {runs} runs failed (no checked plan, or more than {:.0} % and {:.0} s past the limit); results in {}",
            failed.len(),
            scale::MAX_OVERRUN * 100.0,
            scale::MAX_OVERRUN_SECONDS,
            args.out.display()
        );
        Ok(Outcome::Failed)
    }
}

/// The child process of one scaling run: solves (or, with --full-model, builds the full model)
/// and prints what it measured as one JSON line on stdout.
fn bench_scale_one(args: &BenchScaleOneArgs) -> Result<Outcome, CliError> {
    let line = if args.full_model {
        serde_json::to_string(&scale::measure_full_model(&args.path))
    } else {
        let opts = SolveOptions {
            time_limit: args.time_limit,
            gap: args.gap,
            threads: args.threads,
            seed: args.seed,
            solver_log: args.solver_log.clone(),
            ..Default::default()
        };
        serde_json::to_string(&scale::measure(&args.path, &opts, args.plan.as_deref()))
    };
    outln!("{}", line.map_err(|e| CliError::Internal(e.to_string()))?);
    Ok(Outcome::Ok)
}

/// `12.3 %`-style percentages of a fraction.
fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// Prints what the plans in `dirs` add up to and, with `--instances`, the estimated wall time of
/// the batch in shards; writes the per-trust CSV when asked.
fn bench_batch(args: &BenchBatchArgs) -> Result<Outcome, CliError> {
    let runs = national::read_plans(&args.dirs).map_err(CliError::Paths)?;
    let s = national::summarise(&runs);
    let statuses: Vec<String> = s.by_status.iter().map(|(k, v)| format!("{k} {v}")).collect();
    outln!(
        "{} plans, {} cases: {}",
        s.trusts,
        crate::text::thousands(s.cases as i64),
        statuses.join(", ")
    );
    if let Some(g) = s.gap {
        outln!(
            "gap: proven optimal (gap 0) {} of {}; above 0.5 % {}, above 1 % {}; median {}, p90 {}, p99 {}, max {}",
            s.proven_optimal,
            g.count,
            s.above_half_percent,
            s.above_one_percent,
            pct(g.median),
            pct(g.p90),
            pct(g.p99),
            pct(g.max)
        );
    }
    if let Some(t) = s.seconds {
        outln!(
            "seconds per trust: median {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}; sum of the solves {:.1} ({:.1} on {} workers if perfectly shared)",
            t.median,
            t.p90,
            t.p99,
            t.max,
            t.sum,
            t.sum / f64::from(args.jobs),
            args.jobs
        );
    }
    let mut slow: Vec<&national::TrustRun> = runs.iter().collect();
    slow.sort_by(|a, b| b.seconds.total_cmp(&a.seconds).then(a.stem.cmp(&b.stem)));
    if args.slowest > 0 {
        outln!("slowest trusts:");
        for r in slow.iter().take(args.slowest) {
            outln!(
                "  {:<12} {:>5} cases {:>7.1} s  gap {:>8}  {}",
                r.stem,
                r.cases,
                r.seconds,
                r.gap.map(pct).unwrap_or_else(|| "-".into()),
                r.status
            );
        }
    }
    if !args.instances.is_empty() {
        let files = crate::io::instance_paths(&args.instances).map_err(CliError::Paths)?;
        outln!(
            "estimated wall time split into shards of --jobs {} (each shard's files as --shard K/N picks them, most expensive first on {} workers; reading, checking and writing left out):",
            args.jobs,
            args.jobs
        );
        for &n in &args.shards {
            let e = national::shard_estimate(&files, &runs, n as usize, args.jobs as usize).map_err(CliError::Paths)?;
            let parts: Vec<String> = e.parts.iter().map(|(f, w)| format!("{w:.1}/{f}")).collect();
            outln!(
                "  {:>4} shard(s): {:>8.1} s (slowest shard); parts (seconds/files): {}",
                n,
                e.wall(),
                if parts.len() <= 16 {
                    parts.join(" ")
                } else {
                    format!("{} … ({} parts)", parts[..16].join(" "), parts.len())
                }
            );
        }
    }
    if let Some(out) = &args.csv {
        let mut w = crate::io::spreadsheet::CsvWriter::in_memory();
        let mut rows = vec![vec![
            "stem".to_string(),
            "trust".into(),
            "strategy".into(),
            "cases".into(),
            "status".into(),
            "gap".into(),
            "seconds".into(),
        ]];
        for r in &runs {
            rows.push(vec![
                r.stem.clone(),
                r.trust.clone(),
                r.strategy.clone(),
                r.cases.to_string(),
                r.status.clone(),
                r.gap.map(|g| format!("{g:.6}")).unwrap_or_default(),
                format!("{:.3}", r.seconds),
            ]);
        }
        let bytes = rows
            .iter()
            .try_for_each(|r| w.write_record(r))
            .map_err(std::io::Error::other)
            .and_then(|_| w.into_inner().map_err(|e| std::io::Error::other(e.to_string())))
            .and_then(|bytes| crate::io::write_atomic(out, &bytes).map(|_| ()));
        bytes.map_err(|source| CliError::Write {
            path: out.clone(),
            what: "",
            source,
        })?;
        outln!("per-trust rows written to {}", out.display());
    }
    Ok(Outcome::Ok)
}
