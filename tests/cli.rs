//! The `rebook` binary: exit codes (`rebook::cli::OK` 0, `FAILED` 1 a run, a check or a write
//! failed, `BAD_INPUT` 2 bad input or usage), outputs.

mod common;

use common::rebook;
use predicates::prelude::*;
use rebook::cli::{BAD_INPUT, FAILED, OK};

/// The exit code as `assert_cmd` compares it.
fn exit_code(c: u8) -> i32 {
    i32::from(c)
}

#[test]
fn validate_accepts_the_kent_batch_and_rejects_the_corpus() {
    rebook().args(["validate", "instances/kent-2016-04"]).assert().success();
    rebook()
        .args(["validate", "tests/warnings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[W201]"));
    rebook()
        .args(["validate", "tests/invalid/E106-overlapping-sessions.json"])
        .assert()
        .code(exit_code(BAD_INPUT))
        .stdout(predicate::str::contains("error[E106] at sessions[2]").and(predicate::str::contains("hint:")));
    rebook()
        .args(["validate", "tests/invalid"])
        .assert()
        .code(exit_code(BAD_INPUT));
    rebook()
        .args(["validate", "no/such/file.json"])
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn solve_writes_both_files_per_trust_and_a_table() {
    let out = tempfile::tempdir().unwrap();
    for strategy in ["fifo", "priority"] {
        rebook()
            .args(["solve", "instances/kent-2016-04", "--strategy", strategy, "--out"])
            .arg(out.path())
            .assert()
            .success()
            .stdout(predicate::str::contains("objective").and(predicate::str::contains("RPA")));
        for trust in ["RPA", "RN7"] {
            let json = out.path().join(format!("{trust}.schedule.json"));
            let csv = std::fs::read_to_string(out.path().join(format!("{trust}.assignments.csv"))).unwrap();
            assert!(
                csv.starts_with("trust,procedure,patient,specialty,priority,date,start,end,theatre,session,surgeon")
            );
            let instance = common::bundled_instances()
                .into_iter()
                .find(|p| p.to_str().unwrap().contains(trust))
                .unwrap();
            rebook()
                .arg("check")
                .arg(&instance)
                .arg(&json)
                .assert()
                .success()
                .stdout(predicate::str::starts_with("ok:"));
        }
    }
}

#[test]
fn check_exits_1_on_a_violation_and_names_the_rule() {
    rebook()
        .args([
            "check",
            "tests/fixtures/clock-change/instance.json",
            "tests/fixtures/clock-change/sunday-after-clocks-go-forward.fail-rule7.json",
        ])
        .assert()
        .code(exit_code(FAILED))
        .stdout(predicate::str::contains("violation: rule7: surgeon S2"));
    rebook()
        .args([
            "check",
            "tests/fixtures/roster-over-72h/instance.json",
            "tests/fixtures/roster-over-72h/outside-the-window.warn-rule8.json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning: rule8"));
}

#[test]
fn check_exits_2_on_unreadable_input() {
    rebook()
        .args([
            "check",
            "tests/invalid/E003-wrong-format.json",
            "tests/fixtures/pooled/owner-takes-pooled.ok.json",
        ])
        .assert()
        .code(exit_code(BAD_INPUT));
    rebook()
        .args([
            "check",
            "tests/fixtures/pooled/instance.json",
            "tests/fixtures/pooled/instance.json",
        ])
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("schedule"));
}

#[test]
fn solve_on_a_bad_file_writes_nothing_for_it_and_exits_2() {
    let out = tempfile::tempdir().unwrap();
    let batch = tempfile::tempdir().unwrap();
    std::fs::copy("instances/kent-2016-04/medway-RPA.json", batch.path().join("a.json")).unwrap();
    std::fs::copy(
        "tests/invalid/E101-duplicate-procedure-id.json",
        batch.path().join("b.json"),
    )
    .unwrap();
    rebook()
        .arg("solve")
        .arg(batch.path())
        .args(["--strategy", "priority", "--out"])
        .arg(out.path())
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("E101"));
    let written = common::file_names(out.path());
    // The bad file gets a row in the summary, and no plan.
    assert_eq!(
        written,
        [
            "RPA.assignments.csv",
            "RPA.schedule.json",
            "summary.csv",
            "summary.json"
        ]
    );
}

#[test]
fn unknown_strategy_is_a_usage_error() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("never");
    rebook()
        .args(["solve", "instances/kent-2016-04", "--strategy", "magic", "--out"])
        .arg(&out)
        .assert()
        .code(exit_code(BAD_INPUT))
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("'magic'")
                .and(predicate::str::contains("fifo"))
                .and(predicate::str::contains("priority"))
                .and(predicate::str::contains("mip")),
        );
    assert!(!out.exists(), "a usage error creates no output directory");
}

#[test]
fn exit_codes_are_the_documented_ones() {
    assert_eq!((OK, FAILED, BAD_INPUT), (0, 1, 2));
}

