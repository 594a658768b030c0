//! Batches: one bad trust never stops the others, outputs do not depend on `--jobs`, and the
//! summary and comparison files keep their columns.

mod common;

use common::rebook;
use rebook::batch::{self, Outcome, Task};
use rebook::model::Instance;
use rebook::schedule::Solution;
use rebook::strategy::{self, SolveError, SolveOptions, Strategy};
use std::path::PathBuf;

/// Valid input that no strategy can plan (a solver failure).
fn unplannable() -> String {
    common::unplannable().to_string()
}

/// A batch directory: the small Kent trusts, two fixtures, and `extra` files (name, text).
fn batch_dir(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["medway-RPA.json", "dartford-gravesham-RN7.json"] {
        std::fs::copy(
            common::root().join("instances/kent-2016-04").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    for f in ["pooled", "shift-chain"] {
        std::fs::copy(
            common::root().join("tests/fixtures").join(f).join("instance.json"),
            dir.path().join(format!("fixture-{f}.json")),
        )
        .unwrap();
    }
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Panics on one trust, plans the others with `priority`.
struct Boom {
    on: &'static str,
}

impl Strategy for Boom {
    fn name(&self) -> &'static str {
        "boom"
    }
    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        if inst.trust_id == self.on {
            panic!("boom on {}", inst.trust_id);
        }
        strategy::by_name("priority").unwrap().solve(inst, opts)
    }
}

#[test]
fn a_panic_and_a_broken_file_leave_the_other_trusts_solved() {
    let dir = batch_dir(&[("broken.json", "{ not json"), ("two.json", unplannable().as_str())]);
    let mut paths: Vec<PathBuf> = common::file_names(dir.path())
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    paths.sort();
    let boom = Boom { on: "RPA" };
    for jobs in [1, 2] {
        let tasks: Vec<Task> = paths
            .iter()
            .map(|p| Task {
                path: p,
                strategy: &boom,
            })
            .collect();
        let results = batch::run(&tasks, &SolveOptions::default(), jobs, |_| {});
        assert_eq!(results.len(), paths.len());
        for (r, p) in results.iter().zip(&paths) {
            assert_eq!(&r.path, p, "results come back in task order");
            let name = p.file_name().unwrap().to_str().unwrap();
            match (name, &r.outcome) {
                ("broken.json", Outcome::Invalid { diagnostics }) => {
                    assert!(diagnostics.iter().any(|d| d.is_error()))
                }
                ("medway-RPA.json", Outcome::Failed { trust, message }) => {
                    assert_eq!(trust.as_deref(), Some("RPA"));
                    assert!(
                        message.contains("panic") && message.contains("boom on RPA"),
                        "{message}"
                    );
                }
                ("two.json", Outcome::Failed { trust, message }) => {
                    assert_eq!(trust.as_deref(), Some("TWO"));
                    assert!(message.contains("deadline"), "{message}");
                }
                (_, Outcome::Solved { schedule, .. }) => {
                    assert!(!["broken.json", "medway-RPA.json", "two.json"].contains(&name));
                    assert_eq!(schedule.strategy, "boom");
                }
                (name, _) => panic!("{name}: unexpected outcome"),
            }
        }
    }
}

#[test]
fn cli_batch_with_a_broken_file_and_an_unplannable_trust_solves_the_rest_and_fails() {
    let dir = batch_dir(&[("broken.json", "{ not json"), ("two.json", unplannable().as_str())]);
    let out = tempfile::tempdir().unwrap();
    let assert = rebook()
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "priority", "--jobs", "2", "--out"])
        .arg(out.path())
        .assert()
        .code(1); // a failed trust outranks an invalid one (exit 2)
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("broken.json") && stderr.contains("E002"), "{stderr}");
    assert!(stderr.contains("two.json") && stderr.contains("deadline"), "{stderr}");
    // Not a terminal: one progress line per finished trust instead of a bar.
    for n in 1..=6 {
        assert!(stderr.contains(&format!("[{n}/6] ")), "{stderr}");
    }
    assert!(
        stderr.contains("two: FAILED") && stderr.contains("broken: INVALID input"),
        "{stderr}"
    );
    assert_eq!(
        common::file_names(out.path()),
        [
            "CHAIN.assignments.csv",
            "CHAIN.schedule.json",
            "POOL.assignments.csv",
            "POOL.schedule.json",
            "RN7.assignments.csv",
            "RN7.schedule.json",
            "RPA.assignments.csv",
            "RPA.schedule.json",
            "summary.csv",
            "summary.json",
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap()).unwrap();
    let trusts = summary["trusts"].as_array().unwrap();
    assert_eq!(trusts.len(), 6, "every file has a row, failed ones too");
    let status = |file: &str| {
        trusts
            .iter()
            .find(|t| t["file"] == file)
            .map(|t| t["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("broken.json").as_deref(), Some("invalid"));
    assert_eq!(status("two.json").as_deref(), Some("failed"));
    assert_eq!(status("medway-RPA.json").as_deref(), Some("solved"));
    assert_eq!(summary["total"]["status"], "failed");
    // The totals cover the solved trusts.
    let solved_cases: u64 = trusts
        .iter()
        .filter(|t| t["status"] == "solved")
        .map(|t| t["cases"].as_u64().unwrap())
        .sum();
    assert_eq!(summary["total"]["cases"].as_u64().unwrap(), solved_cases);
    // Every plan written passes the checker.
    for (stem, file) in [
        ("POOL", "fixture-pooled.json"),
        ("CHAIN", "fixture-shift-chain.json"),
        ("RN7", "dartford-gravesham-RN7.json"),
        ("RPA", "medway-RPA.json"),
    ] {
        rebook()
            .arg("check")
            .arg(dir.path().join(file))
            .arg(out.path().join(format!("{stem}.schedule.json")))
            .assert()
            .success();
    }
}

/// Everything but the wall-clock `solver.seconds` of a schedule.
fn without_seconds(mut schedule: serde_json::Value) -> serde_json::Value {
    assert!(schedule["solver"]["seconds"].is_number());
    schedule["solver"].as_object_mut().unwrap().remove("seconds");
    schedule
}

#[test]
fn jobs_1_and_jobs_2_write_identical_files() {
    let dir = batch_dir(&[]);
    let outs: Vec<tempfile::TempDir> = [1, 2]
        .iter()
        .map(|jobs| {
            let out = tempfile::tempdir().unwrap();
            rebook()
                .arg("solve")
                .arg(dir.path())
                .args(["--strategy", "mip", "--quiet", "--jobs", &jobs.to_string(), "--out"])
                .arg(out.path())
                .assert()
                .success();
            out
        })
        .collect();
    let names = common::file_names(outs[0].path());
    assert_eq!(names, common::file_names(outs[1].path()));
    assert_eq!(names.len(), 4 * 2 + 2);
    let read = |out: &tempfile::TempDir, name: &str| std::fs::read(out.path().join(name)).unwrap();
    let schedule = |out: &tempfile::TempDir, name: &str| -> serde_json::Value {
        serde_json::from_slice(&read(out, name)).unwrap()
    };
    // Identical plans are promised only when no time limit cut a search short: say so first,
    // rather than fail on whichever file differs.
    for name in names.iter().filter(|n| n.ends_with(".schedule.json")) {
        for (out, jobs) in outs.iter().zip([1, 2]) {
            common::assert_no_time_limit_bound(&schedule(out, name)["solver"], &format!("{name}, --jobs {jobs}"));
        }
    }
    for name in names {
        if name.ends_with(".schedule.json") {
            assert_eq!(
                without_seconds(schedule(&outs[0], &name)),
                without_seconds(schedule(&outs[1], &name)),
                "{name}"
            );
        } else {
            let (a, b) = (read(&outs[0], &name), read(&outs[1], &name));
            assert!(a == b, "{name} differs between --jobs 1 and --jobs 2");
        }
    }
}

/// The guard of the test above fails, saying "time limit bound", when a limit stopped the search
/// at the end or in a phase, and only then.
#[test]
fn the_time_limit_guard_catches_a_bound_limit() {
    let bound = |solver: serde_json::Value| {
        std::panic::catch_unwind(|| common::assert_no_time_limit_bound(&solver, "plan")).is_err()
    };
    let phase = |note: &str| serde_json::json!({"status": "optimal", "notes": [note]});
    assert!(bound(serde_json::json!({"status": "time_limit", "notes": []})));
    assert!(bound(phase("day-level relaxation: bound 5368 (ReachedTimeLimit)")));
    assert!(bound(phase("day-restricted model: no plan in time")));
    assert!(bound(phase("time limit reached between rounds of cuts")));
    assert!(!bound(phase("warm start: priority (objective 5002)")));
    assert!(!bound(phase("day-level relaxation: bound 5368 (Optimal)")));
}

const SUMMARY_HEADER: &str = "file,trust,strategy,status,cases,scheduled,unscheduled,scheduled_p1,scheduled_p2,\
scheduled_p3,scheduled_p4,unscheduled_p1,unscheduled_p2,unscheduled_p3,unscheduled_p4,breaches_28_day,\
breaches_priority,breaches_rtt,wait_mean_days,wait_p90_days,wait_max_days,lists_opened,lists_staffed,\
longest_shift_hours,max_hours_in_7_days,objective,solver_status,gap,message";

/// The columns added for re-planning (SPEC.md section 8): at the end of `summary.csv`, and after
/// `seconds` at the end of `comparison.csv`, so that no earlier column moves.
const REPLANNING_COLUMNS: &str = "breaches_repeat_cancellation,kept,moved_notified,moved_unnotified,void_bookings";

/// Then the validation warnings and the lists validation ignored (docs/VALIDATION.md).
const VALIDATION_COLUMNS: &str = "warnings,ignored_lists";

#[test]
fn summary_and_comparison_csv_columns_are_stable() {
    let dir = batch_dir(&[]);
    let out = tempfile::tempdir().unwrap();
    rebook()
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "fifo", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.path().join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{SUMMARY_HEADER},{REPLANNING_COLUMNS},{VALIDATION_COLUMNS}").as_str())
    );
    assert_eq!(lines.count(), 4 + 1, "four trusts and the total");

    let cmp = tempfile::tempdir().unwrap();
    let assert = rebook()
        .arg("compare")
        .arg(dir.path())
        .args(["--strategies", "fifo,priority", "--out"])
        .arg(cmp.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("RPA") && stdout.contains("priority") && stdout.contains("total"));
    // Without bookings the table has no `moved` column: it reads as it always did.
    assert!(!stdout.lines().next().unwrap().contains("moved"), "{stdout}");
    let csv = std::fs::read_to_string(cmp.path().join("comparison.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{SUMMARY_HEADER},seconds,{REPLANNING_COLUMNS},{VALIDATION_COLUMNS}").as_str())
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        4 * 2 + 2,
        "four trusts × two strategies, and a total per strategy"
    );
    assert!(rows[8].starts_with(",total,fifo,solved,") && rows[9].starts_with(",total,priority,solved,"));
    for f in ["comparison.md", "comparison.html"] {
        assert!(cmp.path().join(f).exists(), "{f}");
    }
    for s in ["fifo", "priority"] {
        assert_eq!(
            common::file_names(&cmp.path().join(s)).len(),
            8,
            "{s}: two files per trust"
        );
    }
}

#[test]
fn compare_totals_add_up_the_trusts() {
    let dir = batch_dir(&[]);
    let out = tempfile::tempdir().unwrap();
    rebook()
        .arg("compare")
        .arg(dir.path())
        .args(["--strategies", "fifo,priority", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(out.path().join("comparison.csv")).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for strategy in ["fifo", "priority"] {
        let of: Vec<&csv::StringRecord> = records.iter().filter(|r| &r[2] == strategy).collect();
        let (trusts, total): (Vec<&csv::StringRecord>, Vec<&csv::StringRecord>) =
            of.iter().copied().partition(|r| &r[1] != "total");
        assert_eq!(total.len(), 1);
        for col in [4, 5, 6, 15, 16, 17, 25, 30, 31, 32, 33, 34] {
            let sum: i64 = trusts.iter().map(|r| r[col].parse::<i64>().unwrap()).sum();
            assert_eq!(total[0][col].parse::<i64>().unwrap(), sum, "{strategy} column {col}");
        }
        // The pooled maximum wait is the largest of the trusts'.
        let max = trusts.iter().map(|r| r[20].parse::<i64>().unwrap()).max().unwrap();
        assert_eq!(total[0][20].parse::<i64>().unwrap(), max);
    }
}

/// A batch of re-planning instances (the section 8 checker fixtures): the new columns hold the
/// bookings of every trust, and the totals add them up.
#[test]
fn replanning_columns_count_every_booking_and_add_up() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["keep-notified", "moved-costs", "repeat-cancellation"] {
        std::fs::copy(
            common::root().join("tests/fixtures").join(f).join("instance.json"),
            dir.path().join(format!("{f}.json")),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let assert = rebook()
        .arg("compare")
        .arg(dir.path())
        .args(["--strategies", "fifo,priority", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.lines().next().unwrap().contains("moved"), "{stdout}");
    let markdown = std::fs::read_to_string(out.path().join("comparison.md")).unwrap();
    assert!(
        markdown.contains("| moved |") && markdown.contains("Moved: patients"),
        "{markdown}"
    );
    let mut reader = csv::Reader::from_path(out.path().join("comparison.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let n = |r: &csv::StringRecord, name: &str| r[col(name)].parse::<i64>().unwrap();
    for strategy in ["fifo", "priority"] {
        let of: Vec<&csv::StringRecord> = records.iter().filter(|r| &r[2] == strategy).collect();
        let (trusts, total): (Vec<&csv::StringRecord>, Vec<&csv::StringRecord>) =
            of.iter().copied().partition(|r| &r[1] != "total");
        assert_eq!((trusts.len(), total.len()), (3, 1), "{strategy}");
        for name in REPLANNING_COLUMNS.split(',') {
            let sum: i64 = trusts.iter().map(|r| n(r, name)).sum();
            assert_eq!(n(total[0], name), sum, "{strategy} {name}");
        }
        // Every live booking is kept or moved (KEEP has three, MOVED two), MOVED's third is void.
        let live = |r: &csv::StringRecord| n(r, "kept") + n(r, "moved_notified") + n(r, "moved_unnotified");
        let by_trust = |id: &str| *trusts.iter().find(|r| &r[1] == id).unwrap();
        assert_eq!(
            (
                live(by_trust("KEEP")),
                live(by_trust("MOVED")),
                live(by_trust("REPEAT"))
            ),
            (3, 2, 0),
            "{strategy}"
        );
        assert_eq!((n(total[0], "void_bookings"), live(total[0])), (1, 5), "{strategy}");
    }
    // `solve`'s summary.json carries the same figures.
    let solved = tempfile::tempdir().unwrap();
    rebook()
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "fifo", "--quiet", "--out"])
        .arg(solved.path())
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(solved.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["total"]["void_bookings"], 1);
    let fifo_total = records.iter().find(|r| &r[1] == "total" && &r[2] == "fifo").unwrap();
    for name in REPLANNING_COLUMNS.split(',') {
        assert_eq!(summary["total"][name], n(fifo_total, name), "{name}");
    }
}

#[test]
fn compare_rejects_an_unknown_strategy_before_solving() {
    let out = tempfile::tempdir().unwrap();
    rebook()
        .args([
            "compare",
            "instances/kent-2016-04",
            "--strategies",
            "fifo,magic",
            "--out",
        ])
        .arg(out.path().join("never"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("magic").and(predicates::str::contains("priority")));
    assert!(!out.path().join("never").exists());
}

use predicates::prelude::PredicateBooleanExt;

#[test]
fn report_writes_one_self_contained_page_and_fails_on_a_broken_plan() {
    let out = tempfile::tempdir().unwrap();
    let inst = common::root().join("instances/kent-2016-04/medway-RPA.json");
    rebook()
        .arg("solve")
        .arg(&inst)
        .args(["--strategy", "priority", "--report", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let from_solve = std::fs::read_to_string(out.path().join("RPA.report.html")).unwrap();
    rebook()
        .arg("report")
        .arg(&inst)
        .arg(out.path().join("RPA.schedule.json"))
        .assert()
        .success()
        .stderr(predicates::str::contains("RPA.report.html"));
    let page = std::fs::read_to_string(out.path().join("RPA.report.html")).unwrap();
    assert!(page == from_solve, "`solve --report` and `report` write the same page");
    for id in [
        "theatre-timeline",
        "surgeon-hours",
        "wait-distribution",
        "unscheduled",
        "operating-lists",
    ] {
        assert!(page.contains(&format!("id=\"{id}")), "{id}");
    }
    assert!(!page.contains("http") && !page.contains("src="));

    // A plan edited by hand so that a case moves to a list that does not exist.
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("RPA.schedule.json")).unwrap()).unwrap();
    plan["assignments"][0]["session"] = serde_json::json!("NO-SUCH-LIST");
    let broken = out.path().join("broken.schedule.json");
    std::fs::write(&broken, serde_json::to_vec(&plan).unwrap()).unwrap();
    let page_path = out.path().join("pages/broken.html");
    rebook()
        .arg("report")
        .arg(&inst)
        .arg(&broken)
        .arg("--out")
        .arg(&page_path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("FAILS the checker"));
    let page = std::fs::read_to_string(page_path).unwrap();
    assert!(page.contains("NO-SUCH-LIST"));

    // Not a schedule at all: a usage error naming the file, and nothing written.
    rebook()
        .arg("report")
        .arg(&inst)
        .arg(&inst)
        .arg("--out")
        .arg(out.path().join("never.html"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("medway-RPA.json"));
    assert!(!out.path().join("never.html").exists());
}

/// `rebook solve … | head -1`: the table is cut short, but the files are written and the exit
/// code still reports the failed trust.
#[test]
fn a_closed_stdout_still_writes_the_summary_and_keeps_the_exit_code() {
    let dir = batch_dir(&[("two.json", unplannable().as_str())]);
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rebook"))
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "fifo", "--quiet", "--out"])
        .arg(out.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(out.path().join("summary.json").exists() && out.path().join("summary.csv").exists());
}

/// Trust ids `A`, `A`, `A-2` and `a`: four plans, four distinct names (also on file systems that
/// ignore case), in file order.
#[test]
fn colliding_trust_ids_never_overwrite_each_other() {
    let text = std::fs::read_to_string(common::root().join("tests/fixtures/pooled/instance.json")).unwrap();
    let with_id = |id: &str| text.replace("\"id\": \"POOL\"", &format!("\"id\": \"{id}\""));
    let dir = tempfile::tempdir().unwrap();
    for (file, id) in [("1.json", "A"), ("2.json", "A"), ("3.json", "A-2"), ("4.json", "a")] {
        std::fs::write(dir.path().join(file), with_id(id)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    rebook()
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "fifo", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let plans: Vec<String> = common::file_names(out.path())
        .into_iter()
        .filter(|f| f.ends_with(".schedule.json"))
        .collect();
    assert_eq!(
        plans,
        [
            "A-2-2.schedule.json",
            "A-2.schedule.json",
            "A.schedule.json",
            "a-3.schedule.json"
        ]
    );
    // In file order: 1 → A, 2 → A-2, 3 (A-2 taken) → A-2-2, 4 (a: A, a-2 taken up to case) → a-3.
    let trust_of = |f: &str| -> String {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out.path().join(f)).unwrap()).unwrap();
        v["trust"].as_str().unwrap().to_string()
    };
    assert_eq!(trust_of("A.schedule.json"), "A");
    assert_eq!(trust_of("A-2.schedule.json"), "A");
    assert_eq!(trust_of("A-2-2.schedule.json"), "A-2");
    assert_eq!(trust_of("a-3.schedule.json"), "a");
}

/// A list validation ignores (W205, W206) is named in the row of its trust, in `summary.json`
/// and `summary.csv`, with the count of the file's warnings; a summary written before these
/// fields reads back with none.
#[test]
fn ignored_lists_are_named_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let warnings = common::root().join("tests/warnings");
    std::fs::copy(
        warnings.join("W206-list-theatre-not-equipped.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    let owned = std::fs::read_to_string(warnings.join("W205-owned-list-before-horizon.json")).unwrap();
    std::fs::write(dir.path().join("b.json"), owned.replace("\"RPA\"", "\"RPB\"")).unwrap();
    let out = tempfile::tempdir().unwrap();
    rebook()
        .arg("solve")
        .arg(dir.path())
        .args(["--strategy", "fifo", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicates::str::contains("warning[W206] at sessions[2].specialty"))
        .stderr(predicates::str::contains("warning[W205] at sessions[2].date"));
    let text = std::fs::read_to_string(out.path().join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = summary["trusts"].as_array().unwrap();
    assert_eq!(rows[0]["warnings"], 1);
    assert_eq!(rows[0]["ignored_lists"], serde_json::json!(["T1-0503-OPH"]));
    assert_eq!(rows[1]["ignored_lists"], serde_json::json!(["T1-0427-AM"]));
    assert_eq!(summary["total"]["warnings"], 2);
    assert_eq!(summary["total"]["ignored_lists"], serde_json::json!([]));
    let csv = std::fs::read_to_string(out.path().join("summary.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].ends_with(",1,T1-0503-OPH"), "{}", lines[1]);
    assert!(lines[2].ends_with(",1,T1-0427-AM"), "{}", lines[2]);
    assert!(lines[3].ends_with(",2,"), "{}", lines[3]);
    // Read back (as merge does), and without the fields (a summary written before them).
    let read = rebook::batch::summary::read_summary(&text).unwrap();
    assert_eq!(read.trusts[1].ignored_lists, ["T1-0427-AM"]);
    let mut old = summary.clone();
    for row in old["trusts"].as_array_mut().unwrap() {
        let row = row.as_object_mut().unwrap();
        row.remove("warnings");
        row.remove("ignored_lists");
    }
    let read = rebook::batch::summary::read_summary(&old.to_string()).unwrap();
    assert_eq!((read.trusts[0].warnings, read.trusts[0].ignored_lists.len()), (0, 0));
}
