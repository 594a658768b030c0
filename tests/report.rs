//! The HTML reports: self-contained, well-formed XML, deterministic, with every required section,
//! every case where a theatre manager looks for it, and no panic on odd schedules.
//!
//! Set `REBOOK_REPORT_DUMP=/some/dir` to write the pages there for a look in a browser.

mod common;

use quick_xml::events::Event;
use quick_xml::Reader;
use rebook::batch;
use rebook::batch::summary::{self, Row};
use rebook::io::schedule::ScheduleFile;
use rebook::model::{Instance, Priority};
use rebook::report::{comparison_html, plan_html};
use rebook::strategy::{self, SolveOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const PLAN_IDS: [&str; 6] = [
    "theatre-timeline",
    "surgeon-hours",
    "wait-distribution",
    "rtt-distribution",
    "unscheduled",
    "operating-lists",
];
const COMPARISON_IDS: [&str; 3] = ["wait-distribution", "breaches-by-strategy", "objective-by-trust"];

/// What a page holds, read with an XML parser.
struct Parsed {
    /// Every element id, in document order.
    ids: Vec<String>,
    /// Text inside the element of each id (all descendants), for the ids asked for.
    text_in: BTreeMap<String, String>,
    /// Every start tag name.
    tags: BTreeSet<String>,
}

/// Parses `html` as XML (every event to the end, no error, balanced tags, unique ids) and
/// gathers the text inside the elements with the ids in `scopes`.
fn parse(html: &str, scopes: &[&str]) -> Parsed {
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"),
        "{}",
        &html[..80.min(html.len())]
    );
    let mut reader = Reader::from_str(html);
    assert!(reader.config().check_end_names, "quick-xml checks end names");
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut parsed = Parsed {
        ids: Vec::new(),
        text_in: BTreeMap::new(),
        tags: BTreeSet::new(),
    };
    let start = |e: &quick_xml::events::BytesStart, parsed: &mut Parsed| -> (String, Option<String>) {
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        parsed.tags.insert(name.clone());
        let mut id = None;
        for a in e.attributes() {
            let a = a.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}"));
            let value = a.unescape_value().unwrap().into_owned();
            if a.key.as_ref() == b"id" {
                parsed.ids.push(value.clone());
                id = Some(value);
            }
        }
        (name, id)
    };
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let opened = start(&e, &mut parsed);
                stack.push(opened);
            }
            Ok(Event::Empty(e)) => {
                start(&e, &mut parsed);
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let (open, _) = stack.pop().expect("an end tag without a start");
                assert_eq!(open, name, "tags balance");
            }
            Ok(Event::Text(t)) => {
                let text = t.unescape().unwrap_or_else(|e| panic!("bad text: {e}")).into_owned();
                for (_, id) in &stack {
                    if let Some(id) = id.as_deref().filter(|id| scopes.contains(id)) {
                        let buf = parsed.text_in.entry(id.to_string()).or_default();
                        buf.push_str(&text);
                        buf.push(' ');
                    }
                }
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.error_position()),
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    let unique: BTreeSet<&String> = parsed.ids.iter().collect();
    assert_eq!(unique.len(), parsed.ids.len(), "ids are unique");
    parsed
}

/// Nothing outside the page: no scripts, links, images, remote addresses or external `url(`.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in ["http", "src=", "<link", "<script", "<img", "<iframe", "@import"] {
        assert!(!lower.contains(bad), "the page contains {bad:?}");
    }
    for (i, _) in lower.match_indices("url(") {
        assert!(lower[i..].starts_with("url(#"), "external url( at {i}");
    }
    assert!(lower.contains("<style>") && lower.contains("@media print"));
}

fn dump(name: &str, html: &str) {
    if let Ok(dir) = std::env::var("REBOOK_REPORT_DUMP") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(name), html).unwrap();
    }
}

/// Renders the plan page and checks everything a plan page must hold.
fn check_plan(inst: &Instance, file: &ScheduleFile) -> (String, Parsed) {
    let html = plan_html(inst, file, "instance.json + schedule.json");
    assert_eq!(
        html,
        plan_html(inst, file, "instance.json + schedule.json"),
        "deterministic"
    );
    assert_self_contained(&html);
    let parsed = parse(
        &html,
        &["operating-lists", "unscheduled", "verdict", "theatre-timeline"],
    );
    for id in PLAN_IDS {
        assert!(
            parsed.ids.iter().any(|i| i == id),
            "plan page of {} lacks #{id}",
            inst.trust_id
        );
    }
    assert!(parsed.tags.contains("svg"));
    let lists = parsed.text_in.get("operating-lists").cloned().unwrap_or_default();
    for a in &file.assignments {
        assert!(
            lists.contains(&a.procedure),
            "{} missing from the operating lists",
            a.procedure
        );
    }
    let unscheduled = parsed.text_in.get("unscheduled").cloned().unwrap_or_default();
    for u in &file.unscheduled {
        assert!(
            unscheduled.contains(&u.procedure),
            "{} missing from the unscheduled table",
            u.procedure
        );
    }
    // One timeline chart per day with rebooked cases.
    let days: BTreeSet<&str> = file.assignments.iter().map(|a| a.date.as_str()).collect();
    for d in &days {
        let id = format!("theatre-timeline-{d}");
        assert!(parsed.ids.contains(&id), "no #{id}");
    }
    (html, parsed)
}

