//! The harnesses of the fuzz targets (docs/FUZZING.md): one function per reader of user files,
//! each feeding it arbitrary bytes and asserting what must hold whatever they are. The fuzzer
//! crate in `fuzz/` calls them on every generated input and `tests/fuzz_regressions.rs` replays
//! the inputs that once broke them, so both run the same code. A broken invariant panics.
//!
//! The invariants: no panic anywhere in the reader; an accepted file re-serialises and re-loads
//! to the same thing; a rejected one has at least one error, and every message and hint a person
//! reads is non-empty.

use crate::check::{check, CheckReport};
use crate::io::csv::{self, Problem};
use crate::io::ihtc::score::score;
use crate::io::ihtc::{self, IhtcSolution, PatientDecision};
use crate::io::instance::InstanceFile;
use crate::io::json;
use crate::io::schedule::ScheduleFile;
use crate::io::validate::{validate, Diagnostic};
use crate::io::{load_instance_bytes, Loaded};
use crate::model::Instance;
use std::path::Path;

/// The file name the harnesses give their inputs in messages.
const NAME: &str = "fuzz-input";

/// The files of a CSV folder in the order a `csv_folder` input holds them.
pub const CSV_FILES: [&str; 6] = [
    csv::SETTINGS_FILE,
    csv::THEATRES_FILE,
    csv::SURGEONS_FILE,
    csv::DUTIES_FILE,
    csv::SESSIONS_FILE,
    csv::PROCEDURES_FILE,
];

/// The line between two files of a `csv_folder` input. An input holds the files of
/// [`CSV_FILES`] in that order, split by this line; the files after the last part are missing.
pub const CSV_SEPARATOR: &[u8] = b"--8<--\n";

/// An instance file's bytes, as `rebook validate` and `solve` read them: parse and validate.
/// An accepted file re-serialises to one that is accepted with the same diagnostics and the
/// same content.
pub fn instance_json(data: &[u8]) {
    let loaded = load_instance_bytes(Path::new(NAME), data.to_vec());
    assert_readable(&loaded.diagnostics);
    if loaded.instance.is_none() {
        assert_rejected(&loaded);
        return;
    }
    assert!(loaded.errors().next().is_none(), "an accepted instance has errors");
    let text = std::str::from_utf8(data).expect("an accepted instance is UTF-8");
    let file: InstanceFile = json::parse(text).expect("an accepted instance parses");
    assert_reloads(&file, &loaded);
}

/// `file`, accepted with `loaded`'s diagnostics, written as rebook writes it: it loads again,
/// accepted with the same diagnostics, and parses back to itself.
fn assert_reloads(file: &InstanceFile, loaded: &Loaded) {
    let written = json::pretty(file);
    let again = load_instance_bytes(Path::new(NAME), written.clone());
    assert!(
        again.instance.is_some(),
        "an accepted instance is rejected once written again: {:?}",
        again.errors().next()
    );
    let codes = |l: &Loaded| -> Vec<(String, String)> {
        l.diagnostics
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.path.clone()))
            .collect()
    };
    assert_eq!(codes(loaded), codes(&again), "diagnostics change once written again");
    let reparsed: InstanceFile =
        json::parse(std::str::from_utf8(&written).expect("rebook writes UTF-8")).expect("rebook's JSON parses");
    assert_eq!(file, &reparsed, "an accepted instance changes once written again");
}

/// A schedule file's bytes, as `rebook check` reads them, checked against the bundled fixture
/// instance of the trust it names (the first of `instances` when none has that id). The
/// checker's verdict agrees with its violations, each named and explained, and the same schedule
/// written again gets the same verdict.
pub fn schedule_json(instances: &[Instance], data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // `check` stops at reading it: not UTF-8 text.
    };
    let file = match json::parse::<ScheduleFile>(text) {
        Ok(f) => f,
        Err(e) => {
            assert!(!e.message.trim().is_empty(), "a JSON error without a message");
            return;
        }
    };
    let inst = instances
        .iter()
        .find(|i| i.trust_id == file.trust)
        .unwrap_or(&instances[0]);
    let report = check(inst, &file);
    assert_report(&report);
    if report.is_ok() {
        assert_eq!(
            report.recomputed_objective, file.objective,
            "an accepted schedule's objective differs from the checker's"
        );
    }
    let written = json::pretty(&file);
    let again: ScheduleFile =
        json::parse(std::str::from_utf8(&written).expect("rebook writes UTF-8")).expect("rebook's JSON parses");
    let report_again = check(inst, &again);
    assert_eq!(
        report.violations.len(),
        report_again.violations.len(),
        "a schedule written again gets another verdict"
    );
}

fn assert_report(report: &CheckReport) {
    assert_eq!(
        report.is_ok(),
        report.violations.is_empty(),
        "verdict and violations disagree"
    );
    for v in &report.violations {
        assert!(
            !v.rule.is_empty() && !v.message.trim().is_empty(),
            "a violation without rule or message"
        );
    }
    for w in &report.warnings {
        assert!(
            !w.rule.is_empty() && !w.message.trim().is_empty(),
            "a warning without rule or message"
        );
    }
}

