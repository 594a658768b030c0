//! The invalid-input corpus: every file is rejected with the code in its name, a JSON path, a
//! message and a hint; every warning file is accepted with its warning. And no bytes make the
//! reader panic.

mod common;

use proptest::prelude::*;
use rebook::io::load_instance;
use rebook::io::validate::{ignored_lists, Code};
use std::collections::BTreeSet;

fn corpus(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("tests").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn code_of(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_str().unwrap()[..4].to_string()
}

#[test]
fn each_invalid_file_is_rejected_with_its_code() {
    let mut seen = BTreeSet::new();
    for path in corpus("invalid") {
        let code = code_of(&path);
        let loaded = load_instance(&path);
        assert!(loaded.instance.is_none(), "{} was accepted", path.display());
        let first = loaded
            .errors()
            .next()
            .unwrap_or_else(|| panic!("{}: no error", path.display()));
        assert_eq!(first.code.as_str(), code, "{}: {first}", path.display());
        assert!(
            !first.message.is_empty() && !first.hint.is_empty(),
            "{}: {first}",
            path.display()
        );
        if code != "E002" || !first.message.contains("EOF") {
            // Every error but a truncated file names the place in the file.
            let place = &first.path;
            assert!(
                !place.is_empty() || first.message.contains("line"),
                "{}: {first}",
                path.display()
            );
        }
        seen.insert(code);
    }
    // One file per error code that a file can carry (E001, unreadable, is tested below).
    for code in Code::ALL.iter().filter(|c| c.is_error() && **c != Code::E001Unreadable) {
        assert!(seen.contains(code.as_str()), "no corpus file for {}", code.as_str());
    }
}

#[test]
fn each_warning_file_is_accepted_with_its_warning() {
    let mut seen = BTreeSet::new();
    for path in corpus("warnings") {
        let code = code_of(&path);
        let loaded = load_instance(&path);
        assert!(
            loaded.instance.is_some(),
            "{} was rejected: {:?}",
            path.display(),
            loaded.diagnostics
        );
        let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, vec![code.as_str()], "{}", path.display());
        seen.insert(code);
    }
    for code in Code::ALL.iter().filter(|c| !c.is_error()) {
        assert!(seen.contains(code.as_str()), "no corpus file for {}", code.as_str());
    }
}

/// A list validation ignores (W205, W206) is absent from everything downstream: the instance,
/// every strategy's plan, and the checker, which refuses a plan that uses it.
#[test]
fn ignored_lists_are_left_out_of_the_instance_and_every_plan() {
    let mut files = 0;
    for path in corpus("warnings") {
        let loaded = load_instance(&path);
        let ignored = ignored_lists(&loaded.diagnostics);
        let code = code_of(&path);
        assert_eq!(
            !ignored.is_empty(),
            code == "W205" || code == "W206",
            "{}: {ignored:?}",
            path.display()
        );
        if ignored.is_empty() {
            continue;
        }
        files += 1;
        let inst = loaded.instance.unwrap();
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let in_file = doc["sessions"].as_array().unwrap().len();
        assert_eq!(inst.sessions.len(), in_file - ignored.len(), "{}", path.display());
        assert!(
            inst.sessions.iter().all(|s| !ignored.contains(&s.id)),
            "{}",
            path.display()
        );
        for name in rebook::strategy::NAMES {
            let (mut plan, report) = common::solve_and_check(&inst, name);
            assert!(report.is_ok(), "{name} on {}: {:?}", path.display(), report.violations);
            assert!(!plan.assignments.is_empty(), "{name} on {}", path.display());
            assert!(plan.assignments.iter().all(|a| !ignored.contains(&a.session)));
            // The checker does not know the ignored list either.
            plan.assignments[0].session = ignored[0].clone();
            let report = rebook::check::check(&inst, &plan);
            assert!(
                !report.is_ok(),
                "{name} on {}: a plan using an ignored list passed",
                path.display()
            );
        }
    }
    assert_eq!(files, 3, "the W205 and W206 corpus files");
}