#[test]
fn plan_pages_of_every_fixture_are_well_formed_and_complete() {
    for dir in common::fixture_dirs() {
        let inst = common::load(&dir.join("instance.json"));
        for name in ["fifo", "priority"] {
            let (file, report) = common::solve_and_check(&inst, name);
            let (_, parsed) = check_plan(&inst, &file);
            assert!(report.is_ok());
            let verdict = parsed.text_in.get("verdict").cloned().unwrap_or_default();
            assert!(verdict.contains("No rule is broken"), "{}: {verdict}", dir.display());
        }
    }
}

#[test]
fn plan_page_of_a_kent_trust() {
    let inst = common::load(&common::root().join("instances/kent-2016-04/medway-RPA.json"));
    let (file, report) = common::solve_and_check(&inst, "priority");
    assert!(report.is_ok());
    assert!(!file.assignments.is_empty());
    let (html, parsed) = check_plan(&inst, &file);
    dump("plan-medway-RPA-priority.html", &html);
    // Surgeon charts for each surgeon with rebooked cases, with the limits drawn.
    let charts = parsed
        .ids
        .iter()
        .filter(|i| i.starts_with("surgeon-hours-shifts-"))
        .count();
    let operating: BTreeSet<&str> = file.assignments.iter().map(|a| a.surgeon.as_str()).collect();
    assert!(
        charts >= operating.len(),
        "{charts} shift charts for {} surgeons",
        operating.len()
    );
    assert!(html.contains("limit 13 h") && html.contains("limit 72 h"));
    assert!(html.contains("18 weeks") && html.contains("28 days"));
    let timeline = &parsed.text_in["theatre-timeline"];
    assert!(timeline.contains("already booked"));
    // No published plan: no moved patients, no kept bookings, no re-planning cards.
    assert!(!parsed.ids.iter().any(|i| i == "moved"));
    assert!(!html.contains("class=\"kept\"") && !html.contains("bookings kept"));
    // The breach figures match the metrics the strategy wrote.
    for (kind, label) in [
        ("cancelled_on_day", "over the 28-day rule"),
        ("priority", "over the clinical-priority target"),
        ("rtt", "over the 18-week target"),
    ] {
        let n = file.metrics["breaches"][kind].as_u64().unwrap();
        let card = format!("<div class=\"value\">{n}</div>\n<div class=\"label\">{label}</div>");
        assert!(html.contains(&card), "{card}");
    }
}

/// The card of `label` with its value, as the plan page writes it.
fn card(value: impl std::fmt::Display, label: &str) -> String {
    format!("<div class=\"value\">{value}</div>\n<div class=\"label\">{label}</div>")
}

