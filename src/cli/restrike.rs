//! `rebook restrike`: the re-planning instance after a further strike (SPEC.md section 8), for
//! one trust or a batch. This file reads the inputs, calls [`crate::restrike::restrike`] and
//! writes the result; the logic is in the library.

use super::error::{CliError, Outcome};
use super::input::read_text;
use crate::io::instance::{InstanceFile, ProcedureDto};
use crate::io::schedule::ScheduleFile;
use crate::io::{self, csv, safe_stem};
use crate::restrike::{self, Notified, Options, RestrikeError, Restruck, Strike};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Make the re-planning instance after a further strike (SPEC.md section 8) from the instance
/// solved, the plan published (rebook-schedule/1) and the strike: horizon from --today, cases
/// operated before it removed, every other booked case carrying its booking, lost lists removed
/// (their bookings void, their cases cancelled once more), new cases added. With folders, one
/// plan per trust (`<trust>.schedule.json` as `rebook solve` writes them) and one file per trust
/// written into --out. The result is validated first: nothing is written unless every trust
/// gives a valid instance.
#[derive(clap::Args)]
pub struct RestrikeArgs {
    /// The instance the plan was made for, or a folder of instances (batch).
    instance: PathBuf,
    /// The published plan (rebook-schedule/1), or the folder `rebook solve --out` wrote.
    plan: PathBuf,
    /// The morning the strike is announced (YYYY-MM-DD): the first day of the new horizon.
    #[arg(long, value_parser = date)]
    today: NaiveDate,
    /// The instance file to write; with folders, the folder to write into (created if missing).
    #[arg(long, short)]
    out: PathBuf,
    /// Weeks added after the published horizon: the last 7 days' lists (new ids) and the
    /// surgeons' fixed duties repeated week by week.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=40))]
    extend_weeks: u32,
    /// Which bookings were announced to the patients: all or none.
    #[arg(long, value_enum, default_value_t = NotifiedArg::All, conflicts_with = "notified_within")]
    notified: NotifiedArg,
    /// Only bookings dated before today + DAYS were announced.
    #[arg(long, value_name = "DAYS")]
    notified_within: Option<u32>,
    /// Sets rules.keep_notified_days: notified bookings dated before today + DAYS must be kept.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=366))]
    keep_notified_days: Option<i64>,
    /// The lists lost: a file of session ids, one a line (`#` starts a comment).
    #[arg(long, value_name = "FILE", conflicts_with = "strike_dates")]
    lost: Option<PathBuf>,
    /// Strike dates (comma-separated YYYY-MM-DD) on which --share of the lists are lost, drawn
    /// with --seed.
    #[arg(long, value_name = "DATES", value_delimiter = ',', value_parser = date, requires = "share")]
    strike_dates: Vec<NaiveDate>,
    /// The share of each strike date's lists lost, 0 to 1 (0.4 = 40 %).
    #[arg(long, value_parser = super::values::fraction, requires = "strike_dates")]
    share: Option<f64>,
    /// Seed of the draw of lost lists.
    #[arg(long, default_value_t = 2016)]
    seed: u64,
    /// Newly cancelled cases to add: an instance file of the trust, or a CSV file with the
    /// columns of procedures.csv; with folders, a folder of them (instances matched by trust id,
    /// CSV files by name: `<trust>.csv`).
    #[arg(long, value_name = "FILE")]
    new_cases: Option<PathBuf>,
}

/// `--notified`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NotifiedArg {
    /// Every patient was told the date.
    All,
    /// No patient was told yet.
    None,
}