#[test]
fn compare_runs_each_strategy_once_whatever_the_list() {
    let out = tempfile::tempdir().unwrap();
    rebook()
        .args([
            "compare",
            "tests/fixtures/pooled/instance.json",
            "--strategies",
            "fifo, priority,fifo",
            "--quiet",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(exit_code(OK));
    let csv = std::fs::read_to_string(out.path().join("comparison.csv")).unwrap();
    // Header, one run and one total per strategy.
    assert_eq!(csv.lines().count(), 1 + 2 * 2, "{csv}");
    assert!(out.path().join("fifo").is_dir() && out.path().join("priority").is_dir());
}

/// An output file that cannot be written is a failure (1); an output directory that cannot be
/// created is bad input (2).
#[test]
fn a_failed_write_exits_1_and_an_impossible_directory_exits_2() {
    let instance = "tests/fixtures/pooled/instance.json";
    let schedule = "tests/fixtures/pooled/owner-takes-pooled.ok.json";
    let root = tempfile::tempdir().unwrap();
    // The target is a directory already (with a file in it): the folder exists, the write fails.
    let taken = root.path().join("taken.html");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), "x").unwrap();
    rebook()
        .args(["report", instance, schedule, "--out"])
        .arg(&taken)
        .assert()
        .code(exit_code(FAILED))
        .stderr(predicate::str::contains("cannot write the report"));
    // The CSV folder exists, but one of its files cannot be written: none is left behind.
    let folder = root.path().join("csv");
    std::fs::create_dir_all(folder.join("settings.json/taken")).unwrap();
    rebook()
        .args(["export", "csv", instance, "--out"])
        .arg(&folder)
        .assert()
        .code(exit_code(FAILED))
        .stderr(predicate::str::contains("cannot write"));
    assert_eq!(common::file_names(&folder), ["settings.json"]);
    rebook()
        .args(["export", "ihtc", instance, schedule, "--out"])
        .arg(&taken)
        .assert()
        .code(exit_code(FAILED))
        .stderr(predicate::str::contains("cannot write"));
    // The folder would have to be created inside a regular file.
    let file = root.path().join("file");
    std::fs::write(&file, "x").unwrap();
    rebook()
        .args(["report", instance, schedule, "--out"])
        .arg(file.join("sub/page.html"))
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("cannot create the directory"));
    rebook()
        .args(["export", "csv", instance, "--out"])
        .arg(file.join("csv"))
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("cannot create the directory"));
    rebook()
        .args(["generate", "--scenario", "small", "--seed", "1", "--out"])
        .arg(file.join("batch"))
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("cannot create the directory"));
    rebook()
        .args(["solve", instance, "--strategy", "fifo", "--quiet", "--out"])
        .arg(file.join("out"))
        .assert()
        .code(exit_code(BAD_INPUT))
        .stderr(predicate::str::contains("cannot create the output directory"));
}

/// A file that is not an IHTC instance becomes an error row of the table; the other instances
/// are solved and the run exits 1.
#[test]
fn bench_lists_a_broken_instance_as_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/ihtc/tiny.json", dir.path().join("a-tiny.json")).unwrap();
    std::fs::write(dir.path().join("b-broken.json"), "{\"days\": ").unwrap();
    let csv = dir.path().join("table.csv");
    let out = rebook()
        .args(["bench", "ihtc"])
        .arg(dir.path())
        .args(["--time-limit", "10", "--csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(exit_code(FAILED)), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        !row("a-tiny").is_empty() && !row("a-tiny").contains("error"),
        "{stdout}"
    );
    assert!(row("b-broken").contains("error:"), "{stdout}");
    assert!(stdout.contains("2 instances"), "{stdout}");
    let table = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(table.lines().count(), 3, "{table}");
}

#[test]
fn trust_ids_cannot_escape_the_output_directory() {
    let text = std::fs::read_to_string("tests/fixtures/pooled/instance.json").unwrap();
    let text = text.replace("\"id\": \"POOL\"", "\"id\": \"../../etc/evil\"");
    let batch = tempfile::tempdir().unwrap();
    std::fs::write(batch.path().join("evil.json"), text).unwrap();
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a/b");
    rebook()
        .arg("solve")
        .arg(batch.path())
        .args(["--strategy", "fifo", "--out"])
        .arg(&out)
        .assert()
        .success();
    let written = common::file_names(&out);
    assert_eq!(
        written,
        [
            format!("{}.assignments.csv", rebook::io::safe_stem("../../etc/evil")),
            format!("{}.schedule.json", rebook::io::safe_stem("../../etc/evil")),
            "summary.csv".into(),
            "summary.json".into(),
        ]
    );
    assert!(!root.path().join("etc").exists() && !root.path().join("a/etc").exists());
}

/// `rebook validate … | head -1`: a closed pipe ends the command quietly, without a panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rebook"))
        .args([
            "validate",
            "instances/kent-2016-04",
            "tests/warnings",
            "tests/fixtures/pooled/instance.json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}
