//! Ctrl-C (SIGINT) and SIGTERM during a batch, for real: the built binary is started on a batch
//! that cannot finish, signalled with `kill` once its first trust is done, and what it leaves is
//! checked: exit code 130, the finished trust's plan written and passing `rebook check`, the other
//! runs `interrupted` in the summary, no temporary file, and an exit within seconds. A second
//! signal quits at once, in the middle of writing, leaving no temporary file and no half-written
//! trust.
#![cfg(unix)]

mod common;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// `rebook::cli::INTERRUPTED`.
const INTERRUPTED: i32 = 130;

fn rebook_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("rebook")
}

fn generate(out: &Path, trusts: usize, cases: usize, seed: u64) {
    common::rebook()
        .args([
            "generate",
            "--trusts",
            &trusts.to_string(),
            "--cases",
            &cases.to_string(),
        ])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(out)
        .assert()
        .success();
}

/// A batch no MIP can finish in time: three generated trusts of 800 cases (solved to gap 0 with
/// a 300 s limit, each runs to its limit) and `SMALL`, a 30-case trust solved to optimality at
/// once. SMALL's file is padded with trailing spaces (valid JSON) to be the largest: a batch
/// starts its largest file first, so SMALL is finished when the others are under way.
fn unfinishable_batch(dir: &Path) -> PathBuf {
    let batch = dir.join("batch");
    generate(&batch, 3, 800, 6);
    let small = dir.join("small");
    generate(&small, 1, 30, 5);
    let mut instance: Value = serde_json::from_str(&std::fs::read_to_string(small.join("TR1.json")).unwrap()).unwrap();
    instance["trust"]["id"] = "SMALL".into();
    let largest = (std::fs::read_dir(&batch).unwrap())
        .map(|e| e.unwrap().metadata().unwrap().len())
        .max()
        .unwrap() as usize;
    let mut text = serde_json::to_string_pretty(&instance).unwrap();
    text.push_str(&" ".repeat(largest + 1000));
    text.push('\n');
    std::fs::write(batch.join("SMALL.json"), text).unwrap();
    batch
}

/// The child's stderr, line by line as it comes.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Waits (at most `within`) for a line starting with `start`; the lines read, that one last.
fn wait_for_line(lines: &Receiver<String>, start: &str, within: Duration, seen: &mut Vec<String>) -> bool {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.starts_with(start);
                seen.push(line);
                if found {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
    false
}

fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} failed");
}

