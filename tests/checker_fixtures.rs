//! The independent checker against hand-designed fixtures (tests/fixtures, written by
//! make_fixtures.py with its own naive objective and timing arithmetic). A schedule named
//! `<name>.fail-rule7.json` must be rejected for exactly rule 7, `<name>.ok.json` must pass with no
//! warning, `<name>.warn-rule8.json` must pass with a fixed-roster warning on rule 8 only.

mod common;

use rebook::check::check;
use std::collections::BTreeSet;

#[derive(Debug)]
enum Expected {
    Ok,
    Warn(BTreeSet<String>),
    Fail(BTreeSet<String>),
}

fn expected(file_name: &str) -> Expected {
    let verdict = file_name.trim_end_matches(".json").rsplit('.').next().unwrap();
    let rules = |s: &str| s.split('+').map(str::to_string).collect::<BTreeSet<_>>();
    if verdict == "ok" {
        Expected::Ok
    } else if let Some(r) = verdict.strip_prefix("warn-") {
        Expected::Warn(rules(r))
    } else if let Some(r) = verdict.strip_prefix("fail-") {
        Expected::Fail(rules(r))
    } else {
        panic!("fixture {file_name}: verdict '{verdict}' must be ok, warn-RULE or fail-RULE")
    }
}

#[test]
fn every_fixture_schedule_gets_its_expected_verdict() {
    let mut failed_rules = BTreeSet::new();
    let mut count = 0;
    for dir in common::fixture_dirs() {
        let inst = common::load(&dir.join("instance.json"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if name == "instance.json" || !name.ends_with(".json") {
                continue;
            }
            count += 1;
            let report = check(&inst, &common::load_schedule(&path));
            let violated: BTreeSet<String> = report.violations.iter().map(|v| v.rule.to_string()).collect();
            let warned: BTreeSet<String> = report.warnings.iter().map(|w| w.rule.to_string()).collect();
            let what = format!(
                "{}/{name}: {:#?} {:#?}",
                dir.display(),
                report.violations,
                report.warnings
            );
            match expected(&name) {
                Expected::Ok => {
                    assert!(violated.is_empty() && warned.is_empty(), "expected ok: {what}");
                    assert_eq!(report.recomputed_objective, report.reported_objective, "{what}");
                }
                Expected::Warn(rules) => {
                    assert!(violated.is_empty(), "expected a pass: {what}");
                    assert_eq!(warned, rules, "{what}");
                }
                Expected::Fail(rules) => {
                    assert_eq!(violated, rules, "{what}");
                    failed_rules.extend(rules);
                }
            }
        }
    }
    assert!(count >= 30, "only {count} fixture schedules found");
    // Every rule of SPEC.md section 3, and rule 11 of section 8, has at least one fixture that
    // breaks it.
    for rule in (1..=11)
        .map(|n| format!("rule{n}"))
        .chain(["format".into(), "objective".into()])
    {
        assert!(failed_rules.contains(&rule), "no fixture breaks {rule}");
    }
}

#[test]
fn violation_messages_name_the_items() {
    let dir = common::root().join("tests/fixtures/shift-chain");
    let inst = common::load(&dir.join("instance.json"));
    let report = check(
        &inst,
        &common::load_schedule(&dir.join("chain-of-three.fail-rule7.json")),
    );
    let msg = &report.violations[0].message;
    for part in ["S1", "18h00", "on-call", "clinic", "X"] {
        assert!(msg.contains(part), "'{msg}' should mention {part}");
    }
}

#[test]
fn a_rule11_violation_names_the_case_its_booking_and_where_it_went() {
    let dir = common::root().join("tests/fixtures/keep-notified");
    let inst = common::load(&dir.join("instance.json"));
    for (file, went) in [
        (
            "kept-booking-moved.fail-rule11.json",
            "assigned to session OTHER on 2016-03-23",
        ),
        (
            "kept-booking-unscheduled.fail-rule11.json",
            "left unscheduled (capacity)",
        ),
    ] {
        let report = check(&inst, &common::load_schedule(&dir.join(file)));
        assert_eq!(report.violations.len(), 1, "{file}: {:?}", report.violations);
        let msg = &report.violations[0].message;
        for part in ["C1", "BOOKED", "2016-03-22", "keep_notified_days 7", "2016-03-28", went] {
            assert!(msg.contains(part), "{file}: '{msg}' should mention {part}");
        }
    }
}

/// With `keep_notified_days` off (or 0), no booking must be kept: the same moves pass, at their
/// moved cost. One day more of window and the booking on the window's last day must stay.
#[test]
fn rule11_follows_keep_notified_days() {
    let dir = common::root().join("tests/fixtures/keep-notified");
    let moved = common::load_schedule(&dir.join("kept-booking-moved.fail-rule11.json"));
    let mut inst = common::load(&dir.join("instance.json"));
    for days in [None, Some(0), Some(1)] {
        inst.rules.keep_notified_days = days;
        let report = check(&inst, &moved);
        assert!(report.is_ok(), "keep_notified_days {days:?}: {:?}", report.violations);
    }
    // BOOKED is on 22 March, the horizon's second day: a window of 2 days keeps it.
    inst.rules.keep_notified_days = Some(2);
    let rules: Vec<&str> = check(&inst, &moved).violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["rule11"]);
    // Not notified: never kept, however wide the window.
    inst.procedures[0].booked.as_mut().unwrap().notified = false;
    inst.rules.keep_notified_days = Some(366);
    let report = check(&inst, &moved);
    assert!(
        report.violations.iter().all(|v| v.rule != "rule11"),
        "{:?}",
        report.violations
    );
}

