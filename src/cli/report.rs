//! `rebook report`: the plan of one trust as a self-contained HTML page, with the checker's
//! verdict on it (the page is written even for a plan that fails, and the exit code says so).

use super::error::{CliError, Outcome};
use super::input::load_plan;
use crate::io;
use std::path::{Path, PathBuf};

/// Write a plan as one self-contained HTML page: theatre timeline, surgeons' hours against the
/// limits, waits against the targets, unscheduled cases, printable operating lists.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// The instance file.
    instance: PathBuf,
    /// Its schedule (rebook-schedule/1).
    schedule: PathBuf,
    /// The HTML file to write (default: beside the schedule, `<name>.report.html`, where
    /// `<name>` is the schedule's file name without `.schedule.json` or `.json`).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Writes the page (its folder created if missing); [`Outcome::Failed`] when the plan fails the
/// checker.
pub fn report(args: &ReportArgs) -> Result<Outcome, CliError> {
    let (instance, schedule) = (args.instance.as_path(), args.schedule.as_path());
    let (inst, file) = load_plan(instance, schedule)?;
    let target = args.out.clone().unwrap_or_else(|| default_target(schedule));
    let verdict = crate::check::check(&inst, &file);
    let html = crate::report::plan_html_checked(&inst, &file, &verdict, &source_line(instance, schedule));
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| CliError::CreateDir {
            path: dir.to_path_buf(),
            what: "directory",
            source,
        })?;
    }
    io::write_atomic(&target, html.as_bytes()).map_err(|source| CliError::Write {
        path: target.clone(),
        what: "the report",
        source,
    })?;
    if verdict.is_ok() {
        eprintln!("report written to {}", target.display());
        Ok(Outcome::Ok)
    } else {
        eprintln!(
            "report written to {}; the plan FAILS the checker ({} violations: rebook check {} {})",
            target.display(),
            verdict.violations.len(),
            instance.display(),
            schedule.display()
        );
        Ok(Outcome::Failed)
    }
}

/// `<name>.report.html` beside the schedule, `<name>` its file name without `.schedule.json` or
/// `.json`.
fn default_target(schedule: &Path) -> PathBuf {
    let name = schedule
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".into());
    let stem = name
        .strip_suffix(".schedule.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name);
    schedule.with_file_name(format!("{stem}.report.html"))
}

/// The "source" line of a report: the instance and schedule file names (also for the pages
/// `rebook solve --report` writes, so both commands write the same page).
pub fn source_line(instance: &Path, schedule: &Path) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!("{} and {}", name(instance), name(schedule))
}