/// The fixture instances of `tests/fixtures/*/instance.json` that [`schedule_json`] checks
/// schedules against, sorted by folder name.
pub fn schedule_instances() -> Vec<Instance> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("instance.json").is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| {
            let loaded = crate::io::load_instance(&d.join("instance.json"));
            loaded
                .instance
                .unwrap_or_else(|| panic!("{}: invalid fixture", d.display()))
        })
        .collect()
}

/// The files of a `csv_folder` input: [`CSV_FILES`] paired with their contents, `None` for the
/// missing ones.
pub fn csv_parts(data: &[u8]) -> Vec<(&'static str, Option<&[u8]>)> {
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(CSV_SEPARATOR.len()).position(|w| w == CSV_SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + CSV_SEPARATOR.len()..];
    }
    parts.push(rest);
    CSV_FILES
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, parts.get(i).copied()))
        .collect()
}

/// A CSV folder's files (see [`CSV_SEPARATOR`]), as `rebook import csv` reads them: read, then
/// validate, every diagnostic located in a file. An accepted folder's instance, exported to CSV
/// again when CSV can hold it, imports to the same instance, and written as JSON it loads again.
pub fn csv_folder(data: &[u8]) {
    let parts = csv_parts(data);
    let read = |name: &str| -> std::io::Result<Vec<u8>> {
        match parts.iter().find(|(n, _)| *n == name).and_then(|(_, c)| *c) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    };
    let imported = match csv::import_files(Path::new(NAME), &read) {
        Ok(i) => i,
        Err(problems) => {
            assert_problems(&problems);
            return;
        }
    };
    let v = validate(&imported.instance);
    assert_readable(&v.diagnostics);
    for d in &v.diagnostics {
        assert!(
            !imported.source.locate(&d.path).is_empty(),
            "a diagnostic located nowhere"
        );
    }
    if v.instance.is_none() {
        assert!(
            v.diagnostics.iter().any(Diagnostic::is_error),
            "rejected without an error"
        );
        return;
    }
    let loaded = load_instance_bytes(Path::new(NAME), json::pretty(&imported.instance));
    assert!(
        loaded.instance.is_some(),
        "an imported instance is rejected once written as JSON"
    );
    let Ok(files) = csv::export_files(&imported.instance) else {
        return; // a value CSV cannot carry back unchanged, refused with its reason
    };
    let exported = |name: &str| -> std::io::Result<Vec<u8>> {
        match files.iter().find(|(n, _)| *n == name) {
            Some((_, bytes)) => Ok(bytes.clone()),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    };
    match csv::import_files(Path::new(NAME), &exported) {
        Ok(again) => assert_eq!(
            imported.instance, again.instance,
            "an imported instance changes through export and import"
        ),
        Err(p) => panic!("an exported folder does not import: {}", p[0]),
    }
}

fn assert_problems(problems: &[Problem]) {
    assert!(!problems.is_empty(), "a CSV folder refused without a problem");
    for p in problems {
        assert!(
            !p.file.is_empty() && !p.message.trim().is_empty() && !p.hint.trim().is_empty(),
            "a CSV problem without file, message or hint: {p:?}"
        );
    }
}

/// An IHTC-2024 instance file's bytes, as `rebook import ihtc` reads them: parse, project and
/// validate; the projection, when valid, written as JSON loads again. Also scores, as `rebook
/// score ihtc` would, the empty solution and the one that admits every patient on its release day.
pub fn ihtc_instance(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // `import ihtc` stops at reading it: not UTF-8 text.
    };
    let inst = match ihtc::parse_instance(text) {
        Ok(i) => i,
        Err(message) => {
            assert!(!message.trim().is_empty(), "an IHTC error without a message");
            return;
        }
    };
    let file = ihtc::to_rebook(&inst, NAME);
    let v = validate(&file);
    assert_readable(&v.diagnostics);
    if v.instance.is_some() {
        let loaded = load_instance_bytes(Path::new(NAME), json::pretty(&file));
        assert!(
            loaded.instance.is_some(),
            "an imported IHTC instance is rejected once written: {:?}",
            loaded.errors().next()
        );
    }
    let empty = IhtcSolution {
        patients: Vec::new(),
        nurses: Vec::new(),
    };
    // Every patient on its release day in the first theatre: sums every load and weight.
    let everyone = IhtcSolution {
        patients: inst
            .patients
            .iter()
            .map(|p| PatientDecision {
                id: p.id.clone(),
                admission_day: p.surgery_release_day.into(),
                room: None,
                operating_theater: inst.operating_theaters.first().map(|t| t.id.clone()),
            })
            .collect(),
        nurses: Vec::new(),
    };
    for solution in [empty, everyone] {
        let s = score(&inst, &solution);
        for m in &s.violations {
            assert!(!m.trim().is_empty(), "an IHTC violation without a message");
        }
    }
}

/// Every diagnostic says what is wrong and what to do.
fn assert_readable(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            !d.message.trim().is_empty() && !d.hint.trim().is_empty(),
            "a diagnostic without message or hint: {d:?}"
        );
    }
}

/// A rejected file has at least one error.
fn assert_rejected(loaded: &Loaded) {
    assert!(loaded.errors().next().is_some(), "a rejected file without an error");
}
