//! The CSV folder format for people: lossless round trips, a hand-made folder, every problem
//! located by file, line and column, and the `import csv` / `export csv` commands.

mod common;

use common::rebook;
use predicates::prelude::*;
use proptest::prelude::*;
use rebook::generate::{self, scenarios, GeneratedFile};
use rebook::io::csv;
use rebook::io::instance::{BookedDto, InstanceFile, Setting};
use rebook::io::validate::validate;
use std::path::Path;

fn batch(name: &str, seed: u64) -> Vec<GeneratedFile> {
    generate::generate(&scenarios::scenario(name).unwrap(), seed).unwrap()
}

fn round_trip(inst: &InstanceFile) -> InstanceFile {
    let dir = tempfile::tempdir().unwrap();
    csv::export_dir(inst, dir.path()).unwrap();
    csv::import_dir(dir.path())
        .unwrap_or_else(|p| panic!("{p:#?}"))
        .instance
}

#[test]
fn csv_round_trip_is_lossless_on_generated_batches() {
    let mut files = batch("kent-2016-04", 2016);
    files.extend(batch("small", 3));
    files.extend(batch("stress", 1).into_iter().take(1));
    for f in &files {
        let back = round_trip(&f.instance);
        assert_eq!(back, f.instance, "{}", f.file_name);
        assert!(rebook::io::json::pretty(&back) == f.json, "{}", f.file_name);
    }
}

#[test]
fn csv_round_trip_keeps_switched_off_rules_and_every_optional_field() {
    // An instance that uses what the generator never writes: rules set to null, objective
    // weights, shared lists, operating caps, deadlines, a missing timezone.
    let text = std::fs::read_to_string("tests/fixtures/objective/instance.json").unwrap();
    let mut inst = rebook::io::json::parse::<InstanceFile>(&text).unwrap();
    inst.rules.max_consecutive_days = rebook::io::instance::Setting::Off;
    inst.rules.max_operating_minutes_per_day = rebook::io::instance::Setting::Set(480);
    inst.objective.theatre_switch = Some(5);
    inst.objective.wait_per_day.insert("P2".into(), 6);
    inst.timezone = None;
    inst.sessions[0].shared = true;
    inst.surgeons[0].max_operating_minutes.insert("2016-05-03".into(), 300);
    inst.surgeons[0].unavailable = vec!["2016-05-04".into(), "2016-05-05".into()];
    inst.procedures[0].name = Some("Hernia, \"open\" repair".into());
    assert_eq!(round_trip(&inst), inst);
}

#[test]
fn csv_round_trip_keeps_bookings_and_the_re_planning_settings() {
    // SPEC.md section 8: bookings live and void, notified or not or unsaid, times cancelled, and
    // the new rule and weights in settings.json.
    let text = std::fs::read_to_string("tests/fixtures/objective/instance.json").unwrap();
    let mut inst = rebook::io::json::parse::<InstanceFile>(&text).unwrap();
    let session = inst.sessions[0].id.clone();
    let booked = |session: &str, notified: Option<bool>| {
        Some(BookedDto {
            session: session.to_string(),
            notified,
        })
    };
    inst.procedures[0].booked = booked(&session, Some(true));
    inst.procedures[0].times_cancelled = Some(2);
    inst.procedures[1].booked = booked("LOST-LIST", Some(false));
    inst.procedures[1].times_cancelled = Some(3);
    if inst.procedures.len() > 2 {
        inst.procedures[2].booked = booked(&session, None);
    }
    inst.rules.keep_notified_days = Setting::Set(14);
    inst.objective.moved.notified = Some(250);
    inst.objective.moved.unnotified = Some(5);
    inst.objective.breach.repeat_cancellation = Some(90);
    let back = round_trip(&inst);
    assert_eq!(back, inst);
    // The columns come at the end of procedures.csv; settings.json holds the new fields.
    let files = csv::export_files(&inst).unwrap();
    let procedures = String::from_utf8(files.iter().find(|f| f.0 == "procedures.csv").unwrap().1.clone()).unwrap();
    assert!(
        procedures.starts_with("id,patient,specialty,name,duration,surgeon,priority,referral,listed,original_date,cancelled_on_day,earliest,deadline,unavailable,booked_session,booked_notified,times_cancelled\n"),
        "{procedures}"
    );
    assert!(procedures.contains(&format!(",{session},true,2\n")), "{procedures}");
    assert!(procedures.contains(",LOST-LIST,false,3\n"), "{procedures}");
    let settings = String::from_utf8(files.iter().find(|f| f.0 == "settings.json").unwrap().1.clone()).unwrap();
    for field in [
        "\"keep_notified_days\": 14",
        "\"repeat_cancellation\": 90",
        "\"unnotified\": 5",
    ] {
        assert!(settings.contains(field), "{field} in {settings}");
    }
    // An empty booked session cannot go to CSV (it would read back as no booking).
    inst.procedures[0].booked = booked("", Some(true));
    let problems = csv::export_files(&inst).unwrap_err();
    assert!(
        problems.iter().any(|p| p.column.as_deref() == Some("booked_session")),
        "{problems:#?}"
    );
}

