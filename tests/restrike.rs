//! `rebook restrike` and `rebook::restrike`: the re-planning instance after a further strike
//! (SPEC.md section 8) — valid, without the past, with the published bookings and their notified
//! flags, lost lists as void bookings cancelled once more, deterministic draws, `--lost` files,
//! batches, and errors that name what is wrong.

mod common;

use chrono::NaiveDate;
use common::rebook;
use predicates::prelude::*;
use rebook::cli::BAD_INPUT;
use rebook::io::instance::{InstanceFile, ProcedureDto};
use rebook::io::schedule::ScheduleFile;
use rebook::restrike::{self, Notified, Options, RestrikeError, Strike};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MEDWAY: &str = "instances/kent-2016-04/medway-RPA.json";
const DARTFORD: &str = "instances/kent-2016-04/dartford-gravesham-RN7.json";

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn read_file(path: &str) -> InstanceFile {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    rebook::io::json::parse(&text).unwrap()
}

/// An instance file and the plan `priority` publishes for it (fast and deterministic).
fn published(path: &str) -> (InstanceFile, ScheduleFile) {
    let inst = common::load(&common::root().join(path));
    let (plan, report) = common::solve_and_check(&inst, "priority");
    assert!(report.is_ok());
    (read_file(path), plan)
}

/// The plan's assignments by case id.
fn assigned(plan: &ScheduleFile) -> BTreeMap<&str, &rebook::io::schedule::AssignmentDto> {
    plan.assignments.iter().map(|a| (a.procedure.as_str(), a)).collect()
}

fn options(today: &str) -> Options {
    Options {
        today: date(today),
        ..Options::default()
    }
}

/// A strike one week after the published start: 40 % of the lists of two days.
fn second_strike(seed: u64) -> Options {
    Options {
        strike: Strike::Draw {
            dates: vec![date("2016-05-11"), date("2016-05-12")],
            share: 0.4,
            seed,
        },
        keep_notified_days: Some(14),
        ..options("2016-05-05")
    }
}

/// Writes `value` as pretty JSON at `path`.
fn write_json<T: serde::Serialize>(path: &Path, value: &T) {
    std::fs::write(path, rebook::io::json::pretty(value)).unwrap();
}

#[test]
fn the_re_planning_instance_validates_without_the_past_and_with_the_bookings() {
    let (file, plan) = published(MEDWAY);
    let made = restrike::restrike(&file, &plan, &second_strike(1)).unwrap();
    let out = &made.instance;
    let today = date("2016-05-05");
    // Valid (the library validated it; so does the loader), horizon from today to the same end.
    let dir = tempfile::tempdir().unwrap();
    write_json(&dir.path().join("replan.json"), out);
    let inst = common::load(&dir.path().join("replan.json"));
    assert_eq!((inst.horizon_start, inst.horizon_end), (today, date("2016-06-08")));
    assert_eq!(out.rules.keep_notified_days, rebook::io::instance::Setting::Set(14));

    let by_case = assigned(&plan);
    let unscheduled: BTreeSet<&str> = plan.unscheduled.iter().map(|u| u.procedure.as_str()).collect();
    let session_date: BTreeMap<&str, &str> = (file.sessions.iter())
        .map(|k| (k.id.as_str(), k.date.as_str()))
        .collect();
    let kept_sessions: BTreeSet<&str> = out.sessions.iter().map(|k| k.id.as_str()).collect();
    let lost: BTreeSet<&str> = (file.sessions.iter())
        .filter(|k| k.date.as_str() >= "2016-05-05" && !kept_sessions.contains(k.id.as_str()))
        .map(|k| k.id.as_str())
        .collect();
    assert!(!lost.is_empty(), "the strike takes lists");
    assert_eq!(made.summary.lost_lists, lost.len());
    // Lists before today are gone, the others kept unless lost.
    for k in &out.sessions {
        assert!(k.date.as_str() >= "2016-05-05", "{} is before today", k.id);
    }
    // Cases operated before today are gone; every other case is carried.
    let operated: BTreeSet<&str> = (plan.assignments.iter())
        .filter(|a| a.date.as_str() < "2016-05-05")
        .map(|a| a.procedure.as_str())
        .collect();
    assert!(!operated.is_empty());
    assert_eq!(made.summary.removed, operated.len());
    assert_eq!(out.procedures.len(), file.procedures.len() - operated.len());
    let mut void = 0;
    for p in &out.procedures {
        assert!(!operated.contains(p.id.as_str()), "{} was operated before today", p.id);
        let original = file.procedures.iter().find(|o| o.id == p.id).unwrap();
        match by_case.get(p.id.as_str()) {
            Some(a) => {
                let b = p
                    .booked
                    .as_ref()
                    .unwrap_or_else(|| panic!("{} carries no booking", p.id));
                assert_eq!(b.session, a.session, "{}", p.id);
                assert_eq!(b.notified, Some(true), "{}: --notified all is the default", p.id);
                if lost.contains(a.session.as_str()) {
                    void += 1;
                    assert_eq!(p.times_cancelled, Some(2), "{}", p.id);
                    assert_eq!(p.original_date.as_deref(), Some(session_date[a.session.as_str()]));
                    assert!(!p.cancelled_on_day);
                } else {
                    assert_eq!(p.times_cancelled, original.times_cancelled);
                    assert_eq!(p.original_date, original.original_date);
                    assert_eq!(p.cancelled_on_day, original.cancelled_on_day);
                }
                // Everything else of the case is as it was.
                let plain = ProcedureDto {
                    booked: None,
                    times_cancelled: original.times_cancelled,
                    original_date: original.original_date.clone(),
                    cancelled_on_day: original.cancelled_on_day,
                    ..p.clone()
                };
                assert_eq!(&plain, original);
            }
            None => {
                assert!(unscheduled.contains(p.id.as_str()));
                assert_eq!(p, original, "an unscheduled case is carried as it was, without booking");
            }
        }
    }
    assert!(void > 0, "some booked lists were lost");
    assert_eq!(made.summary.void, void);
    assert_eq!(inst.procedures.iter().filter(|p| p.void_booking()).count(), void);
    assert_eq!(
        made.summary.kept,
        inst.procedures.iter().filter(|p| p.live_booking().is_some()).count()
    );
    assert!(made.warnings.iter().any(|d| d.code.as_str() == "W204"));
}

