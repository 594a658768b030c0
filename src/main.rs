//! The `rebook` command line. Exit codes: 0 ok, 1 a plan or check failed, 2 bad input or usage.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use rebook::batch::{self, Outcome};
use rebook::check;
use rebook::io::{self, schedule::parse_schedule_json};
use rebook::strategy::{self, SolveOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Reschedules elective surgery cancelled by a strike, without pushing any surgeon past safe
/// working hours.
#[derive(Parser)]
#[command(name = "rebook", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate instance files (or directories of them): every problem, with its code and a hint.
    Validate {
        /// Instance files or directories of `*.json` instances.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Check a schedule against its instance: every rule of SPEC.md section 3 and the objective.
    Check { instance: PathBuf, schedule: PathBuf },
    /// Solve each trust and write `<trust>.schedule.json` and `<trust>.assignments.csv`.
    Solve {
        /// Instance files or directories of them (a batch: one file per trust).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Strategy: mip (the integer programme), fifo (treat in turn), priority (clinical
        /// priority, then longest wait).
        #[arg(long, short, default_value = "mip")]
        strategy: String,
        /// Output directory (created if missing).
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Trusts solved side by side (default: all cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// MIP time limit per trust, seconds.
        #[arg(long, default_value_t = 30.0, value_parser = non_negative_seconds)]
        time_limit: f64,
        /// MIP relative gap at which to stop (0.005 = 0.5 %).
        #[arg(long, default_value_t = 0.005, value_parser = fraction)]
        gap: f64,
        /// HiGHS threads per trust (parallelism normally comes from solving trusts side by side).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
        threads: u32,
        /// HiGHS random seed.
        #[arg(long, default_value_t = 2016)]
        seed: u32,
    },
    /// Generate a batch of realistic instances (one file per trust), deterministic from the seed.
    Generate(Box<GenerateArgs>),
    /// Profile instances or a batch: case mix, waits, capacity against demand, rosters near limits.
    Stats {
        /// Instance files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Read an instance written by people (a folder of CSV files) into instance JSON.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Write an instance in a format for people (a folder of CSV files), or a schedule as an
    /// IHTC solution.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Score a solution of a benchmark format.
    Score {
        #[command(subcommand)]
        format: ScoreFormat,
    },
    /// Benchmark the MIP on a public benchmark suite.
    Bench {
        #[command(subcommand)]
        suite: BenchSuite,
    },
}

#[derive(Subcommand)]
enum ImportFormat {
    /// A folder with settings.json, theatres.csv, surgeons.csv, duties.csv, sessions.csv and
    /// procedures.csv (see docs/GENERATOR.md); the instance is validated before it is written.
    Csv {
        /// The folder of CSV files.
        dir: PathBuf,
        /// The instance file to write.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// IHTC-2024 instances (a file or a folder of them), projected onto rebook-instance/1 as
    /// SPEC.md section 7 defines; one instance file per input, written into --out.
    Ihtc {
        /// An IHTC instance file or a folder of them.
        path: PathBuf,
        /// The folder to write the instances into (created if missing).
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportFormat {
    /// The CSV folder that `rebook import csv` reads back into the same instance.
    Csv {
        /// The instance file.
        instance: PathBuf,
        /// The folder to write (created if missing).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// A schedule of an imported IHTC instance as an IHTC solution (admission day and operating
    /// theater of each patient; rooms and nurses are not part of rebook's problem).
    Ihtc {
        /// The imported instance (rebook-instance/1).
        instance: PathBuf,
        /// Its schedule (rebook-schedule/1).
        schedule: PathBuf,
        /// The IHTC solution file to write.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ScoreFormat {
    /// The surgical cost of an IHTC-2024 solution (delay, unscheduled optional, open theaters,
    /// surgeon transfers), checked against the surgical rules; exit 1 when it breaks one.
    Ihtc {
        /// The IHTC instance file.
        instance: PathBuf,
        /// The IHTC solution file.
        solution: PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchSuite {
    /// Solve IHTC-2024 instances with the MIP and compare with the best-known surgical costs.
    Ihtc {
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
        #[arg(long, default_value_t = 60.0, value_parser = non_negative_seconds)]
        time_limit: f64,
        /// Relative gap at which to stop.
        #[arg(long, default_value_t = 0.0, value_parser = fraction)]
        gap: f64,
        /// Instances solved side by side (1 = one thread, the benchmark's condition).
        #[arg(long, short, default_value_t = 1)]
        jobs: usize,
        /// Also write the table as CSV here.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// Named scenario: kent-2016-04, national-2023-04, small, stress (default: a custom batch
    /// shaped by the options below).
    #[arg(long)]
    scenario: Option<String>,
    /// Parameters as JSON, in the shape `--show-params` prints.
    #[arg(long, conflicts_with = "scenario")]
    params: Option<PathBuf>,
    /// Seed of the random numbers: the same seed gives byte-identical files.
    #[arg(long, required_unless_present = "show_params")]
    seed: Option<u64>,
    /// Output directory (created if missing).
    #[arg(long, short, required_unless_present = "show_params")]
    out: Option<PathBuf>,
    /// Print the parameters (after the options below) as JSON and exit.
    #[arg(long)]
    show_params: bool,
    /// Custom batch: number of trusts.
    #[arg(long)]
    trusts: Option<u32>,
    /// Custom batch: sites per trust.
    #[arg(long)]
    sites: Option<u32>,
    /// Cancelled cases per trust.
    #[arg(long)]
    cases: Option<u32>,
    /// Theatres modelled per trust.
    #[arg(long)]
    theatres: Option<u32>,
    /// Consultants per specialty.
    #[arg(long)]
    surgeons_per_specialty: Option<u32>,
    /// Horizon length in weeks.
    #[arg(long)]
    weeks: Option<u32>,
    /// First date of the horizon (YYYY-MM-DD).
    #[arg(long)]
    start: Option<chrono::NaiveDate>,
    /// Turnaround minutes between cases.
    #[arg(long)]
    turnaround: Option<u32>,
    /// Priority mix, e.g. P2=15,P3=30,P4=55.
    #[arg(long)]
    priority_mix: Option<String>,
    /// Specialty mix, e.g. orthopaedics=20,urology=15,ophthalmology=14.
    #[arg(long)]
    specialty_mix: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { paths } => validate(&paths),
        Command::Check { instance, schedule } => check_cmd(&instance, &schedule),
        Command::Solve {
            paths,
            strategy,
            out,
            jobs,
            time_limit,
            gap,
            threads,
            seed,
        } => {
            let opts = SolveOptions {
                time_limit,
                gap,
                threads,
                seed,
            };
            solve(&paths, &strategy, &out, jobs, &opts)
        }
        Command::Generate(args) => generate_cmd(&args),
        Command::Stats { paths, json } => stats_cmd(&paths, json),
        Command::Import {
            format: ImportFormat::Csv { dir, out },
        } => import_csv_cmd(&dir, &out),
        Command::Export {
            format: ExportFormat::Csv { instance, out },
        } => export_csv_cmd(&instance, &out),
        Command::Import {
            format: ImportFormat::Ihtc { path, out },
        } => exit(rebook::ihtc::cli::import(&path, &out)),
        Command::Export {
            format:
                ExportFormat::Ihtc {
                    instance,
                    schedule,
                    out,
                },
        } => exit(rebook::ihtc::cli::export(&instance, &schedule, &out)),
        Command::Score {
            format: ScoreFormat::Ihtc { instance, solution },
        } => exit(rebook::ihtc::cli::score_cmd(&instance, &solution)),
        Command::Bench {
            suite:
                BenchSuite::Ihtc {
                    path,
                    solutions,
                    reference,
                    time_limit,
                    gap,
                    jobs,
                    csv,
                },
        } => {
            let opts = SolveOptions {
                time_limit,
                gap,
                ..SolveOptions::default()
            };
            exit(rebook::ihtc::cli::bench(
                &path,
                solutions.as_deref(),
                reference.as_deref(),
                &opts,
                csv.as_deref(),
                jobs,
            ))
        }
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn non_negative_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds (0 or more)")),
    }
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a fraction between 0 and 1 (0.005 = 0.5 %)")),
    }
}

fn validate(paths: &[PathBuf]) -> ExitCode {
    let files = match io::instance_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut bad = 0;
    for f in &files {
        let loaded = io::load_instance(f);
        let errors = loaded.errors().count();
        let warnings = loaded.diagnostics.len() - errors;
        for d in &loaded.diagnostics {
            rebook::outln!("{}: {d}", f.display());
        }
        if errors > 0 {
            bad += 1;
        } else {
            rebook::outln!(
                "{}: ok ({} warning{})",
                f.display(),
                warnings,
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} file(s) invalid", files.len());
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn check_cmd(instance: &std::path::Path, schedule: &std::path::Path) -> ExitCode {
    let loaded = io::load_instance(instance);
    let Some(inst) = loaded.instance else {
        for d in loaded.errors() {
            eprintln!("{}: {d}", instance.display());
        }
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(schedule) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: cannot read the schedule: {e}", schedule.display());
            return ExitCode::from(2);
        }
    };
    let file = match parse_schedule_json(&text) {
        Ok(f) => f,
        Err((path, msg)) => {
            eprintln!(
                "error: {}: at {}: {msg} (hint: see SPEC.md section 5 for the schedule format)",
                schedule.display(),
                if path.is_empty() { "top level" } else { &path }
            );
            return ExitCode::from(2);
        }
    };
    let report = check::check(&inst, &file);
    for w in &report.warnings {
        rebook::outln!("warning: {}: {}", w.rule, w.message);
    }
    for v in &report.violations {
        rebook::outln!("violation: {}: {}", v.rule, v.message);
    }
    if report.is_ok() {
        rebook::outln!(
            "ok: {} assignments, {} unscheduled, objective {} (recomputed {})",
            file.assignments.len(),
            file.unscheduled.len(),
            file.objective,
            report.recomputed_objective
        );
        ExitCode::SUCCESS
    } else {
        rebook::outln!(
            "FAILED: {} violation(s); reported objective {}, recomputed {}",
            report.violations.len(),
            report.reported_objective,
            report.recomputed_objective
        );
        ExitCode::from(1)
    }
}

fn solve(
    paths: &[PathBuf],
    strategy_name: &str,
    out: &std::path::Path,
    jobs: Option<usize>,
    opts: &SolveOptions,
) -> ExitCode {
    if strategy::by_name(strategy_name).is_none() {
        eprintln!(
            "error: unknown strategy '{strategy_name}' (choose one of: {})",
            strategy::NAMES.join(", ")
        );
        return ExitCode::from(2);
    }
    let files = match io::instance_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: {}: cannot create the output directory: {e}", out.display());
        return ExitCode::from(2);
    }
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let results = batch::solve_batch(&files, strategy_name, opts, jobs);

    let mut invalid = 0;
    let mut failed = 0;
    let mut seen_stems = std::collections::BTreeMap::new();
    rebook::outln!(
        "{:<10} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>10} {:>8}",
        "trust",
        "cases",
        "sched",
        "unsch",
        "wait",
        "p90",
        "breaches",
        "objective",
        "seconds"
    );
    for r in &results {
        match &r.outcome {
            Outcome::Invalid { diagnostics } => {
                invalid += 1;
                for d in diagnostics.iter().filter(|d| d.is_error()) {
                    eprintln!("{}: {d}", r.path.display());
                }
            }
            Outcome::Failed { trust, message } => {
                failed += 1;
                eprintln!(
                    "{}: {}{message}",
                    r.path.display(),
                    trust.as_ref().map(|t| format!("trust {t}: ")).unwrap_or_default()
                );
            }
            Outcome::Solved {
                instance,
                schedule,
                warnings,
            } => {
                for w in warnings {
                    eprintln!("{}: {w}", r.path.display());
                }
                let mut stem = io::safe_stem(&schedule.trust);
                let n = seen_stems.entry(stem.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    stem = format!("{stem}-{n}");
                }
                let json = serde_json::to_vec_pretty(schedule.as_ref()).expect("schedule serialises");
                let csv = match io::assignments_csv(instance, schedule) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("{}: cannot write the CSV: {e}", r.path.display());
                        failed += 1;
                        continue;
                    }
                };
                let written = io::write_atomic(&out.join(format!("{stem}.schedule.json")), &json)
                    .and_then(|_| io::write_atomic(&out.join(format!("{stem}.assignments.csv")), &csv));
                if let Err(e) = written {
                    eprintln!("{}: cannot write to {}: {e}", r.path.display(), out.display());
                    failed += 1;
                    continue;
                }
                let m = &schedule.metrics;
                let num = |v: &serde_json::Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.1}"));
                let b = &m["breaches"];
                let breaches = ["cancelled_on_day", "priority", "rtt"]
                    .iter()
                    .map(|k| b[k].as_u64().unwrap_or(0))
                    .sum::<u64>();
                rebook::outln!(
                    "{:<10} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>10} {:>8.2}",
                    schedule.trust,
                    m["cases"].to_string(),
                    m["scheduled"].to_string(),
                    m["unscheduled"].to_string(),
                    num(&m["wait_days"]["mean"]),
                    num(&m["wait_days"]["p90"]),
                    breaches,
                    schedule.objective,
                    schedule.solver["seconds"].as_f64().unwrap_or(0.0)
                );
            }
        }
    }
    let solved = results.len() - invalid - failed;
    eprintln!(
        "{solved} of {} trust(s) solved with {strategy_name}; plans in {}",
        results.len(),
        out.display()
    );
    if failed > 0 {
        ExitCode::from(1)
    } else if invalid > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn generate_cmd(a: &GenerateArgs) -> ExitCode {
    use rebook::generate::{self, scenarios, Overrides, Params};
    let fail = |e: generate::GenerateError| {
        eprintln!("error: {e}");
        ExitCode::from(if e.is_bad_input() { 2 } else { 1 })
    };
    let mut params = if let Some(path) = &a.params {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: cannot read the parameters: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let de = &mut serde_json::Deserializer::from_str(&text);
        match serde_path_to_error::deserialize::<_, Params>(de) {
            Ok(p) => p,
            Err(e) => {
                eprintln!(
                    "error: {}: at {}: {} (hint: start from `rebook generate --show-params`)",
                    path.display(),
                    e.path(),
                    e.inner()
                );
                return ExitCode::from(2);
            }
        }
    } else if let Some(name) = &a.scenario {
        match scenarios::scenario(name) {
            Ok(p) => p,
            Err(e) => return fail(e),
        }
    } else {
        Params::default()
    };
    let overrides = Overrides {
        trusts: a.trusts,
        sites: a.sites,
        cases: a.cases,
        theatres: a.theatres,
        surgeons_per_specialty: a.surgeons_per_specialty,
        weeks: a.weeks,
        start: a.start,
        turnaround: a.turnaround,
        priority_mix: a.priority_mix.clone(),
        specialty_mix: a.specialty_mix.clone(),
    };
    let custom = a.scenario.is_none() && a.params.is_none();
    if let Err(e) = generate::apply_overrides(&mut params, &overrides, custom) {
        return fail(e);
    }
    if a.show_params {
        rebook::outln!(
            "{}",
            serde_json::to_string_pretty(&params).expect("parameters serialise")
        );
        return ExitCode::SUCCESS;
    }
    let (Some(seed), Some(out)) = (a.seed, &a.out) else {
        eprintln!("error: give --seed and --out");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let files = match generate::generate(&params, seed) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let stale: Vec<PathBuf> = io::instance_paths(std::slice::from_ref(out))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !files.iter().any(|f| p.file_name().is_some_and(|n| *n == *f.file_name)))
        .collect();
    if let Err(e) = generate::write_batch(out, &files) {
        return fail(e);
    }
    let mut stdout = std::io::stdout().lock();
    for f in &files {
        let i = &f.instance;
        // The batch is written already: a closed pipe on this listing is not an error.
        let _ = std::io::Write::write_fmt(
            &mut stdout,
            format_args!(
                "{}: trust {}, {} cases, {} sessions, {} surgeons, {} theatres\n",
                out.join(&f.file_name).display(),
                i.trust.id,
                i.procedures.len(),
                i.sessions.len(),
                i.surgeons.len(),
                i.theatres.len()
            ),
        );
    }
    for p in &stale {
        eprintln!(
            "warning: {} is not part of this batch but lies in the same directory (it will be solved with it)",
            p.display()
        );
    }
    eprintln!(
        "generated {} instance file(s), {} cases, scenario {}, seed {seed}, in {:.2} s",
        files.len(),
        files.iter().map(|f| f.instance.procedures.len()).sum::<usize>(),
        params.scenario,
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn stats_cmd(paths: &[PathBuf], json: bool) -> ExitCode {
    let files = match io::instance_paths(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut all = Vec::new();
    let mut bad = 0;
    for f in &files {
        let loaded = io::load_instance(f);
        match &loaded.instance {
            Some(inst) => all.push(rebook::stats::compute(inst)),
            None => {
                bad += 1;
                for d in loaded.errors() {
                    eprintln!("{}: {d}", f.display());
                }
            }
        }
    }
    if all.len() > 1 {
        let total = rebook::stats::aggregate(&all);
        all.push(total);
    }
    let text = if json {
        serde_json::to_string_pretty(&all).expect("stats serialise") + "\n"
    } else {
        all.iter().map(rebook::stats::render).collect::<Vec<_>>().join("\n")
    };
    // A closed pipe (`rebook stats ... | head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if bad > 0 {
        eprintln!("{bad} of {} file(s) invalid (see `rebook validate`)", files.len());
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn import_csv_cmd(dir: &std::path::Path, out: &std::path::Path) -> ExitCode {
    use rebook::import::csv;
    let imported = match csv::import_dir(dir) {
        Ok(i) => i,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {}: {p}", dir.display());
            }
            eprintln!("{} problem(s); nothing written", problems.len());
            return ExitCode::from(2);
        }
    };
    let v = rebook::model::validate::validate(&imported.instance);
    for d in &v.diagnostics {
        let sev = if d.is_error() { "error" } else { "warning" };
        eprintln!(
            "{sev}[{}]: {}: {}: {} (hint: {})",
            d.code.as_str(),
            dir.display(),
            imported.source.locate(&d.path),
            d.message,
            d.hint
        );
    }
    if v.instance.is_none() {
        eprintln!("the instance is invalid; nothing written");
        return ExitCode::from(2);
    }
    if let Err(e) = io::write_atomic(out, &rebook::generate::instance_json(&imported.instance)) {
        eprintln!("error: {}: cannot write: {e}", out.display());
        return ExitCode::from(1);
    }
    let i = &imported.instance;
    rebook::outln!(
        "{}: trust {}, {} cases, {} sessions, {} surgeons, {} theatres",
        out.display(),
        i.trust.id,
        i.procedures.len(),
        i.sessions.len(),
        i.surgeons.len(),
        i.theatres.len()
    );
    ExitCode::SUCCESS
}

fn export_csv_cmd(instance: &std::path::Path, out: &std::path::Path) -> ExitCode {
    use rebook::import::csv;
    let text = match std::fs::read_to_string(instance) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: cannot read the instance: {e}", instance.display());
            return ExitCode::from(2);
        }
    };
    let file = match rebook::io::instance::parse_instance_json(&text) {
        Ok(f) => f,
        Err((path, msg)) => {
            eprintln!(
                "error: {}: at {}: {msg} (hint: `rebook validate` explains every problem)",
                instance.display(),
                if path.is_empty() { "top level" } else { &path }
            );
            return ExitCode::from(2);
        }
    };
    match csv::export_dir(&file, out) {
        Ok(()) => {
            rebook::outln!(
                "{}: settings.json and 5 CSV files for trust {}",
                out.display(),
                file.trust.id
            );
            ExitCode::SUCCESS
        }
        Err(csv::ExportError::Unrepresentable(problems)) => {
            for p in &problems {
                eprintln!("error: {}: {p}", instance.display());
            }
            eprintln!(
                "{} value(s) cannot go to CSV unchanged; nothing written",
                problems.len()
            );
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
