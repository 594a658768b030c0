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

/// The instance of `path` with every case `plan` assigns booked into its list, notified, no
/// other booking, and moving a notified patient made dear (SPEC.md section 8): a published plan,
/// no strike since.
fn published(path: &std::path::Path, plan: &rebook::io::schedule::ScheduleFile) -> rebook::model::Instance {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let session_of: std::collections::BTreeMap<&str, &str> = plan
        .assignments
        .iter()
        .map(|a| (a.procedure.as_str(), a.session.as_str()))
        .collect();
    for pr in v["procedures"].as_array_mut().unwrap() {
        match session_of.get(pr["id"].as_str().unwrap()) {
            Some(session) => pr["booked"] = serde_json::json!({"session": session, "notified": true}),
            None => _ = pr.as_object_mut().unwrap().remove("booked"),
        }
    }
    v["objective"]["moved"] = serde_json::json!({"notified": 100_000});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("published.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    common::load(&file)
}

/// Re-planning a published plan when no strike has come (every booking live, moving a notified
/// patient dear) gives the published plan back: every strategy re-planning every strategy's
/// plan, on every bundled instance (the Kent trusts, and the re-planning example with its own
/// bookings replaced by the plan's).
#[test]
fn replanning_a_published_plan_without_a_strike_keeps_it() {
    for path in common::bundled_instances() {
        let inst = common::load(&path);
        for publisher in strategy::NAMES {
            let (plan, _) = common::solve_and_check(&inst, publisher);
            let again = published(&path, &plan);
            for name in strategy::NAMES {
                let (file, report) = common::solve_and_check(&again, name);
                let what = format!("{name} re-planning {publisher}'s plan of {}", path.display());
                assert!(report.is_ok(), "{what}: {:#?}", report.violations);
                assert_eq!(file.objective, report.recomputed_objective, "{what}");
                let differ: Vec<_> = (file.assignments.iter())
                    .filter(|a| !plan.assignments.contains(a))
                    .map(|a| (&a.procedure, &a.session, &a.surgeon, &a.start))
                    .collect();
                let lost: Vec<_> = (plan.assignments.iter())
                    .filter(|a| !file.assignments.contains(a))
                    .map(|a| (&a.procedure, &a.session, &a.surgeon, &a.start))
                    .collect();
                assert!(
                    differ.is_empty() && lost.is_empty(),
                    "{what}: now {differ:?}, published {lost:?}"
                );
                assert_eq!(file.assignments, plan.assignments, "{what}");
                assert_eq!(file.unscheduled, plan.unscheduled, "{what}");
                assert_eq!(file.objective, plan.objective, "{what}: nothing moved, nothing added");
            }
        }
    }
}

fn instance_from(v: &serde_json::Value) -> rebook::model::Instance {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.json");
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    common::load(&path)
}

/// A notified booking that must be kept (rule 11) in an extra list whose staffing would make
/// its surgeon's shift 14 h (a 06:00–12:00 clinic, the list 13:00–20:00): validation cannot see
/// it (rule 2 allows the booking), so every strategy fails the trust naming the case, the MIP
/// with a proof.
#[test]
fn a_booking_that_cannot_be_kept_fails_the_trust_naming_the_case() {
    let v = serde_json::json!({
        "format": "rebook-instance/1", "trust": {"id": "KEEP"},
        "horizon": {"start": "2016-05-03", "end": "2016-05-13"},
        "rules": {"keep_notified_days": 7},
        "theatres": [{"id": "T1", "specialties": ["gs"]}],
        "surgeons": [{"id": "S1", "specialties": ["gs"],
                      "duties": [{"date": "2016-05-04", "start": "06:00", "end": "12:00", "kind": "clinic"}]}],
        "sessions": [
            {"id": "EXTRA", "theatre": "T1", "date": "2016-05-04", "start": "13:00", "end": "20:00"},
            {"id": "LATER", "theatre": "T1", "date": "2016-05-11", "start": "08:30", "end": "12:30", "surgeon": "S1"}
        ],
        "procedures": [
            {"id": "KEPT-C1", "specialty": "gs", "duration": 90, "surgeon": "S1", "priority": "P3",
             "booked": {"session": "EXTRA", "notified": true}},
            {"id": "FREE-C2", "specialty": "gs", "duration": 60, "surgeon": "S1", "priority": "P3"}
        ],
    });
    let inst = instance_from(&v);
    assert_eq!(inst.must_keep(0), Some(0), "the booking must be kept");
    for name in strategy::NAMES {
        let got = strategy::by_name(name)
            .unwrap()
            .solve(&inst, &strategy::SolveOptions::default());
        match got {
            Err(e @ strategy::SolveError::KeptBookingsInfeasible { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("KEPT-C1") && !msg.contains("FREE-C2"), "{name}: {msg}");
                assert!(msg.contains("rule 11"), "{name}: {msg}");
                if name == "mip" {
                    assert!(msg.contains("infeasible"), "{name}: {msg}");
                }
            }
            other => panic!(
                "{name}: expected the kept booking to fail, got {:?}",
                other.map(|s| s.placements)
            ),
        }
    }
    // Without rule 11 the case simply moves to the later list: the plan exists.
    let mut free = v.clone();
    free["rules"]["keep_notified_days"] = serde_json::Value::Null;
    let inst = instance_from(&free);
    for name in strategy::NAMES {
        let (file, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:?}", report.violations);
        assert!(
            file.assignments
                .iter()
                .any(|a| a.procedure == "KEPT-C1" && a.session == "LATER"),
            "{name}"
        );
    }
}

/// fifo and priority re-plan as a booking office would: the booking that must be kept first
/// (even though the case is taken later in their order), then every other live booking that
/// fits, then the rest to their earliest list, leaving out a case whose booking is void when
/// there is no room, with the usual reason.
#[test]
fn heuristics_keep_bookings_as_a_booking_office_would() {
    let case = |id: &str, priority: &str, original: &str, booked: serde_json::Value| {
        let mut c = serde_json::json!({"id": id, "specialty": "gs", "duration": 60, "surgeon": "S1",
            "priority": priority, "referral": "2015-12-01", "original_date": original});
        if !booked.is_null() {
            c["booked"] = booked;
        }
        c
    };
    let v = serde_json::json!({
        "format": "rebook-instance/1", "trust": {"id": "OFFICE"},
        "horizon": {"start": "2016-05-02", "end": "2016-05-13"},
        "rules": {"keep_notified_days": 3},
        "theatres": [{"id": "T1", "specialties": ["gs"]}],
        "surgeons": [{"id": "S1", "specialties": ["gs"]}],
        "sessions": [
            {"id": "MON", "theatre": "T1", "date": "2016-05-02", "start": "08:30", "end": "09:45", "surgeon": "S1"},
            {"id": "TUE", "theatre": "T1", "date": "2016-05-03", "start": "08:30", "end": "09:45", "surgeon": "S1"},
            {"id": "FRI", "theatre": "T1", "date": "2016-05-06", "start": "08:30", "end": "09:45", "surgeon": "S1"},
            {"id": "NEXT-FRI", "theatre": "T1", "date": "2016-05-13", "start": "08:30", "end": "09:45", "surgeon": "S1"}
        ],
        "procedures": [
            // First in both orders, no booking: it would take MON, which KEEP must keep.
            case("FIRST", "P2", "2016-04-01", serde_json::Value::Null),
            // Last in both orders; notified, on MON, inside the 3 days: kept whatever comes first.
            case("KEEP", "P4", "2016-04-20", serde_json::json!({"session": "MON"})),
            // A later live booking (FRI, past the 3 days): kept, not moved to the free TUE.
            case("LATER", "P3", "2016-04-10", serde_json::json!({"session": "NEXT-FRI", "notified": false})),
            // A void booking: rebooked like any other case.
            case("VOID", "P3", "2016-04-15", serde_json::json!({"session": "LOST"})),
            // No booking and, once the others are placed, no room.
            case("LAST", "P4", "2016-04-25", serde_json::Value::Null),
        ],
    });
    let inst = instance_from(&v);
    for name in ["fifo", "priority"] {
        let (file, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:?}", report.violations);
        let session = |p: &str| {
            file.assignments
                .iter()
                .find(|a| a.procedure == p)
                .map(|a| a.session.as_str())
        };
        assert_eq!(session("KEEP"), Some("MON"), "{name}");
        assert_eq!(session("FIRST"), Some("TUE"), "{name}");
        assert_eq!(session("LATER"), Some("NEXT-FRI"), "{name}");
        assert_eq!(session("VOID"), Some("FRI"), "{name}");
        assert_eq!(reason_of(&file, "LAST").as_deref(), Some("capacity"), "{name}");
    }
}

/// A live booking that need not be kept gives way to a hard deadline: fifo and priority first
/// keep it, find the deadline case then has no list, and place the deadline case first instead
/// (the booked case moves to the next list, at its `moved` cost).
#[test]
fn heuristics_let_a_hard_deadline_take_an_optional_booking() {
    let v = serde_json::json!({
        "format": "rebook-instance/1", "trust": {"id": "YIELD"},
        "horizon": {"start": "2016-05-02", "end": "2016-05-13"},
        "theatres": [{"id": "T1", "specialties": ["gs"]}],
        "surgeons": [{"id": "S1", "specialties": ["gs"]}],
        "sessions": [
            {"id": "MON", "theatre": "T1", "date": "2016-05-02", "start": "08:30", "end": "09:45", "surgeon": "S1"},
            {"id": "TUE", "theatre": "T1", "date": "2016-05-03", "start": "08:30", "end": "09:45", "surgeon": "S1"}
        ],
        "procedures": [
            {"id": "BOOKED", "specialty": "gs", "duration": 60, "surgeon": "S1", "priority": "P4",
             "booked": {"session": "MON"}},
            {"id": "DEADLINE", "specialty": "gs", "duration": 60, "surgeon": "S1", "priority": "P4",
             "deadline": "2016-05-02"}
        ],
    });
    let inst = instance_from(&v);
    for name in ["fifo", "priority"] {
        let (file, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:?}", report.violations);
        let session = |p: &str| {
            file.assignments
                .iter()
                .find(|a| a.procedure == p)
                .map(|a| a.session.as_str())
        };
        assert_eq!(session("DEADLINE"), Some("MON"), "{name}");
        assert_eq!(session("BOOKED"), Some("TUE"), "{name}");
    }
    // With the booking kept by rule 11 no plan exists: the heuristics fail on the deadline, and
    // the MIP proves it.
    let mut kept = v.clone();
    kept["rules"] = serde_json::json!({"keep_notified_days": 7});
    let inst = instance_from(&kept);
    for name in strategy::NAMES {
        let got = strategy::by_name(name)
            .unwrap()
            .solve(&inst, &strategy::SolveOptions::default());
        match got {
            Err(strategy::SolveError::DeadlineInfeasible { cases, proven, .. }) => {
                assert_eq!(cases, ["DEADLINE"], "{name}");
                assert_eq!(proven, name == "mip", "{name}");
            }
            other => panic!("{name}: {:?}", other.map(|s| s.placements)),
        }
    }
}
