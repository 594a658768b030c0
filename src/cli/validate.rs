//! `rebook validate` (instance files: every problem, with its code and a hint) and `rebook check`
//! (a schedule against its instance, by the independent checker).

use super::error::{CliError, Outcome, Tally};
use super::input::load_plan;
use crate::check;
use crate::io;
use std::path::PathBuf;

/// Validate instance files (or directories of them): every problem, with its code and a hint.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Instance files or directories of `*.json` instances.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Check a schedule against its instance: every rule of SPEC.md section 3 and the objective.
#[derive(clap::Args)]
pub struct CheckArgs {
    instance: PathBuf,
    schedule: PathBuf,
}

/// Prints every diagnostic of every file on stdout, then how many files are invalid on stderr.
pub fn validate(args: &ValidateArgs) -> Result<Outcome, CliError> {
    let files = io::instance_paths(&args.paths).map_err(CliError::Paths)?;
    let mut tally = Tally::default();
    for f in &files {
        let loaded = io::load_instance(f);
        let errors = loaded.errors().count();
        let warnings = loaded.diagnostics.len() - errors;
        for d in &loaded.diagnostics {
            outln!("{}: {d}", f.display());
        }
        if errors > 0 {
            tally.invalid += 1;
        } else {
            outln!(
                "{}: ok ({} warning{})",
                f.display(),
                warnings,
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    if tally.invalid > 0 {
        eprintln!("{} of {} file(s) invalid", tally.invalid, files.len());
    }
    Ok(tally.outcome())
}

/// Prints the checker's warnings and violations, then its verdict; [`Outcome::Failed`] when the
/// plan breaks a rule.
pub fn check(args: &CheckArgs) -> Result<Outcome, CliError> {
    let (inst, file) = load_plan(&args.instance, &args.schedule)?;
    let report = check::check(&inst, &file);
    for w in &report.warnings {
        outln!("warning: {}: {}", w.rule, w.message);
    }
    for v in &report.violations {
        outln!("violation: {}: {}", v.rule, v.message);
    }
    if report.is_ok() {
        outln!(
            "ok: {} assignments, {} unscheduled, objective {} (recomputed {})",
            file.assignments.len(),
            file.unscheduled.len(),
            file.objective,
            report.recomputed_objective
        );
        Ok(Outcome::Ok)
    } else {
        outln!(
            "FAILED: {} violation(s); reported objective {}, recomputed {}",
            report.violations.len(),
            report.reported_objective,
            report.recomputed_objective
        );
        Ok(Outcome::Failed)
    }
}
