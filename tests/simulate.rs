//! `rebook simulate` and `rebook::simulate`: a generated small batch run through a short strike
//! series with fifo and priority — every case accounted for at every round, every round's plan
//! passing the independent checker, common random numbers across strategies, the same files for
//! a seed whatever `--jobs`, the calendar mapping, and bad series files refused with clear
//! errors. The bundled England series is checked against its sources.

mod common;

use chrono::{Datelike, NaiveDate};
use common::rebook;
use predicates::prelude::*;
use rebook::cli::BAD_INPUT;
use rebook::io::instance::InstanceFile;
use rebook::io::schedule::ScheduleFile;
use rebook::io::validate::validate;
use rebook::simulate::{self, series, tables, Options, Run};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// Three rounds, two strike days each: the batch's own, then 9 and 21 days later.
const SERIES: &str = r#"{
  "format": "rebook-series/1",
  "name": "test series",
  "sources": ["tests/simulate.rs"],
  "share_lost": 0.5,
  "new_cases_per_strike_day": 6,
  "rounds": [
    { "label": "first", "first": "2023-03-13", "last": "2023-03-14" },
    { "label": "second", "first": "2023-03-22", "last": "2023-03-23" },
    { "label": "third", "first": "2023-04-03", "last": "2023-04-04", "share_lost": 0.6 }
  ]
}"#;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The generator's `small` scenario (two trusts, 24 and 36 cases, two weeks).
fn batch() -> Vec<InstanceFile> {
    let params = rebook::generate::scenarios::small();
    let files = rebook::generate::generate(&params, 7).unwrap();
    files.into_iter().map(|f| f.instance).collect()
}

fn options(seeds: &[u64], jobs: usize) -> Options {
    Options {
        strategies: vec!["fifo".into(), "priority".into()],
        seeds: seeds.to_vec(),
        jobs,
        keep_plans: true,
        keep_states: true,
        ..Default::default()
    }
}

/// One run with two seeds, shared by the tests that only read it.
fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let series = series::parse(SERIES).unwrap();
        simulate::simulate(&batch(), &series, &options(&[11, 12], 2), &|_, _| {}).unwrap()
    })
}

#[test]
fn every_walk_runs_every_round() {
    let run = run();
    assert_eq!(run.walks.len(), 2 * 2 * 2, "seeds × strategies × trusts");
    for w in &run.walks {
        assert_eq!(w.failure, None, "{} {}", run.trusts[w.trust].id, w.strategy);
        assert_eq!(w.rows.len(), 3);
        assert!(w.rows.iter().all(|r| r.status == "solved"));
        assert_eq!(w.kept.len(), 3);
    }
    // The strike and the new cases did something.
    let lost: usize = run
        .walks
        .iter()
        .flat_map(|w| &w.rows)
        .map(|r| r.figures.lists_lost)
        .sum();
    let again: usize = run
        .walks
        .iter()
        .flat_map(|w| &w.rows)
        .map(|r| r.figures.cancelled_again)
        .sum();
    assert!(lost > 0 && again > 0, "lists lost {lost}, bookings lost {again}");
}

#[test]
fn the_series_lands_on_the_batch_calendar_by_its_offsets() {
    let cal = &run().calendar;
    // The small batch's cases were cancelled on 26-27 April 2016 (a Tuesday); it starts on 28
    // April. Round 1 (Monday 13 March 2023) moves by whole weeks to the nearest Monday.
    assert_eq!(cal.strike_date, date("2016-04-26"));
    assert_eq!(cal.shift_days % 7, 0);
    assert_eq!(cal.shift_days, (date("2016-04-25") - date("2023-03-13")).num_days());
    let r = &cal.rounds;
    assert_eq!(
        (r[0].today, r[0].first, r[0].last),
        (date("2016-04-28"), date("2016-04-25"), date("2016-04-26"))
    );
    assert!(r[0].strike_dates.is_empty(), "round 1 is the batch's own strike");
    // Round 2: 9 days after round 1, re-planned 7 days before, but not before the day after
    // round 1's re-plan.
    assert_eq!((r[1].first, r[1].last), (date("2016-05-04"), date("2016-05-05")));
    assert_eq!(r[1].today, date("2016-04-29"));
    assert_eq!(r[1].strike_dates, vec![date("2016-05-04"), date("2016-05-05")]);
    assert_eq!((r[2].first, r[2].today), (date("2016-05-16"), date("2016-05-09")));
    for (round, moved) in run().series.rounds.iter().zip(r) {
        assert_eq!(moved.first.weekday(), round.first.weekday());
        assert_eq!((moved.first - r[0].first), (round.first - run().series.rounds[0].first));
    }
}

