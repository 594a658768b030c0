//! `rebook bench scale` (issue 13, item 2): the generated trusts grow with their capacity, and
//! the command, on tiny sizes (50 and 100 cases, 5 s), measures what it says: every plan checked
//! and written, model sizes and methods as the MIP reports them, peak memory from `/proc`,
//! overruns judged against the 10 % rule, and its CSV, Markdown and SVG agree with the table.
//!
//! `rebook bench batch` (issue 13, item 1), which reads what a national batch's plans add up to:
//! its distributions, and the shard split's estimated wall time from the measured seconds.

mod common;

use common::rebook;
use rebook::bench::national;
use rebook::bench::scale::{self, Measurement, Method, Run};
use rebook::generate::{self, Params};
use rebook::io::validate::validate;
use rebook::strategy::{mip, SolveOptions};
use std::collections::BTreeMap;
use std::path::Path;

/// The validated instance of the scaling trust of `cases` cases, seed `seed`.
fn trust(cases: u32, seed: u64) -> (generate::GeneratedFile, rebook::model::Instance) {
    let mut files = generate::generate(&scale::trust_params(cases), seed).unwrap();
    assert_eq!(files.len(), 1);
    let f = files.remove(0);
    let inst = validate(&f.instance).instance.expect("the generated trust validates");
    (f, inst)
}

#[test]
fn capacity_grows_with_the_cases() {
    let mut ratios = Vec::new();
    for n in scale::DEFAULT_SIZES {
        let (f, inst) = trust(n, 1);
        assert_eq!(f.file_name, format!("scale-{n:04}.json"));
        assert_eq!(inst.procedures.len(), n as usize);
        let v = validate(&f.instance);
        assert!(v.diagnostics.is_empty(), "{n} cases: {:?}", v.diagnostics);
        let expected_theatres = ((n as f64 / 15.0).round() as usize).max(4);
        assert_eq!(f.instance.theatres.len(), expected_theatres, "{n} cases");
        let st = rebook::stats::compute(&inst);
        let offered = (st.own_free_minutes + st.extra_minutes) as f64 / st.demand_minutes as f64;
        ratios.push((n, offered, st.surgeons));
    }
    // The same capacity per case at every size (the generator's 1.9× over the horizon, with
    // extra lists), and consultants in proportion to the cases.
    for &(n, r, surgeons) in &ratios {
        assert!((1.7..=2.4).contains(&r), "{n} cases: capacity {r:.2}× the demand");
        let per_case = surgeons as f64 / n as f64;
        assert!((0.08..=0.15).contains(&per_case), "{n} cases: {surgeons} consultants");
    }
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, 0.0_f64), |(lo, hi), &(_, r, _)| (lo.min(r), hi.max(r)));
    assert!(hi / lo < 1.25, "capacity per case varies from {lo:.2}× to {hi:.2}×");
}

#[test]
fn the_method_is_read_from_the_notes_the_mip_writes() {
    let (_, inst) = trust(50, 3);
    let opts = SolveOptions {
        time_limit: 10.0,
        gap: 0.0,
        ..SolveOptions::default()
    };
    let full = mip::solve(&inst, &opts).unwrap();
    assert_eq!(Method::from_notes(&full.solver.notes), (Method::Full, None));
    let forced = mip::solve_with_limit(&inst, &opts, 0).unwrap();
    let (method, triples) = Method::from_notes(&forced.solver.notes);
    assert_eq!(method, Method::Decomposition, "{:?}", forced.solver.notes);
    assert!(triples.is_some_and(|t| t > 0), "{:?}", forced.solver.notes);
    let hybrid = vec!["1600 eligible triples: full model from the day-restricted plan".to_string()];
    assert_eq!(Method::from_notes(&hybrid), (Method::Hybrid, Some(1600)));
}

#[test]
fn peak_memory_is_read_from_proc() {
    let status = "Name:\trebook\nVmPeak:\t  200000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n";
    assert_eq!(scale::vm_hwm_kib(status), Some(51_234));
    assert_eq!(scale::vm_hwm_kib("Name:\trebook\n"), None);
    if Path::new("/proc/self/status").exists() {
        let kib = scale::peak_rss_kib("self").expect("VmHWM of this process");
        assert!(kib > 1024, "{kib} KiB");
    } else {
        common::skipped("peak_memory_is_read_from_proc", "no /proc/self/status on this system");
    }
}