#[test]
fn the_bundled_re_planning_example_is_lossless_through_csv() {
    let text = std::fs::read_to_string("instances/replan-example/medway-RPA.json").unwrap();
    let inst = rebook::io::json::parse::<InstanceFile>(&text).unwrap();
    assert!(inst.procedures.iter().any(|p| p.booked.is_some()));
    let back = round_trip(&inst);
    assert!(rebook::io::json::pretty(&back) == text.as_bytes(), "byte for byte");
}

#[test]
fn a_file_of_procedures_reads_alone_with_its_problems_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.csv");
    write(
        dir.path(),
        "new.csv",
        "id,specialty,duration,priority,booked_session,booked_notified,times_cancelled\n\
         N1,urology,60,P3,,,\n\
         N2,urology,45,P4,K1,no,2\n",
    );
    let cases = csv::import_procedures(&path).unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].booked, None);
    assert_eq!(cases[0].times_cancelled, None);
    assert_eq!(
        cases[1].booked,
        Some(BookedDto {
            session: "K1".into(),
            notified: Some(false)
        })
    );
    assert_eq!(cases[1].times_cancelled, Some(2));
    write(
        dir.path(),
        "new.csv",
        "id,specialty,duration,priority,booked_notified,times_cancelled\nN1,urology,60,P3,true,twice\n",
    );
    let problems: Vec<String> = csv::import_procedures(&path)
        .unwrap_err()
        .iter()
        .map(|p| p.to_string())
        .collect();
    let name = path.display().to_string();
    for e in [
        format!("{name}, line 2, column booked_notified: booked_notified is given but booked_session is empty"),
        format!("{name}, line 2, column times_cancelled: 'twice' is not a whole number"),
    ] {
        assert!(problems.iter().any(|p| p.starts_with(&e)), "{e} in {problems:#?}");
    }
    let missing = csv::import_procedures(&dir.path().join("none.csv")).unwrap_err();
    assert!(missing[0].to_string().contains("cannot read the file"), "{missing:?}");
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// A small valid CSV folder, written by hand as a person would.
fn hand_made(dir: &Path) {
    write(
        dir,
        "settings.json",
        r#"{"format": "rebook-instance/1", "trust": {"id": "HAND"}, "horizon": {"start": "2016-05-02", "end": "2016-05-13"}}"#,
    );
    write(
        dir,
        "theatres.csv",
        "id,site,specialties\nT1,Main,urology;general_surgery\n",
    );
    write(dir, "surgeons.csv", "id,name,specialties\nS1,Ms A Example,urology\n");
    write(
        dir,
        "duties.csv",
        "surgeon,date,start,end,kind\nS1,2016-05-03,17:30,20:30,on-call\n",
    );
    write(
        dir,
        "sessions.csv",
        "id,theatre,date,start,end,free_minutes,surgeon,specialty,shared,open_cost\n\
         T1-0503-AM,T1,2016-05-03,08:30,12:30,120,S1,urology,false,0\n\
         T1-0507-WE,T1,2016-05-07,08:30,15:30,,,urology,,210\n",
    );
    write(
        dir,
        "procedures.csv",
        "priority,id,specialty,duration,surgeon,referral\n\
         P3,C1,urology,80,S1,2015-12-01\n\
         P4,C2,urology,45,,\n",
    );
}