/// Waits at most `within` for the child to exit; kills it and fails when it does not.
fn wait_exit(child: &mut Child, within: Duration) -> (i32, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let code = status
                .code()
                .unwrap_or_else(|| panic!("rebook was killed by a signal instead of exiting: {status:?}"));
            return (code, started.elapsed());
        }
        if started.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rebook did not exit within {within:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every file in `dir` and its subfolders.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// No temporary file of an atomic write (`.<name>.tmp<pid>`) is left in `out`.
fn assert_no_temporary_file(out: &Path) {
    let left: Vec<String> = names(&files_under(out))
        .into_iter()
        .filter(|n| n.starts_with('.') || n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

/// `(file, strategy, status)` of every row of a summary or comparison CSV (totals included, with
/// an empty file).
fn csv_statuses(path: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let head = reader.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (file, strategy, status) = (at("file"), at("strategy"), at("status"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[file].to_string(), r[strategy].to_string(), r[status].to_string())
        })
        .collect()
}

/// `rebook solve` (or `compare`) on the unfinishable batch, signalled with `signal` once SMALL is
/// done: what is written is what was finished, and the rest is `interrupted`.
fn interrupted_batch(command: &[&str], signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let batch = unfinishable_batch(dir.path());
    let out = dir.path().join("out");
    let mut child = Command::new(rebook_path())
        .args(command)
        .arg(&batch)
        .args(["--gap", "0", "--time-limit", "300", "-j", "1", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let mut seen = Vec::new();
    // Progress lines on a pipe: `[1/N] SMALL…: solved…` when the first run is done.
    if !wait_for_line(&lines, "[1/", Duration::from_secs(120), &mut seen) {
        let _ = child.kill();
        panic!("the first run never finished; stderr: {seen:#?}");
    }
    assert!(
        seen.last().unwrap().contains("SMALL") && seen.last().unwrap().contains("solved"),
        "{seen:#?}"
    );
    // The next trust's MIP is under way (it runs for 300 s unless stopped).
    std::thread::sleep(Duration::from_millis(500));
    kill(&child, signal);
    let (code, took) = wait_exit(&mut child, Duration::from_secs(20));
    seen.extend(lines.iter());
    assert_eq!(code, INTERRUPTED, "stderr: {seen:#?}");
    assert!(took < Duration::from_secs(5), "{took:?} from the signal to the exit");
    assert!(
        seen.iter().any(|l| l.starts_with("stopping: 1 of ")),
        "no stopping notice: {seen:#?}"
    );
    assert_no_temporary_file(&out);

    // The finished run's plan is written and checks; no other plan is.
    let compare = command[0] == "compare";
    let plans_dir = if compare { out.join("mip") } else { out.clone() };
    let plans: Vec<String> = names(&files_under(&out))
        .into_iter()
        .filter(|n| n.ends_with(".schedule.json") || n.ends_with(".assignments.csv"))
        .collect();
    assert_eq!(plans, ["SMALL.assignments.csv", "SMALL.schedule.json"], "{seen:#?}");
    common::rebook()
        .arg("check")
        .arg(batch.join("SMALL.json"))
        .arg(plans_dir.join("SMALL.schedule.json"))
        .assert()
        .success();

    // The summary: SMALL solved, every other run interrupted, the total interrupted.
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let rows = summary["trusts"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows in {summary:#}"));
    let runs = if compare { 8 } else { 4 };
    assert_eq!(rows.len(), runs);
    for row in rows {
        let expected = if row["file"] == "SMALL.json" && row["strategy"] == "mip" {
            "solved"
        } else {
            "interrupted"
        };
        assert_eq!(row["status"], expected, "{row:#}");
        if expected == "interrupted" {
            assert!(row["message"].as_str().unwrap().contains("solve it again"), "{row:#}");
        }
    }
    let csv = out.join(if compare { "comparison.csv" } else { "summary.csv" });
    let statuses = csv_statuses(&csv);
    assert_eq!(statuses.len(), runs + if compare { 2 } else { 1 });
    for (file, strategy, status) in &statuses {
        let expected = if file == "SMALL.json" && strategy == "mip" {
            "solved"
        } else {
            // Every other run, and every total.
            "interrupted"
        };
        assert_eq!(status, expected, "{file} {strategy} in {csv:?}");
    }
}

#[test]
fn sigint_during_solve_writes_what_finished_and_records_the_rest_interrupted() {
    interrupted_batch(&["solve", "--strategy", "mip"], "INT");
}

#[test]
fn sigterm_during_compare_writes_what_finished_and_records_the_rest_interrupted() {
    // The MIP's runs go first (most expensive first): SMALL with mip finishes, the other MIPs
    // are stopped, and no fifo run starts.
    interrupted_batch(&["compare", "--strategies", "fifo,mip"], "TERM");
}

#[test]
fn a_second_sigint_quits_at_once_in_the_middle_of_writing() {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    // Many small trusts: solved in a moment, their plans and pages (three files each, synced)
    // take about a second to write, long enough to be interrupted in the middle.
    let trusts = 200;
    generate(&batch, trusts, 20, 8);
    let out = dir.path().join("out");
    let mut child = Command::new(rebook_path())
        .args(["solve", "--strategy", "fifo", "--report", "-j", "1", "--out"])
        .arg(&out)
        .arg(&batch)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    // The first plan on disk: writing has started.
    let started = Instant::now();
    while !out.exists() || !names(&files_under(&out)).iter().any(|n| n.ends_with(".schedule.json")) {
        assert!(started.elapsed() < Duration::from_secs(120), "no plan was ever written");
        assert!(
            child.try_wait().unwrap().is_none(),
            "rebook ended before writing a plan"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    kill(&child, "INT");
    // Apart, so that the two are not taken for one.
    std::thread::sleep(Duration::from_millis(150));
    if child.try_wait().unwrap().is_some() {
        common::skipped(
            "a_second_sigint_quits_at_once_in_the_middle_of_writing",
            "the plans were all written before the second signal (a fast disk)",
        );
        return;
    }
    kill(&child, "INT");
    let (code, took) = wait_exit(&mut child, Duration::from_secs(10));
    let seen: Vec<String> = lines.iter().collect();
    assert_eq!(code, INTERRUPTED, "stderr: {seen:#?}");
    assert!(
        took < Duration::from_secs(1),
        "{took:?} from the second signal to the exit"
    );
    assert!(
        seen.iter().any(|l| l.starts_with("Ctrl-C again: quitting at once")),
        "{seen:#?}"
    );
    assert_no_temporary_file(&out);
    // Quit in the middle: not every plan, and no summary (written last); every trust written
    // has its three files (each trust's files are written all or nothing).
    let written = names(&files_under(&out));
    assert!(!written.iter().any(|n| n.starts_with("summary.")), "{written:?}");
    let stems: Vec<&str> = written
        .iter()
        .filter_map(|n| n.strip_suffix(".schedule.json"))
        .collect();
    assert!(
        !stems.is_empty() && stems.len() < trusts,
        "{} plans written",
        stems.len()
    );
    for stem in &stems {
        for end in ["assignments.csv", "report.html"] {
            assert!(
                written.contains(&format!("{stem}.{end}")),
                "{stem}.{end} missing: {written:?}"
            );
        }
    }
    assert_eq!(written.len(), 3 * stems.len(), "{written:?}");
}

/// The Kent batch's files.
fn kent_files() -> Vec<PathBuf> {
    let files = rebook::io::instance_paths(&[common::root().join("instances/kent-2016-04")]).unwrap();
    assert_eq!(files.len(), 4);
    files
}

/// Every file with `strategy`.
fn tasks_of<'a>(files: &'a [PathBuf], strategy: &'a dyn rebook::strategy::Strategy) -> Vec<rebook::batch::Task<'a>> {
    files
        .iter()
        .map(|p| rebook::batch::Task { path: p, strategy })
        .collect()
}

#[test]
fn a_stop_raised_before_the_batch_starts_no_task() {
    use rebook::batch::{self, Outcome};
    let fifo = rebook::strategy::by_name("fifo").unwrap();
    let files = kent_files();
    let tasks = tasks_of(&files, fifo.as_ref());
    let opts = rebook::strategy::SolveOptions::default();
    opts.stop.raise();
    let events = std::sync::atomic::AtomicUsize::new(0);
    let results = batch::run(&tasks, &opts, 2, |_| {
        events.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    assert_eq!(events.into_inner(), 0, "a task that never started is not reported");
    assert_eq!(results.iter().map(|r| r.path.clone()).collect::<Vec<_>>(), files);
    for r in &results {
        assert!(
            matches!(
                r.outcome,
                Outcome::Interrupted {
                    trust: None,
                    started: false
                }
            ),
            "{}",
            r.path.display()
        );
        assert_eq!(r.seconds, 0.0);
        assert_eq!(rebook::batch::summary::row(r).status.as_str(), "interrupted");
    }
}

#[test]
fn a_stop_raised_after_the_first_task_keeps_it_and_interrupts_the_rest() {
    use rebook::batch::{self, summary, Event, Outcome};
    let fifo = rebook::strategy::by_name("fifo").unwrap();
    let files = kent_files();
    let tasks = tasks_of(&files, fifo.as_ref());
    let opts = rebook::strategy::SolveOptions::default();
    let stop = opts.stop.clone();
    let finished = std::sync::Mutex::new(Vec::new());
    // One worker: the first task finishes, the observer raises the flag, no other task starts.
    let results = batch::run(&tasks, &opts, 1, |e| {
        if let Event::Finished { index, .. } = e {
            finished.lock().unwrap().push(index);
            stop.raise();
        }
    });
    let finished = finished.into_inner().unwrap();
    assert_eq!(finished.len(), 1, "{finished:?}");
    assert_eq!(results.iter().map(|r| r.path.clone()).collect::<Vec<_>>(), files);
    for (i, r) in results.iter().enumerate() {
        if i == finished[0] {
            assert!(matches!(r.outcome, Outcome::Solved { .. }), "{}", r.path.display());
        } else {
            assert!(
                matches!(r.outcome, Outcome::Interrupted { started: false, .. }),
                "{}",
                r.path.display()
            );
        }
    }
    let rows: Vec<summary::Row> = results.iter().map(summary::row).collect();
    let refs: Vec<&summary::Row> = rows.iter().collect();
    let total = summary::total("fifo", &refs, &[]);
    assert_eq!(total.status, summary::RunStatus::Interrupted);
    assert_eq!(
        total.cases, rows[finished[0]].cases,
        "the total covers the finished trust only"
    );
}
