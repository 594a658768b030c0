//! IHTC-2024: the projection, the scorer on hand-worked examples, the export, and on the shared
//! benchmark data the reference values and the small instances' optima (those two say
//! `skipped: …` on the terminal when the data is absent).

mod common;

use rebook::bench::ihtc::{bench_one, reference_values};
use rebook::io::ihtc::score::score;
use rebook::io::ihtc::{parse_instance, parse_solution, to_rebook, to_solution};
use rebook::io::validate::validate;
use rebook::strategy::{by_name, SolveOptions};
use std::path::{Path, PathBuf};

fn tiny() -> rebook::io::ihtc::IhtcInstance {
    parse_instance(&std::fs::read_to_string(common::root().join("tests/ihtc/tiny.json")).unwrap()).unwrap()
}

fn solution(name: &str) -> rebook::io::ihtc::IhtcSolution {
    parse_solution(&std::fs::read_to_string(common::root().join("tests/ihtc").join(name)).unwrap()).unwrap()
}

/// Solution A by hand: delay 1 day × 2 = 2; no optional left out; open (t0,0), (t1,0), (t1,2) =
/// 3 × 10 = 30; s0 uses t0 and t1 on day 0: 1 transfer × 5 = 5. Total 37.
#[test]
fn scorer_matches_hand_worked_solution_a() {
    let s = score(&tiny(), &solution("tiny-solution-a.json"));
    assert!(s.violations.is_empty(), "{:?}", s.violations);
    assert_eq!(
        (s.delay, s.unscheduled_optional, s.open_theaters, s.surgeon_transfers),
        (2, 0, 30, 5)
    );
    assert_eq!(s.total, 37);
}

/// Solution B: p1 and p2 left out (2 × 100); p0 one day late, p3 two days (3 × 2 = 6); open
/// (t0,1) and (t1,2) = 20; no transfer. Total 226.
#[test]
fn scorer_matches_hand_worked_solution_b() {
    let s = score(&tiny(), &solution("tiny-solution-b.json"));
    assert!(s.violations.is_empty(), "{:?}", s.violations);
    assert_eq!(
        (s.delay, s.unscheduled_optional, s.open_theaters, s.surgeon_transfers),
        (6, 200, 20, 0)
    );
    assert_eq!(s.total, 226);
}

#[test]
fn scorer_reports_surgical_violations() {
    let s = score(&tiny(), &solution("tiny-solution-broken.json"));
    let all = s.violations.join("\n");
    for expected in [
        "after due day 1",      // p0 on day 2
        "surgeon s0 on day 2",  // s0 has no time on day 2
        "before release day 1", // p2 on day 0
        "mandatory patient p3", // p3 missing
    ] {
        assert!(all.contains(expected), "missing '{expected}' in:\n{all}");
    }
}

/// The projection validates, and the MIP's optimum on it is the hand-derived 26: p0 and p1 in
/// t0 on day 0 (one list opened), p2 and p3 in t1 on day 2 (delays 1 and 2 days × 2 = 6, a
/// second list): 10 + 10 + 6. The exported solution scores exactly the plan's objective.
#[test]
fn projection_solves_to_the_hand_derived_optimum_and_exports() {
    let ihtc = tiny();
    let file = to_rebook(&ihtc, "tiny");
    let validated = validate(&file);
    let inst = validated.instance.expect("the projection is a valid instance");
    assert_eq!(inst.sessions.len(), 4, "one session per theatre-day with availability");
    assert!(inst
        .sessions
        .iter()
        .all(|s| s.shared && s.owner.is_none() && s.open_cost == 10));
    assert_eq!(inst.rules.turnaround_minutes, 0);
    assert!(!inst.rules.no_overlapping_duties && inst.rules.max_shift_minutes.is_none());
    let opts = SolveOptions {
        gap: 0.0,
        ..SolveOptions::default()
    };
    let sol = by_name("mip").unwrap().solve(&inst, &opts).unwrap();
    let sched = rebook::io::schedule::to_file(&inst, "mip", &sol, serde_json::Value::Null);
    assert!(rebook::check::check(&inst, &sched).is_ok());
    assert_eq!(sched.objective, 26);
    let ids: Vec<String> = inst.procedures.iter().map(|p| p.id.clone()).collect();
    let exported = to_solution(&sched, inst.horizon_start, &ids);
    assert_eq!(score(&ihtc, &exported).total, 26);
    let json = serde_json::to_value(&exported).unwrap();
    assert_eq!(json["patients"].as_array().unwrap().len(), 4);
}

