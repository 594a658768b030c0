//! Operability (issue 14, item 6): log lines on stderr only (`-v`, `-q`, `RUST_LOG`), HiGHS's own
//! log with `--solver-log`, `rebook --version`, and CSV outputs a spreadsheet cannot run as
//! formulas while ids still round-trip through rebook.

mod common;

use common::{rebook, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn kent() -> PathBuf {
    root().join("instances/kent-2016-04")
}

fn medway() -> PathBuf {
    kent().join("medway-RPA.json")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The log lines of the fmt layer carry their level in capitals after the uptime.
fn has_log_line(stderr: &str) -> bool {
    stderr.lines().any(|l| {
        [" TRACE ", " DEBUG ", " INFO ", " WARN ", " ERROR "]
            .iter()
            .any(|lvl| l.contains(lvl))
    })
}

#[test]
fn version_names_rebook_and_the_highs_linked_in() {
    let out = rebook().arg("--version").output().unwrap();
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("rebook {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    let highs = lines.next().unwrap_or_default();
    let version = highs.strip_prefix("HiGHS ").unwrap_or_else(|| panic!("{stdout}"));
    let numbers: Vec<&str> = version.split(' ').next().unwrap().split('.').collect();
    assert_eq!(numbers.len(), 3, "{stdout}");
    assert!(numbers.iter().all(|n| n.parse::<u32>().is_ok()), "{stdout}");
    // -V says the same.
    let short = rebook().arg("-V").output().unwrap();
    assert_eq!(text(&short.stdout), stdout);
}

#[test]
fn verbose_logs_go_to_stderr_never_to_stdout_or_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = rebook()
        .args(["-vv", "solve", "-s", "fifo", "-j", "1", "-o"])
        .arg(dir.path())
        .arg(kent())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    for event in [
        "DEBUG",
        "rebook started",
        "instance read and validated",
        "procedures=91",
        "trust started",
        "trust finished",
        "status=solved",
        "written",
        "summary.csv",
    ] {
        assert!(stderr.contains(event), "no {event:?} on stderr:\n{stderr}");
    }
    assert!(!has_log_line(&stdout), "log lines on stdout:\n{stdout}");
    assert!(stdout.contains("total"), "the table is still on stdout:\n{stdout}");
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let written = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!has_log_line(&text(&written)));
    }
}

#[test]
fn quiet_hides_progress_and_log_lines_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let run = |flags: &[&str], sub: &[&str]| {
        let out = rebook()
            .args(flags)
            .arg("solve")
            .args(sub)
            .args(["-s", "fifo", "-o"])
            .arg(dir.path())
            .arg(kent())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stderr)
    };
    // Without -q, progress lines (stderr is not a terminal here).
    assert!(run(&[], &[]).contains("[1/4]"));
    for (flags, sub) in [(&["-q"][..], &[][..]), (&[], &["-q"]), (&["--quiet"], &[])] {
        let stderr = run(flags, sub);
        assert!(!stderr.contains("[1/4]"), "{flags:?} {sub:?}: {stderr}");
        assert!(!has_log_line(&stderr), "{flags:?} {sub:?}: {stderr}");
        assert!(
            stderr.contains("4 of 4 trust(s) solved"),
            "the closing line stays: {stderr}"
        );
    }
    // -q with -v makes no sense: a usage error.
    rebook().args(["-q", "-v", "validate"]).arg(medway()).assert().code(2);
}

#[test]
fn rust_log_wins_over_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let run = |rust_log: &str, flags: &[&str]| {
        let out = rebook()
            .env("RUST_LOG", rust_log)
            .args(flags)
            .args(["solve", "-s", "fifo", "-o"])
            .arg(dir.path())
            .arg(medway())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stderr)
    };
    let stderr = run("rebook=info", &["-q"]);
    assert!(
        stderr.contains("trust finished") && !stderr.contains("DEBUG"),
        "{stderr}"
    );
    let stderr = run("off", &["-vvv"]);
    assert!(!has_log_line(&stderr), "{stderr}");
    // An empty RUST_LOG counts as unset: the flags decide.
    assert!(run("", &["-v"]).contains("trust finished"));
    // A RUST_LOG that is not a filter is named, and the flags decide.
    let stderr = run("rebook=loud", &["-v"]);
    assert!(
        stderr.contains("RUST_LOG=\"rebook=loud\" is not a log filter"),
        "{stderr}"
    );
    assert!(stderr.contains("trust finished"), "{stderr}");
}

