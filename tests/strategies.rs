//! Every strategy's plan on every fixture and bundled instance passes the independent checker,
//! and the heuristics behave as SPEC.md section 6 says.

mod common;

use rebook::strategy;

fn all_instances() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = common::fixture_dirs()
        .into_iter()
        .map(|d| d.join("instance.json"))
        .collect();
    paths.extend(common::bundled_instances());
    paths
}

#[test]
fn every_strategy_passes_the_checker_everywhere() {
    let paths = all_instances();
    assert!(paths.len() >= 14);
    for name in strategy::NAMES {
        for path in &paths {
            let inst = common::load(path);
            let (file, report) = common::solve_and_check(&inst, name);
            assert!(report.is_ok(), "{name} on {}: {:#?}", path.display(), report.violations);
            assert_eq!(
                file.objective,
                report.recomputed_objective,
                "{name} on {}",
                path.display()
            );
            assert_eq!(
                file.assignments.len() + file.unscheduled.len(),
                inst.procedures.len(),
                "{name} on {}: every case accounted for",
                path.display()
            );
        }
    }
}

fn reason_of(file: &rebook::io::schedule::ScheduleFile, proc_: &str) -> Option<String> {
    file.unscheduled
        .iter()
        .find(|u| u.procedure == proc_)
        .map(|u| u.reason.clone())
}

fn fixture(name: &str) -> rebook::model::Instance {
    common::load(&common::root().join("tests/fixtures").join(name).join("instance.json"))
}

#[test]
fn unscheduled_reasons_follow_the_spec() {
    for name in ["fifo", "priority"] {
        // 50 + 15 min turnaround never fits the only 60-minute block.
        let (file, _) = common::solve_and_check(&fixture("turnaround"), name);
        assert_eq!(reason_of(&file, "C1").as_deref(), Some("no_eligible_session"), "{name}");
        // C1 would take S1 over the operating cap; C2 fits.
        let (file, _) = common::solve_and_check(&fixture("operating-cap"), name);
        assert_eq!(reason_of(&file, "C1").as_deref(), Some("surgeon_limits"), "{name}");
        assert!(file.assignments.iter().any(|a| a.procedure == "C2"));
        // Only one of the two pooled cases fits the owned list... both fit here: none unscheduled.
        let (file, _) = common::solve_and_check(&fixture("pooled"), name);
        assert!(file.unscheduled.is_empty(), "{name}: {:?}", file.unscheduled);
    }
}

#[test]
fn greedy_skips_the_session_that_would_break_safe_hours() {
    for name in ["fifo", "priority"] {
        // The Sunday list after the clocks go forward gives only 10 h rest: the Tuesday one is used.
        let (file, _) = common::solve_and_check(&fixture("clock-change"), name);
        assert_eq!(file.assignments[0].session, "TUE", "{name}");
        // The 3-duty chain makes the 23 March list an 18 h shift: the 24 March list is used.
        let (file, _) = common::solve_and_check(&fixture("shift-chain"), name);
        assert_eq!(file.assignments[0].session, "Y", "{name}");
        // 8th day in a row and 72 h in 7 days both rule out earlier lists.
        let (file, _) = common::solve_and_check(&fixture("week-limits"), name);
        assert_eq!(file.assignments[0].session, "WED", "{name}");
    }
}

/// One 60-minute slot, two cases: fifo takes the earlier original date, priority the higher
/// clinical priority.
#[test]
fn fifo_treats_in_turn_and_priority_puts_urgency_first() {
    let json = r#"{
      "format": "rebook-instance/1",
      "trust": {"id": "TURN"},
      "horizon": {"start": "2016-05-02", "end": "2016-05-06"},
      "theatres": [{"id": "T1", "specialties": ["urology"]}],
      "surgeons": [{"id": "S1", "specialties": ["urology"]}],
      "sessions": [{"id": "ONLY", "theatre": "T1", "date": "2016-05-03", "start": "13:30", "end": "14:30"}],
      "procedures": [
        {"id": "OLD-P4", "specialty": "urology", "duration": 45, "surgeon": "S1", "priority": "P4",
         "referral": "2015-06-01", "original_date": "2016-04-26"},
        {"id": "NEW-P2", "specialty": "urology", "duration": 45, "surgeon": "S1", "priority": "P2",
         "referral": "2016-03-01", "original_date": "2016-04-27"}
      ]
    }"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("turn.json");
    std::fs::write(&path, json).unwrap();
    let inst = common::load(&path);
    let (fifo, _) = common::solve_and_check(&inst, "fifo");
    assert_eq!(fifo.assignments[0].procedure, "OLD-P4");
    assert_eq!(reason_of(&fifo, "NEW-P2").as_deref(), Some("capacity"));
    let (prio, _) = common::solve_and_check(&inst, "priority");
    assert_eq!(prio.assignments[0].procedure, "NEW-P2");
    assert!(prio.objective < fifo.objective);
}

#[test]
fn strategies_are_deterministic() {
    for path in common::bundled_instances() {
        let inst = common::load(&path);
        for name in strategy::NAMES {
            let (a, _) = common::solve_and_check(&inst, name);
            let (b, _) = common::solve_and_check(&inst, name);
            for file in [&a, &b] {
                common::assert_no_time_limit_bound(&file.solver, &format!("{name} on {}", path.display()));
            }
            assert_eq!(a.assignments, b.assignments, "{name} on {}", path.display());
            assert_eq!(a.unscheduled, b.unscheduled);
            assert_eq!(a.objective, b.objective);
        }
    }
}