#[test]
fn parser_traps_are_handled() {
    // Optional patients have no due day; "none" admission days; key order differs (p1).
    let ihtc = tiny();
    assert!(ihtc.patients[1].surgery_due_day.is_none());
    let b = solution("tiny-solution-b.json");
    assert_eq!(b.patients[1].day(), Ok(None));
    // A file without a required section is rejected, and the message names the section.
    let err = parse_instance("{\"days\": 2}").unwrap_err();
    assert!(err.contains("missing field `weights`"), "{err}");
    let bad = std::fs::read_to_string(common::root().join("tests/ihtc/tiny.json"))
        .unwrap()
        .replace("[300, 300, 0]", "[300, 300]");
    assert!(parse_instance(&bad).unwrap_err().contains("max_surgery_time"));
}

/// The IHTC-2024 benchmark data: `$REBOOK_IHTC2024`, or the copy of `shared/` beside the clone
/// (present here and in CI). When it is absent the test says on the terminal that it checked
/// nothing (`skipped: …`) and returns.
fn shared(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("REBOOK_IHTC2024")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join("../shared/benchmarks/ihtc2024"));
    let complete = ["README.md", "instances", "solutions"]
        .iter()
        .all(|part| dir.join(part).exists());
    if complete {
        Some(dir)
    } else {
        common::skipped(
            test,
            &format!(
                "no IHTC-2024 data (README.md, instances/, solutions/) in {}",
                dir.display()
            ),
        );
        None
    }
}

/// The scorer, run on the published best-known and organisers' solutions, reproduces the
/// reference surgical costs of the benchmark README (40 instances).
#[test]
fn scorer_reproduces_the_reference_values() {
    let Some(dir) = shared("scorer_reproduces_the_reference_values") else {
        return;
    };
    let refs = reference_values(&std::fs::read_to_string(dir.join("README.md")).unwrap());
    let mut checked = 0;
    for (name, value) in &refs {
        if name.starts_with("small") {
            continue; // optima, not solutions
        }
        let inst =
            parse_instance(&std::fs::read_to_string(dir.join("instances").join(format!("{name}.json"))).unwrap())
                .unwrap();
        let sol_path = dir.join("solutions").join(format!("sol_{name}.json"));
        let sol = parse_solution(&std::fs::read_to_string(&sol_path).unwrap()).unwrap();
        let s = score(&inst, &sol);
        assert!(s.violations.is_empty(), "{name}: {:?}", s.violations);
        assert_eq!(s.total, *value, "{name}: scored {s:?}");
        checked += 1;
    }
    assert_eq!(checked, 40);
}

/// small01–09: the MIP reaches the independently computed optimum.
#[test]
fn small_instances_reach_their_optimum() {
    let Some(dir) = shared("small_instances_reach_their_optimum") else {
        return;
    };
    let refs = reference_values(&std::fs::read_to_string(dir.join("README.md")).unwrap());
    let mip = by_name("mip").unwrap();
    let opts = SolveOptions {
        gap: 0.0,
        time_limit: 60.0,
        ..SolveOptions::default()
    };
    for k in 1..=9 {
        let name = format!("small{k:02}");
        let row = bench_one(
            &dir.join("instances").join(format!("{name}.json")),
            None::<&Path>,
            mip.as_ref(),
            &opts,
        );
        assert_eq!(row.error, None, "{name}");
        assert_eq!(row.cost, refs.get(&name).copied(), "{name}: {row:?}");
        assert_eq!(row.status, "optimal", "{name}");
    }
}

/// The whole chain through the command line: import, solve, export, score.
#[test]
fn cli_import_solve_export_score() {
    use common::rebook;
    let dir = tempfile::tempdir().unwrap();
    rebook()
        .args(["import", "ihtc", "tests/ihtc/tiny.json", "--out"])
        .arg(dir.path().join("in"))
        .assert()
        .success();
    let instance = dir.path().join("in/tiny.json");
    rebook().arg("validate").arg(&instance).assert().success();
    rebook()
        .arg("solve")
        .arg(&instance)
        .args(["--strategy", "mip", "--gap", "0", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let solution = dir.path().join("tiny-solution.json");
    rebook()
        .args(["export", "ihtc"])
        .arg(&instance)
        .arg(dir.path().join("out/tiny.schedule.json"))
        .arg("--out")
        .arg(&solution)
        .assert()
        .success();
    rebook()
        .args(["score", "ihtc", "tests/ihtc/tiny.json"])
        .arg(&solution)
        .assert()
        .success()
        .stdout(predicates::str::contains("surgical cost 26"));
    rebook()
        .args([
            "score",
            "ihtc",
            "tests/ihtc/tiny.json",
            "tests/ihtc/tiny-solution-broken.json",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("violation"));
    rebook()
        .args(["import", "ihtc", "tests/ihtc/tiny-solution-a.json", "--out"])
        .arg(dir.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at patients[0]: missing field `mandatory`"));
}