fn import_problems(dir: &Path) -> Vec<String> {
    match csv::import_dir(dir) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn a_hand_made_csv_folder_imports_and_solves() {
    let dir = tempfile::tempdir().unwrap();
    hand_made(dir.path());
    let imported = csv::import_dir(dir.path()).unwrap();
    assert_eq!(imported.instance.procedures.len(), 2);
    assert_eq!(imported.instance.sessions[1].free_minutes, None);
    assert_eq!(
        imported.source.locate("procedures[1].duration"),
        "procedures.csv, line 3, column duration"
    );
    assert_eq!(
        imported.source.locate("surgeons[0].duties[0].end"),
        "duties.csv, line 2, column end"
    );
    assert_eq!(
        imported.source.locate("rules.max_shift_hours"),
        "settings.json at rules.max_shift_hours"
    );
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("hand.json");
    rebook()
        .args(["import", "csv"])
        .arg(dir.path())
        .arg("--out")
        .arg(&json)
        .assert()
        .success();
    let inst = common::load(&json);
    let (_, report) = common::solve_and_check(&inst, "priority");
    assert!(report.is_ok());
}

#[test]
fn broken_csv_files_are_reported_with_file_line_and_column() {
    type Break = (&'static str, &'static str, &'static [&'static str]);
    let cases: &[Break] = &[
        (
            "procedures.csv",
            "id,specialty,duration,priority\nC1,urology,eighty,P3\n",
            &["procedures.csv, line 2, column duration: 'eighty' is not a whole number"],
        ),
        (
            "procedures.csv",
            "id,specialty,duration\nC1,urology,80\n",
            &["procedures.csv, line 1, column priority: the required column 'priority' is missing"],
        ),
        (
            "procedures.csv",
            "id,specialty,duration,priority,prority\nC1,urology,80,P3,P3\n",
            &["procedures.csv, line 1, column prority: unknown column 'prority'"],
        ),
        (
            "procedures.csv",
            "id,specialty,duration,priority\nC1,urology,80,P3,extra\n",
            &["procedures.csv, line 2: the row has 5 cells but the header has 4"],
        ),
        (
            "procedures.csv",
            "id,specialty,duration,priority,cancelled_on_day\nC1,urology,80,P3,perhaps\n",
            &["procedures.csv, line 2, column cancelled_on_day: 'perhaps' is not true or false"],
        ),
        (
            "procedures.csv",
            "id,specialty,duration,priority,booked_session,booked_notified\nC1,urology,80,P3,K1,perhaps\nC2,urology,80,P3,,yes\n",
            &[
                "procedures.csv, line 2, column booked_notified: 'perhaps' is not true or false",
                "procedures.csv, line 3, column booked_notified: booked_notified is given but booked_session is empty",
            ],
        ),
        (
            "duties.csv",
            "surgeon,date,start,end\nS9,2016-05-03,08:00,12:00\n",
            &["duties.csv, line 2, column surgeon: no surgeon 'S9' in surgeons.csv"],
        ),
        (
            "sessions.csv",
            "id,theatre,date,start,end\n,T1,2016-05-03,08:30,12:30\n",
            &["sessions.csv, line 2, column id: the cell is empty"],
        ),
        (
            "surgeons.csv",
            "id,specialties,max_operating_minutes\nS1,urology,2016-05-03:300\n",
            &["surgeons.csv, line 2, column max_operating_minutes: '2016-05-03:300' is not DATE=MINUTES"],
        ),
        ("theatres.csv", "", &["theatres.csv, line 1: the file is empty"]),
        (
            "settings.json",
            r#"{"format": "rebook-instance/1", "trust": {"id": "X"}, "horizon": {"start": "2016-05-02", "end": "2016-05-13"}, "rule": {}}"#,
            &["settings.json, line 1: at rule: unknown field `rule`"],
        ),
    ];
    for (file, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        hand_made(dir.path());
        write(dir.path(), file, text);
        let problems = import_problems(dir.path());
        for e in *expected {
            assert!(
                problems.iter().any(|p| p.contains(e) && p.contains("hint:")),
                "{file}: expected '{e}' in {problems:#?}"
            );
        }
    }
    // A missing file, and a file that is not text.
    let dir = tempfile::tempdir().unwrap();
    hand_made(dir.path());
    std::fs::remove_file(dir.path().join("sessions.csv")).unwrap();
    std::fs::write(dir.path().join("theatres.csv"), b"id,specialties\nT\xff1,urology\n").unwrap();
    let problems = import_problems(dir.path());
    assert!(
        problems.iter().any(|p| p.starts_with("sessions.csv: cannot read")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("theatres.csv, line 2, column id: the cell is not UTF-8")),
        "{problems:#?}"
    );
}

