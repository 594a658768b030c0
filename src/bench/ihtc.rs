//! The IHTC-2024 benchmark runner behind `rebook bench ihtc`: solve IHTC instances with the MIP
//! and compare with best-known values (the command's options and table live in `cli/bench.rs`).
//!
//! Every solve goes through the whole chain a user would trust: IHTC file → `rebook-instance/1`
//! (validated) → MIP → independent checker → IHTC solution → the IHTC scorer. The scored cost must
//! equal the MIP's reported objective, or the row is marked as an error.

use crate::check;
use crate::io::ihtc::score::score;
use crate::io::ihtc::{parse_instance, parse_solution, to_rebook, to_solution};
use crate::io::validate::validate;
use crate::strategy::{SolveOptions, Strategy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One instance's row of the benchmark table.
#[derive(Debug, Clone, Serialize)]
pub struct BenchRow {
    /// The instance's name: its file name without `.json`.
    pub instance: String,
    /// Patients of the IHTC instance (cases of its projection).
    pub patients: usize,
    /// Mandatory patients (cases with a hard deadline).
    pub mandatory: usize,
    /// Days of the instance's horizon.
    pub days: i64,
    /// Operating theatres of the IHTC instance.
    pub theaters: usize,
    /// Surgeons of the IHTC instance.
    pub surgeons: usize,
    /// Our surgical cost (scored by the IHTC scorer), `None` on error.
    pub cost: Option<i64>,
    /// The solver's lower bound on the cost, cost points (none from a heuristic or on error).
    pub bound: Option<f64>,
    /// The solver's relative gap `(objective − bound) / objective`.
    pub gap: Option<f64>,
    /// The solver's status (`optimal`, `feasible`, `time_limit`, `heuristic`) once it returned a
    /// plan, `error` before that.
    pub status: String,
    /// Best-known surgical cost, scored from the reference solution when one is given.
    pub best_known: Option<i64>,
    /// `cost / best_known` (1 when the best known is 0); none without both.
    pub ratio: Option<f64>,
    /// Wall-clock seconds of the solve alone (not reading, checking or scoring).
    pub seconds: f64,
    /// Variables of the MIP (none for a heuristic).
    pub variables: Option<usize>,
    /// Constraints of the MIP (none for a heuristic).
    pub constraints: Option<usize>,
    /// What went wrong (unreadable file, invalid projection, solver error, checker or scorer
    /// disagreement); none when the row is good.
    pub error: Option<String>,
    /// The solver's notes (phases, rounds, time limits).
    pub notes: Vec<String>,
}

impl BenchRow {
    /// The row of instance `name` before anything is known of it: status `error`, no cost.
    pub fn new(name: &str) -> BenchRow {
        BenchRow {
            instance: name.to_string(),
            patients: 0,
            mandatory: 0,
            days: 0,
            theaters: 0,
            surgeons: 0,
            cost: None,
            bound: None,
            gap: None,
            status: "error".into(),
            best_known: None,
            ratio: None,
            seconds: 0.0,
            variables: None,
            constraints: None,
            error: None,
            notes: Vec::new(),
        }
    }

    /// Takes the best-known value from `reference` (the benchmark README's values) when no
    /// reference solution gave one, and the ratio with it.
    pub fn with_reference(mut self, reference: &BTreeMap<String, i64>) -> BenchRow {
        if self.best_known.is_none() {
            self.best_known = reference.get(&self.instance).copied();
            self.ratio = match (self.cost, self.best_known) {
                (Some(c), Some(b)) if b > 0 => Some(c as f64 / b as f64),
                (Some(_), Some(_)) => Some(1.0),
                _ => None,
            };
        }
        self
    }
}

/// Runs `solve_one` on every file, `jobs` at a time (1 = one after the other, the benchmark's
/// condition), calling `on_row` as each row is done. Each solve runs isolated as a batch task
/// ([`crate::batch::isolated`]): a panic becomes that instance's error row and the others go on.
/// Rows come back in the order of `files`.
pub fn run<S, R>(files: &[PathBuf], jobs: usize, solve_one: S, on_row: R) -> Vec<BenchRow>
where
    S: Fn(&Path) -> BenchRow + Sync,
    R: Fn(&BenchRow) + Sync,
{
    let one = |f: &PathBuf| {
        let row = crate::batch::isolated(|| solve_one(f)).unwrap_or_else(|panic| {
            let mut row = BenchRow::new(&stem(f));
            row.error = Some(format!(
                "internal error (panic): {panic} — please report it with this instance"
            ));
            row
        });
        on_row(&row);
        row
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool.install(|| {
            use rayon::prelude::*;
            files.par_iter().map(one).collect()
        }),
        Err(_) => files.iter().map(one).collect(),
    }
}

/// What a benchmark run adds up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Rows in the run, errors included.
    pub instances: usize,
    /// Rows with a ratio to a best-known value.
    pub with_ratio: usize,
    /// Rows at or below their best-known value.
    pub at_or_below: usize,
    /// Geometric mean of the ratios to best-known.
    pub geometric_mean_ratio: Option<f64>,
    /// Median of the gaps the solver reported.
    pub median_gap: Option<f64>,
}

