//! The format commands: `rebook import` and `rebook export` (the CSV folder people edit, IHTC-2024
//! instances and solutions) and `rebook score` (the IHTC surgical cost of a solution).

use super::error::{CliError, Outcome, Tally};
use super::input::{load_plan, read_text};
use crate::io::ihtc::score::score;
use crate::io::ihtc::{parse_instance, parse_solution, to_rebook, to_solution};
use crate::io::{self, csv, safe_stem, write_atomic};
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// The formats `rebook import` reads.
#[derive(Subcommand)]
pub enum ImportFormat {
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

/// The formats `rebook export` writes.
#[derive(Subcommand)]
pub enum ExportFormat {
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

/// The formats `rebook score` scores.
#[derive(Subcommand)]
pub enum ScoreFormat {
    /// The surgical cost of an IHTC-2024 solution (delay, unscheduled optional, open theaters,
    /// surgeon transfers), checked against the surgical rules; exit 1 when it breaks one.
    Ihtc {
        /// The IHTC instance file.
        instance: PathBuf,
        /// The IHTC solution file.
        solution: PathBuf,
    },
}

/// Runs `rebook import <format>`.
pub fn import(format: &ImportFormat) -> Result<Outcome, CliError> {
    match format {
        ImportFormat::Csv { dir, out } => import_csv(dir, out),
        ImportFormat::Ihtc { path, out } => import_ihtc(path, out),
    }
}

/// Runs `rebook export <format>`.
pub fn export(format: &ExportFormat) -> Result<Outcome, CliError> {
    match format {
        ExportFormat::Csv { instance, out } => export_csv(instance, out),
        ExportFormat::Ihtc {
            instance,
            schedule,
            out,
        } => export_ihtc(instance, schedule, out),
    }
}

/// Runs `rebook score <format>`.
pub fn score_cmd(format: &ScoreFormat) -> Result<Outcome, CliError> {
    match format {
        ScoreFormat::Ihtc { instance, solution } => score_ihtc(instance, solution),
    }
}

/// The CSV folder → a validated instance file; every diagnostic on stderr, located in the CSV files.
fn import_csv(dir: &Path, out: &Path) -> Result<Outcome, CliError> {
    let imported = csv::import_dir(dir).map_err(|problems| CliError::CsvProblems {
        dir: dir.to_path_buf(),
        problems,
    })?;
    let v = io::validate::validate(&imported.instance);
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
        return Err(CliError::InvalidImport);
    }
    write_atomic(out, &io::json::pretty(&imported.instance)).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        what: "",
        source,
    })?;
    let i = &imported.instance;
    outln!(
        "{}: trust {}, {} cases, {} sessions, {} surgeons, {} theatres",
        out.display(),
        i.trust.id,
        i.procedures.len(),
        i.sessions.len(),
        i.surgeons.len(),
        i.theatres.len()
    );
    Ok(Outcome::Ok)
}

/// An instance file → the CSV folder, all files or none.
fn export_csv(instance: &Path, out: &Path) -> Result<Outcome, CliError> {
    let text = read_text(instance, "the instance")?;
    let file = io::json::parse::<io::instance::InstanceFile>(&text).map_err(|source| CliError::NotAnInstance {
        path: instance.to_path_buf(),
        source,
    })?;
    // In three steps rather than `csv::export_dir`, so that a folder that cannot be created (bad
    // input) is told apart from a file that cannot be written (a failure), and nothing is
    // created for an instance CSV cannot hold.
    let files = csv::export_files(&file).map_err(|problems| CliError::NotRepresentable {
        path: instance.to_path_buf(),
        problems,
    })?;
    std::fs::create_dir_all(out).map_err(|source| CliError::CreateDir {
        path: out.to_path_buf(),
        what: "directory",
        source,
    })?;
    let pairs: Vec<(PathBuf, Vec<u8>)> = files.into_iter().map(|(name, bytes)| (out.join(name), bytes)).collect();
    io::write_all_or_nothing(&pairs).map_err(|(i, source)| CliError::Write {
        path: pairs[i].0.clone(),
        what: "",
        source,
    })?;
    outln!(
        "{}: settings.json and 5 CSV files for trust {}",
        out.display(),
        file.trust.id
    );
    Ok(Outcome::Ok)
}

