//! The `rebook` command line, in one room: the top-level parser, one file per command family
//! (each owning its clap arguments and one function per command returning an [`Outcome`] or a
//! typed [`CliError`]), and, here, the one place that turns how a command ended into what the user
//! reads and the process exit code. Only this room prints; the library below it never does.
//!
//! Exit codes ([`OK`], [`FAILED`], [`BAD_INPUT`], [`INTERRUPTED`]):
//! - 0: everything valid, solved, written and passed (warnings may be printed);
//! - 1: something failed: a strategy found no plan, a plan failed the checker, an output file
//!   could not be written;
//! - 2: bad input or usage: an invalid or missing input file, an unknown option or strategy, an
//!   output directory that cannot be created;
//! - 130: a batch (`solve`, `compare`) was stopped by Ctrl-C or SIGTERM: the trusts finished
//!   were written, the others are `interrupted` in its summary (a second signal quits at once).
//!
//! A command that goes on after a problem (a batch of trusts, a list of files) reports the worst:
//! an interruption, then a failure, then bad input.

#[macro_use]
mod output;

mod bench;
mod convert;
mod error;
mod generate;
mod input;
mod logging;
mod merge;
mod progress;
mod report;
mod restrike;
mod signals;
mod simulate;
mod solve;
mod validate;
mod values;

pub use error::{CliError, Outcome, Tally};

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code: everything valid, solved, written and passed.
pub const OK: u8 = 0;
/// Exit code: a run failed, a plan failed the checker, or an output could not be written.
pub const FAILED: u8 = 1;
/// Exit code: bad input or usage (an invalid or missing input, a bad option, an output directory
/// that cannot be created). clap's own usage errors exit with it too.
pub const BAD_INPUT: u8 = 2;
/// Exit code: a batch was stopped by Ctrl-C (SIGINT) or SIGTERM, whichever signal (128 + SIGINT,
/// as a shell reports Ctrl-C): what was finished was written, the rest is `interrupted`.
pub const INTERRUPTED: u8 = 130;

/// Reschedules elective surgery cancelled by a strike, without pushing any surgeon past safe
/// working hours.
#[derive(Parser)]
#[command(name = "rebook", version = version_text(), about)]
struct Cli {
    /// More log lines on stderr: -v info (files read and written, each trust's result), -vv
    /// debug, -vvv trace. RUST_LOG, when set, wins (e.g. RUST_LOG=rebook=debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Errors only on stderr: no progress, no log lines but errors (`solve -q` and
    /// `simulate -q` mean the same). RUST_LOG, when set, wins for log lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The commands. A variant without a doc comment takes its help from its arguments' doc comment.
#[derive(Subcommand)]
enum Command {
    Validate(validate::ValidateArgs),
    Check(validate::CheckArgs),
    Solve(solve::SolveArgs),
    Compare(solve::CompareArgs),
    Merge(merge::MergeArgs),
    Report(report::ReportArgs),
    Restrike(Box<restrike::RestrikeArgs>),
    Simulate(Box<simulate::SimulateArgs>),
    Generate(Box<generate::GenerateArgs>),
    Stats(generate::StatsArgs),
    /// Read an instance written by people (a folder of CSV files) into instance JSON.
    Import {
        #[command(subcommand)]
        format: convert::ImportFormat,
    },
    /// Write an instance in a format for people (a folder of CSV files), or a schedule as an
    /// IHTC solution.
    Export {
        #[command(subcommand)]
        format: convert::ExportFormat,
    },
    /// Score a solution of a benchmark format.
    Score {
        #[command(subcommand)]
        format: convert::ScoreFormat,
    },
    /// Benchmarks: the MIP on the IHTC-2024 suite (`ihtc`), on generated trusts of growing size
    /// (`scale`), and what a solved batch adds up to (`batch`).
    Bench {
        #[command(subcommand)]
        suite: bench::BenchSuite,
    },
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.verbose, cli.quiet);
    tracing::debug!(
        version = env!("CARGO_PKG_VERSION"),
        args = ?std::env::args().skip(1).collect::<Vec<_>>(),
        "rebook started"
    );
    let ended = match &cli.command {
        Command::Validate(args) => validate::validate(args),
        Command::Check(args) => validate::check(args),
        // A batch keeps what it finished on Ctrl-C or SIGTERM; other commands stop the default way.
        Command::Solve(args) => solve::solve(args, &signals::install(INTERRUPTED)),
        Command::Compare(args) => solve::compare(args, &signals::install(INTERRUPTED)),
        Command::Merge(args) => merge::merge(args),
        Command::Report(args) => report::report(args),
        Command::Restrike(args) => restrike::restrike(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Generate(args) => generate::generate(args),
        Command::Stats(args) => generate::stats(args),
        Command::Import { format } => convert::import(format),
        Command::Export { format } => convert::export(format),
        Command::Score { format } => convert::score_cmd(format),
        Command::Bench { suite } => bench::bench(suite),
    };
    ExitCode::from(exit_code(ended))
}

/// What `rebook --version` prints after `rebook `: rebook's version, the git commit when the
/// build was given one (`REBOOK_GIT_COMMIT=$(git rev-parse --short HEAD) cargo build`; no build
/// script, so a clean clone without git builds too), and the HiGHS version linked in.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let commit = option_env!("REBOOK_GIT_COMMIT")
            .filter(|c| !c.trim().is_empty())
            .map(|c| format!(" (commit {})", c.trim()))
            .unwrap_or_default();
        format!(
            "{}{commit}\nHiGHS {}",
            env!("CARGO_PKG_VERSION"),
            crate::strategy::mip::highs_version()
        )
    })
}