/// Totals the rows of a run.
pub fn summarise(rows: &[BenchRow]) -> Summary {
    let ratios: Vec<f64> = rows.iter().filter_map(|r| r.ratio).collect();
    let gaps: Vec<f64> = rows.iter().filter_map(|r| r.gap).collect();
    Summary {
        instances: rows.len(),
        with_ratio: ratios.len(),
        at_or_below: ratios.iter().filter(|&&r| r <= 1.0 + 1e-12).count(),
        geometric_mean_ratio: geometric_mean(ratios.iter().copied()),
        median_gap: median(gaps),
    }
}

/// The instance files of a directory (or one file), sorted by name.
pub fn instance_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: cannot list the directory: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no .json IHTC instance in it", path.display()));
    }
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("instance")
        .to_string()
}

/// The reference solution of `name` in `dir`: `sol_<name>.json` or `<name>.json`.
fn reference(dir: &Path, name: &str) -> Option<PathBuf> {
    [format!("sol_{name}.json"), format!("{name}.json")]
        .into_iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// Solves one IHTC instance file with `strategy`.
pub fn bench_one(path: &Path, solutions: Option<&Path>, strategy: &dyn Strategy, opts: &SolveOptions) -> BenchRow {
    let name = stem(path);
    let mut row = BenchRow::new(&name);
    let fail = |mut row: BenchRow, e: String| {
        row.error = Some(e);
        row
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(row, format!("{}: {e}", path.display())),
    };
    let ihtc = match parse_instance(&text) {
        Ok(i) => i,
        Err(e) => return fail(row, format!("{}: {e}", path.display())),
    };
    row.patients = ihtc.patients.len();
    row.mandatory = ihtc.patients.iter().filter(|p| p.mandatory).count();
    row.days = ihtc.days;
    row.theaters = ihtc.operating_theaters.len();
    row.surgeons = ihtc.surgeons.len();
    if let Some(dir) = solutions {
        if let Some(sol_path) = reference(dir, &name) {
            match std::fs::read_to_string(&sol_path)
                .map_err(|e| e.to_string())
                .and_then(|t| parse_solution(&t))
            {
                Ok(sol) => {
                    let sc = score(&ihtc, &sol);
                    if sc.violations.is_empty() {
                        row.best_known = Some(sc.total);
                    } else {
                        row.error = Some(format!(
                            "reference solution {} breaks the surgical rules: {}",
                            sol_path.display(),
                            sc.violations[0]
                        ));
                    }
                }
                Err(e) => row.error = Some(format!("{}: {e}", sol_path.display())),
            }
        }
    }
    let file = to_rebook(&ihtc, &name);
    let validated = validate(&file);
    let Some(inst) = validated.instance else {
        let first = validated
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string());
        return fail(row, format!("the projection is invalid: {}", first.unwrap_or_default()));
    };
    let t0 = std::time::Instant::now();
    let sol = match strategy.solve(&inst, opts) {
        Ok(s) => s,
        Err(e) => {
            row.seconds = t0.elapsed().as_secs_f64();
            return fail(row, e.to_string());
        }
    };
    row.seconds = t0.elapsed().as_secs_f64();
    row.bound = sol.solver.bound;
    row.gap = sol.solver.gap;
    row.variables = sol.solver.variables;
    row.constraints = sol.solver.constraints;
    row.notes = sol.solver.notes.clone();
    row.status = serde_json::to_value(sol.solver.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let schedule = crate::io::schedule::to_file(&inst, strategy.name(), &sol, serde_json::Value::Null);
    let report = check::check(&inst, &schedule);
    if !report.is_ok() {
        return fail(
            row,
            format!("the plan fails the checker: {}", report.violations[0].message),
        );
    }
    let ids: Vec<String> = inst.procedures.iter().map(|p| p.id.clone()).collect();
    let exported = to_solution(&schedule, inst.horizon_start, &ids);
    let sc = score(&ihtc, &exported);
    if !sc.violations.is_empty() {
        return fail(
            row,
            format!("the exported solution breaks the surgical rules: {}", sc.violations[0]),
        );
    }
    if sc.total != schedule.objective {
        return fail(
            row,
            format!(
                "IHTC scorer says {} but the plan's objective is {}",
                sc.total, schedule.objective
            ),
        );
    }
    row.cost = Some(sc.total);
    row.ratio = row
        .best_known
        .map(|b| if b == 0 { 1.0 } else { sc.total as f64 / b as f64 });
    row
}

/// Geometric mean of the ratios present.
pub fn geometric_mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values {
        if v > 0.0 {
            sum += v.ln();
            n += 1;
        }
    }
    (n > 0).then(|| (sum / n as f64).exp())
}