#[test]
fn the_recent_past_stays_on_the_roster() {
    let (file, plan) = published(MEDWAY);
    let made = restrike::restrike(&file, &plan, &options("2016-05-05")).unwrap();
    let out = &made.instance;
    let duties_of = |s: &str| -> Vec<(String, String, String, Option<String>)> {
        let g = out.surgeons.iter().find(|g| g.id == s).unwrap();
        g.duties
            .iter()
            .map(|d| (d.date.clone(), d.start.clone(), d.end.clone(), d.kind.clone()))
            .collect()
    };
    let theatre = Some("theatre".to_string());
    let mut expected = 0;
    for k in file.sessions.iter().filter(|k| k.date.as_str() < "2016-05-05") {
        // The look-back is 7 days: 2016-04-28 onwards.
        assert!(k.date.as_str() >= "2016-04-28");
        let who: BTreeSet<&str> = match &k.surgeon {
            Some(owner) => BTreeSet::from([owner.as_str()]),
            None => (plan.assignments.iter())
                .filter(|a| a.session == k.id)
                .map(|a| a.surgeon.as_str())
                .collect(),
        };
        for s in who {
            expected += 1;
            let duty = (k.date.clone(), k.start.clone(), k.end.clone(), theatre.clone());
            assert!(duties_of(s).contains(&duty), "{s} lacks the list {} as a duty", k.id);
        }
    }
    assert!(expected > 0);
    assert_eq!(made.summary.past_list_duties, expected);
    // The surgeons' own fixed duties of the look-back days and later are all kept, older ones
    // dropped, and duties are in date order.
    for (before, after) in file.surgeons.iter().zip(&out.surgeons) {
        for d in &before.duties {
            let kept = after.duties.contains(d);
            assert_eq!(kept, d.date.as_str() >= "2016-04-28", "{} {d:?}", before.id);
        }
        let dates: Vec<&str> = after.duties.iter().map(|d| d.date.as_str()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{}", before.id);
    }
}

#[test]
fn notified_flags_follow_the_option() {
    let (file, plan) = published(MEDWAY);
    let by_case = assigned(&plan);
    for (notified, told) in [
        (Notified::All, Box::new(|_: &str| true) as Box<dyn Fn(&str) -> bool>),
        (Notified::None, Box::new(|_: &str| false)),
        (Notified::Within(10), Box::new(|d: &str| d < "2016-05-15")),
    ] {
        let opts = Options {
            notified,
            ..options("2016-05-05")
        };
        let made = restrike::restrike(&file, &plan, &opts).unwrap();
        let mut both = [0, 0];
        for p in &made.instance.procedures {
            let Some(b) = &p.booked else { continue };
            let when = by_case[p.id.as_str()].date.as_str();
            assert_eq!(b.notified, Some(told(when)), "{notified:?}: {} on {when}", p.id);
            both[usize::from(told(when))] += 1;
        }
        assert_eq!(made.summary.kept_notified, both[1]);
        if notified == Notified::Within(10) {
            assert!(both[0] > 0 && both[1] > 0, "both kinds: {both:?}");
        }
    }
    // A patient told of the same list in an earlier round stays told.
    let made = restrike::restrike(&file, &plan, &options("2016-05-05")).unwrap();
    let again = restrike::restrike(
        &made.instance,
        &plan_for(&made.instance, &plan),
        &Options {
            notified: Notified::None,
            ..options("2016-05-06")
        },
    )
    .unwrap();
    for p in &again.instance.procedures {
        if let Some(b) = &p.booked {
            assert_eq!(b.notified, Some(true), "{} was told in the first round", p.id);
        }
    }
}

/// The published plan restricted to the cases of `inst` (the same bookings, re-published).
fn plan_for(inst: &InstanceFile, plan: &ScheduleFile) -> ScheduleFile {
    let ids: BTreeSet<&str> = inst.procedures.iter().map(|p| p.id.as_str()).collect();
    ScheduleFile {
        assignments: (plan.assignments.iter())
            .filter(|a| ids.contains(a.procedure.as_str()))
            .cloned()
            .collect(),
        unscheduled: (plan.unscheduled.iter())
            .filter(|u| ids.contains(u.procedure.as_str()))
            .cloned()
            .collect(),
        ..plan.clone()
    }
}

#[test]
fn no_strike_on_the_first_day_only_adds_the_bookings() {
    let (file, plan) = published(MEDWAY);
    let made = restrike::restrike(&file, &plan, &options("2016-04-28")).unwrap();
    let out = &made.instance;
    assert_eq!(made.summary.removed, 0);
    assert_eq!(made.summary.kept, plan.assignments.len());
    assert_eq!(out.sessions, file.sessions);
    assert_eq!(out.surgeons, file.surgeons);
    let stripped: Vec<ProcedureDto> = (out.procedures.iter())
        .map(|p| ProcedureDto {
            booked: None,
            ..p.clone()
        })
        .collect();
    assert_eq!(stripped, file.procedures);
    assert!(made.warnings.is_empty(), "{:?}", made.warnings);
}

#[test]
fn the_draw_is_deterministic_and_takes_the_share_of_each_date() {
    let (file, plan) = published(MEDWAY);
    let lost_of = |seed: u64| -> BTreeSet<String> {
        let made = restrike::restrike(&file, &plan, &second_strike(seed)).unwrap();
        let kept: BTreeSet<&str> = made.instance.sessions.iter().map(|k| k.id.as_str()).collect();
        (file.sessions.iter())
            .filter(|k| k.date.as_str() >= "2016-05-05" && !kept.contains(k.id.as_str()))
            .map(|k| k.id.clone())
            .collect()
    };
    let a = lost_of(1);
    assert_eq!(a, lost_of(1), "same seed, same lists");
    let a_bytes = rebook::io::json::pretty(&restrike::restrike(&file, &plan, &second_strike(1)).unwrap().instance);
    let b_bytes = rebook::io::json::pretty(&restrike::restrike(&file, &plan, &second_strike(1)).unwrap().instance);
    assert!(a_bytes == b_bytes, "same seed, same bytes");
    for day in ["2016-05-11", "2016-05-12"] {
        let n = file.sessions.iter().filter(|k| k.date == day).count();
        let lost = (a.iter())
            .filter(|id| file.sessions.iter().any(|k| k.id == **id && k.date == day))
            .count();
        assert_eq!(lost, (0.4 * n as f64).round() as usize, "{day}: {n} lists");
    }
    assert!(a.iter().all(|id| {
        let d = &file.sessions.iter().find(|k| k.id == *id).unwrap().date;
        d == "2016-05-11" || d == "2016-05-12"
    }));
    let draws: BTreeSet<BTreeSet<String>> = (1..=8).map(lost_of).collect();
    assert!(draws.len() > 1, "the seed changes the draw");
    // The library's draw is the one the command uses.
    let sessions: Vec<_> = file
        .sessions
        .iter()
        .filter(|k| k.date.as_str() >= "2016-05-05")
        .cloned()
        .collect();
    let direct = restrike::draw_lost("RPA", &sessions, &[date("2016-05-12"), date("2016-05-11")], 0.4, 1);
    assert_eq!(direct, a);
}

#[test]
fn extending_repeats_the_last_week_with_new_ids() {
    let (file, plan) = published(MEDWAY);
    let made = restrike::restrike(
        &file,
        &plan,
        &Options {
            extend_weeks: 2,
            ..options("2016-05-05")
        },
    )
    .unwrap();
    let out = &made.instance;
    assert_eq!(out.horizon.end, "2016-06-22");
    let last_week: Vec<_> = (file.sessions.iter())
        .filter(|k| k.date.as_str() >= "2016-06-02")
        .collect();
    assert_eq!(made.summary.extension_lists, 2 * last_week.len());
    let ids: BTreeSet<&str> = out.sessions.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids.len(), out.sessions.len(), "session ids stay unique");
    for k in &last_week {
        for (n, day) in [(1, 7), (2, 14)] {
            let new_date = (date(&k.date) + chrono::Days::new(day)).to_string();
            let copy = (out.sessions.iter())
                .find(|c| c.date == new_date && c.theatre == k.theatre && c.start == k.start && c.surgeon == k.surgeon)
                .unwrap_or_else(|| panic!("{} is not repeated in week {n}", k.id));
            assert_ne!(copy.id, k.id);
            assert_eq!((copy.end.as_str(), copy.free_minutes), (k.end.as_str(), k.free_minutes));
        }
    }
    // Fixed duties of the last week repeat; those after the published horizon move out with it;
    // those before the look-back are dropped; the lists before today are added.
    for (s, after) in file.surgeons.iter().zip(&out.surgeons) {
        let moved = |d: &rebook::io::instance::DutyDto, by: u64| rebook::io::instance::DutyDto {
            date: (date(&d.date) + chrono::Days::new(by)).to_string(),
            ..d.clone()
        };
        let mut expected = Vec::new();
        for d in &s.duties {
            match d.date.as_str() {
                x if x > "2016-06-08" => expected.push(moved(d, 14)),
                x if x >= "2016-06-02" => expected.extend([d.clone(), moved(d, 7), moved(d, 14)]),
                x if x >= "2016-04-28" => expected.push(d.clone()),
                _ => {}
            }
        }
        let mut got: Vec<_> = (after.duties.iter())
            .filter(|d| !(d.date.as_str() < "2016-05-05" && d.kind.as_deref() == Some("theatre")))
            .cloned()
            .collect();
        let key = |d: &rebook::io::instance::DutyDto| (d.date.clone(), d.start.clone(), d.end.clone(), d.kind.clone());
        expected.sort_by_key(key);
        got.sort_by_key(key);
        assert_eq!(got, expected, "{}", s.id);
    }
}