/// The strategies' objective and the metrics (`schedule::objective` through `metrics::compute`)
/// give every passing fixture the objective make_fixtures.py computed: a third computation beside
/// the checker's. The re-planning fixtures' bookings and breaches are counted as designed.
#[test]
fn metrics_agree_with_the_fixtures() {
    use rebook::schedule::{Placement, Reason, Solution, SolverInfo};
    let mut counted = 0;
    for dir in common::fixture_dirs() {
        let inst = common::load(&dir.join("instance.json"));
        let index = |ids: Vec<&str>, id: &str| ids.iter().position(|x| *x == id).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if name == "instance.json" || !name.ends_with(".json") || !matches!(expected(&name), Expected::Ok) {
                continue;
            }
            let file = common::load_schedule(&path);
            let procs = || inst.procedures.iter().map(|p| p.id.as_str()).collect::<Vec<_>>();
            let placements: Vec<Placement> = (file.assignments.iter())
                .map(|a| Placement {
                    procedure: index(procs(), &a.procedure),
                    session: index(inst.sessions.iter().map(|s| s.id.as_str()).collect(), &a.session),
                    surgeon: index(inst.surgeons.iter().map(|s| s.id.as_str()).collect(), &a.surgeon),
                })
                .collect();
            let unscheduled: Vec<(usize, Reason)> = (file.unscheduled.iter())
                .map(|u| (index(procs(), &u.procedure), Reason::Capacity))
                .collect();
            let sol = Solution {
                placements,
                unscheduled,
                solver: SolverInfo::heuristic(0.0),
            };
            let m = rebook::metrics::compute(&inst, &sol);
            assert_eq!(m.objective.total, file.objective, "{}/{name}", dir.display());
            let b = &m.bookings;
            let counts = (
                b.kept,
                b.moved_notified,
                b.moved_unnotified,
                b.void_bookings,
                m.breaches.repeat_cancellation,
                m.breaches.cancelled_on_day,
            );
            let want = match name.as_str() {
                "every-booking-kept.ok.json" => (3, 0, 0, 0, 0, 0),
                "kept-at-a-later-start.ok.json" => (2, 0, 1, 0, 0, 0),
                "notified-after-the-window-moved.ok.json" => (2, 1, 0, 0, 0, 0),
                "all-kept-void-free.ok.json" => (2, 0, 0, 1, 0, 0),
                "notified-moved.ok.json" => (1, 1, 0, 1, 0, 0),
                "unnotified-moved.ok.json" => (1, 0, 1, 1, 0, 0),
                "booked-case-unscheduled.ok.json" => (1, 1, 0, 1, 0, 0),
                "twice-cancelled-at-28-days.ok.json" => (0, 0, 0, 0, 0, 0),
                "twice-cancelled-at-29-days.ok.json" => (0, 0, 0, 0, 1, 0),
                "stacked-with-the-28-day-rule.ok.json" => (0, 0, 0, 0, 1, 1),
                "twice-cancelled-unscheduled.ok.json" => (0, 0, 0, 0, 0, 0),
                _ => continue,
            };
            assert_eq!(
                counts,
                want,
                "{}/{name}: (kept, moved notified, moved unnotified, void, repeat, 28-day)",
                dir.display()
            );
            counted += 1;
        }
    }
    assert_eq!(counted, 11, "every re-planning fixture counted");
}

