//! Helpers shared by the integration tests.
#![allow(dead_code)]

use rebook::check::{self, CheckReport};
use rebook::io::{self, schedule::ScheduleFile};
use rebook::metrics;
use rebook::model::Instance;
use rebook::strategy::{self, SolveOptions};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `rebook` binary under test.
pub fn rebook() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("rebook").unwrap()
}

/// Says on the terminal that `test` checked nothing, and why. Written to the stream itself: the
/// test harness captures `eprintln!`, and a skip must not pass unseen.
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

/// Fails with "time limit bound" when a schedule's `solver` object shows that a time limit
/// stopped the search, at the end (`status`) or in a phase (its notes). Tests that compare two
/// solves for identical plans hold only when no limit cut a search short; without this check
/// they would fail with a confusing diff instead.
pub fn assert_no_time_limit_bound(solver: &serde_json::Value, what: &str) {
    assert_ne!(
        solver["status"].as_str(),
        Some("time_limit"),
        "{what}: time limit bound (status time_limit): raise the limit or use a smaller instance"
    );
    for note in solver["notes"].as_array().into_iter().flatten() {
        let note = note.as_str().unwrap_or_default();
        let lower = note.to_lowercase();
        assert!(
            !["time limit", "timelimit", "in time"].iter().any(|s| lower.contains(s)),
            "{what}: time limit bound in a phase ({note}): raise the limit or use a smaller instance"
        );
    }
}

/// Loads an instance file that must be valid (warnings allowed).
pub fn load(path: &Path) -> Instance {
    let loaded = io::load_instance(path);
    let errors: Vec<String> = loaded.errors().map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{} should be valid: {errors:?}", path.display());
    loaded.instance.expect("valid instance")
}

pub fn load_schedule(path: &Path) -> ScheduleFile {
    let text = std::fs::read_to_string(path).unwrap();
    io::json::parse::<ScheduleFile>(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// Solves with a strategy and returns the schedule file and the checker's report on it.
pub fn solve_and_check(inst: &Instance, name: &str) -> (ScheduleFile, CheckReport) {
    let strat = strategy::by_name(name).unwrap();
    let sol = strat
        .solve(inst, &SolveOptions::default())
        .unwrap_or_else(|e| panic!("{name} on {}: {e}", inst.trust_id));
    let m = metrics::compute(inst, &sol);
    let file = io::schedule::to_file(inst, strat.name(), &sol, serde_json::to_value(&m).unwrap());
    let report = check::check(inst, &file);
    (file, report)
}

/// Every fixture directory under tests/fixtures.
pub fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every bundled instance under instances/ (each batch directory; `series/` holds strike
/// series, not instances).
pub fn bundled_instances() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("instances"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("series"))
        .collect();
    dirs.sort();
    let paths = io::instance_paths(&dirs).unwrap();
    assert!(!paths.is_empty());
    paths
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Two mandatory cases, one slot: each fits alone (so validation accepts the file), together
/// they cannot, so no strategy can plan it.
pub fn unplannable() -> serde_json::Value {
    serde_json::json!({
        "format": "rebook-instance/1", "trust": {"id": "TWO"},
        "horizon": {"start": "2016-05-03", "end": "2016-05-06"},
        "theatres": [{"id": "T1", "specialties": ["gs"]}],
        "surgeons": [{"id": "S1", "specialties": ["gs"]}],
        "sessions": [{"id": "K", "theatre": "T1", "date": "2016-05-04", "start": "08:00", "end": "10:00", "surgeon": "S1"}],
        "procedures": [
            {"id": "A", "specialty": "gs", "duration": 90, "surgeon": "S1", "priority": "P2", "deadline": "2016-05-05"},
            {"id": "B", "specialty": "gs", "duration": 90, "surgeon": "S1", "priority": "P2", "deadline": "2016-05-05"}
        ],
    })
}