#[test]
fn plan_page_of_a_re_plan_shows_the_moved_patients_and_the_kept_bookings() {
    let inst = common::load(&common::root().join("instances/replan-example/medway-RPA.json"));
    for name in ["priority", "mip"] {
        let (file, report) = common::solve_and_check(&inst, name);
        assert!(report.is_ok(), "{name}: {:#?}", report.violations);
        let (html, parsed) = check_plan(&inst, &file);
        dump(&format!("plan-replan-medway-RPA-{name}.html"), &html);
        let parsed_moved = parse(&html, &["moved"]);
        assert!(parsed.ids.iter().any(|i| i == "moved"), "{name}: no #moved");
        assert!(
            html.contains("href=\"#moved\""),
            "{name}: the navigation links the moved patients"
        );
        // The cards are the metrics the strategy wrote.
        let m = &file.metrics;
        for (key, label) in [
            ("kept", "bookings kept"),
            ("moved_notified", "notified patients moved"),
            ("moved_unnotified", "unnotified bookings moved"),
            ("void_bookings", "void bookings"),
        ] {
            let want = card(m[key].as_u64().unwrap(), label);
            assert!(html.contains(&want), "{name}: {want}");
        }
        let repeat = card(
            m["breaches"]["repeat_cancellation"].as_u64().unwrap(),
            "cancelled twice, over 28 days",
        );
        assert!(html.contains(&repeat), "{name}: {repeat}");
        // Every kept booking is outlined once on the timeline.
        assert_eq!(
            html.matches("class=\"kept\"").count() as u64,
            m["kept"].as_u64().unwrap(),
            "{name}"
        );
        assert!(m["kept"].as_u64().unwrap() > 0);
        // The moved table lists exactly the booked cases not in their booked list.
        let moved = &parsed_moved.text_in["moved"];
        let at: BTreeMap<&str, &str> = (file.assignments.iter())
            .map(|a| (a.procedure.as_str(), a.session.as_str()))
            .collect();
        let mut listed = 0;
        for pr in &inst.procedures {
            let Some(b) = &pr.booked else { continue };
            let kept = at.get(pr.id.as_str()) == Some(&b.session_id.as_str());
            assert_eq!(moved.contains(&format!(" {} ", pr.id)), !kept, "{name}: {}", pr.id);
            if !kept {
                listed += 1;
                assert!(moved.contains(&b.session_id), "{name}: {} booked list", pr.id);
            }
        }
        let void = m["void_bookings"].as_u64().unwrap() as usize;
        assert!(void > 0);
        assert_eq!(moved.matches("list lost to the strike (void booking)").count(), void);
        let by = if name == "mip" {
            "the optimiser"
        } else {
            "the priority strategy"
        };
        assert_eq!(
            moved.matches(&format!("moved by {by}")).count(),
            listed - void,
            "{name}"
        );
    }
    // A notified patient the plan leaves out: moved, told, not rebooked.
    let (mut file, _) = common::solve_and_check(&inst, "priority");
    let i = (file.assignments.iter())
        .position(|a| {
            let pr = &inst.procedures[inst.procedure_index(&a.procedure).unwrap()];
            pr.booked
                .as_ref()
                .is_some_and(|b| b.notified && b.session_id == a.session)
        })
        .unwrap();
    let a = file.assignments.remove(i);
    file.unscheduled.push(rebook::io::schedule::UnscheduledDto {
        procedure: a.procedure.clone(),
        reason: "capacity".into(),
    });
    let (html, _) = check_plan(&inst, &file);
    let moved = parse(&html, &["moved"]).text_in["moved"].clone();
    let row = format!("{} ", a.procedure);
    let from = moved
        .find(&row)
        .unwrap_or_else(|| panic!("{} not in {moved}", a.procedure));
    let rest = &moved[from..];
    assert!(
        rest.contains("not rebooked (Lists full)")
            && rest.contains("yes")
            && rest.contains("moved by the priority strategy"),
        "{rest}"
    );
}

#[test]
fn instance_text_is_escaped_everywhere() {
    let mut inst = common::load(&common::root().join("tests/fixtures/pooled/instance.json"));
    let nasty = "<b>&\"Trust\"</b> ]]> 'x'";
    inst.trust_name = Some(nasty.to_string());
    inst.trust_id = "R<&>".into();
    inst.procedures[0].id = "C<1>&\"".into();
    inst.procedures[0].name = Some("<script>alert(1)</script>".into());
    inst.procedures[0].patient = Some("O'Brien & <Sons>".into());
    inst.surgeons[0].name = Some("Ms \"Q\" <Surgeon>".into());
    inst.theatres[0].site = Some("A&E <wing>".into());
    let (file, _) = common::solve_and_check(&inst, "fifo");
    assert!(file.assignments.iter().any(|a| a.procedure == inst.procedures[0].id));
    let (html, parsed) = check_plan(&inst, &file);
    assert!(!html.contains("<script"), "the case name is text, not markup");
    assert!(parsed.text_in["operating-lists"].contains("O'Brien & <Sons>"));
    assert!(parsed.text_in["operating-lists"].contains("C<1>&\""));
    assert!(html.contains("&lt;b&gt;&amp;&quot;Trust&quot;&lt;/b&gt;"));
}

#[test]
fn unknown_ids_render_and_fail_the_check() {
    let inst = common::load(&common::root().join("instances/kent-2016-04/medway-RPA.json"));
    let (mut file, _) = common::solve_and_check(&inst, "fifo");
    assert!(file.assignments.len() >= 3);
    file.assignments[0].procedure = "NO-SUCH-CASE".into();
    file.assignments[1].session = "NO-SUCH-LIST".into();
    file.assignments[2].surgeon = "NO-SUCH-SURGEON".into();
    file.assignments[2].start = "nine".into();
    file.unscheduled.push(rebook::io::schedule::UnscheduledDto {
        procedure: "GHOST".into(),
        reason: "bad_luck".into(),
    });
    let (html, parsed) = check_plan(&inst, &file);
    dump("plan-broken.html", &html);
    let verdict = &parsed.text_in["verdict"];
    assert!(verdict.contains("NO-SUCH-CASE"), "{verdict}");
    assert!(html.contains("Independent check FAILED"));
    assert!(parsed.text_in["unscheduled"].contains("unknown reason"));
    assert!(parsed.text_in["operating-lists"].contains("not in the instance"));
}