fn run_with(limit: f64, solve_seconds: f64, error: Option<&str>, checked: bool) -> Run {
    Run {
        time_limit: limit,
        process_seconds: solve_seconds + 0.05,
        peak_rss_kib: Some(20_000),
        measured: Measurement {
            solve_seconds,
            checked,
            error: error.map(str::to_string),
            ..Measurement::default()
        },
    }
}

#[test]
fn a_run_fails_past_ten_percent_and_two_seconds_or_without_a_checked_plan() {
    assert_eq!(run_with(30.0, 32.9, None, true).failure(), None);
    assert_eq!(run_with(30.0, 12.0, None, true).failure(), None);
    let late = run_with(30.0, 33.5, None, true);
    assert!((late.overrun().unwrap() - 3.5 / 30.0).abs() < 1e-12);
    let why = late.failure().expect("11.7 % past the limit fails");
    assert!(why.contains("11.7 %") && why.contains("30 s"), "{why}");
    // A short limit may be passed by up to 2 s (the warm start and checks take their time).
    assert_eq!(run_with(5.0, 6.9, None, true).failure(), None);
    let short = run_with(5.0, 7.5, None, true)
        .failure()
        .expect("2.5 s and 50 % past the limit fails");
    assert!(short.contains("50.0 %") && short.contains("or 2 s"), "{short}");
    assert!(run_with(30.0, 10.0, None, false).failure().is_some());
    assert_eq!(
        run_with(30.0, 10.0, Some("solver failed: x"), false)
            .failure()
            .as_deref(),
        Some("solver failed: x")
    );
    // The first plan has no limit to overrun.
    let first = run_with(0.0, 4.0, None, true);
    assert_eq!(first.overrun(), None);
    assert_eq!(first.failure(), None);
}

#[test]
fn a_child_that_cannot_run_is_a_failed_row_not_a_crash() {
    let out = tempfile::tempdir().unwrap();
    let opts = scale::ScaleOptions {
        sizes: vec![20],
        time_limits: vec![1.0],
        seed: 1,
        gap: 0.0,
        threads: 1,
        solver_seed: 2016,
        full_model: true,
        out: out.path().to_path_buf(),
        exe: out.path().join("no-such-rebook"),
    };
    let results = scale::run(&opts, |_, _| {}).unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].runs.len(), 2);
    let failed = scale::failures(&results);
    assert_eq!(failed.len(), 3, "{failed:#?}");
    assert!(failed.iter().all(|f| f.contains("cannot start")), "{failed:#?}");
    // The instance was written all the same.
    assert!(out.path().join("instances/scale-0020.json").is_file());
}

#[test]
fn the_child_reports_an_invalid_instance_as_an_error() {
    let out = tempfile::tempdir().unwrap();
    let bad = out.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"rebook-instance/1\"}").unwrap();
    let assert = rebook()
        .args(["bench", "scale-one"])
        .arg(&bad)
        .args(["--time-limit", "1"])
        .assert()
        .success();
    let m: Measurement = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert!(!m.checked);
    assert!(
        m.error.as_deref().unwrap_or_default().contains("invalid instance"),
        "{m:?}"
    );
}

#[test]
fn time_limits_must_be_positive() {
    rebook()
        .args([
            "bench",
            "scale",
            "--sizes",
            "50",
            "--time-limits",
            "0",
            "--out",
            "unused",
        ])
        .assert()
        .code(2);
    rebook()
        .args(["bench", "scale", "--sizes", "0", "--out", "unused"])
        .assert()
        .code(2);
}

/// The CSV as rows of column → cell.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header.iter().cloned().zip(rec.iter().map(str::to_string)).collect()
        })
        .collect()
}