#[test]
fn new_cases_are_appended_and_clashing_ids_refused() {
    let (file, plan) = published(MEDWAY);
    let mut fresh = file.procedures[0].clone();
    fresh.id = "NEW-001".into();
    fresh.earliest = Some("2016-05-09".into());
    let made = restrike::restrike(
        &file,
        &plan,
        &Options {
            new_cases: vec![fresh.clone()],
            ..options("2016-05-05")
        },
    )
    .unwrap();
    assert_eq!(made.instance.procedures.last(), Some(&fresh));
    assert_eq!(made.summary.added, 1);
    // An id of the instance (even of a case operated before today) or twice among the new ones.
    let operated = (plan.assignments.iter())
        .find(|a| a.date.as_str() < "2016-05-05")
        .unwrap()
        .procedure
        .clone();
    let mut clash = fresh.clone();
    clash.id = operated.clone();
    let e = restrike::restrike(
        &file,
        &plan,
        &Options {
            new_cases: vec![fresh.clone(), clash, fresh.clone()],
            ..options("2016-05-05")
        },
    )
    .unwrap_err();
    assert!(matches!(&e, RestrikeError::IdClash(ids) if *ids == vec![operated.clone(), "NEW-001".to_string()]));
    assert!(e.to_string().contains(&operated), "{e}");
    // A new case that does not validate is named in the diagnostics.
    let mut bad = fresh.clone();
    bad.surgeon = Some("NO-SUCH-SURGEON".into());
    let e = restrike::restrike(
        &file,
        &plan,
        &Options {
            new_cases: vec![bad],
            ..options("2016-05-05")
        },
    )
    .unwrap_err();
    let RestrikeError::Invalid(diagnostics) = &e else {
        panic!("{e}")
    };
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.path.contains("case NEW-001, a new case")),
        "{diagnostics:#?}"
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let (file, plan) = published(MEDWAY);
    let e = restrike::restrike(&file, &plan, &options("2016-06-09")).unwrap_err();
    assert!(matches!(e, RestrikeError::TodayOutside { .. }), "{e}");
    assert!(e.to_string().contains("2016-06-09"));
    let (_, other) = published(DARTFORD);
    let e = restrike::restrike(&file, &other, &options("2016-05-05")).unwrap_err();
    assert!(
        e.to_string().contains("'RN7'") && e.to_string().contains("'RPA'"),
        "{e}"
    );
    // A plan that does not fit the instance.
    let mut broken = plan.clone();
    broken.assignments[0].session = "NO-SUCH-LIST".into();
    broken.assignments[1].date = "2016-01-01".into();
    broken
        .unscheduled
        .push(
            broken
                .unscheduled
                .first()
                .cloned()
                .unwrap_or_else(|| rebook::io::schedule::UnscheduledDto {
                    procedure: plan.assignments[2].procedure.clone(),
                    reason: "capacity".into(),
                }),
        );
    let e = restrike::restrike(&file, &broken, &options("2016-05-05")).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("assignments[0].session: no session 'NO-SUCH-LIST'"),
        "{text}"
    );
    assert!(text.contains("assignments[1].date: 2016-01-01 but session"), "{text}");
    assert!(text.contains("is already in"), "{text}");
    let mut other_format = plan.clone();
    other_format.format = "rebook-schedule/9".into();
    let e = restrike::restrike(&file, &other_format, &options("2016-05-05")).unwrap_err();
    assert!(
        e.to_string()
            .contains("format: 'rebook-schedule/9' is not rebook-schedule/1"),
        "{e}"
    );
    let mut short = plan.clone();
    let dropped = short.assignments.pop().unwrap().procedure;
    let e = restrike::restrike(&file, &short, &options("2016-05-05")).unwrap_err();
    assert!(e.to_string().contains(&dropped), "{e}");
    // Lost lists that are unknown, or already past, and strike dates outside the horizon.
    let past = file.sessions[0].id.clone();
    let e = restrike::restrike(
        &file,
        &plan,
        &Options {
            strike: Strike::Lost(vec!["NOPE".into(), past.clone()]),
            ..options("2016-05-05")
        },
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("'NOPE' is not a session of trust RPA"), "{text}");
    assert!(
        text.contains(&format!("'{past}' is on 2016-04-28, before --today")),
        "{text}"
    );
    let e = restrike::restrike(
        &file,
        &plan,
        &Options {
            strike: Strike::Draw {
                dates: vec![date("2016-05-01")],
                share: 0.4,
                seed: 1,
            },
            ..options("2016-05-05")
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("strike date 2016-05-01 is outside"), "{e}");
}