#[test]
fn every_case_is_in_exactly_one_state_at_every_round() {
    let run = run();
    for w in &run.walks {
        for (state, row) in w.states.iter().zip(&w.rows) {
            let parts = [
                &state.operated,
                &state.booked,
                &state.waiting,
                &state.waiting_cancelled_again,
            ];
            let mut union = BTreeSet::new();
            for p in parts {
                for id in p {
                    assert!(union.insert(id.clone()), "{id} in two states at round {}", state.round);
                }
            }
            assert_eq!(
                union, state.entered,
                "round {}: the states cover every case entered",
                state.round
            );
            let f = &row.figures;
            assert_eq!(
                f.cases,
                f.operated_before + f.booked + f.waiting + f.waiting_cancelled_again
            );
            assert_eq!(f.backlog, f.booked + f.waiting + f.waiting_cancelled_again);
        }
    }
}

/// The same accounting rebuilt from the files alone: each round's instance holds exactly the
/// cases entered and not operated before its re-plan date (operated = booked by an earlier plan
/// on a date before it), and the plan places each of them once.
#[test]
fn the_kept_files_account_for_every_case() {
    let run = run();
    for w in &run.walks {
        let mut entered: BTreeSet<String> = BTreeSet::new();
        let mut operated: BTreeMap<String, String> = BTreeMap::new();
        let mut previous: Option<&ScheduleFile> = None;
        for (k, kept) in w.kept.iter().enumerate() {
            let today = run.calendar.rounds[k].today.to_string();
            if let Some(plan) = previous {
                for a in plan.assignments.iter().filter(|a| a.date < today) {
                    operated.insert(a.procedure.clone(), a.date.clone());
                }
            }
            let ids: BTreeSet<String> = kept.instance.procedures.iter().map(|p| p.id.clone()).collect();
            entered.extend(ids.iter().cloned());
            for id in &ids {
                assert!(!operated.contains_key(id), "{id} operated yet in round {}", k + 1);
            }
            let mut all: BTreeSet<String> = operated.keys().cloned().collect();
            all.extend(ids.iter().cloned());
            assert_eq!(all, entered, "round {}: operated + waiting = entered", k + 1);
            let plan = kept.plan.as_ref().expect("a plan");
            let mut placed: Vec<&str> = plan.assignments.iter().map(|a| a.procedure.as_str()).collect();
            placed.extend(plan.unscheduled.iter().map(|u| u.procedure.as_str()));
            placed.sort_unstable();
            assert_eq!(placed, ids.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(state_sizes(w, k), (operated.len(), ids.len()));
            previous = Some(plan);
        }
    }
}

fn state_sizes(w: &simulate::Walk, k: usize) -> (usize, usize) {
    let s = &w.states[k];
    (
        s.operated.len(),
        s.booked.len() + s.waiting.len() + s.waiting_cancelled_again.len(),
    )
}

#[test]
fn every_rounds_plan_passes_the_independent_checker() {
    let run = run();
    let mut plans = 0;
    for w in &run.walks {
        for kept in &w.kept {
            let checked = validate(&kept.instance);
            let inst = checked.instance.expect("every round's instance validates");
            let plan = kept.plan.as_ref().unwrap();
            let report = rebook::check::check(&inst, plan);
            assert!(
                report.is_ok(),
                "round {} {}: {:?}",
                kept.round,
                w.strategy,
                report.violations
            );
            assert_eq!(report.recomputed_objective, plan.objective);
            plans += 1;
        }
    }
    assert_eq!(plans, 2 * 2 * 2 * 3);
}

#[test]
fn strategies_meet_the_same_strike_and_the_same_new_cases() {
    let run = run();
    for seed in 0..run.seeds.len() {
        for trust in 0..run.trusts.len() {
            let fifo = run.walk(seed, 0, trust);
            let priority = run.walk(seed, 1, trust);
            for k in 1..3 {
                assert_eq!(
                    fifo.states[k].lost_lists,
                    priority.states[k].lost_lists,
                    "round {}",
                    k + 1
                );
                let sessions = |w: &simulate::Walk| -> Vec<String> {
                    w.kept[k].instance.sessions.iter().map(|s| s.id.clone()).collect()
                };
                assert_eq!(sessions(fifo), sessions(priority), "the lists left are the same");
                let prefix = format!("sim-r{:02}-", k + 1);
                let new = |w: &simulate::Walk| -> Vec<String> {
                    (w.kept[k].instance.procedures.iter())
                        .filter(|p| p.id.starts_with(&prefix))
                        .map(|p| serde_json::to_string(p).unwrap())
                        .collect()
                };
                assert!(!new(fifo).is_empty());
                assert_eq!(new(fifo), new(priority), "the new cases are the same");
                assert_eq!(fifo.rows[k].figures.lists_lost, priority.rows[k].figures.lists_lost);
                assert_eq!(fifo.rows[k].figures.new_cases, priority.rows[k].figures.new_cases);
            }
        }
    }
    // ... and another seed draws another strike.
    let draws = |seed: usize| -> Vec<BTreeSet<String>> {
        (0..run.trusts.len())
            .flat_map(|t| run.walk(seed, 0, t).states[1..].iter().map(|s| s.lost_lists.clone()))
            .collect()
    };
    assert_ne!(draws(0), draws(1));
}

#[test]
fn new_cases_follow_the_rate_and_the_trusts_size() {
    let run = run();
    let mean = run.trusts.iter().map(|t| t.cases as f64).sum::<f64>() / run.trusts.len() as f64;
    for (t, trust) in run.trusts.iter().enumerate() {
        assert!((trust.scale - trust.cases as f64 / mean).abs() < 1e-12);
        let w = run.walk(0, 0, t);
        assert_eq!(w.rows[0].figures.new_cases, trust.cases, "round 1: the batch");
        assert_eq!(w.rows[1].figures.new_cases, (6.0 * 2.0 * trust.scale).round() as usize);
        for p in w.kept[1]
            .instance
            .procedures
            .iter()
            .filter(|p| p.id.starts_with("sim-"))
        {
            assert!(p.deadline.is_none() && !p.cancelled_on_day && p.booked.is_none());
            let d = p.original_date.as_deref().unwrap();
            assert!(d == "2016-05-04" || d == "2016-05-05", "cancelled on a strike day: {d}");
            assert!(p.earliest.as_deref().unwrap() > d);
        }
    }
}

#[test]
fn the_numbers_add_up_over_trusts_and_seeds() {
    let run = run();
    let totals = tables::totals(run);
    assert_eq!(totals.len(), 2 * 2 * 3);
    for t in &totals {
        assert!(t.complete());
        let sum: usize = (0..run.trusts.len())
            .map(|tr| run.walk(t.seed, t.strategy, tr).rows[t.round - 1].figures.backlog)
            .sum();
        assert_eq!(t.figures.backlog, sum);
    }
    let summary = tables::summary(run);
    let m = tables::MEASURES
        .iter()
        .position(|m| m.key == "cancelled_twice")
        .unwrap();
    for (s, row) in summary.iter().enumerate() {
        let values: Vec<f64> = (0..2)
            .map(|seed| {
                (0..run.trusts.len())
                    .map(|t| run.walk(seed, s, t).season.cancelled_twice)
                    .sum::<usize>() as f64
            })
            .collect();
        let i = row[m];
        assert_eq!(i.mean, (values[0] + values[1]) / 2.0);
        assert_eq!(i.n, 2);
        // Two seeds: t(0.975, 1) = 12.706.
        let half = 12.706 * ((values[0] - values[1]).abs() / 2f64.sqrt()) / 2f64.sqrt();
        assert!((i.high.unwrap() - (i.mean + half)).abs() < 1e-9);
    }
}

/// `rebook simulate` into `out` (the small batch written to `batch`).
fn cli_run(batch_dir: &Path, series: &Path, out: &Path, jobs: &str) {
    rebook()
        .arg("simulate")
        .arg(batch_dir)
        .arg("--series")
        .arg(series)
        .args([
            "--strategies",
            "fifo,priority",
            "--seed",
            "5",
            "--seeds",
            "2",
            "--jobs",
            jobs,
            "-q",
        ])
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn write_batch(dir: &Path) {
    let params = rebook::generate::scenarios::small();
    let files = rebook::generate::generate(&params, 7).unwrap();
    rebook::generate::write_batch(dir, &files).unwrap();
}

/// `value` without any `seconds` key, at any depth.
fn without_seconds(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(m) => {
            m.remove("seconds");
            m.values_mut().for_each(without_seconds);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_seconds),
        _ => {}
    }
}

/// A CSV file without its `seconds` column (the last one).
fn csv_without_seconds(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[0].ends_with(",seconds"), "{}", lines[0]);
    for l in &mut lines {
        let cut = l.rfind(',').unwrap();
        l.truncate(cut);
    }
    lines
}