/// Median of the values present.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The table as CSV.
pub fn to_csv(rows: &[BenchRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::io::spreadsheet::CsvWriter::in_memory();
    w.write_record([
        "instance",
        "patients",
        "mandatory",
        "days",
        "theaters",
        "surgeons",
        "cost",
        "bound",
        "gap",
        "status",
        "best_known",
        "ratio",
        "seconds",
        "variables",
        "constraints",
        "error",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        w.write_record([
            r.instance.clone(),
            r.patients.to_string(),
            r.mandatory.to_string(),
            r.days.to_string(),
            r.theaters.to_string(),
            r.surgeons.to_string(),
            opt(r.cost.map(|c| c.to_string())),
            opt(r.bound.map(|b| format!("{b:.0}"))),
            opt(r.gap.map(|g| format!("{g:.4}"))),
            r.status.clone(),
            opt(r.best_known.map(|b| b.to_string())),
            opt(r.ratio.map(|x| format!("{x:.4}"))),
            format!("{:.2}", r.seconds),
            opt(r.variables.map(|v| v.to_string())),
            opt(r.constraints.map(|v| v.to_string())),
            opt(r.error.clone()),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The reference values of the benchmark README: the `| i01 | 3510 |` table cells, the
/// `test01–10 (...): v, v, …` line and the `small01–09 optimum: v, …` line.
pub fn reference_values(readme: &str) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        for pair in cells.windows(2) {
            if let (Some(name), Ok(v)) = (pair[0].strip_prefix('i'), pair[1].parse::<i64>()) {
                if name.len() == 2 && name.chars().all(|c| c.is_ascii_digit()) {
                    out.insert(format!("i{name}"), v);
                }
            }
        }
        for (prefix, family) in [("test01", "test"), ("small01", "small")] {
            if line.starts_with(prefix) {
                if let Some((_, values)) = line.split_once(':') {
                    let values: Vec<i64> = values
                        .split(',')
                        .filter_map(|v| v.trim().trim_end_matches('.').parse().ok())
                        .collect();
                    for (i, v) in values.into_iter().enumerate() {
                        out.insert(format!("{family}{:02}", i + 1), v);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_solve_is_an_error_row_and_the_others_go_on() {
        let files = [PathBuf::from("a/first.json"), PathBuf::from("a/second.json")];
        let seen = std::sync::Mutex::new(Vec::new());
        let rows = run(
            &files,
            2,
            |path| {
                if path.ends_with("first.json") {
                    panic!("boom");
                }
                let mut row = BenchRow::new(&stem(path));
                row.cost = Some(7);
                row
            },
            |row| seen.lock().unwrap().push(row.instance.clone()),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].instance, "first");
        assert_eq!(rows[0].status, "error");
        assert!(
            rows[0].error.as_deref().unwrap().contains("boom"),
            "{:?}",
            rows[0].error
        );
        assert_eq!((rows[1].instance.as_str(), rows[1].cost), ("second", Some(7)));
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn reference_values_fill_in_only_what_no_solution_gave() {
        let reference = BTreeMap::from([("i01".to_string(), 200)]);
        let mut row = BenchRow::new("i01");
        row.cost = Some(100);
        let row = row.with_reference(&reference);
        assert_eq!((row.best_known, row.ratio), (Some(200), Some(0.5)));
        let mut row = BenchRow::new("i01");
        row.best_known = Some(100);
        assert_eq!(row.with_reference(&reference).best_known, Some(100));
    }
}