#[test]
fn a_missing_case_is_a_format_violation() {
    let dir = common::root().join("tests/fixtures/pooled");
    let inst = common::load(&dir.join("instance.json"));
    let mut file = common::load_schedule(&dir.join("one-left-for-capacity.ok.json"));
    file.unscheduled.clear();
    let report = check(&inst, &file);
    assert!(report
        .violations
        .iter()
        .any(|v| v.rule == "format" && v.message.contains("C2")));
}

#[test]
fn unknown_ids_and_bad_reasons_are_format_violations() {
    let dir = common::root().join("tests/fixtures/pooled");
    let inst = common::load(&dir.join("instance.json"));
    let good = common::load_schedule(&dir.join("owner-takes-pooled.ok.json"));
    type Edit = fn(&mut rebook::io::schedule::ScheduleFile);
    let cases: [(&str, Edit); 5] = [
        ("unknown session", |f| f.assignments[0].session = "NOPE".into()),
        ("unknown surgeon", |f| f.assignments[0].surgeon = "NOPE".into()),
        ("wrong theatre", |f| f.assignments[0].theatre = "T2".into()),
        ("wrong date", |f| f.assignments[0].date = "2016-03-23".into()),
        ("wrong end", |f| f.assignments[0].end = "23:59".into()),
    ];
    for (what, edit) in cases {
        let mut f = good.clone();
        edit(&mut f);
        let report = check(&inst, &f);
        assert!(
            report.violations.iter().any(|v| v.rule == "format"),
            "{what}: {:?}",
            report.violations
        );
    }
    let mut f = common::load_schedule(&dir.join("one-left-for-capacity.ok.json"));
    f.unscheduled[0].reason = "too_busy".into();
    assert!(check(&inst, &f).violations.iter().any(|v| v.rule == "format"));
}

#[test]
fn roster_breach_fixture_also_warns_in_validation() {
    let loaded = rebook::io::load_instance(&common::root().join("tests/fixtures/roster-over-72h/instance.json"));
    assert!(loaded.instance.is_some());
    assert!(loaded
        .diagnostics
        .iter()
        .any(|d| d.code.as_str() == "W201" && d.message.contains("rule 8")));
}

/// The autumn clock change: on 2016-10-30 the hour 01:00–02:00 happens twice in London. A list
/// from 00:00 to 04:00 lasts five real hours; rebooked cases packed into it have clock times that
/// read the same in both hours. Every strategy's plan must pass, and a plan shifted by the
/// ambiguous hour must not.
#[test]
fn the_repeated_autumn_hour_is_read_by_the_packing() {
    let cases: Vec<serde_json::Value> = (1..=9)
        .map(|i| {
            serde_json::json!({"id": format!("C{i}"), "specialty": "gs", "duration": 20, "surgeon": "S1",
                "priority": "P3", "earliest": "2016-10-28"})
        })
        .collect();
    let v = serde_json::json!({
        "format": "rebook-instance/1", "trust": {"id": "AUTUMN"}, "timezone": "Europe/London",
        "horizon": {"start": "2016-10-28", "end": "2016-11-01"},
        "theatres": [{"id": "T1", "specialties": ["gs"]}],
        "surgeons": [{"id": "S1", "specialties": ["gs"]}],
        "sessions": [{"id": "NIGHT", "theatre": "T1", "date": "2016-10-30", "start": "00:00", "end": "04:00",
                      "surgeon": "S1", "free_minutes": 270}],
        "procedures": cases,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("autumn.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let inst = common::load(&path);
    for name in ["fifo", "priority", "mip"] {
        let (file, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:?}", report.violations);
        let starts: Vec<&str> = file.assignments.iter().map(|a| a.start.as_str()).collect();
        // 270 real minutes hold seven cases of 20 + 15 min; in order of time their clock times go
        // back when the clocks do (…, 01:40 BST, 01:15 GMT, …): each of those reads two ways.
        assert_eq!(file.assignments.len(), 7, "{name}: {starts:?}");
        assert!(
            starts.windows(2).any(|w| w[1] < w[0]),
            "{name}: the plan should cross the repeated hour: {starts:?}"
        );
    }
    // Move one case to another clock time: the checker must object.
    let (mut file, _) = common::solve_and_check(&inst, "fifo");
    file.assignments[0].start = "00:45".into();
    file.assignments[0].end = "01:05".into();
    assert!(!rebook::check::check(&inst, &file).is_ok());
}
