//! The `rebook` binary: exit codes (0 ok, 1 a plan or check failed, 2 bad input), outputs.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn rebook() -> Command {
    Command::cargo_bin("rebook").unwrap()
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
        .code(2)
        .stdout(predicate::str::contains("error[E106] at sessions[2]").and(predicate::str::contains("hint:")));
    rebook().args(["validate", "tests/invalid"]).assert().code(2);
    rebook()
        .args(["validate", "no/such/file.json"])
        .assert()
        .code(2)
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
        .code(1)
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
        .code(2);
    rebook()
        .args([
            "check",
            "tests/fixtures/pooled/instance.json",
            "tests/fixtures/pooled/instance.json",
        ])
        .assert()
        .code(2)
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
        .code(2)
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
    rebook()
        .args([
            "solve",
            "instances/kent-2016-04",
            "--strategy",
            "magic",
            "--out",
            "/tmp/never",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fifo"));
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