#[test]
fn bench_scale_on_tiny_sizes_measures_checks_and_writes_everything() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("scale");
    let assert = rebook()
        .args([
            "bench",
            "scale",
            "--sizes",
            "50,100",
            "--time-limits",
            "5",
            "--seed",
            "7",
            "--out",
        ])
        .arg(&dir)
        .assert();
    let output = assert.get_output().clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows = read_csv(&dir.join("scale.csv"));
    assert_eq!(rows.len(), 4, "two sizes × (first plan, 5 s)");
    // The exit code says whether every run passed, and each failure is named.
    let failing: Vec<&BTreeMap<String, String>> = rows.iter().filter(|r| !r["error"].is_empty()).collect();
    if failing.is_empty() {
        assert_eq!(output.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("4 runs, every plan checked"), "{stdout}");
    } else {
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        for r in &failing {
            // Only an overrun may fail here (a machine too busy to stop in time): every plan
            // is still checked.
            assert!(r["error"].contains("past its 5 s limit"), "{r:?}");
        }
        assert!(stdout.contains("FAILED"), "{stdout}");
    }
    let has_proc = Path::new("/proc/self/status").exists();
    for (i, r) in rows.iter().enumerate() {
        let n: u32 = r["cases"].parse().unwrap();
        assert_eq!(n, [50, 100][i / 2]);
        let limit: f64 = r["time_limit_s"].parse().unwrap();
        assert_eq!(limit, [0.0, 5.0][i % 2]);
        let solve: f64 = r["solve_s"].parse().unwrap();
        let process: f64 = r["process_s"].parse().unwrap();
        assert!(solve >= 0.0 && process >= solve, "{r:?}");
        let objective: i64 = r["objective"].parse().unwrap();
        // The plan was written, passes the checker, and is the one the row describes.
        let (f, inst) = trust(n, 7);
        let instance_path = dir.join("instances").join(&f.file_name);
        assert!(
            std::fs::read(&instance_path).unwrap() == f.json,
            "the instance written is the generated one"
        );
        let plan_path = dir.join("plans").join(format!("scale-{n:04}-{limit}s.schedule.json"));
        let plan = common::load_schedule(&plan_path);
        let report = rebook::check::check(&inst, &plan);
        assert!(report.is_ok(), "{}: {:?}", plan_path.display(), report.violations);
        assert_eq!(plan.objective, objective);
        assert_eq!(report.recomputed_objective, objective);
        assert_eq!(r["status"], plan.solver["status"].as_str().unwrap());
        if has_proc {
            let mib: f64 = r["peak_rss_mib"].parse().unwrap();
            assert!(mib > 1.0 && mib < 4096.0, "{r:?}");
        }
        let method = r["method"].as_str();
        assert!(["full", "hybrid", "decomposition"].contains(&method), "{r:?}");
        if limit == 0.0 {
            // The first plan: the warm start, no model solved, no bound, no overrun.
            assert_eq!(r["status"], "time_limit");
            assert_eq!(r["overrun_pct"], "-");
            assert_eq!(r["variables"], "0");
            assert_eq!(r["gap_pct"], "-");
        } else {
            let first: i64 = rows[i - 1]["objective"].parse().unwrap();
            assert!(objective <= first, "the MIP is never worse than its first plan: {r:?}");
            let gap: f64 = r["gap_pct"].parse().unwrap();
            assert!((0.0..=100.0).contains(&gap), "{r:?}");
            let bound: f64 = r["bound"].parse().unwrap();
            assert!(bound <= objective as f64, "{r:?}");
            let overrun: f64 = r["overrun_pct"].parse().unwrap();
            // Both cells are rounded (solve_s to 1 ms = 0.01 % of 5 s, overrun_pct to 0.01 %).
            assert!((overrun - (solve - 5.0) / 5.0 * 100.0).abs() < 0.02, "{r:?}");
            if method == "full" {
                // The full model solved is the one built alone (cuts add rows, not columns).
                assert_eq!(r["variables"], r["full_variables"], "{r:?}");
            }
            if r["status"] == "optimal" {
                assert!(gap == 0.0 && solve < 5.0, "{r:?}");
            }
        }
        let full: usize = r["full_variables"].parse().unwrap();
        assert!(full > 0, "{r:?}");
    }
    // The table: a header and a line per run, as the CSV.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1 + rows.len() + 1, "{stdout}");
    assert!(lines[0].trim_start().starts_with("cases"), "{stdout}");
    let table = &lines[1..=rows.len()];
    assert_eq!(table.len(), 4, "{stdout}");
    for (line, r) in table.iter().zip(&rows) {
        assert!(line.trim_start().starts_with(&r["cases"]), "{line}");
        assert!(line.contains(&r["objective"]), "{line} vs {r:?}");
    }
    // Markdown: a header, its rule and a row per run.
    let md = std::fs::read_to_string(dir.join("scale.md")).unwrap();
    assert_eq!(md.lines().count(), 2 + rows.len(), "{md}");
    for (line, r) in md.lines().skip(2).zip(&rows) {
        assert!(line.starts_with(&format!("| {} |", r["cases"])), "{line}");
        assert!(line.contains(&format!("| {} |", r["objective"])), "{line}");
    }
    // The SVG is well-formed, with three panels and a marker per run on the time and memory
    // panels, and one per run with a gap on the gap panel.
    let svg = std::fs::read_to_string(dir.join("scale.svg")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut markers = 0;
    let mut titles = Vec::new();
    let mut in_text = false;
    loop {
        match reader.read_event().expect("well-formed SVG") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let name = e.name();
                let name = name.as_ref();
                if name == b"circle" {
                    markers += 1;
                }
                in_text = name == b"text";
            }
            quick_xml::events::Event::Text(t) if in_text => titles.push(t.unescape().unwrap().into_owned()),
            _ => {}
        }
    }
    for panel in [
        "Solve time (s, log scale)",
        "Gap at the limit (%)",
        "Peak memory (MiB, log scale)",
    ] {
        assert!(titles.iter().any(|t| t == panel), "{titles:?}");
    }
    assert!(titles.iter().any(|t| t == "limit 5 s") && titles.iter().any(|t| t == "first plan (limit 0)"));
    let full_runs = rows.iter().filter(|r| r["method"] == "full").count();
    let with_gap = rows
        .iter()
        .filter(|r| r["method"] == "full" && r["gap_pct"] != "-")
        .count();
    // Circles: each full-model run on the time panel, those with a gap on the gap panel, on the
    // memory panel each full-model run and each size's full model built alone, and the
    // legend's one.
    let memory = if has_proc { full_runs + 2 } else { 0 };
    assert_eq!(markers, full_runs + with_gap + memory + 1, "{svg}");
}