/// A published plan written next to its instance: (instance path, plan path).
fn publish(dir: &Path, path: &str) -> (PathBuf, PathBuf) {
    let (file, plan) = published(path);
    let plan_path = dir.join(format!("{}.schedule.json", file.trust.id));
    write_json(&plan_path, &plan);
    (common::root().join(path), plan_path)
}

#[test]
fn the_command_writes_a_valid_instance_from_a_lost_file() {
    let dir = tempfile::tempdir().unwrap();
    let (instance, plan_path) = publish(dir.path(), MEDWAY);
    let plan = common::load_schedule(&plan_path);
    // Two booked lists after today are lost.
    let mut lost: Vec<&str> = Vec::new();
    for a in plan.assignments.iter().filter(|a| a.date.as_str() >= "2016-05-10") {
        if lost.len() < 2 && !lost.contains(&a.session.as_str()) {
            lost.push(a.session.as_str());
        }
    }
    let lost_path = dir.path().join("lost.txt");
    std::fs::write(
        &lost_path,
        format!("# lost on the strike days\n{}\n\n{}  # again\n", lost[0], lost[1]),
    )
    .unwrap();
    let out = dir.path().join("replan.json");
    rebook()
        .arg("restrike")
        .arg(&instance)
        .arg(&plan_path)
        .args([
            "--today",
            "2016-05-05",
            "--notified-within",
            "7",
            "--keep-notified-days",
            "10",
            "--lost",
        ])
        .arg(&lost_path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("RPA: ").and(predicate::str::contains("2 list(s) lost")))
        .stderr(predicate::str::contains("warning[W204]"));
    let inst = common::load(&out);
    assert!(lost.iter().all(|id| inst.sessions.iter().all(|k| k.id != *id)));
    let void: Vec<_> = inst.procedures.iter().filter(|p| p.void_booking()).collect();
    let expected = (plan.assignments.iter())
        .filter(|a| lost.contains(&a.session.as_str()))
        .count();
    assert_eq!(void.len(), expected);
    assert!(void.iter().all(|p| p.times_cancelled == 2 && !p.cancelled_on_day));
    assert_eq!(inst.rules.keep_notified_days, Some(10));
    // Notified only within 7 days of today.
    for p in &inst.procedures {
        if let Some(b) = &p.booked {
            let day = plan
                .assignments
                .iter()
                .find(|a| a.procedure == p.id)
                .unwrap()
                .date
                .clone();
            assert_eq!(b.notified, day.as_str() < "2016-05-12", "{} on {day}", p.id);
        }
    }
    // An unknown list is an error naming it and the file, and nothing is written.
    std::fs::write(&lost_path, "NO-SUCH-LIST\n").unwrap();
    let never = dir.path().join("never.json");
    rebook()
        .arg("restrike")
        .arg(&instance)
        .arg(&plan_path)
        .args(["--today", "2016-05-05", "--lost"])
        .arg(&lost_path)
        .arg("--out")
        .arg(&never)
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains(
            "lost.txt: lost session 'NO-SUCH-LIST' is not a session of trust RPA",
        ));
    assert!(!never.exists());
}

