//! Replays every input under `tests/fuzz_regressions/<target>/` through the harness of its fuzz
//! target (`rebook::fuzz`, docs/FUZZING.md): each once broke an invariant, crashed or hung, and
//! must now pass. Each target's folder also holds a valid seed, so a harness that stopped
//! accepting good files fails here too.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The slowest a single input may be, as the fuzzer's timeout (scripts/fuzz.sh). Generous: tests
/// run beside others on a shared machine.
const SLOW: Duration = Duration::from_secs(5);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no input to replay", dir.display());
    files
}

fn replay(target: &str, harness: impl Fn(&[u8])) {
    for file in inputs(target) {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| harness(&data)));
        assert!(outcome.is_ok(), "{}: the harness panicked (see above)", file.display());
        let took = started.elapsed();
        assert!(took < SLOW, "{}: took {took:?}", file.display());
    }
}

#[test]
fn instance_json_inputs_pass() {
    replay("instance_json", rebook::fuzz::instance_json);
}

#[test]
fn schedule_json_inputs_pass() {
    let instances = rebook::fuzz::schedule_instances();
    replay("schedule_json", |data| rebook::fuzz::schedule_json(&instances, data));
}

#[test]
fn csv_folder_inputs_pass() {
    replay("csv_folder", rebook::fuzz::csv_folder);
}

#[test]
fn ihtc_instance_inputs_pass() {
    replay("ihtc_instance", rebook::fuzz::ihtc_instance);
}

/// The CSV target's container splits where the fuzzer and the seeds expect.
#[test]
fn csv_inputs_split_into_the_folders_files() {
    let parts = rebook::fuzz::csv_parts(b"{}\n--8<--\nid\n--8<--\n");
    let got: Vec<(&str, Option<&[u8]>)> = parts.iter().map(|(n, c)| (*n, *c)).collect();
    assert_eq!(
        got,
        vec![
            ("settings.json", Some(&b"{}\n"[..])),
            ("theatres.csv", Some(&b"id\n"[..])),
            ("surgeons.csv", Some(&b""[..])),
            ("duties.csv", None),
            ("sessions.csv", None),
            ("procedures.csv", None),
        ]
    );
}