#[test]
fn a_solve_the_limit_stops_reports_its_gap_and_overrun() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("scale");
    let assert = rebook()
        .args([
            "bench",
            "scale",
            "--sizes",
            "250",
            "--time-limits",
            "1",
            "--seed",
            "7",
            "--no-full-model",
            "--out",
        ])
        .arg(&dir)
        .assert();
    let code = assert.get_output().status.code();
    let rows = read_csv(&dir.join("scale.csv"));
    assert_eq!(rows.len(), 2);
    let r = &rows[1];
    assert_eq!(r["full_variables"], "-", "--no-full-model builds no full model alone");
    assert_ne!(r["status"], "optimal", "250 cases are not proven optimal in 1 s: {r:?}");
    let gap: f64 = r["gap_pct"].parse().unwrap();
    assert!(gap > 0.0, "{r:?}");
    let overrun: f64 = r["overrun_pct"].parse().unwrap();
    // Stopped by the limit, not before it.
    assert!(overrun > -5.0, "{r:?}");
    let fails = overrun > 10.0;
    assert_eq!(r["error"].is_empty(), !fails, "{r:?}");
    assert_eq!(code, Some(if fails { 1 } else { 0 }), "{r:?}");
    let md = std::fs::read_to_string(dir.join("scale.md")).unwrap();
    let last = md.lines().last().unwrap();
    // The overrun cell (the sixth), to its 0.1 %.
    let cell = last.split('|').nth(6).unwrap().trim();
    let shown: f64 = cell.trim_end_matches('%').trim().parse().unwrap();
    assert!((shown - overrun).abs() <= 0.06, "{cell} vs {overrun}");
    assert_eq!(last.contains("**failed**"), fails, "{last}");
}

#[test]
fn distributions_interpolate_and_shards_run_longest_first() {
    let d = national::distribution([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0]).unwrap();
    assert_eq!((d.count, d.min, d.max, d.sum), (10, 1.0, 9.0, 39.0));
    assert_eq!(d.median, 3.5);
    assert!((d.p90 - 6.3).abs() < 1e-9, "{d:?}");
    assert!((d.p99 - 8.73).abs() < 1e-9, "{d:?}");
    assert_eq!(national::distribution(std::iter::empty()), None);
    // Each task to the first free worker, in the order given.
    assert_eq!(national::makespan(&[5.0, 4.0, 3.0, 3.0, 3.0], 2), 10.0);
    assert_eq!(national::makespan(&[5.0, 4.0, 3.0, 3.0, 3.0], 1), 18.0);
    assert_eq!(national::makespan(&[5.0, 4.0], 8), 5.0);
    assert_eq!(national::makespan(&[], 2), 0.0);
}