#[test]
fn empty_and_odd_schedules_render() {
    let inst = common::load(&common::root().join("tests/fixtures/pooled/instance.json"));
    let (mut file, _) = common::solve_and_check(&inst, "fifo");
    file.assignments.clear();
    file.unscheduled.clear();
    file.solver = serde_json::json!("not an object");
    file.metrics = serde_json::Value::Null;
    let (html, _) = check_plan(&inst, &file);
    assert!(html.contains("No case is rebooked"));
    // An instance with nothing at all.
    let mut bare = inst.clone();
    bare.procedures.clear();
    bare.sessions.clear();
    bare.surgeons.clear();
    bare.trust_name = None;
    let (html, _) = check_plan(&bare, &file);
    assert!(html.contains("Every case listed in the schedule is rebooked"));
}

/// Per strategy, the (priority, wait days) of every rebooked case.
type Waits = BTreeMap<String, Vec<(Priority, i64)>>;

/// The rows and waits of `paths` solved with each strategy, as the CLI's comparison would make.
fn comparison_rows(paths: &[PathBuf], names: &[&str]) -> (Vec<Row>, Waits) {
    let mut rows = Vec::new();
    let mut waits = BTreeMap::new();
    for name in names {
        let strat = strategy::by_name(name).unwrap();
        let results = batch::solve_batch(paths, strat.as_ref(), &SolveOptions::default(), 1);
        let mut pooled: Vec<(Priority, i64)> = Vec::new();
        let mut mine = Vec::new();
        for r in &results {
            if let batch::Outcome::Solved { instance, solution, .. } = &r.outcome {
                pooled.extend(rebook::metrics::waits(instance, solution));
            }
            mine.push(summary::row(r));
        }
        let days: Vec<i64> = pooled.iter().map(|&(_, d)| d).collect();
        let refs: Vec<&Row> = mine.iter().collect();
        let total = summary::total(name, &refs, &days);
        rows.extend(mine);
        rows.push(total);
        waits.insert(name.to_string(), pooled);
    }
    (rows, waits)
}

#[test]
fn comparison_page_is_well_formed_and_complete() {
    let root = common::root();
    let paths = vec![
        root.join("instances/kent-2016-04/medway-RPA.json"),
        root.join("instances/kent-2016-04/dartford-gravesham-RN7.json"),
        root.join("tests/invalid/E003-wrong-format.json"),
    ];
    let (rows, waits) = comparison_rows(&paths, &["fifo", "priority"]);
    let html = comparison_html("kent-2016-04 <&>", &rows, &waits);
    assert_eq!(
        html,
        comparison_html("kent-2016-04 <&>", &rows, &waits),
        "deterministic"
    );
    dump("comparison-kent.html", &html);
    assert_self_contained(&html);
    let parsed = parse(&html, &["totals", "trusts"]);
    for id in COMPARISON_IDS {
        assert!(parsed.ids.iter().any(|i| i == id), "comparison page lacks #{id}");
    }
    for id in ["wait-distribution-fifo", "wait-distribution-priority"] {
        assert!(parsed.ids.iter().any(|i| i == id), "comparison page lacks #{id}");
    }
    let trusts = &parsed.text_in["trusts"];
    for t in ["RPA", "RN7", "E003-wrong-format.json", "invalid"] {
        assert!(trusts.contains(t), "{t} missing: {trusts}");
    }
    // Every objective is shown, in the totals too.
    for r in &rows {
        if let Some(o) = r.objective {
            let shown = rebook::report::svg::num(o as f64);
            let scope = if r.trust == "total" { "totals" } else { "trusts" };
            assert!(
                parsed.text_in[scope].contains(&shown),
                "{} {}: {shown}",
                r.trust,
                r.strategy
            );
        }
    }
    // The failed total carries its message.
    assert!(parsed.text_in["totals"].contains("not solved"));
}

#[test]
fn comparison_page_renders_with_nothing() {
    let html = comparison_html("empty", &[], &BTreeMap::new());
    assert_self_contained(&html);
    let parsed = parse(&html, &[]);
    for id in COMPARISON_IDS {
        assert!(parsed.ids.iter().any(|i| i == id), "lacks #{id}");
    }
    // Waits for a strategy without rows, and a strategy name that is not an id.
    let mut waits = BTreeMap::new();
    waits.insert(
        "my strategy/2".to_string(),
        vec![(Priority::P1, -3), (Priority::P4, 400)],
    );
    waits.insert(String::new(), vec![]);
    let html = comparison_html("x", &[], &waits);
    let parsed = parse(&html, &[]);
    assert!(parsed.ids.iter().any(|i| i == "wait-distribution-my-strategy-2"));
}
