//! `rebook generate` (a batch of realistic instances from a seed) and `rebook stats` (the profile
//! of instances: case mix, waits, capacity against demand, rosters near their limits).

use super::error::{CliError, Outcome, Tally};
use crate::generate::{self, scenarios, Overrides, Params};
use crate::io;
use std::path::PathBuf;

/// Generate a batch of realistic instances (one file per trust), deterministic from the seed.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// Named scenario: kent-2016-04, national-2023-04, national-2024-01, small, stress (default: a custom batch
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

/// Profile instances or a batch: case mix, waits, capacity against demand, rosters near limits.
#[derive(clap::Args)]
pub struct StatsArgs {
    /// Instance files or directories of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The parameters: from `--params`, a `--scenario` or the defaults, then the options on top.
fn params(a: &GenerateArgs) -> Result<Params, CliError> {
    let mut params = if let Some(path) = &a.params {
        let text = super::input::read_text(path, "the parameters")?;
        io::json::parse::<Params>(&text).map_err(|source| CliError::BadParams {
            path: path.clone(),
            source,
        })?
    } else if let Some(name) = &a.scenario {
        scenarios::scenario(name).map_err(CliError::Generate)?
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
    generate::apply_overrides(&mut params, &overrides, custom).map_err(CliError::Generate)?;
    Ok(params)
}

/// Writes the batch into `--out` and lists its files on stdout (or, with `--show-params`, prints
/// the parameters and writes nothing).
pub fn generate(a: &GenerateArgs) -> Result<Outcome, CliError> {
    let params = params(a)?;
    if a.show_params {
        outln!(
            "{}",
            serde_json::to_string_pretty(&params).expect("parameters serialise")
        );
        return Ok(Outcome::Ok);
    }
    let (Some(seed), Some(out)) = (a.seed, &a.out) else {
        return Err(CliError::SeedAndOutNeeded);
    };
    let started = std::time::Instant::now();
    let files = generate::generate(&params, seed).map_err(CliError::Generate)?;
    let stale: Vec<PathBuf> = io::instance_paths(std::slice::from_ref(out))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !files.iter().any(|f| p.file_name().is_some_and(|n| *n == *f.file_name)))
        .collect();
    // Created here, so that a `--out` that cannot be created is told apart from a file that
    // cannot be written (bad input against a failure).
    std::fs::create_dir_all(out).map_err(|source| CliError::CreateDir {
        path: out.clone(),
        what: "directory",
        source,
    })?;
    generate::write_batch(out, &files).map_err(CliError::Generate)?;
    for f in &files {
        let i = &f.instance;
        outln!(
            "{}: trust {}, {} cases, {} sessions, {} surgeons, {} theatres",
            out.join(&f.file_name).display(),
            i.trust.id,
            i.procedures.len(),
            i.sessions.len(),
            i.surgeons.len(),
            i.theatres.len()
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
    Ok(Outcome::Ok)
}

/// Prints the profile of each valid file (and of all together when there are several), as text
/// or JSON; the invalid files' errors go to stderr.
pub fn stats(args: &StatsArgs) -> Result<Outcome, CliError> {
    let files = io::instance_paths(&args.paths).map_err(CliError::Paths)?;
    let mut all = Vec::new();
    let mut tally = Tally::default();
    for f in &files {
        let loaded = io::load_instance(f);
        match &loaded.instance {
            Some(inst) => all.push(crate::stats::compute(inst)),
            None => {
                tally.invalid += 1;
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
    let text = if args.json {
        serde_json::to_string_pretty(&all).expect("stats serialise") + "\n"
    } else {
        all.iter().map(crate::stats::render).collect::<Vec<_>>().join("\n")
    };
    super::output::stdout_text(&text);
    if tally.invalid > 0 {
        eprintln!(
            "{} of {} file(s) invalid (see `rebook validate`)",
            tally.invalid,
            files.len()
        );
    }
    Ok(tally.outcome())
}
