//! The instance generator, the bundled Kent batch and `rebook stats`.

mod common;

use common::rebook;
use predicates::prelude::*;
use proptest::prelude::*;
use rebook::generate::{self, scenarios, GeneratedFile, Params};
use rebook::io::validate::{validate, Code};
use rebook::stats;

fn batch(name: &str, seed: u64) -> Vec<GeneratedFile> {
    generate::generate(&scenarios::scenario(name).unwrap(), seed).unwrap()
}

/// No error, no roster warning (W201) and none of the rarer warnings either.
fn assert_clean(files: &[GeneratedFile], what: &str) {
    for f in files {
        let v = validate(&f.instance);
        let shown: Vec<String> = v.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(v.instance.is_some(), "{what} {}: {shown:#?}", f.file_name);
        assert!(v.diagnostics.is_empty(), "{what} {}: warnings {shown:#?}", f.file_name);
    }
}

#[test]
fn every_scenario_validates_without_error_or_warning_for_several_seeds() {
    for seed in [0, 1, 2, 2016, 987_654_321] {
        for name in ["small", "kent-2016-04"] {
            assert_clean(&batch(name, seed), &format!("{name} seed {seed}"));
        }
    }
    assert_clean(&batch("stress", 5), "stress seed 5");
    let custom = generate::generate(&Params::default(), 11).unwrap();
    assert_eq!(custom.len(), 3);
    assert_clean(&custom, "default seed 11");
}

#[test]
fn the_national_scenario_has_140_trusts_and_20470_cases() {
    let files = batch("national-2023-04", 2023);
    assert_eq!(files.len(), 140);
    let cases: usize = files.iter().map(|f| f.instance.procedures.len()).sum();
    assert_eq!(cases, 20_470);
    for f in &files {
        let v = validate(&f.instance);
        assert!(v.instance.is_some(), "{}", f.file_name);
        assert!(
            !v.diagnostics.iter().any(|d| d.code == Code::W201RosterBreach),
            "{}",
            f.file_name
        );
    }
    let warned = files
        .iter()
        .filter(|f| !validate(&f.instance).diagnostics.is_empty())
        .count();
    assert!(warned <= 2, "{warned} of 140 trusts have warnings");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for name in ["small", "kent-2016-04"] {
        let a = batch(name, 42);
        let b = batch(name, 42);
        let c = batch(name, 43);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.file_name, y.file_name);
            assert!(x.json == y.json, "{name}: {} differs between two runs", x.file_name);
        }
        assert!(a.iter().zip(&c).any(|(x, z)| x.json != z.json));
    }
    // A trust's file does not depend on the other trusts of the batch.
    let kent = scenarios::kent_2016_04();
    let mut alone = kent.clone();
    alone.trusts.retain(|t| t.id == "RPA");
    let full = generate::generate(&kent, 9).unwrap();
    let one = generate::generate(&alone, 9).unwrap();
    let rpa = full.iter().find(|f| f.instance.trust.id == "RPA").unwrap();
    assert!(rpa.json == one[0].json);
}

#[test]
fn the_bundled_kent_batch_is_reproduced_byte_for_byte() {
    let dir = common::root().join("instances/kent-2016-04");
    let files = batch("kent-2016-04", 2016);
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut names: Vec<String> = files.iter().map(|f| f.file_name.clone()).collect();
    names.sort();
    assert_eq!(on_disk, names);
    for f in &files {
        let committed = std::fs::read(dir.join(&f.file_name)).unwrap();
        assert!(
            committed == f.json,
            "{} differs from `rebook generate --scenario kent-2016-04 --seed 2016`",
            f.file_name
        );
    }
}

#[test]
fn kent_has_the_sizes_and_mixes_of_domain_md() {
    let files = batch("kent-2016-04", 2016);
    let mut parts = Vec::new();
    for f in &files {
        let inst = validate(&f.instance).instance.unwrap();
        let st = stats::compute(&inst);
        // 60–180ish cases, a handful of consultants, theatres 6–14.
        assert!((60..=190).contains(&st.cases), "{}: {}", st.trust, st.cases);
        assert!((6..=14).contains(&st.theatres), "{}: {}", st.trust, st.theatres);
        // Less capacity than demand in the first fortnight, more over the horizon.
        let early = st.own_free_minutes_first_14_days + st.extra_minutes_first_14_days;
        assert!(early < st.demand_minutes, "{}", st.trust);
        assert!(
            st.own_free_minutes + st.extra_minutes > st.demand_minutes,
            "{}",
            st.trust
        );
        assert!(st.extra_lists > 0 && st.extra_open_cost > 0);
        assert!(st.near_7_day_limit > 0 && st.near_shift_limit > 0, "{}", st.trust);
        parts.push(st);
    }
    let all = stats::aggregate(&parts);
    let share = |n: usize| 100.0 * n as f64 / all.cases as f64;
    let want = [
        ("orthopaedics", 20.0),
        ("urology", 15.0),
        ("general_surgery", 15.0),
        ("ophthalmology", 14.0),
        ("gynaecology", 11.0),
        ("ent", 10.0),
        ("plastic_surgery", 15.0),
    ];
    for (s, pct) in want {
        let n = all.by_specialty.iter().find(|x| x.0 == s).map_or(0, |x| x.1);
        assert!((share(n) - pct).abs() <= 1.0, "{s}: {:.1} % (DOMAIN {pct} %)", share(n));
    }
    // DOMAIN.md: P2 10–20 %, P3 25–35 %, P4 50–60 %; ~40 % past 18 weeks, 1–3 % past 52.
    assert!((10.0..=20.0).contains(&share(all.by_priority[1])));
    assert!((25.0..=35.0).contains(&share(all.by_priority[2])));
    assert!((50.0..=60.0).contains(&share(all.by_priority[3])));
    assert!((share(all.past_18_weeks) - 40.0).abs() <= 1.0);
    assert!((1.0..=3.0).contains(&share(all.past_52_weeks)));
    assert!(all.pooled > 0 && all.cancelled_on_day > 0 && all.with_patient_unavailable > 0);
    assert!(all.p2_target_within_14_days > 0 && all.with_deadline > 0);
}