#[test]
fn import_validates_and_points_errors_at_the_csv_line() {
    let dir = tempfile::tempdir().unwrap();
    hand_made(dir.path());
    write(
        dir.path(),
        "procedures.csv",
        "id,specialty,duration,priority,surgeon\nC1,urology,80,P3,S1\nC2,urology,45,P7,\n",
    );
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("x.json");
    rebook()
        .args(["import", "csv"])
        .arg(dir.path())
        .arg("--out")
        .arg(&json)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[E114]").and(predicate::str::contains(
            "procedures.csv, line 3, column priority: 'P7' is not a priority",
        )));
    assert!(!json.exists(), "nothing is written for an invalid instance");
    rebook()
        .args(["import", "csv", "no/such/dir", "--out"])
        .arg(&json)
        .assert()
        .code(2);
}

#[test]
fn export_and_import_on_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("rpa");
    rebook()
        .args(["export", "csv", "instances/kent-2016-04/medway-RPA.json", "--out"])
        .arg(&folder)
        .assert()
        .success();
    for f in [
        "settings.json",
        "theatres.csv",
        "surgeons.csv",
        "duties.csv",
        "sessions.csv",
        "procedures.csv",
    ] {
        assert!(folder.join(f).exists(), "{f}");
    }
    let back = out.path().join("back.json");
    rebook()
        .args(["import", "csv"])
        .arg(&folder)
        .arg("--out")
        .arg(&back)
        .assert()
        .success();
    assert!(std::fs::read(&back).unwrap() == std::fs::read("instances/kent-2016-04/medway-RPA.json").unwrap());
    rebook()
        .args(["export", "csv", "tests/invalid/E002-truncated-json.json", "--out"])
        .arg(out.path().join("never"))
        .assert()
        .code(2);
    assert!(!out.path().join("never").exists());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any seed of the small scenario goes through CSV and back unchanged.
    #[test]
    fn any_seed_of_the_small_scenario_is_lossless_through_csv(seed in any::<u64>()) {
        for f in &batch("small", seed) {
            prop_assert_eq!(&round_trip(&f.instance), &f.instance);
        }
    }

    /// Whatever bytes the CSV files hold, the importer reports problems and never panics.
    #[test]
    fn csv_import_never_panics(
        which in 0usize..6,
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        text in "[a-zA-Z0-9,;=\"\n :-]{0,120}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        hand_made(dir.path());
        let names = ["settings.json", "theatres.csv", "surgeons.csv", "duties.csv", "sessions.csv", "procedures.csv"];
        std::fs::write(dir.path().join(names[which]), &bytes).unwrap();
        let _ = csv::import_dir(dir.path());
        std::fs::write(dir.path().join(names[which]), text.as_bytes()).unwrap();
        if let Ok(i) = csv::import_dir(dir.path()) {
            let _ = validate(&i.instance);
        }
    }
}
