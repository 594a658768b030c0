//! `rebook bench ihtc`: the options and the printed table of the IHTC-2024 benchmark (the runner
//! itself is [`crate::bench::ihtc`]).

use super::error::{CliError, Outcome};
use super::input::read_text;
use crate::bench::ihtc::{self, BenchRow};
use crate::strategy::{self, SolveOptions};
use clap::Subcommand;
use std::path::PathBuf;

/// The benchmark suites.
#[derive(Subcommand)]
pub enum BenchSuite {
    /// Solve IHTC-2024 instances with the MIP and compare with the best-known surgical costs.
    Ihtc(BenchIhtcArgs),
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
}

/// Runs `rebook bench <suite>`.
pub fn bench(suite: &BenchSuite) -> Result<Outcome, CliError> {
    match suite {
        BenchSuite::Ihtc(args) => bench_ihtc(args),
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