/// An IHTC instance file and its parse, or why not.
fn read_ihtc_instance(path: &Path) -> Result<crate::io::ihtc::IhtcInstance, CliError> {
    let text = read_text(path, "")?;
    parse_instance(&text).map_err(|e| CliError::NotIhtc {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// IHTC instance files (a file or every `*.json` of a folder) → `rebook-instance/1` files in
/// `out`. A file that cannot be imported is reported and skipped; the others are written.
fn import_ihtc(path: &Path, out: &Path) -> Result<Outcome, CliError> {
    let files = crate::bench::ihtc::instance_files(path).map_err(CliError::Paths)?;
    std::fs::create_dir_all(out).map_err(|source| CliError::CreateDir {
        path: out.to_path_buf(),
        what: "directory",
        source,
    })?;
    let mut tally = Tally::default();
    for f in &files {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or("instance");
        let ihtc = match read_ihtc_instance(f) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: {e} (hint: is this an IHTC-2024 instance file?)");
                tally.invalid += 1;
                continue;
            }
        };
        let file = to_rebook(&ihtc, name);
        let validated = io::validate::validate(&file);
        if let Some(d) = validated.diagnostics.iter().find(|d| d.is_error()) {
            eprintln!("error: {}: the projection is not a valid instance: {d}", f.display());
            tally.invalid += 1;
            continue;
        }
        let target = out.join(format!("{}.json", safe_stem(name)));
        let written = serde_json::to_vec_pretty(&file)
            .map_err(std::io::Error::other)
            .and_then(|json| write_atomic(&target, &json));
        if let Err(source) = written {
            let e = CliError::Write {
                path: target,
                what: "",
                source,
            };
            eprintln!("error: {e}");
            tally.failed += 1;
            continue;
        }
        outln!(
            "{} -> {} ({} cases, {} sessions)",
            f.display(),
            target.display(),
            file.procedures.len(),
            file.sessions.len()
        );
    }
    Ok(tally.outcome())
}

/// A rebook schedule of an imported instance → an IHTC solution file (the surgical part), only
/// when the schedule passes the checker.
fn export_ihtc(instance: &Path, schedule: &Path, out: &Path) -> Result<Outcome, CliError> {
    let (inst, sched) = load_plan(instance, schedule)?;
    let report = crate::check::check(&inst, &sched);
    if let Some(first) = report.violations.first() {
        return Err(CliError::FailsChecker {
            path: schedule.to_path_buf(),
            first: first.message.clone(),
        });
    }
    let ids: Vec<String> = inst.procedures.iter().map(|p| p.id.clone()).collect();
    let sol = to_solution(&sched, inst.horizon_start, &ids);
    let json = serde_json::to_vec_pretty(&sol).expect("an IHTC solution serialises");
    write_atomic(out, &json).map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        what: "",
        source,
    })?;
    outln!("{} patients -> {}", sol.patients.len(), out.display());
    Ok(Outcome::Ok)
}

/// Prints the surgical cost of an IHTC solution; [`Outcome::Failed`] when it breaks a surgical
/// rule.
fn score_ihtc(instance: &Path, solution: &Path) -> Result<Outcome, CliError> {
    let inst = read_ihtc_instance(instance)?;
    let text = read_text(solution, "")?;
    let sol = parse_solution(&text).map_err(|e| CliError::NotIhtc {
        path: solution.to_path_buf(),
        message: e.to_string(),
    })?;
    let s = score(&inst, &sol);
    for v in &s.violations {
        outln!("violation: {v}");
    }
    outln!(
        "surgical cost {} = delay {} ({} days) + unscheduled optional {} ({}) + open theaters {} ({}) + surgeon transfers {} ({})",
        s.total,
        s.delay,
        s.delay_days,
        s.unscheduled_optional,
        s.unscheduled_count,
        s.open_theaters,
        s.open_count,
        s.surgeon_transfers,
        s.transfer_count
    );
    Ok(if s.violations.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}