#[test]
fn the_same_seed_writes_the_same_files_whatever_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let batch_dir = dir.path().join("batch");
    write_batch(&batch_dir);
    let series = dir.path().join("series.json");
    std::fs::write(&series, SERIES).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    cli_run(&batch_dir, &series, &a, "1");
    cli_run(&batch_dir, &series, &b, "2");
    assert_eq!(
        common::file_names(&a),
        ["season.csv", "series.csv", "series.html", "series.json"]
    );
    for name in ["series.csv", "season.csv"] {
        assert_eq!(
            csv_without_seconds(&a.join(name)),
            csv_without_seconds(&b.join(name)),
            "{name}"
        );
    }
    let json = |p: &Path| {
        let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        without_seconds(&mut v);
        v
    };
    let (ja, jb) = (json(&a.join("series.json")), json(&b.join("series.json")));
    assert_eq!(ja, jb);
    assert_eq!(
        std::fs::read(a.join("series.html")).unwrap(),
        std::fs::read(b.join("series.html")).unwrap()
    );
    // The CSV holds a row per (round, trust, strategy, seed), then the totals.
    let rows = csv_without_seconds(&a.join("series.csv"));
    assert_eq!(rows.len(), 1 + 3 * 2 * 2 * 2 + 3 * 2 * 2);
    assert_eq!(ja["rows"].as_array().unwrap().len(), 3 * 2 * 2 * 2);
    assert_eq!(ja["season"].as_array().unwrap().len(), 2 * 2);
    assert_eq!(ja["calendar"].as_array().unwrap().len(), 3);
    // The library's run gives the same rows as the command.
    let series = series::parse(SERIES).unwrap();
    let lib = simulate::simulate(&batch(), &series, &options(&[5, 6], 1), &|_, _| {}).unwrap();
    let mut from_lib = serde_json::from_slice::<serde_json::Value>(&rebook::io::json::pretty(&tables::series_json(
        &lib,
        &tables::totals(&lib),
        &[],
    )))
    .unwrap();
    without_seconds(&mut from_lib);
    assert_eq!(from_lib["rows"], ja["rows"]);
}