#[test]
fn new_cases_come_from_csv_or_an_instance_file_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (instance, plan_path) = publish(dir.path(), MEDWAY);
    let csv_path = dir.path().join("new.csv");
    std::fs::write(
        &csv_path,
        "id,specialty,duration,priority,surgeon,original_date,times_cancelled\n\
         NEW-1,orthopaedics,60,P2,,2016-05-04,1\n\
         NEW-2,urology,45,P4,,,\n",
    )
    .unwrap();
    let out = dir.path().join("replan.json");
    rebook()
        .arg("restrike")
        .arg(&instance)
        .arg(&plan_path)
        .args(["--today", "2016-05-05", "--new-cases"])
        .arg(&csv_path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 added"));
    let inst = common::load(&out);
    assert_eq!(inst.procedures[inst.procedures.len() - 2].id, "NEW-1");
    // The same ids again, from an instance file of the trust: a clash naming them and the file.
    let written: InstanceFile = rebook::io::json::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let again = dir.path().join("again.json");
    write_json(&again, &written);
    rebook()
        .arg("restrike")
        .arg(&instance)
        .arg(&plan_path)
        .args(["--today", "2016-05-05", "--new-cases"])
        .arg(&again)
        .arg("--out")
        .arg(dir.path().join("never.json"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains(
            "again.json: new case id(s) already used: RPA-C",
        ));
    // A CSV cell that is not a number is located.
    std::fs::write(&csv_path, "id,specialty,duration,priority\nNEW-3,urology,long,P4\n").unwrap();
    rebook()
        .arg("restrike")
        .arg(&instance)
        .arg(&plan_path)
        .args(["--today", "2016-05-05", "--new-cases"])
        .arg(&csv_path)
        .arg("--out")
        .arg(dir.path().join("never.json"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains(
            "new.csv, line 2, column duration: 'long' is not a whole number",
        ));
    assert!(!dir.path().join("never.json").exists());
}

#[test]
fn a_batch_gives_one_instance_per_trust_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(&batch).unwrap();
    std::fs::create_dir_all(&plans).unwrap();
    for path in [MEDWAY, DARTFORD] {
        std::fs::copy(
            common::root().join(path),
            batch.join(Path::new(path).file_name().unwrap()),
        )
        .unwrap();
        publish(&plans, path);
    }
    let out = dir.path().join("out");
    rebook()
        .arg("restrike")
        .arg(&batch)
        .arg(&plans)
        .args([
            "--today",
            "2016-05-05",
            "--strike-dates",
            "2016-05-11,2016-05-12",
            "--share",
            "0.4",
            "--seed",
            "3",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("RPA: ").and(predicate::str::contains("RN7: ")));
    assert_eq!(
        common::file_names(&out),
        ["dartford-gravesham-RN7.json", "medway-RPA.json"]
    );
    // Each file is what the library makes of its trust.
    let (file, plan) = published(MEDWAY);
    let lib = restrike::restrike(
        &file,
        &plan,
        &Options {
            strike: Strike::Draw {
                dates: vec![date("2016-05-11"), date("2016-05-12")],
                share: 0.4,
                seed: 3,
            },
            ..options("2016-05-05")
        },
    )
    .unwrap();
    assert!(std::fs::read(out.join("medway-RPA.json")).unwrap() == rebook::io::json::pretty(&lib.instance));
    common::load(&out.join("dartford-gravesham-RN7.json"));
    // Lost lists of several trusts in one file, and new cases for one trust in a folder.
    let rpa_list = (file.sessions.iter())
        .find(|k| k.date.as_str() >= "2016-05-10")
        .unwrap()
        .id
        .clone();
    let rn7 = read_file(DARTFORD);
    let rn7_list = (rn7.sessions.iter())
        .find(|k| k.date.as_str() >= "2016-05-10")
        .unwrap()
        .id
        .clone();
    let lost = dir.path().join("lost.txt");
    std::fs::write(&lost, format!("{rpa_list}\n{rn7_list}\n")).unwrap();
    let new = dir.path().join("new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("RPA.csv"),
        "id,specialty,duration,priority\nRPA-N1,urology,45,P4\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    rebook()
        .arg("restrike")
        .arg(&batch)
        .arg(&plans)
        .args(["--today", "2016-05-05", "--lost"])
        .arg(&lost)
        .arg("--new-cases")
        .arg(&new)
        .arg("--out")
        .arg(&out2)
        .assert()
        .success()
        .stdout(predicate::str::contains("RPA: ").and(predicate::str::contains("1 added")));
    let rpa = common::load(&out2.join("medway-RPA.json"));
    let rn7 = common::load(&out2.join("dartford-gravesham-RN7.json"));
    assert!(rpa.sessions.iter().all(|k| k.id != rpa_list) && rn7.sessions.iter().all(|k| k.id != rn7_list));
    assert!(rpa.procedures.iter().any(|p| p.id == "RPA-N1") && rn7.procedures.iter().all(|p| p.id != "RPA-N1"));
    // New cases for no trust of the batch, or a list of no trust: errors naming them.
    std::fs::write(
        new.join("XYZ.csv"),
        "id,specialty,duration,priority\nX1,urology,45,P4\n",
    )
    .unwrap();
    rebook()
        .arg("restrike")
        .arg(&batch)
        .arg(&plans)
        .args(["--today", "2016-05-05", "--new-cases"])
        .arg(&new)
        .arg("--out")
        .arg(dir.path().join("never"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains("XYZ.csv: new cases for no trust of the batch"));
    std::fs::write(&lost, "NO-SUCH-LIST\n").unwrap();
    rebook()
        .arg("restrike")
        .arg(&batch)
        .arg(&plans)
        .args(["--today", "2016-05-05", "--lost"])
        .arg(&lost)
        .arg("--out")
        .arg(dir.path().join("never"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains(
            "'NO-SUCH-LIST' is not a session of any trust of the batch",
        ));
    // A trust without a plan: an error naming it, and nothing written.
    std::fs::remove_file(plans.join("RN7.schedule.json")).unwrap();
    let never = dir.path().join("never");
    rebook()
        .arg("restrike")
        .arg(&batch)
        .arg(&plans)
        .args(["--today", "2016-05-05", "--out"])
        .arg(&never)
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains("no plan for trust RN7"));
    assert!(!never.exists());
}

#[test]
fn the_re_plan_solves_and_passes_the_checker() {
    let (file, plan) = published(MEDWAY);
    let made = restrike::restrike(&file, &plan, &second_strike(1)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_json(&dir.path().join("replan.json"), &made.instance);
    let inst = common::load(&dir.path().join("replan.json"));
    for name in ["fifo", "priority"] {
        let (sched, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:#?}", report.violations);
        assert_eq!(sched.objective, report.recomputed_objective);
    }
}

#[test]
fn the_bundled_example_is_what_its_readme_commands_make() {
    let dir = common::root().join("instances/replan-example");
    let plan = common::load_schedule(&dir.join("published/RPA.schedule.json"));
    let file = read_file("instances/kent-2016-04/medway-RPA.json");
    let made = restrike::restrike(
        &file,
        &plan,
        &Options {
            strike: Strike::Draw {
                dates: vec![date("2016-05-11"), date("2016-05-12")],
                share: 0.4,
                seed: EXAMPLE_SEED,
            },
            notified: Notified::Within(14),
            keep_notified_days: Some(14),
            new_cases: rebook::io::csv::import_procedures(&dir.join("new-cases.csv")).unwrap(),
            ..options("2016-05-05")
        },
    )
    .unwrap();
    let bundled = std::fs::read(dir.join("medway-RPA.json")).unwrap();
    assert!(
        bundled == rebook::io::json::pretty(&made.instance),
        "instances/replan-example/medway-RPA.json differs from what its README's commands make"
    );
    let s = made.summary;
    assert!(
        s.void > 0 && s.kept > s.kept_notified && s.kept_notified > 0 && s.added == 4,
        "{s:?}"
    );
    let readme = std::fs::read_to_string(common::root().join("instances/README.md")).unwrap();
    assert!(
        readme.contains(&format!("--seed {EXAMPLE_SEED}")),
        "instances/README.md gives the example's command"
    );
}

/// The seed of the bundled example's strike (instances/README.md).
const EXAMPLE_SEED: u64 = 12;

/// The plan published for `file` (priority, checked), after validation ignored exactly the lists
/// `ignored` (W205, W206).
fn published_with_ignored(file: &InstanceFile, ignored: &[&str]) -> ScheduleFile {
    let checked = rebook::io::validate::validate(file);
    assert_eq!(rebook::io::validate::ignored_lists(&checked.diagnostics), ignored);
    let inst = checked.instance.expect("valid with warnings");
    let (plan, report) = common::solve_and_check(&inst, "priority");
    assert!(report.is_ok(), "{:?}", report.violations);
    plan
}

/// Lists validation ignores (W205, W206) in the published instance: the plan never used them,
/// the re-planning instance carries them as the file had them (a list after the old horizon
/// comes into the extended one and is used), and an owned list before the horizon stays on its
/// owner's roster as a past duty. The instance's sessions are then not the file's one for one.
#[test]
fn ignored_lists_of_the_published_instance_are_carried_as_given() {
    let mut file = read_file(MEDWAY);
    let owner = file.surgeons[0].id.clone();
    let specialty = file.surgeons[0].specialties[0].clone();
    file.theatres.push(rebook::io::instance::TheatreDto {
        id: "EXTRA-T9".into(),
        site: None,
        specialties: vec![specialty.clone()],
    });
    let list = |id: &str, day: &str, owner: Option<&str>, specialty: &str| {
        let text = serde_json::json!({"id": id, "theatre": "EXTRA-T9", "date": day, "start": "08:00",
            "end": "12:00", "surgeon": owner, "specialty": specialty});
        serde_json::from_value::<rebook::io::instance::SessionDto>(text).unwrap()
    };
    // At the front, so every other list moves one place in the file.
    file.sessions
        .insert(0, list("OLD-OWNED", "2016-04-27", Some(&owner), &specialty));
    file.sessions
        .insert(1, list("OPH-EXTRA", "2016-05-03", None, "ophthalmology"));
    file.sessions.push(list("AFTER-END", "2016-06-10", None, &specialty));
    let ignored = ["OLD-OWNED", "OPH-EXTRA", "AFTER-END"];
    let plan = published_with_ignored(&file, &ignored);

    let made = restrike::restrike(
        &file,
        &plan,
        &Options {
            extend_weeks: 1,
            keep_notified_days: Some(7),
            ..options("2016-04-30")
        },
    )
    .unwrap();
    let out = &made.instance;
    let ids: BTreeSet<&str> = out.sessions.iter().map(|s| s.id.as_str()).collect();
    assert!(!ids.contains("OLD-OWNED") && ids.contains("OPH-EXTRA") && ids.contains("AFTER-END"));
    let past = out.surgeons[0]
        .duties
        .iter()
        .find(|d| d.date == "2016-04-27" && d.start == "08:00" && d.end == "12:00");
    assert!(past.is_some(), "{:?}", out.surgeons[0].duties);
    for p in &out.procedures {
        if let Some(b) = &p.booked {
            assert!(
                ids.contains(b.session.as_str()) && !ignored.contains(&b.session.as_str()),
                "{}",
                p.id
            );
        }
    }
    // After the extension the list after the old end is inside the horizon and used; the list
    // its theatre is not equipped for is still ignored.
    let again = rebook::io::validate::validate(out);
    assert_eq!(rebook::io::validate::ignored_lists(&again.diagnostics), ["OPH-EXTRA"]);
    let replan = again.instance.unwrap();
    assert!(replan.sessions.iter().any(|s| s.id == "AFTER-END"));
    let (_, report) = common::solve_and_check(&replan, "priority");
    assert!(report.is_ok(), "{:?}", report.violations);
}

/// `--extend-weeks` does not copy a list of the last week onto a time its theatre already has a
/// list in the file (one after the old horizon, ignored by validation until the horizon reaches
/// it): the re-planning instance stays valid and keeps the file's own list.
#[test]
fn extending_skips_copies_that_clash_with_a_list_after_the_old_end() {
    let mut file = read_file(MEDWAY);
    let end = date(&file.horizon.end);
    let last = (file.sessions.iter())
        .find(|k| date(&k.date) > end - chrono::Days::new(7) && k.surgeon.is_none())
        .expect("an unowned list in the last week")
        .clone();
    let next_week = (date(&last.date) + chrono::Days::new(7)).to_string();
    let clash = rebook::io::instance::SessionDto {
        id: "ALREADY-PLANNED".into(),
        date: next_week.clone(),
        ..last.clone()
    };
    file.sessions.push(clash);
    let plan = published_with_ignored(&file, &["ALREADY-PLANNED"]);

    let made = restrike::restrike(
        &file,
        &plan,
        &Options {
            extend_weeks: 1,
            ..options("2016-04-30")
        },
    )
    .unwrap();
    let same_time: Vec<&str> = (made.instance.sessions.iter())
        .filter(|k| k.theatre == last.theatre && k.date == next_week && k.start < last.end && last.start < k.end)
        .map(|k| k.id.as_str())
        .collect();
    assert_eq!(same_time, ["ALREADY-PLANNED"], "the copy of {} is skipped", last.id);
    let again = rebook::io::validate::validate(&made.instance);
    assert!(again.instance.is_some(), "{:?}", again.diagnostics);
}
