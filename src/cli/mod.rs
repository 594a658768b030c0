//! The `rebook` command line. Exit codes: 0 ok, 1 a plan or check failed, 2 bad input or usage.

pub mod batch;
pub mod ihtc;
pub mod progress;

use crate::check;
use crate::io;
use crate::strategy::SolveOptions;
use clap::{Parser, Subcommand};
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
    /// Solve each trust, side by side: `<trust>.schedule.json` and `<trust>.assignments.csv` per
    /// trust, and `summary.json` / `summary.csv` for the batch.
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
        /// Also write each plan as a self-contained HTML page, `<trust>.report.html`.
        #[arg(long)]
        report: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run several strategies on every trust of a batch and compare them: a table on stdout, and
    /// comparison.csv, comparison.md, comparison.html and each strategy's plans in --out.
    Compare {
        /// Instance files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Strategies to compare, comma-separated.
        #[arg(long, default_value = "fifo,priority,mip", value_delimiter = ',')]
        strategies: Vec<String>,
        /// Output directory (created if missing).
        #[arg(long, short, default_value = "out/compare")]
        out: PathBuf,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Write a plan as one self-contained HTML page: theatre timeline, surgeons' hours against the
    /// limits, waits against the targets, unscheduled cases, printable operating lists.
    Report {
        /// The instance file.
        instance: PathBuf,
        /// Its schedule (rebook-schedule/1).
        schedule: PathBuf,
        /// The HTML file to write (default: beside the schedule, `<name>.report.html`, where
        /// `<name>` is the schedule's file name without `.schedule.json` or `.json`).
        #[arg(long, short)]
        out: Option<PathBuf>,
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

/// How a batch runs (solve and compare).
#[derive(clap::Args)]
struct RunArgs {
    /// Trusts solved side by side (default: all cores).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
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
    /// No progress on stderr (errors and warnings are still printed).
    #[arg(long, short)]
    quiet: bool,
}

impl RunArgs {
    fn batch(&self) -> crate::cli::batch::BatchOptions {
        crate::cli::batch::BatchOptions {
            solve: SolveOptions {
                time_limit: self.time_limit,
                gap: self.gap,
                threads: self.threads,
                seed: self.seed,
            },
            jobs: self.jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get()),
                |j| j as usize,
            ),
            progress: crate::cli::progress::Mode::detect(self.quiet),
        }
    }
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

/// Parses the command line and runs the command; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { paths } => validate(&paths),
        Command::Check { instance, schedule } => check_cmd(&instance, &schedule),
        Command::Solve {
            paths,
            strategy,
            out,
            report,
            run,
        } => exit(crate::cli::batch::solve(&paths, &strategy, &out, &run.batch(), report)),
        Command::Compare {
            paths,
            strategies,
            out,
            run,
        } => exit(crate::cli::batch::compare(&paths, &strategies, &out, &run.batch())),
        Command::Report {
            instance,
            schedule,
            out,
        } => exit(crate::cli::batch::report(&instance, &schedule, out.as_deref())),
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
        } => exit(crate::cli::ihtc::import(&path, &out)),
        Command::Export {
            format:
                ExportFormat::Ihtc {
                    instance,
                    schedule,
                    out,
                },
        } => exit(crate::cli::ihtc::export(&instance, &schedule, &out)),
        Command::Score {
            format: ScoreFormat::Ihtc { instance, solution },
        } => exit(crate::cli::ihtc::score_cmd(&instance, &solution)),
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
            exit(crate::cli::ihtc::bench(
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
            crate::outln!("{}: {d}", f.display());
        }
        if errors > 0 {
            bad += 1;
        } else {
            crate::outln!(
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
    let (inst, file) = match crate::cli::batch::load_plan(instance, schedule) {
        Ok(x) => x,
        Err(code) => return exit(code),
    };
    let report = check::check(&inst, &file);
    for w in &report.warnings {
        crate::outln!("warning: {}: {}", w.rule, w.message);
    }
    for v in &report.violations {
        crate::outln!("violation: {}: {}", v.rule, v.message);
    }
    if report.is_ok() {
        crate::outln!(
            "ok: {} assignments, {} unscheduled, objective {} (recomputed {})",
            file.assignments.len(),
            file.unscheduled.len(),
            file.objective,
            report.recomputed_objective
        );
        ExitCode::SUCCESS
    } else {
        crate::outln!(
            "FAILED: {} violation(s); reported objective {}, recomputed {}",
            report.violations.len(),
            report.reported_objective,
            report.recomputed_objective
        );
        ExitCode::from(1)
    }
}

fn generate_cmd(a: &GenerateArgs) -> ExitCode {
    use crate::generate::{self, scenarios, Overrides, Params};
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
        crate::outln!(
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
            Some(inst) => all.push(crate::stats::compute(inst)),
            None => {
                bad += 1;
                for d in loaded.errors() {
                    eprintln!("{}: {d}", f.display());
                }
            }
        }
    }
    if all.len() > 1 {
        let total = crate::stats::aggregate(&all);
        all.push(total);
    }
    let text = if json {
        serde_json::to_string_pretty(&all).expect("stats serialise") + "\n"
    } else {
        all.iter().map(crate::stats::render).collect::<Vec<_>>().join("\n")
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
    use crate::io::csv;
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
    let v = crate::io::validate::validate(&imported.instance);
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
    if let Err(e) = io::write_atomic(out, &crate::generate::instance_json(&imported.instance)) {
        eprintln!("error: {}: cannot write: {e}", out.display());
        return ExitCode::from(1);
    }
    let i = &imported.instance;
    crate::outln!(
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
    use crate::io::csv;
    let text = match std::fs::read_to_string(instance) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: cannot read the instance: {e}", instance.display());
            return ExitCode::from(2);
        }
    };
    let file = match crate::io::json::parse::<crate::io::instance::InstanceFile>(&text) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "error: {}: {e} (hint: `rebook validate` explains every problem)",
                instance.display()
            );
            return ExitCode::from(2);
        }
    };
    match csv::export_dir(&file, out) {
        Ok(()) => {
            crate::outln!(
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