/// A date option (`--today`, `--strike-dates`).
fn date(s: &str) -> Result<NaiveDate, String> {
    crate::model::time::parse_date(s.trim()).ok_or_else(|| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// Runs `rebook restrike`: a folder of instances is a batch.
pub fn restrike(args: &RestrikeArgs) -> Result<Outcome, CliError> {
    if args.instance.is_dir() {
        batch(args)
    } else {
        single(args)
    }
}

/// The options every trust shares (strike and new cases are added per trust).
fn options(args: &RestrikeArgs) -> Options {
    Options {
        today: args.today,
        extend_weeks: args.extend_weeks,
        notified: match (args.notified_within, args.notified) {
            (Some(days), _) => Notified::Within(days),
            (None, NotifiedArg::All) => Notified::All,
            (None, NotifiedArg::None) => Notified::None,
        },
        keep_notified_days: args.keep_notified_days,
        strike: match args.share {
            Some(share) => Strike::Draw {
                dates: args.strike_dates.clone(),
                share,
                seed: args.seed,
            },
            None => Strike::None,
        },
        new_cases: Vec::new(),
    }
}

/// An instance file parsed (not yet validated: [`restrike::restrike`] does that).
fn read_instance(path: &Path) -> Result<InstanceFile, CliError> {
    let text = read_text(path, "the instance")?;
    io::json::parse::<InstanceFile>(&text).map_err(|source| CliError::NotAnInstance {
        path: path.to_path_buf(),
        source,
    })
}

/// A schedule file parsed.
fn read_plan(path: &Path) -> Result<ScheduleFile, CliError> {
    let text = read_text(path, "the plan")?;
    io::json::parse::<ScheduleFile>(&text).map_err(|source| CliError::NotASchedule {
        path: path.to_path_buf(),
        source,
    })
}

/// The session ids of a `--lost` file: one a line, blanks and `#` comments ignored.
fn read_lost(path: &Path) -> Result<Vec<String>, CliError> {
    let text = read_text(path, "the lost lists")?;
    let mut ids: Vec<String> = Vec::new();
    for line in text.lines() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if !id.is_empty() && !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

/// New cases from a file: a CSV of procedures (by its `.csv` name) or an instance file, whose
/// trust must be `trust` (when given). Problems are printed; `None` then.
fn read_new_cases(path: &Path, trust: Option<&str>) -> Result<Option<Vec<ProcedureDto>>, CliError> {
    if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) {
        return match csv::import_procedures(path) {
            Ok(cases) => Ok(Some(cases)),
            Err(problems) => Err(CliError::CsvProblems {
                dir: path.to_path_buf(),
                problems,
            }),
        };
    }
    let file = read_instance(path)?;
    if let Some(trust) = trust.filter(|t| *t != file.trust.id) {
        eprintln!(
            "error: {}: new cases of trust '{}' cannot be added to trust '{trust}' (hint: give a file of the trust's own cases)",
            path.display(),
            file.trust.id
        );
        return Ok(None);
    }
    Ok(Some(file.procedures))
}

/// The file a refusal is about: the `--lost` file for lists it names, the `--new-cases` file for
/// clashing ids, else the instance.
fn culprit<'a>(args: &'a RestrikeArgs, instance: &'a Path, e: &RestrikeError) -> &'a Path {
    match (e, &args.lost, &args.new_cases) {
        (RestrikeError::Strike(_), Some(lost), _) => lost,
        (RestrikeError::IdClash(_), _, Some(new)) if new.is_file() => new,
        _ => instance,
    }
}

/// Prints why a trust gives no re-planning instance, with every diagnostic it carries.
fn print_refusal(what: &Path, e: &RestrikeError) {
    match e {
        RestrikeError::InvalidInstance(diagnostics) => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}: {d}", what.display());
            }
            eprintln!(
                "error: {}: {e} (hint: `rebook validate` explains every problem)",
                what.display()
            );
        }
        RestrikeError::Invalid(diagnostics) => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{} (re-planning instance): {d}", what.display());
            }
            eprintln!("error: {}: {e}; nothing written", what.display());
        }
        RestrikeError::Plan(problems) | RestrikeError::Strike(problems) => {
            for p in problems {
                eprintln!("error: {}: {p}", what.display());
            }
        }
        _ => eprintln!("error: {}: {e}", what.display()),
    }
}

/// Prints the warnings of a re-planning instance and its one-line summary.
fn print_made(made: &Restruck, today: NaiveDate, out: &Path) {
    for d in &made.warnings {
        eprintln!("{}: {d}", out.display());
    }
    outln!(
        "{} -> {}",
        restrike::summary_line(&made.instance.trust.id, today, &made.summary),
        out.display()
    );
}

/// One trust: INSTANCE PLAN → --out FILE.
fn single(args: &RestrikeArgs) -> Result<Outcome, CliError> {
    if args.plan.is_dir() {
        return Err(CliError::Paths(format!(
            "{}: a folder of plans goes with a folder of instances, not with the file {}",
            args.plan.display(),
            args.instance.display()
        )));
    }
    let file = read_instance(&args.instance)?;
    let plan = read_plan(&args.plan)?;
    let mut opts = options(args);
    if let Some(lost) = &args.lost {
        opts.strike = Strike::Lost(read_lost(lost)?);
    }
    if let Some(path) = &args.new_cases {
        match read_new_cases(path, Some(&file.trust.id))? {
            Some(cases) => opts.new_cases = cases,
            None => return Ok(Outcome::BadInput),
        }
    }
    let made = match restrike::restrike(&file, &plan, &opts) {
        Ok(made) => made,
        Err(e) => {
            print_refusal(culprit(args, &args.instance, &e), &e);
            return Ok(Outcome::BadInput);
        }
    };
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| CliError::CreateDir {
            path: dir.to_path_buf(),
            what: "directory",
            source,
        })?;
    }
    io::write_atomic(&args.out, &io::json::pretty(&made.instance)).map_err(|source| CliError::Write {
        path: args.out.clone(),
        what: "",
        source,
    })?;
    print_made(&made, args.today, &args.out);
    Ok(Outcome::Ok)
}