/// Solves `dir` with the MIP (gap 0) into `out`, with extra options.
fn solve(dir: &Path, out: &Path, extra: &[&str]) {
    rebook()
        .arg("solve")
        .arg(dir)
        .args([
            "--strategy",
            "mip",
            "--gap",
            "0",
            "--jobs",
            "2",
            "--quiet",
            "--time-limit",
            "20",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn bench_batch_reads_the_plans_of_a_batch_and_its_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    let files = generate::generate(&generate::scenarios::scenario("small").unwrap(), 5).unwrap();
    generate::write_batch(&batch, &files).unwrap();
    let mut extra = Params::default();
    extra.trusts.truncate(2);
    for t in &mut extra.trusts {
        t.cases = 30;
        t.id = format!("X{}", t.id);
        t.file_stem = Some(t.id.clone());
    }
    generate::write_batch(&batch, &generate::generate(&extra, 5).unwrap()).unwrap();
    let whole = tmp.path().join("whole");
    solve(&batch, &whole, &[]);
    let csv_path = tmp.path().join("trusts.csv");
    let out = rebook()
        .args(["bench", "batch"])
        .arg(&whole)
        .arg("--instances")
        .arg(&batch)
        .args(["--shards", "1,2,4", "--jobs", "2", "--csv"])
        .arg(&csv_path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    let rows = read_csv(&csv_path);
    assert_eq!(rows.len(), 4, "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(whole.join("summary.json")).unwrap()).unwrap();
    let trusts = summary["trusts"].as_array().unwrap();
    for t in trusts {
        let stem = t["file"].as_str().unwrap().trim_end_matches(".json");
        let row = rows.iter().find(|r| r["stem"] == stem).expect("a row per plan");
        assert_eq!(row["trust"], t["trust"].as_str().unwrap());
        assert_eq!(row["cases"], t["cases"].to_string());
        assert_eq!(row["status"], t["solver_status"].as_str().unwrap());
        let plan = common::load_schedule(&whole.join(format!("{stem}.schedule.json")));
        let seconds = plan.solver["seconds"].as_f64().unwrap();
        assert!((row["seconds"].parse::<f64>().unwrap() - seconds).abs() < 0.001);
    }
    let cases: usize = rows.iter().map(|r| r["cases"].parse::<usize>().unwrap()).sum();
    let optimal = rows.iter().filter(|r| r["gap"].parse::<f64>().unwrap() == 0.0).count();
    assert!(stdout.starts_with(&format!("4 plans, {cases} cases: ")), "{stdout}");
    assert!(
        stdout.contains(&format!("proven optimal (gap 0) {optimal} of 4")),
        "{stdout}"
    );
    // One shard on one worker would take the sum of the solves; the estimates never grow with
    // more shards, and a shard's files are those --shard picks.
    let runs = national::read_plans(std::slice::from_ref(&whole)).unwrap();
    let instances = rebook::io::instance_paths(std::slice::from_ref(&batch)).unwrap();
    let one = national::shard_estimate(&instances, &runs, 1, 1).unwrap();
    let sum: f64 = runs.iter().map(|r| r.seconds).sum();
    assert!((one.wall() - sum).abs() < 1e-9);
    let mut last = f64::INFINITY;
    for n in [1, 2, 4] {
        let e = national::shard_estimate(&instances, &runs, n, 2).unwrap();
        assert_eq!(e.parts.len(), n);
        assert_eq!(e.parts.iter().map(|p| p.0).sum::<usize>(), 4);
        assert!(e.wall() <= last + 1e-9, "{n} shards: {e:?}");
        last = e.wall();
        assert!(
            stdout.contains(&format!("{n:>4} shard(s): {:>8.1} s", e.wall())),
            "{stdout}"
        );
    }
    // The same batch solved in two shards reads as one; a folder given twice is refused, as is
    // a folder without plans and an instance without a plan.
    let (s0, s1) = (tmp.path().join("s0"), tmp.path().join("s1"));
    solve(&batch, &s0, &["--shard", "0/2"]);
    solve(&batch, &s1, &["--shard", "1/2"]);
    let sharded = national::read_plans(&[s0.clone(), s1.clone()]).unwrap();
    let stems = |r: &[national::TrustRun]| r.iter().map(|t| t.stem.clone()).collect::<Vec<_>>();
    assert_eq!(stems(&sharded), stems(&runs));
    let err = national::read_plans(&[s0.clone(), s0.clone()]).unwrap_err();
    assert!(err.contains("also in an earlier folder"), "{err}");
    rebook()
        .args(["bench", "batch"])
        .arg(&batch)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no plan (*.schedule.json)"));
    let err = national::shard_estimate(&instances, &stems_only(&sharded, "SM1"), 2, 2).unwrap_err();
    assert!(err.contains("no plan 'SM1.schedule.json'"), "{err}");
}

/// `runs` without the plan of `stem`.
fn stems_only(runs: &[national::TrustRun], without: &str) -> Vec<national::TrustRun> {
    runs.iter().filter(|r| r.stem != without).cloned().collect()
}
