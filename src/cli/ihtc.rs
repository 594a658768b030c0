//! The IHTC commands of the CLI: `import ihtc`, `export ihtc`, `score ihtc`, `bench ihtc`.
//! Each returns the process exit code (0 ok, 1 a result failed, 2 bad input).

use crate::bench::ihtc::{bench_one, geometric_mean, median, to_csv, BenchRow};
use crate::io::ihtc::score::score;
use crate::io::ihtc::{parse_instance, parse_solution, to_rebook, to_solution};
use crate::io::{self, safe_stem, write_atomic};
use crate::strategy::{self, SolveOptions};
use std::path::{Path, PathBuf};

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

/// IHTC instance files (a file or every `*.json` of a directory) → `rebook-instance/1` files in `out`.
pub fn import(path: &Path, out: &Path) -> i32 {
    let files = match crate::bench::ihtc::instance_files(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: {}: cannot create the directory: {e}", out.display());
        return 2;
    }
    let mut bad = 0;
    for f in &files {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or("instance");
        let result = read(f).and_then(|t| parse_instance(&t).map_err(|e| format!("{}: {e}", f.display())));
        let ihtc = match result {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: {e} (hint: is this an IHTC-2024 instance file?)");
                bad += 1;
                continue;
            }
        };
        let file = to_rebook(&ihtc, name);
        let validated = crate::io::validate::validate(&file);
        if let Some(d) = validated.diagnostics.iter().find(|d| d.is_error()) {
            eprintln!("error: {}: the projection is not a valid instance: {d}", f.display());
            bad += 1;
            continue;
        }
        let target = out.join(format!("{}.json", safe_stem(name)));
        let json = match serde_json::to_vec_pretty(&file) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                bad += 1;
                continue;
            }
        };
        if let Err(e) = write_atomic(&target, &json) {
            eprintln!("error: {}: cannot write: {e}", target.display());
            bad += 1;
            continue;
        }
        crate::outln!(
            "{} -> {} ({} cases, {} sessions)",
            f.display(),
            target.display(),
            file.procedures.len(),
            file.sessions.len()
        );
    }
    if bad > 0 {
        2
    } else {
        0
    }
}

/// A rebook schedule of an imported instance → an IHTC solution file (surgical part).
pub fn export(instance: &Path, schedule: &Path, out: &Path) -> i32 {
    let loaded = io::load_instance(instance);
    let Some(inst) = loaded.instance else {
        for d in loaded.errors() {
            eprintln!("{}: {d}", instance.display());
        }
        return 2;
    };
    let sched = match read(schedule).and_then(|t| {
        io::json::parse::<io::schedule::ScheduleFile>(&t).map_err(|e| format!("{}: {e}", schedule.display()))
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let report = crate::check::check(&inst, &sched);
    if !report.is_ok() {
        eprintln!(
            "error: {}: the schedule fails the checker ({}); not exported",
            schedule.display(),
            report.violations[0].message
        );
        return 1;
    }
    let ids: Vec<String> = inst.procedures.iter().map(|p| p.id.clone()).collect();
    let sol = to_solution(&sched, inst.horizon_start, &ids);
    let json = serde_json::to_vec_pretty(&sol).expect("an IHTC solution serialises");
    if let Err(e) = write_atomic(out, &json) {
        eprintln!("error: {}: cannot write: {e}", out.display());
        return 2;
    }
    crate::outln!("{} patients -> {}", sol.patients.len(), out.display());
    0
}

/// Prints the surgical cost of an IHTC solution; exit 1 when it breaks a surgical rule.
pub fn score_cmd(instance: &Path, solution: &Path) -> i32 {
    let inst = match read(instance).and_then(|t| parse_instance(&t).map_err(|e| format!("{}: {e}", instance.display())))
    {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let sol = match read(solution).and_then(|t| parse_solution(&t).map_err(|e| format!("{}: {e}", solution.display())))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let s = score(&inst, &sol);
    for v in &s.violations {
        crate::outln!("violation: {v}");
    }
    crate::outln!(
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
    if s.violations.is_empty() {
        0
    } else {
        1
    }
}

/// Solves every instance and prints the table; writes it as CSV to `out` when given.
/// `reference`: a file with reference values (the benchmark README's table), used for instances
/// without a reference solution.
pub fn bench(
    dir: &Path,
    solutions: Option<&Path>,
    reference: Option<&Path>,
    opts: &SolveOptions,
    out: Option<&Path>,
    jobs: usize,
) -> i32 {
    let reference = match reference.map(read).transpose() {
        Ok(text) => text
            .map(|t| crate::bench::ihtc::reference_values(&t))
            .unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let files = match crate::bench::ihtc::instance_files(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(mip) = strategy::by_name("mip") else {
        eprintln!("error: the mip strategy is not registered");
        return 2;
    };
    let run = |f: &PathBuf| {
        let mut row = bench_one(f, solutions, mip.as_ref(), opts);
        if row.best_known.is_none() {
            row.best_known = reference.get(&row.instance).copied();
            row.ratio = match (row.cost, row.best_known) {
                (Some(c), Some(b)) if b > 0 => Some(c as f64 / b as f64),
                (Some(_), Some(_)) => Some(1.0),
                _ => None,
            };
        }
        eprintln!("{}", line(&row));
        row
    };
    let rows: Vec<BenchRow> = match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool.install(|| {
            use rayon::prelude::*;
            files.par_iter().map(run).collect()
        }),
        Err(_) => files.iter().map(run).collect(),
    };
    crate::outln!("{}", header());
    for r in &rows {
        crate::outln!("{}", line(r));
    }
    let ratios: Vec<f64> = rows.iter().filter_map(|r| r.ratio).collect();
    let gaps: Vec<f64> = rows.iter().filter_map(|r| r.gap).collect();
    let at_or_below = ratios.iter().filter(|&&r| r <= 1.0 + 1e-12).count();
    crate::outln!(
        "{} instances; geometric-mean ratio to best-known {}; at or below best-known {at_or_below}/{}; median gap {}",
        rows.len(),
        geometric_mean(ratios.iter().copied()).map_or("-".into(), |g| format!("{g:.4}")),
        ratios.len(),
        median(gaps).map_or("-".into(), |g| format!("{:.2} %", g * 100.0)),
    );
    if let Some(out) = out {
        match to_csv(&rows)
            .map_err(|e| e.to_string())
            .and_then(|b| write_atomic(out, &b).map_err(|e| e.to_string()))
        {
            Ok(()) => crate::outln!("table written to {}", out.display()),
            Err(e) => {
                eprintln!("error: {}: {e}", out.display());
                return 2;
            }
        }
    }
    if rows.iter().any(|r| r.error.is_some()) {
        1
    } else {
        0
    }
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