/// New cases for the trusts of a batch from a folder: instance files by trust id, CSV files by
/// name (`<trust>.csv`, the trust id as `rebook solve` names files). A file for no trust of the
/// batch is an error naming it.
fn batch_new_cases(dir: &Path, trusts: &[&str]) -> Result<Option<Vec<Vec<ProcedureDto>>>, CliError> {
    let mut out = vec![Vec::new(); trusts.len()];
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| CliError::Read {
            path: dir.to_path_buf(),
            what: "the new cases",
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut ok = true;
    for path in entries {
        let ext = path
            .extension()
            .and_then(|x| x.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let which = match ext.as_str() {
            "csv" => {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                trusts.iter().position(|t| safe_stem(t) == stem)
            }
            "json" => {
                let file = read_instance(&path)?;
                trusts.iter().position(|t| *t == file.trust.id)
            }
            _ => continue,
        };
        let Some(t) = which else {
            eprintln!(
                "error: {}: new cases for no trust of the batch (hint: name a CSV file <trust>.csv; an instance file by its trust.id)",
                path.display()
            );
            ok = false;
            continue;
        };
        match read_new_cases(&path, Some(trusts[t]))? {
            Some(cases) => out[t].extend(cases),
            None => ok = false,
        }
    }
    Ok(ok.then_some(out))
}

/// A batch: DIR PLANS_DIR → --out DIR, one file per trust with the instance's file name; all
/// trusts or nothing.
fn batch(args: &RestrikeArgs) -> Result<Outcome, CliError> {
    let paths = io::instance_paths(std::slice::from_ref(&args.instance)).map_err(CliError::Paths)?;
    if !args.plan.is_dir() {
        return Err(CliError::Paths(format!(
            "{}: with a folder of instances, give the folder of their plans",
            args.plan.display()
        )));
    }
    let files: Vec<InstanceFile> = paths.iter().map(|p| read_instance(p)).collect::<Result<_, _>>()?;
    let trusts: Vec<&str> = files.iter().map(|f| f.trust.id.as_str()).collect();
    let mut ok = true;
    let mut plans = Vec::new();
    for (path, f) in paths.iter().zip(&files) {
        let plan_path = args.plan.join(format!("{}.schedule.json", safe_stem(&f.trust.id)));
        if !plan_path.is_file() {
            eprintln!(
                "error: {}: no plan for trust {} in {} (hint: `rebook solve --out` writes {})",
                path.display(),
                f.trust.id,
                args.plan.display(),
                plan_path.display()
            );
            ok = false;
            continue;
        }
        plans.push(read_plan(&plan_path)?);
    }
    let lost = match &args.lost {
        Some(lost) => {
            let ids = read_lost(lost)?;
            let refs: Vec<&InstanceFile> = files.iter().collect();
            match restrike::lost_by_trust(&refs, &ids) {
                Ok(by_trust) => Some(by_trust),
                Err(e) => {
                    print_refusal(lost, &e);
                    return Ok(Outcome::BadInput);
                }
            }
        }
        None => None,
    };
    let new_cases = match &args.new_cases {
        Some(dir) if dir.is_dir() => batch_new_cases(dir, &trusts)?,
        Some(dir) => {
            return Err(CliError::Paths(format!(
                "{}: with a folder of instances, --new-cases is a folder of files (one per trust)",
                dir.display()
            )))
        }
        None => Some(vec![Vec::new(); files.len()]),
    };
    let Some(new_cases) = new_cases else {
        return Ok(Outcome::BadInput);
    };
    if !ok {
        return Ok(Outcome::BadInput);
    }
    let mut made = Vec::new();
    for (i, ((path, file), plan)) in paths.iter().zip(&files).zip(&plans).enumerate() {
        let mut opts = options(args);
        if let Some(lost) = &lost {
            opts.strike = Strike::Lost(lost[i].clone());
        }
        opts.new_cases = new_cases[i].clone();
        match restrike::restrike(file, plan, &opts) {
            Ok(m) => made.push((path, m)),
            Err(e) => {
                print_refusal(culprit(args, path, &e), &e);
                ok = false;
            }
        }
    }
    if !ok {
        eprintln!("nothing written: every trust must give a valid re-planning instance");
        return Ok(Outcome::BadInput);
    }
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::CreateDir {
        path: args.out.clone(),
        what: "output directory",
        source,
    })?;
    let pairs: Vec<(PathBuf, Vec<u8>)> = made
        .iter()
        .map(|(path, m)| {
            let name = path
                .file_name()
                .map_or_else(|| "instance.json".into(), |n| n.to_owned());
            (args.out.join(name), io::json::pretty(&m.instance))
        })
        .collect();
    io::write_all_or_nothing(&pairs).map_err(|(i, source)| CliError::Write {
        path: pairs[i].0.clone(),
        what: "",
        source,
    })?;
    for ((_, m), (out, _)) in made.iter().zip(&pairs) {
        print_made(m, args.today, out);
    }
    Ok(Outcome::Ok)
}
