//! How a command ends: an [`Outcome`] when it ran to its end (problems met on the way, such as a
//! trust that failed in a batch, were printed as they came), a [`CliError`] when it stopped early.
//! `cli/mod.rs` turns both into what the user reads and the process exit code, in one place.

use crate::generate::GenerateError;
use crate::io::csv::Problem;
use crate::io::json::JsonError;
use crate::io::validate::Diagnostic;
use std::path::PathBuf;

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything valid, solved, written and passed (warnings may have been printed).
    Ok,
    /// Some work failed: a run, a plan the checker rejects, an output that could not be written.
    Failed,
    /// Some input was invalid, and nothing failed.
    BadInput,
    /// The run was stopped (Ctrl-C, SIGTERM) before all its work was done; what was finished
    /// was written.
    Interrupted,
}

/// The failures of a command that goes on after one (a batch of trusts, a list of files), for its
/// [`Outcome`]: an interruption outweighs a failure, which outweighs an invalid input, which
/// outweighs success.
#[derive(Debug, Default)]
pub struct Tally {
    /// Inputs found invalid.
    pub invalid: usize,
    /// Runs or writes that failed.
    pub failed: usize,
    /// Runs not done because the run was stopped.
    pub interrupted: usize,
}

impl Tally {
    /// The worst that happened.
    pub fn outcome(&self) -> Outcome {
        if self.interrupted > 0 {
            Outcome::Interrupted
        } else if self.failed > 0 {
            Outcome::Failed
        } else if self.invalid > 0 {
            Outcome::BadInput
        } else {
            Outcome::Ok
        }
    }
}

/// Why a command stopped before its end. Each carries what the user needs to act on it; the
/// exit code of each is decided in `cli/mod.rs`.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The paths given do not name instance files (a missing path, an unlistable or empty folder).
    #[error("{0}")]
    Paths(String),
    /// The paths given hold no instance file at all.
    #[error("no instance files (*.json) in {paths}")]
    NoInstances {
        /// The paths given, comma-separated.
        paths: String,
    },
    /// A strategy name the registry does not know (clap checks the names first, so only a
    /// registry out of step with its own name list gets here).
    #[error("unknown strategy '{name}' (choose from: {})", crate::strategy::NAMES.join(", "))]
    UnknownStrategy {
        /// The name given.
        name: String,
    },
    /// No strategy left to run.
    #[error("no strategy given (choose from: {})", crate::strategy::NAMES.join(", "))]
    NoStrategy,
    /// An instance file that does not validate: its diagnostics (the errors are printed, one a line).
    #[error("{}: invalid instance ({} error(s))", path.display(), diagnostics.iter().filter(|d| d.is_error()).count())]
    InvalidInstance {
        /// The instance file.
        path: PathBuf,
        /// Every validation diagnostic of it, errors and warnings.
        diagnostics: Vec<Diagnostic>,
    },
    /// An input file that cannot be read.
    #[error("{}: cannot read{}: {source}", path.display(), spaced(what))]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file should hold (`the schedule`), or empty.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A schedule file that is not `rebook-schedule/1`.
    #[error("{}: not a rebook-schedule/1 file: {source} (hint: see SPEC.md section 5 for the schedule format)", path.display())]
    NotASchedule {
        /// The file.
        path: PathBuf,
        /// What the JSON parser found, located in the file.
        source: JsonError,
    },
    /// An instance file that is not `rebook-instance/1` JSON.
    #[error("{}: {source} (hint: `rebook validate` explains every problem)", path.display())]
    NotAnInstance {
        /// The file.
        path: PathBuf,
        /// What the JSON parser found, located in the file.
        source: JsonError,
    },
    /// Generator parameters that do not parse.
    #[error("{}: {source} (hint: start from `rebook generate --show-params`)", path.display())]
    BadParams {
        /// The `--params` file.
        path: PathBuf,
        /// What the JSON parser found, located in the file.
        source: JsonError,
    },
    /// `rebook generate` without `--seed` or `--out`.
    #[error("give --seed and --out")]
    SeedAndOutNeeded,
    /// The generator refused its parameters or failed.
    #[error(transparent)]
    Generate(GenerateError),
    /// An IHTC instance or solution that does not parse.
    #[error("{}: {message}", path.display())]
    NotIhtc {
        /// The IHTC instance or solution file.
        path: PathBuf,
        /// What the IHTC parser found.
        message: String,
    },
    /// A CSV folder that cannot be read as an instance: every problem (printed one a line).
    #[error("{} problem(s); nothing written", problems.len())]
    CsvProblems {
        /// The CSV folder.
        dir: PathBuf,
        /// Every problem found, each with its file, line and column.
        problems: Vec<Problem>,
    },
    /// A CSV folder that reads into an invalid instance (its diagnostics were printed).
    #[error("the instance is invalid; nothing written")]
    InvalidImport,
    /// Values of an instance that CSV cannot hold unchanged (printed one a line).
    #[error("{} value(s) cannot go to CSV unchanged; nothing written", problems.len())]
    NotRepresentable {
        /// The instance file being exported.
        path: PathBuf,
        /// Every value that cannot go to CSV unchanged.
        problems: Vec<Problem>,
    },
    /// A schedule that fails the independent checker, so it is not exported.
    #[error("{}: the schedule fails the checker ({first}); not exported", path.display())]
    FailsChecker {
        /// The schedule file.
        path: PathBuf,
        /// The first violation.
        first: String,
    },
    /// An output directory that cannot be created.
    #[error("{}: cannot create the {what}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// `output directory` (the `--out` of a batch) or `directory`.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An output file that cannot be written.
    #[error("{}: cannot write{}: {source}", path.display(), spaced(what))]
    Write {
        /// The file.
        path: PathBuf,
        /// What the file holds (`the report`), or empty.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `--shard` the batch engine's environment does not give, or that disagrees with it.
    #[error("{0}")]
    Shard(String),
    /// Shard outputs that cannot be merged: every problem (printed one a line).
    #[error("nothing merged: {} problem(s) (shards missing, overlapping, or of different runs)", problems.len())]
    CannotMerge {
        /// Every problem found, each naming its directory.
        problems: Vec<String>,
    },
    /// A bug: something the program should never meet.
    #[error("internal error: {0}")]
    Internal(String),
}

/// `" what"`, or nothing when `what` is empty.
fn spaced(what: &str) -> String {
    if what.is_empty() {
        String::new()
    } else {
        format!(" {what}")
    }
}