/// The exit code of how a command ended, printing the error when it stopped early.
fn exit_code(ended: Result<Outcome, CliError>) -> u8 {
    match ended {
        Ok(Outcome::Ok) => OK,
        Ok(Outcome::Failed) => FAILED,
        Ok(Outcome::BadInput) => BAD_INPUT,
        Ok(Outcome::Interrupted) => INTERRUPTED,
        Err(e) => {
            print_error(&e);
            error_code(&e)
        }
    }
}

/// The exit code of each error: a missing or invalid input, an unknown name, an output directory
/// that cannot be created are bad input; a plan the checker rejects, an output file that cannot
/// be written and bugs are failures.
fn error_code(e: &CliError) -> u8 {
    match e {
        CliError::Paths(_)
        | CliError::NoInstances { .. }
        | CliError::UnknownStrategy { .. }
        | CliError::NoStrategy
        | CliError::InvalidInstance { .. }
        | CliError::Read { .. }
        | CliError::NotASchedule { .. }
        | CliError::NotAnInstance { .. }
        | CliError::BadParams { .. }
        | CliError::SeedAndOutNeeded
        | CliError::NotIhtc { .. }
        | CliError::CsvProblems { .. }
        | CliError::InvalidImport
        | CliError::NotRepresentable { .. }
        | CliError::CreateDir { .. }
        | CliError::Shard(_)
        | CliError::CannotMerge { .. } => BAD_INPUT,
        CliError::Generate(g) if g.is_bad_input() => BAD_INPUT,
        CliError::Generate(_) | CliError::FailsChecker { .. } | CliError::Write { .. } | CliError::Internal(_) => {
            FAILED
        }
    }
}

/// Prints an error on stderr: `error: <message>`, or for the errors that carry a list of
/// problems, each problem on its own line (located in its file) and then what it meant.
fn print_error(e: &CliError) {
    match e {
        CliError::InvalidInstance { path, diagnostics } => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}: {d}", path.display());
            }
        }
        CliError::CsvProblems { dir: path, problems } | CliError::NotRepresentable { path, problems } => {
            for p in problems {
                eprintln!("error: {}: {p}", path.display());
            }
            eprintln!("{e}");
        }
        CliError::CannotMerge { problems } => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!("{e}");
        }
        // Its diagnostics were printed as the import found them.
        CliError::InvalidImport => eprintln!("{e}"),
        _ => eprintln!("error: {e}"),
    }
}