#[test]
fn the_page_is_self_contained_well_formed_and_complete() {
    let run = run();
    let totals = tables::totals(run);
    let html = simulate::page::html(run, &totals, "small");
    assert_eq!(html, simulate::page::html(run, &totals, "small"), "deterministic");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    let lower = html.to_lowercase();
    for bad in ["http", "src=", "<link", "<script", "<img", "<iframe", "@import", "url("] {
        assert!(!lower.contains(bad), "the page contains {bad:?}");
    }
    assert!(lower.contains("<style>") && lower.contains("@media print"));
    // Well-formed XML with unique ids.
    let mut reader = quick_xml::Reader::from_str(&html);
    let mut ids = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                ids.extend(
                    e.attributes()
                        .flatten()
                        .filter(|a| a.key.as_ref() == b"id")
                        .map(|a| a.unescape_value().unwrap().into_owned()),
                );
            }
            quick_xml::events::Event::Empty(e) => {
                ids.extend(
                    e.attributes()
                        .flatten()
                        .filter(|a| a.key.as_ref() == b"id")
                        .map(|a| a.unescape_value().unwrap().into_owned()),
                );
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
    for id in [
        "verdict",
        "season",
        "backlog-over-time",
        "backlog-over-time-chart",
        "cancelled-again-over-time",
        "cancelled-twice-chart",
        "cancelled-thrice-chart",
        "longest-wait-over-time",
        "rounds",
        "method",
    ] {
        assert!(ids.iter().any(|i| i == id), "no #{id}");
    }
    // One line per strategy in each chart, a band with two seeds, every season figure listed.
    assert_eq!(html.matches("<polyline").count(), 4 * 2);
    assert_eq!(html.matches("<polygon").count(), 4 * 2);
    for m in tables::MEASURES.iter() {
        assert!(html.contains(&rebook::report::html::escape(m.label)), "{}", m.label);
    }
}