/// An owned list outside the horizon leaves the lists but stays on its owner's roster, as the
/// fixed duty it is (its time still counts for the safe-hours rules).
#[test]
fn an_ignored_owned_list_stays_on_its_owners_roster() {
    let path = common::root().join("tests/warnings/W205-owned-list-before-horizon.json");
    let loaded = load_instance(&path);
    assert_eq!(ignored_lists(&loaded.diagnostics), vec!["T1-0427-AM".to_string()]);
    let warning = &loaded.diagnostics[0];
    assert_eq!(warning.path, "sessions[2].date");
    assert!(warning.message.contains("roster"), "{warning}");
    let inst = loaded.instance.unwrap();
    let s01 = inst.surgeons.iter().find(|s| s.id == "S01").unwrap();
    assert_eq!(s01.duties.len(), 2, "{:?}", s01.duties);
    let duty = &s01.duties[1];
    assert_eq!(duty.date.to_string(), "2016-04-27");
    assert_eq!(duty.end - duty.start, 240);
    assert!(duty.kind.as_deref().unwrap_or("").contains("T1-0427-AM"));
}

/// `rebook validate` prints an ignored list like every diagnostic: the file, the code, the
/// field's path, the list and a hint; the file is valid (exit 0). A list a case is booked into
/// stays an error (exit 2).
#[test]
fn rebook_validate_names_the_file_and_field_of_an_ignored_list() {
    let path = common::root().join("tests/warnings/W206-list-theatre-not-equipped.json");
    let out = common::rebook().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{}: warning[W206] at sessions[2].specialty: list \"T1-0503-OPH\" is ignored:",
        path.display()
    );
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(stdout.contains("(hint: "), "{stdout}");
    let booked = common::root().join("tests/invalid/E107-session-after-horizon.json");
    let out = common::rebook().arg("validate").arg(&booked).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[E107] at sessions[1].date"), "{stdout}");
}

#[test]
fn an_unreadable_path_is_e001() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_instance(dir.path()); // a directory cannot be read as a file
    assert_eq!(loaded.diagnostics[0].code, Code::E001Unreadable);
}

#[test]
fn validation_collects_every_problem_at_once() {
    let text = std::fs::read_to_string(common::root().join("tests/invalid/E103-american-date.json")).unwrap();
    let text = text
        .replace("\"P3\"", "\"P7\"")
        .replace("\"MMH-T1\",\n  \"date\"", "\"NOPE\",\n  \"date\"");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.json");
    std::fs::write(&path, text).unwrap();
    let codes: BTreeSet<&str> = load_instance(&path)
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert!(codes.contains("E103") && codes.contains("E114"), "{codes:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary bytes never panic the reader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load_instance(&path);
        prop_assert!(loaded.instance.is_none() || loaded.errors().next().is_none());
    }

    /// Valid JSON with one value replaced by something odd never panics validation or the
    /// strategies, and anything accepted can be solved and checked.
    #[test]
    fn mutated_instances_never_panic(pick in 0usize..2000, value in prop_oneof![
        Just(serde_json::json!(null)), Just(serde_json::json!(-1)), Just(serde_json::json!(0)),
        Just(serde_json::json!(1e300)), Just(serde_json::json!(i64::MAX)), Just(serde_json::json!("")),
        Just(serde_json::json!("23:59")), Just(serde_json::json!("00:00")), Just(serde_json::json!("2016-03-27")),
        Just(serde_json::json!("2016-10-30")), Just(serde_json::json!("9999-12-31")), Just(serde_json::json!([])),
        Just(serde_json::json!(true)), Just(serde_json::json!("P1")), Just(serde_json::json!("S01")),
    ]) {
        let base = std::fs::read_to_string(common::root().join("tests/warnings/W201-roster-over-13h-shift.json")).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&base).unwrap();
        let mut slots = Vec::new();
        collect_pointers(&doc, String::new(), &mut slots);
        let target = &slots[pick % slots.len()];
        *doc.pointer_mut(target).unwrap() = value;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        let loaded = load_instance(&path);
        if let Some(inst) = loaded.instance {
            for name in ["fifo", "priority"] {
                let strat = rebook::strategy::by_name(name).unwrap();
                if let Ok(sol) = strat.solve(&inst, &Default::default()) {
                    let file = rebook::io::schedule::to_file(&inst, name, &sol, serde_json::Value::Null);
                    let report = rebook::check::check(&inst, &file);
                    prop_assert!(report.is_ok(), "{name} after setting {target}: {:?}", report.violations);
                }
            }
        }
    }
}

fn collect_pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                collect_pointers(x, format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}