#[test]
fn stats_on_the_bundled_batch_shows_the_mixes() {
    rebook()
        .args(["stats", "instances/kent-2016-04"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("batch of 4")
                .and(predicate::str::contains("orthopaedics 100 (20.0 %)"))
                .and(predicate::str::contains(
                    "P2 75 (15.0 %), P3 150 (30.0 %), P4 275 (55.0 %)",
                ))
                .and(predicate::str::contains("past 18 weeks 200 (40.0 %)"))
                .and(predicate::str::contains("consultants near a limit")),
        );
    let out = rebook()
        .args(["stats", "--json", "instances/kent-2016-04/medway-RPA.json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["trust"], "RPA");
    assert_eq!(v[0]["cases"], 91);
    rebook()
        .args(["stats", "tests/invalid/E101-duplicate-procedure-id.json"])
        .assert()
        .code(2);
}

#[test]
fn generate_on_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("small");
    rebook()
        .args(["generate", "--scenario", "small", "--seed", "4", "--out"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("trust SM1"));
    rebook()
        .arg("validate")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[").not());
    let files = batch("small", 4);
    for f in &files {
        assert!(std::fs::read(dir.join(&f.file_name)).unwrap() == f.json);
    }
    // A custom batch from options, and the parameters as JSON read back.
    let custom = out.path().join("custom");
    rebook()
        .args([
            "generate",
            "--seed",
            "1",
            "--trusts",
            "2",
            "--cases",
            "30",
            "--theatres",
            "4",
            "--weeks",
            "3",
            "--priority-mix",
            "P2=20,P3=30,P4=50",
            "--out",
        ])
        .arg(&custom)
        .assert()
        .success();
    rebook().arg("validate").arg(&custom).assert().success();
    let params = rebook()
        .args(["generate", "--scenario", "small", "--show-params"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let pfile = out.path().join("params.json");
    std::fs::write(&pfile, &params).unwrap();
    let again = out.path().join("again");
    rebook()
        .args(["generate", "--seed", "4", "--params"])
        .arg(&pfile)
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    for f in &files {
        assert!(std::fs::read(again.join(&f.file_name)).unwrap() == f.json);
    }
    // Bad input: exit code 2, nothing written.
    let never = out.path().join("never");
    for args in [
        vec!["generate", "--scenario", "atlantis", "--seed", "1"],
        vec!["generate", "--scenario", "kent-2016-04", "--trusts", "3", "--seed", "1"],
        vec!["generate", "--weeks", "0", "--seed", "1"],
        vec!["generate", "--priority-mix", "P9=1", "--seed", "1"],
    ] {
        rebook().args(&args).arg("--out").arg(&never).assert().code(2);
    }
    std::fs::write(out.path().join("bad.json"), r#"{"horizon_wekes": 3}"#).unwrap();
    rebook()
        .args(["generate", "--seed", "1", "--params"])
        .arg(out.path().join("bad.json"))
        .arg("--out")
        .arg(&never)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("horizon_wekes"));
    assert!(!never.exists());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any seed of the small scenario: valid, no warning, and both greedy strategies' plans pass
    /// the checker (its CSV round trip is in tests/csv.rs).
    #[test]
    fn any_seed_of_the_small_scenario_is_valid(seed in any::<u64>()) {
        let files = batch("small", seed);
        for f in &files {
            let v = validate(&f.instance);
            let shown: Vec<String> = v.diagnostics.iter().map(|d| d.to_string()).collect();
            prop_assert!(v.diagnostics.is_empty(), "seed {seed} {}: {shown:#?}", f.file_name);
            let inst = v.instance.unwrap();
            for name in ["fifo", "priority"] {
                let (file, report) = common::solve_and_check(&inst, name);
                prop_assert!(report.is_ok(), "{name} seed {seed}: {:#?}", report.violations);
                prop_assert_eq!(file.objective, report.recomputed_objective);
            }
        }
    }
}