#[test]
fn solver_log_holds_highs_own_log_prefixed_by_trust() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("highs.log");
    let out = rebook()
        .args(["solve", "-s", "mip", "--time-limit", "5", "--gap", "0.05", "-o"])
        .arg(dir.path().join("out"))
        .arg("--solver-log")
        .arg(&log)
        .arg(medway())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.lines().count() > 5, "{written}");
    for line in written.lines() {
        assert!(line.starts_with("RPA"), "a line without its trust: {line:?}");
    }
    // HiGHS's log is not on stdout or stderr.
    assert!(!text(&out.stdout).contains("Coefficient ranges"));
    assert!(!text(&out.stderr).contains("Coefficient ranges"));
}

#[test]
fn solver_log_that_cannot_be_created_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("no-such-folder/highs.log");
    let out_dir = dir.path().join("out");
    let out = rebook()
        .args(["solve", "-s", "fifo", "-o"])
        .arg(&out_dir)
        .arg("--solver-log")
        .arg(&log)
        .arg(medway())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--solver-log") && stderr.contains(&log.display().to_string()),
        "{stderr}"
    );
    assert!(!out_dir.exists(), "nothing is written after a usage error");
}

#[test]
fn every_command_that_runs_the_mip_takes_solver_log() {
    for command in [&["solve"][..], &["compare"], &["simulate"], &["bench", "ihtc"]] {
        let out = rebook().args(command).arg("--help").output().unwrap();
        assert!(text(&out.stdout).contains("--solver-log <FILE>"), "{command:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet-formula injection

/// Whether a spreadsheet would run `cell` as a formula: it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return (or a full-width `=`, `+`, `-`, `@`) and is not a plain number, nor a
/// lone sign (`-` or `+`: text to a spreadsheet, and rebook's "no value").
/// Written apart from rebook's own guard, so the test does not trust what it tests.
fn runs_as_formula(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    let trigger = "=+-@\t\r＝＋－＠".contains(first);
    let number = cell.parse::<f64>().is_ok() && cell.chars().any(|c| c.is_ascii_digit());
    trigger && !number && cell != "-" && cell != "+"
}

/// Every cell of a CSV file.
fn csv_cells(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn assert_no_formula(path: &Path) {
    for (n, row) in csv_cells(path).iter().enumerate() {
        for cell in row {
            assert!(
                !runs_as_formula(cell),
                "{} line {}: {cell:?} would run as a formula",
                path.display(),
                n + 1
            );
        }
    }
}

/// The Medway trust with every id starting with a character a spreadsheet runs: the trust `=`,
/// theatres `+`, surgeons `-`, sessions `@`, cases in turn `=`, `+`, `-`, `@`, `'=` and a
/// negative number; one patient and one surgeon's name a formula too. Every reference follows
/// its id (each id is replaced wherever the file holds it as a whole string).
fn formula_trust() -> (Value, BTreeMap<String, String>) {
    let mut inst: Value = serde_json::from_str(&std::fs::read_to_string(medway()).unwrap()).unwrap();
    let mut renamed = BTreeMap::new();
    renamed.insert(inst["trust"]["id"].as_str().unwrap().to_string(), "=RPA".to_string());
    for (list, prefix) in [("theatres", "+"), ("surgeons", "-"), ("sessions", "@")] {
        for item in inst[list].as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            renamed.insert(id.to_string(), format!("{prefix}{id}"));
        }
    }
    let case_prefixes = ["=", "+", "-", "@", "'="];
    for (i, item) in inst["procedures"].as_array().unwrap().iter().enumerate() {
        let id = item["id"].as_str().unwrap();
        let new = if i == 7 {
            "-42".to_string()
        } else {
            format!("{}{id}", case_prefixes[i % case_prefixes.len()])
        };
        renamed.insert(id.to_string(), new);
    }
    fn rename(v: &mut Value, renamed: &BTreeMap<String, String>) {
        match v {
            Value::String(s) => {
                if let Some(new) = renamed.get(s.as_str()) {
                    *s = new.clone();
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| rename(x, renamed)),
            Value::Object(map) => map.values_mut().for_each(|x| rename(x, renamed)),
            _ => {}
        }
    }
    rename(&mut inst, &renamed);
    inst["procedures"][0]["patient"] = Value::from("=HYPERLINK(\"http://evil\",\"click\")");
    inst["surgeons"][0]["name"] = Value::from("@SUM(1+1)*cmd|' /C calc'!A0");
    (inst, renamed)
}

/// A cell as rebook reads it back: one leading quote removed before a formula character or a
/// quote (docs/DECISIONS.md).
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| "=+-@\t\r＝＋－＠'".contains(c)) => rest,
        _ => cell,
    }
}

#[test]
fn a_trust_with_formula_ids_solves_and_no_csv_output_runs_as_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let (inst, renamed) = formula_trust();
    let input = dir.path().join("=cmd.json");
    std::fs::write(&input, serde_json::to_vec_pretty(&inst).unwrap()).unwrap();
    rebook().arg("validate").arg(&input).assert().success();

    let out = dir.path().join("out");
    rebook()
        .args(["compare", "--strategies", "fifo,priority", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let mut csvs = vec![out.join("comparison.csv")];
    for strategy in ["fifo", "priority"] {
        let plans: Vec<PathBuf> = std::fs::read_dir(out.join(strategy))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let assignments = plans
            .iter()
            .find(|p| p.to_string_lossy().ends_with(".assignments.csv"))
            .expect("an assignments CSV")
            .clone();
        let schedule = plans
            .iter()
            .find(|p| p.to_string_lossy().ends_with(".schedule.json"))
            .expect("a schedule");
        let schedule: Value = serde_json::from_str(&std::fs::read_to_string(schedule).unwrap()).unwrap();
        assert_eq!(schedule["trust"], "=RPA", "JSON keeps ids as they are");

        // The ids read back from the CSV (quote removed) are the schedule's, in order.
        let rows = csv_cells(&assignments);
        let header = &rows[0];
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let from_csv: Vec<(String, String, String)> = rows[1..]
            .iter()
            .map(|r| {
                (
                    unguarded(&r[col("trust")]).to_string(),
                    unguarded(&r[col("procedure")]).to_string(),
                    unguarded(&r[col("session")]).to_string(),
                )
            })
            .collect();
        let from_json: Vec<(String, String, String)> = schedule["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    "=RPA".to_string(),
                    a["procedure"].as_str().unwrap().to_string(),
                    a["session"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(from_json.len() > 10, "enough cases scheduled to mean something");
        assert_eq!(from_csv, from_json, "{strategy}");
        // The patient whose pseudonym is a formula is scheduled or not, but never live.
        assert!(rows.iter().flatten().all(|c| !c.starts_with("=HYPERLINK")));
        // The negative-number id stays a number in the CSV (data, not a formula).
        if from_json.iter().any(|(_, p, _)| p == "-42") {
            assert!(rows.iter().any(|r| r[col("procedure")] == "-42"));
        }
        csvs.push(assignments);
    }
    for csv in &csvs {
        assert_no_formula(csv);
    }
    // The summary's file name and trust columns are guarded too.
    let comparison = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(
        comparison.contains("'=cmd.json") && comparison.contains("'=RPA"),
        "{comparison}"
    );
    assert!(renamed.values().any(|id| id.starts_with("'=")));
}

#[test]
fn the_csv_folder_round_trip_gives_back_formula_ids_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (inst, _) = formula_trust();
    let input = dir.path().join("trust.json");
    std::fs::write(&input, serde_json::to_vec_pretty(&inst).unwrap()).unwrap();
    let folder = dir.path().join("csv");
    rebook()
        .args(["export", "csv"])
        .arg(&input)
        .arg("-o")
        .arg(&folder)
        .assert()
        .success();
    let mut tables = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            assert_no_formula(&path);
            tables += 1;
        }
    }
    assert!(tables >= 4, "{tables} tables");
    let back = dir.path().join("back.json");
    rebook()
        .args(["import", "csv"])
        .arg(&folder)
        .arg("-o")
        .arg(&back)
        .assert()
        .success();
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!(back, inst, "the instance read back from CSV is the one written");
}