#[test]
fn bad_series_files_are_refused_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let batch_dir = dir.path().join("batch");
    write_batch(&batch_dir);
    let cases: [(&str, &str); 7] = [
        ("not json", "not a rebook-series/1 file"),
        (
            r#"{"format":"rebook-series/1","rounds":[{"first":"2023-03-13","lats":"2023-03-14"}]}"#,
            "rounds[0]",
        ),
        (
            r#"{"format":"rebook-series/2","rounds":[{"first":"2023-03-13"}]}"#,
            "format: 'rebook-series/2' is not rebook-series/1",
        ),
        (r#"{"format":"rebook-series/1","rounds":[]}"#, "rounds: no round"),
        (
            r#"{"format":"rebook-series/1","rounds":[{"first":"2023-03-13"},{"first":"2023-03-13"}]}"#,
            "rounds[1].first: 2023-03-13 is not after the last strike day of rounds[0]",
        ),
        (
            r#"{"format":"rebook-series/1","rounds":[{"first":"2023-03-13","share_lost":1.4}]}"#,
            "rounds[0].share_lost: 1.4 is not a fraction from 0 to 1",
        ),
        (
            r#"{"format":"rebook-series/1","keep_notified_days":400,"rounds":[{"first":"2023-03-13","last":"13/03/2023"}]}"#,
            "keep_notified_days: 400 is not a number of days from 0 to 366",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let series = dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&series, text).unwrap();
        let out = dir.path().join(format!("out-{i}"));
        rebook()
            .arg("simulate")
            .arg(&batch_dir)
            .arg("--series")
            .arg(&series)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(i32::from(BAD_INPUT))
            .stderr(predicate::str::contains(*expected).and(predicate::str::contains(series.display().to_string())));
        assert!(!out.join("series.csv").exists(), "nothing written for {text}");
    }
    // Every problem at once: the last file has two.
    rebook()
        .arg("simulate")
        .arg(&batch_dir)
        .arg("--series")
        .arg(dir.path().join("bad-6.json"))
        .arg("--out")
        .arg(dir.path().join("out-x"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains("rounds[0].last: '13/03/2023' is not a date"));
    // A missing series file.
    rebook()
        .arg("simulate")
        .arg(&batch_dir)
        .arg("--series")
        .arg(dir.path().join("missing.json"))
        .arg("--out")
        .arg(dir.path().join("out-y"))
        .assert()
        .code(i32::from(BAD_INPUT))
        .stderr(predicate::str::contains("missing.json"));
}

#[test]
fn the_bundled_england_series_holds_the_rounds_of_its_sources() {
    let path = common::root().join("instances/series/england-2023-24.json");
    let s = series::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(s.rounds.len(), 13);
    // The eleven resident doctors' rounds of ../shared/DOMAIN.md, by their first day, plus the
    // consultants' own of 20 July and 24 August 2023.
    let firsts: Vec<String> = s.rounds.iter().map(|r| r.first.to_string()).collect();
    for d in [
        "2023-03-13",
        "2023-04-11",
        "2023-06-14",
        "2023-07-13",
        "2023-07-20",
        "2023-08-11",
        "2023-08-24",
        "2023-09-19",
        "2023-10-02",
        "2023-12-20",
        "2024-01-03",
        "2024-02-24",
        "2024-06-27",
    ] {
        assert!(firsts.iter().any(|f| f == d), "{d} missing");
    }
    assert_eq!(s.rounds.iter().map(|r| r.days()).sum::<i64>(), 49, "strike days");
    for r in &s.rounds {
        assert!((0.3..=0.5).contains(&r.share_lost), "50-70 % went ahead: {}", r.label);
        assert!((35.0..=40.0).contains(&r.new_cases_per_strike_day));
    }
    assert!(s.sources.len() >= 5);
    let readme = std::fs::read_to_string(common::root().join("instances/README.md")).unwrap();
    assert!(readme.contains("series/england-2023-24.json"));
    let doc = std::fs::read_to_string(common::root().join("docs/SIMULATE.md")).unwrap();
    assert!(doc.contains("rebook-series/1"));
}

#[test]
fn a_kent_trust_runs_two_rounds_of_the_england_series() {
    let text = std::fs::read_to_string(common::root().join("instances/series/england-2023-24.json")).unwrap();
    let mut file: series::SeriesFile = rebook::io::json::parse(&text).unwrap();
    file.rounds.truncate(2);
    let s = series::check(&file).unwrap();
    let medway: InstanceFile = rebook::io::json::parse(
        &std::fs::read_to_string(common::root().join("instances/kent-2016-04/medway-RPA.json")).unwrap(),
    )
    .unwrap();
    let opts = Options {
        strategies: vec!["priority".into()],
        keep_plans: true,
        ..Default::default()
    };
    let run = simulate::simulate(&[medway], &s, &opts, &|_, _| {}).unwrap();
    let w = &run.walks[0];
    assert_eq!(w.failure, None);
    // Round 1 (Monday 13 March 2023) lands on Monday 25 April 2016, the nearest Monday to the
    // batch's strike (26 April); round 2 (11-14 April 2023) 29 days later: 24-27 May 2016.
    assert_eq!(run.calendar.rounds[0].first, date("2016-04-25"));
    assert_eq!(run.calendar.rounds[1].first, date("2016-05-24"));
    assert_eq!(run.calendar.rounds[1].today, date("2016-05-17"));
    let r2 = &w.rows[1].figures;
    // One trust is the batch's average trust: 37.5 a strike day over four days.
    assert_eq!(r2.new_cases, 150);
    assert!(r2.lists_lost > 0);
    // The re-plan keeps what it may: no notified patient is moved by priority.
    assert_eq!(r2.moved_notified, 0);
    assert!(r2.kept > 0);
}
