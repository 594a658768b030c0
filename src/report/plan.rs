//! The plan page: one trust's rebooking plan for the theatre manager's wall.
//!
//! The page renders whatever the schedule file holds. Assignments are resolved against the
//! instance by id; one whose case, list or surgeon is not in the instance is flagged and left out
//! of the charts and figures (the checker's verdict at the top explains the failure), but still
//! printed in the operating lists with what the file says.

use super::html::{Ids, Writer};
use super::page::{card, day, minutes, nav, open_section, page_start, priority_legend, strategy_meaning, thousands};
use super::svg::{self, Block, Daily, DailyStyle, HistAxis, Lane, LaneBox};
use crate::check::CheckReport;
use crate::io::schedule::{AssignmentDto, ScheduleFile, UnscheduledDto};
use crate::metrics::{self, Metrics, SurgeonDuty};
use crate::model::time::{parse_clock, parse_date};
use crate::model::{Instance, Priority};
use crate::schedule::{Placement, Reason, Solution, SolverInfo};
use crate::text::plural;
use chrono::{Days, NaiveDate, NaiveTime, Timelike};
use std::collections::{BTreeMap, BTreeSet};

/// Section ids of the page, in order, with their navigation labels. The moved patients
/// ([`MOVED`]) follow the cases not rebooked when the instance re-plans a published plan.
const SECTIONS: [(&str, &str); 7] = [
    ("key-figures", "Key figures"),
    ("theatre-timeline", "Theatre timeline"),
    ("surgeon-hours", "Surgeons' hours"),
    ("waits", "Waits and targets"),
    ("unscheduled", "Not rebooked"),
    ("operating-lists", "Operating lists"),
    ("verdict", "Check"),
];

/// The section of the patients a re-plan moves (SPEC.md section 8), with its navigation label.
const MOVED: (&str, &str) = ("moved", "Moved patients");

/// One assignment of the schedule, resolved against the instance where its ids allow.
struct Case<'a> {
    a: &'a AssignmentDto,
    proc_: Option<usize>,
    session: Option<usize>,
    surgeon: Option<usize>,
    /// Start and end, minutes after midnight, when the file's times are `HH:MM`.
    start: Option<i64>,
    end: Option<i64>,
}

/// Everything the page shows, worked out once.
struct Plan<'a> {
    inst: &'a Instance,
    sch: &'a ScheduleFile,
    cases: Vec<Case<'a>>,
    /// The unscheduled entries with their case, when it is in the instance.
    unscheduled: Vec<(Option<usize>, &'a UnscheduledDto)>,
    /// The fully resolved assignments (case, list and surgeon all known).
    solution: Solution,
    metrics: Metrics,
    check: &'a CheckReport,
    /// What could not be resolved, in plain words.
    problems: Vec<String>,
    /// The instance re-plans a published plan (SPEC.md section 8): some case has a booking or
    /// was cancelled more than once.
    replan: bool,
}

fn clock_minutes(t: NaiveTime) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

fn parse_reason(s: &str) -> Option<Reason> {
    [
        Reason::NoEligibleSession,
        Reason::DeadlineInfeasible,
        Reason::Capacity,
        Reason::SurgeonLimits,
    ]
    .into_iter()
    .find(|r| r.as_str() == s)
}

impl<'a> Plan<'a> {
    fn resolve(inst: &'a Instance, sch: &'a ScheduleFile, check: &'a CheckReport) -> Plan<'a> {
        let index = |ids: Vec<&'a str>| -> BTreeMap<&'a str, usize> {
            ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
        };
        let procs = index(inst.procedures.iter().map(|p| p.id.as_str()).collect());
        let sessions = index(inst.sessions.iter().map(|s| s.id.as_str()).collect());
        let surgeons = index(inst.surgeons.iter().map(|s| s.id.as_str()).collect());
        let mut problems = Vec::new();
        let mut cases = Vec::new();
        let mut placements = Vec::new();
        for (i, a) in sch.assignments.iter().enumerate() {
            let case = Case {
                a,
                proc_: procs.get(a.procedure.as_str()).copied(),
                session: sessions.get(a.session.as_str()).copied(),
                surgeon: surgeons.get(a.surgeon.as_str()).copied(),
                start: parse_clock(&a.start).map(clock_minutes),
                end: parse_clock(&a.end).map(clock_minutes),
            };
            let mut unknown = Vec::new();
            if case.proc_.is_none() {
                unknown.push(format!("case ‘{}’", a.procedure));
            }
            if case.session.is_none() {
                unknown.push(format!("list ‘{}’", a.session));
            }
            if case.surgeon.is_none() {
                unknown.push(format!("surgeon ‘{}’", a.surgeon));
            }
            if !unknown.is_empty() {
                problems.push(format!(
                    "assignments[{}] refers to {} not in the instance: left out of the charts and figures.",
                    i,
                    unknown.join(", ")
                ));
            }
            if case.start.is_none() || case.end.is_none() {
                problems.push(format!(
                    "assignments[{}] (case ‘{}’) has times ‘{}’–‘{}’ that are not HH:MM: not drawn on the timeline.",
                    i, a.procedure, a.start, a.end
                ));
            }
            if let (Some(procedure), Some(session), Some(surgeon)) = (case.proc_, case.session, case.surgeon) {
                placements.push(Placement {
                    procedure,
                    session,
                    surgeon,
                });
            }
            cases.push(case);
        }
        let unscheduled: Vec<(Option<usize>, &UnscheduledDto)> = sch
            .unscheduled
            .iter()
            .map(|u| (procs.get(u.procedure.as_str()).copied(), u))
            .collect();
        for (p, u) in &unscheduled {
            if p.is_none() {
                problems.push(format!("Unscheduled case ‘{}’ is not in the instance.", u.procedure));
            }
        }
        let solution = Solution {
            placements,
            unscheduled: unscheduled
                .iter()
                .filter_map(|(p, u)| Some(((*p)?, parse_reason(&u.reason)?)))
                .collect(),
            solver: SolverInfo::heuristic(0.0),
        };
        Plan {
            inst,
            sch,
            cases,
            unscheduled,
            metrics: metrics::compute(inst, &solution),
            solution,
            check,
            problems,
            replan: inst
                .procedures
                .iter()
                .any(|p| p.booked.is_some() || p.times_cancelled >= 2),
        }
    }

    /// Whether some case has a booking of a published plan (live or void).
    fn has_bookings(&self) -> bool {
        self.inst.procedures.iter().any(|p| p.booked.is_some())
    }

    /// Whether the assignment `c` keeps its case's published booking.
    fn keeps_booking(&self, c: &Case) -> bool {
        match (c.proc_, c.session) {
            (Some(p), Some(k)) => self.inst.procedures[p].live_booking() == Some(k),
            _ => false,
        }
    }

    fn surgeon_name(&self, s: usize) -> String {
        let g = &self.inst.surgeons[s];
        match &g.name {
            Some(name) => format!("{name} ({})", g.id),
            None => g.id.clone(),
        }
    }

    /// The surgeon of an assignment for people: the name when known, else the file's id.
    fn case_surgeon(&self, c: &Case) -> String {
        c.surgeon.map_or_else(|| c.a.surgeon.clone(), |s| self.surgeon_name(s))
    }

    /// Whose list session `k` is: its owner, or the surgeons who staff it, or nobody yet.
    fn list_holder(&self, k: usize) -> String {
        let sess = &self.inst.sessions[k];
        match sess.owner {
            Some(o) => self.surgeon_name(o),
            None => {
                let staff: BTreeSet<usize> = self
                    .solution
                    .placements
                    .iter()
                    .filter(|pl| pl.session == k)
                    .map(|pl| pl.surgeon)
                    .collect();
                if staff.is_empty() {
                    "extra list, not used".into()
                } else {
                    let names: Vec<String> = staff.iter().map(|&s| self.surgeon_name(s)).collect();
                    format!("extra list staffed by {}", names.join(", "))
                }
            }
        }
    }
}

/// The plan page; `check` is the checker's report on `sch`.
pub fn page(inst: &Instance, sch: &ScheduleFile, check: &CheckReport, source: &str) -> String {
    let plan = Plan::resolve(inst, sch, check);
    let trust = match &inst.trust_name {
        Some(name) => format!("{name} ({})", inst.trust_id),
        None => inst.trust_id.clone(),
    };
    let mut w = page_start(&format!("Rebooking plan – {trust} – {}", sch.strategy));
    let mut ids = Ids::default();
    for (id, _) in SECTIONS.iter().chain([&MOVED]) {
        ids.reserve(id);
    }
    for id in ["wait-distribution", "rtt-distribution", "breaches"] {
        ids.reserve(id);
    }
    header(&mut w, &plan, &trust, source);
    let mut sections = SECTIONS.to_vec();
    if plan.has_bookings() {
        let at = sections
            .iter()
            .position(|(id, _)| *id == "unscheduled")
            .map_or(0, |i| i + 1);
        sections.insert(at, MOVED);
    }
    nav(&mut w, &sections);
    verdict_summary(&mut w, &plan);
    key_figures(&mut w, &plan);
    theatre_timeline(&mut w, &plan, &mut ids);
    surgeon_hours(&mut w, &plan, &mut ids);
    waits(&mut w, &plan);
    unscheduled(&mut w, &plan);
    if plan.has_bookings() {
        moved(&mut w, &plan);
    }
    operating_lists(&mut w, &plan);
    verdict_details(&mut w, &plan);
    w.open("footer", &[("class", &"small-print")]);
    w.text(format!(
        "Produced by rebook from {source}. All times are local clock times ({}). Hover over a chart for details.",
        inst.timezone.name()
    ));
    w.close();
    w.finish()
}

fn header(w: &mut Writer, plan: &Plan, trust: &str, source: &str) {
    let (inst, sch) = (plan.inst, plan.sch);
    w.open("header", &[("class", &"page")]);
    w.elem("h1", &[], format!("Rebooking plan: {trust}"));
    w.elem(
        "p",
        &[("class", &"subtitle")],
        "Elective cases cancelled by the strike, rebooked into theatre lists within surgeons' safe working hours",
    );
    w.open("p", &[("class", &"meta")]);
    let meaning = strategy_meaning(&sch.strategy);
    w.elem(
        "span",
        &[],
        if meaning.is_empty() {
            format!("Strategy: {}", sch.strategy)
        } else {
            format!("Strategy: {} ({meaning})", sch.strategy)
        },
    );
    w.close();
    w.open("p", &[("class", &"meta")]);
    w.elem(
        "span",
        &[],
        format!(
            "Rebooking period: {} to {} ({} days)",
            day(inst.horizon_start),
            day(inst.horizon_end),
            inst.horizon_days()
        ),
    );
    w.elem(
        "span",
        &[],
        format!("Cost (objective, lower is better): {}", thousands(sch.objective)),
    );
    if let Some(solver) = solver_line(&sch.solver) {
        w.elem("span", &[], solver);
    }
    w.close();
    w.elem("p", &[("class", &"meta small-print")], format!("Source: {source}"));
    w.close();
}

/// "Solver: optimal, gap 0.28 %, bound 12,001, 4.2 s" from the schedule's `solver` object.
fn solver_line(solver: &serde_json::Value) -> Option<String> {
    let obj = solver.as_object()?;
    let mut parts = Vec::new();
    if let Some(status) = obj.get("status").and_then(|v| v.as_str()) {
        parts.push(status.replace('_', " "));
    }
    if let Some(gap) = obj.get("gap").and_then(|v| v.as_f64()) {
        parts.push(format!("gap {:.2} %", gap * 100.0));
    }
    if let Some(bound) = obj.get("bound").and_then(|v| v.as_f64()) {
        parts.push(format!("bound {}", thousands(bound.ceil() as i64)));
    }
    if let Some(s) = obj.get("seconds").and_then(|v| v.as_f64()) {
        parts.push(format!("{s:.1} s"));
    }
    (!parts.is_empty()).then(|| format!("Solver: {}", parts.join(", ")))
}

/// The checker's verdict in one box near the top (details at the end of the page).
fn verdict_summary(w: &mut Writer, plan: &Plan) {
    let r = &plan.check;
    let class = if r.is_ok() { "verdict" } else { "verdict fail" };
    w.open("div", &[("class", &class)]);
    if r.is_ok() {
        w.elem(
            "strong",
            &[],
            "Independent check passed: every case fits its list, and no surgeon goes over a safe-working-hours limit.",
        );
    } else {
        w.elem(
            "strong",
            &[],
            format!(
                "Independent check FAILED: {} problem{} (listed under ‘Check’ at the end). Do not use this plan as it is.",
                r.violations.len(),
                plural(r.violations.len())
            ),
        );
        w.open("ul", &[]);
        for v in r.violations.iter().take(5) {
            w.elem("li", &[], format!("{}: {}", rule_label(v.rule), v.message));
        }
        if r.violations.len() > 5 {
            w.elem("li", &[], format!("… and {} more", r.violations.len() - 5));
        }
        w.close();
    }
    if r.recomputed_objective != r.reported_objective {
        w.elem(
            "p",
            &[("class", &"flag")],
            format!(
                "The file reports a cost of {} but the checker recomputes {}.",
                thousands(r.reported_objective),
                thousands(r.recomputed_objective)
            ),
        );
    }
    if !r.warnings.is_empty() {
        w.elem(
            "p",
            &[],
            format!(
                "{} warning{} about the trust's own roster, which already breaks a limit before any rebooking (not caused by this plan).",
                r.warnings.len(),
                plural(r.warnings.len())
            ),
        );
    }
    if !plan.problems.is_empty() {
        w.elem(
            "p",
            &[("class", &"flag")],
            format!(
                "{} entr{} of the schedule could not be drawn in full (see ‘Check’).",
                plan.problems.len(),
                if plan.problems.len() == 1 { "y" } else { "ies" }
            ),
        );
    }
    w.close();
}

/// Opens a table with one header row of (label, class) cells and opens its body.
fn table_head(w: &mut Writer, headers: &[(&str, &str)]) {
    w.open("table", &[]);
    w.open("thead", &[]).open("tr", &[]);
    for &(h, class) in headers {
        w.elem("th", &[("class", &class)], h);
    }
    w.close().close();
    w.open("tbody", &[]);
}

/// A checker's rule code for people: `rule7` → `rule 7: shift length` (unknown codes as they are).
fn rule_label(rule: &str) -> &str {
    match rule {
        "format" => "schedule file",
        "objective" => "cost",
        "rule1" => "rule 1: each case once, hard deadlines met",
        "rule2" => "rule 2: eligible list and date",
        "rule3" => "rule 3: list capacity",
        "rule4" => "rule 4: surgeons per list",
        "rule5" => "rule 5: daily operating minutes",
        "rule6" => "rule 6: overlapping duties",
        "rule7" => "rule 7: shift length",
        "rule8" => "rule 8: hours in 7 days",
        "rule9" => "rule 9: average weekly hours",
        "rule10" => "rule 10: consecutive days",
        _ => rule,
    }
}

fn verdict_details(w: &mut Writer, plan: &Plan) {
    let r = &plan.check;
    open_section(w, "verdict", "Check");
    w.elem(
        "p",
        &[],
        format!(
            "The independent checker rebuilds every surgeon's duties from the schedule and tests every rule of the contract. Cost reported {}, recomputed {}.",
            thousands(r.reported_objective),
            thousands(r.recomputed_objective)
        ),
    );
    if r.is_ok() {
        w.elem("p", &[], "No rule is broken.");
    } else {
        w.open("table", &[]);
        w.open("thead", &[]).open("tr", &[]);
        w.elem("th", &[], "Rule").elem("th", &[], "Problem");
        w.close().close();
        w.open("tbody", &[]);
        for v in &r.violations {
            w.open("tr", &[]);
            w.elem("td", &[("class", &"nowrap")], rule_label(v.rule));
            w.elem("td", &[], &v.message);
            w.close();
        }
        w.close().close();
    }
    if !plan.problems.is_empty() {
        w.elem("h3", &[], "Entries the report could not draw in full");
        w.open("ul", &[]);
        for p in &plan.problems {
            w.elem("li", &[], p);
        }
        w.close();
    }
    if !r.warnings.is_empty() {
        w.elem("h3", &[], "Warnings about the trust's own roster");
        w.open("ul", &[]);
        for warning in &r.warnings {
            w.elem("li", &[], format!("{}: {}", rule_label(warning.rule), warning.message));
        }
        w.close();
    }
    w.close();
}

fn key_figures(w: &mut Writer, plan: &Plan) {
    let m = &plan.metrics;
    let cases = plan.inst.procedures.len();
    open_section(w, "key-figures", "Key figures");
    w.open("div", &[("class", &"cards")]);
    let pct = |n: usize| {
        if cases == 0 {
            String::new()
        } else {
            format!("{:.0} % of {cases} cases", n as f64 * 100.0 / cases as f64)
        }
    };
    card(w, "cases rebooked", &m.scheduled.to_string(), &pct(m.scheduled));
    card(w, "cases not rebooked", &m.unscheduled.to_string(), &pct(m.unscheduled));
    let b = &m.breaches;
    card(
        w,
        "over the 28-day rule",
        &b.cancelled_on_day.to_string(),
        "cancelled on the day, rebooked more than 28 days later",
    );
    card(
        w,
        "over the clinical-priority target",
        &b.priority.to_string(),
        "P1 3 days, P2 28 days, P3 91 days after listing",
    );
    card(
        w,
        "over the 18-week target",
        &b.rtt.to_string(),
        "more than 126 days from referral",
    );
    match &m.wait_days {
        Some(wd) => card(
            w,
            "mean wait (days)",
            &format!("{:.1}", wd.mean),
            &format!("90 % within {:.0} days, longest {} days", wd.p90, wd.max),
        ),
        None => card(w, "mean wait (days)", "–", "no case rebooked"),
    }
    card(
        w,
        "extra lists opened",
        &m.sessions_opened.to_string(),
        &format!("{} unstaffed lists staffed", m.sessions_staffed),
    );
    card(
        w,
        "free theatre time used",
        &format!("{:.0} %", m.utilisation_of_free_minutes * 100.0),
        "cases and turnaround, of all free list time",
    );
    if plan.replan {
        replan_cards(w, plan);
    }
    w.close();

    // Rebooked and not rebooked by priority.
    let count = |map: &BTreeMap<&'static str, usize>, p: Priority| map.get(p.as_str()).copied().unwrap_or(0);
    w.open("table", &[("class", &"compact")]);
    w.open("thead", &[]).open("tr", &[]);
    w.elem("th", &[], "By clinical priority");
    for p in Priority::ALL {
        w.elem("th", &[("class", &"num")], p);
    }
    w.elem("th", &[("class", &"num")], "All");
    w.close().close();
    w.open("tbody", &[]);
    for (label, map) in [
        ("Rebooked", &m.scheduled_by_priority),
        ("Not rebooked", &m.unscheduled_by_priority),
    ] {
        w.open("tr", &[]);
        w.elem("th", &[], label);
        for p in Priority::ALL {
            w.elem("td", &[("class", &"num")], count(map, p));
        }
        w.elem("td", &[("class", &"num")], map.values().sum::<usize>());
        w.close();
    }
    w.open("tr", &[]);
    w.elem("th", &[], "Cases");
    let mut by_p = [0usize; 4];
    for pr in &plan.inst.procedures {
        by_p[pr.priority.index()] += 1;
    }
    for n in by_p {
        w.elem("td", &[("class", &"num")], n);
    }
    w.elem("td", &[("class", &"num")], cases);
    w.close();
    w.close().close();
    w.close();
}

/// The figures of a re-plan (SPEC.md section 8): the published bookings kept, moved and void,
/// and the twice-cancelled cases past 28 days.
fn replan_cards(w: &mut Writer, plan: &Plan) {
    let b = &plan.metrics.bookings;
    let live = b.kept + b.moved_notified + b.moved_unnotified;
    if plan.has_bookings() {
        card(
            w,
            "bookings kept",
            &b.kept.to_string(),
            &format!(
                "of {live} live booking{} of the published plan (same list)",
                plural(live)
            ),
        );
        card(
            w,
            "notified patients moved",
            &b.moved_notified.to_string(),
            "told a date, now given another list or none",
        );
        card(
            w,
            "unnotified bookings moved",
            &b.moved_unnotified.to_string(),
            "booked but not yet told: moved before anyone was told",
        );
        card(
            w,
            "void bookings",
            &b.void_bookings.to_string(),
            "their list was lost to the strike: rebooked anew",
        );
    }
    card(
        w,
        "cancelled twice, over 28 days",
        &plan.metrics.breaches.repeat_cancellation.to_string(),
        "cancelled at least twice, rebooked more than 28 days after the last date",
    );
}

/// Days with rebooked cases, each a chart of its theatres against clock time.
fn theatre_timeline(w: &mut Writer, plan: &Plan, ids: &mut Ids) {
    let inst = plan.inst;
    open_section(w, "theatre-timeline", "Theatre timeline");
    w.elem(
        "p",
        &[],
        "One chart per day that has rebooked cases (days without any are left out). Each row is a theatre; each outlined box is a list, labelled with the list and its surgeon. Grey: time already booked before the strike. Coloured: the rebooked cases, by clinical priority, labelled with the case number; the gaps between them are the turnaround.",
    );
    priority_legend(w, &[("already booked", svg::BOOKED_FILL)]);
    if plan.cases.iter().any(|c| plan.keeps_booking(c)) {
        w.open("p", &[("class", &"legend")]);
        w.open("span", &[("class", &"legend-item")]);
        w.elem("span", &[("class", &"swatch kept")], "");
        w.text("outlined: a kept booking, the list the published plan gave the patient")
            .close();
        w.close();
    }
    // Cases per known list, with known times.
    let mut by_session: BTreeMap<usize, Vec<&Case>> = BTreeMap::new();
    for c in &plan.cases {
        if let Some(k) = c.session {
            by_session.entry(k).or_default().push(c);
        }
    }
    let dates: BTreeSet<NaiveDate> = by_session.keys().map(|&k| inst.sessions[k].date).collect();
    if dates.is_empty() {
        w.elem(
            "p",
            &[("class", &"muted")],
            "No case is rebooked: there is nothing to draw.",
        );
        w.close();
        return;
    }
    // One clock range for every day, so the days line up.
    let shown: Vec<usize> = (0..inst.sessions.len())
        .filter(|&k| dates.contains(&inst.sessions[k].date))
        .collect();
    let from = shown
        .iter()
        .map(|&k| clock_minutes(inst.sessions[k].start_clock))
        .min()
        .unwrap_or(8 * 60);
    let to = shown
        .iter()
        .map(|&k| clock_minutes(inst.sessions[k].end_clock))
        .max()
        .unwrap_or(18 * 60);
    for date in dates {
        let mut lanes = Vec::new();
        for (t, theatre) in inst.theatres.iter().enumerate() {
            let mut sessions: Vec<usize> = shown
                .iter()
                .copied()
                .filter(|&k| inst.sessions[k].theatre == t && inst.sessions[k].date == date)
                .collect();
            if sessions.is_empty() {
                continue;
            }
            sessions.sort_by_key(|&k| (inst.sessions[k].start, k));
            let boxes = sessions
                .iter()
                .map(|&k| list_box(plan, k, by_session.get(&k).map_or(&[][..], Vec::as_slice)))
                .collect();
            lanes.push(Lane {
                label: theatre.id.clone(),
                sublabel: theatre.site.clone().unwrap_or_default(),
                boxes,
            });
        }
        let id = ids.make("theatre-timeline", &date.to_string());
        w.open("figure", &[]);
        svg::timeline(w, &id, &day(date), from, to, &lanes);
        w.close();
    }
    w.close();
}

/// The box of list `k` on the timeline with its booked part and rebooked cases.
fn list_box(plan: &Plan, k: usize, cases: &[&Case]) -> LaneBox {
    let inst = plan.inst;
    let sess = &inst.sessions[k];
    let (from, to) = (clock_minutes(sess.start_clock), clock_minutes(sess.end_clock));
    let holder = plan.list_holder(k);
    let span = format!(
        "{}–{}",
        sess.start_clock.format("%H:%M"),
        sess.end_clock.format("%H:%M")
    );
    let mut blocks = Vec::new();
    let booked = sess.booked_minutes();
    if booked > 0 {
        blocks.push(Block {
            from,
            to: (to - sess.free_minutes).max(from),
            fill: svg::BOOKED_FILL,
            ink: "#1d1d1d",
            label: "already booked".into(),
            short: "booked".into(),
            tooltip: format!("Already booked before the strike: {}", minutes(booked)),
            kept: false,
        });
    }
    for c in cases {
        let (Some(start), Some(end)) = (c.start, c.end) else {
            continue;
        };
        let pr = c.proc_.map(|p| &inst.procedures[p]);
        let (fill, ink) = match pr {
            Some(pr) => (
                svg::PRIORITY_FILL[pr.priority.index()],
                svg::PRIORITY_INK[pr.priority.index()],
            ),
            None => ("#ffffff", "#d5281b"),
        };
        let what = match pr {
            Some(pr) => format!(
                "{}, {}, {} min",
                pr.name.as_deref().unwrap_or(&pr.specialty),
                pr.priority,
                pr.duration
            ),
            None => "not in the instance".into(),
        };
        let kept = plan.keeps_booking(c);
        blocks.push(Block {
            from: start,
            to: end.max(start),
            fill,
            ink,
            label: c.a.procedure.clone(),
            short: c.a.procedure.clone(),
            tooltip: format!(
                "{} {}–{}: {what}; surgeon {}{}",
                c.a.procedure,
                c.a.start,
                c.a.end,
                plan.case_surgeon(c),
                if kept { "; keeps its published booking" } else { "" }
            ),
            kept,
        });
    }
    let mut tooltip = format!("List {} {span}, {holder}", sess.id);
    if sess.open_cost > 0 {
        tooltip.push_str(&format!("; extra list, cost {} to open", thousands(sess.open_cost)));
    }
    LaneBox {
        from,
        to,
        label: format!("{holder} · {}", sess.id),
        tooltip,
        blocks,
    }
}

/// Fill of a surgeon's shifts that hold rebooked cases, and of their 7-day hours line.
const REBOOKED_FILL: &str = "#005eb8";
/// Fill of a surgeon's shifts of roster duties only.
const ROSTER_FILL: &str = "#a9bcd0";

/// `near` at 95 % of the limit or more, `over` past it.
fn limit_class(value: i64, limit: Option<i64>) -> &'static str {
    match limit {
        Some(l) if value > l => "num over",
        Some(l) if value * 20 >= l * 19 => "num near",
        _ => "num",
    }
}

fn limit_text(limit: Option<i64>) -> String {
    limit.map_or_else(|| "no limit set".into(), |l| format!("limit {}", minutes(l)))
}

fn surgeon_hours(w: &mut Writer, plan: &Plan, ids: &mut Ids) {
    let inst = plan.inst;
    let rules = &inst.rules;
    // Surgeons with rebooked cases first, each group in the instance's order.
    let mut all: Vec<&SurgeonDuty> = plan.metrics.duties.iter().collect();
    all.sort_by_key(|duty| (duty.rebooked_cases == 0, duty.surgeon));
    open_section(w, "surgeon-hours", "Surgeons' hours against the safe-working limits");
    w.elem(
        "p",
        &[],
        format!(
            "Every duty counts: clinics, on-call, lists already on the roster and the extra lists this plan staffs. A shift runs from the first duty to the last with less than {} of rest in between. Shaded figures are within 5 % of a limit; red ones are over it.",
            rules.min_rest_minutes.map_or_else(|| "no".into(), minutes)
        ),
    );
    if all.is_empty() {
        w.elem("p", &[("class", &"muted")], "No surgeon has duties or rebooked cases.");
        w.close();
        return;
    }
    w.open("table", &[]);
    w.open("thead", &[]).open("tr", &[]);
    w.elem("th", &[], "Surgeon");
    w.elem("th", &[("class", &"num")], "Rebooked cases");
    w.elem("th", &[("class", &"num")], "Extra lists staffed");
    w.elem(
        "th",
        &[("class", &"num")],
        format!("Longest shift ({})", limit_text(rules.max_shift_minutes)),
    );
    w.elem(
        "th",
        &[("class", &"num")],
        format!("Most hours in 7 days ({})", limit_text(rules.max_minutes_per_7_days)),
    );
    w.elem(
        "th",
        &[("class", &"num")],
        format!(
            "Shortest rest ({})",
            rules
                .min_rest_minutes
                .map_or_else(|| "no minimum".into(), |m| format!("minimum {}", minutes(m)))
        ),
    );
    w.close().close();
    w.open("tbody", &[]);
    for duty in &all {
        w.open("tr", &[]);
        w.elem("td", &[], plan.surgeon_name(duty.surgeon));
        w.elem(
            "td",
            &[("class", &"num")],
            if duty.rebooked_cases == 0 {
                "–".into()
            } else {
                format!("{} ({})", duty.rebooked_cases, minutes(duty.rebooked_minutes))
            },
        );
        w.elem("td", &[("class", &"num")], duty.staffed_sessions());
        let longest = duty.longest_shift().map_or(0, metrics::Shift::minutes);
        w.elem(
            "td",
            &[("class", &limit_class(longest, rules.max_shift_minutes))],
            minutes(longest),
        );
        let week = duty.busiest_7_days().map_or(0, |(_, m)| m);
        w.elem(
            "td",
            &[("class", &limit_class(week, rules.max_minutes_per_7_days))],
            minutes(week),
        );
        w.elem(
            "td",
            &[("class", &"num")],
            duty.shortest_rest().map_or_else(|| "–".into(), |(_, r)| minutes(r)),
        );
        w.close();
    }
    w.close().close();

    let dates: Vec<NaiveDate> = inst
        .horizon_start
        .iter_days()
        .take_while(|d| *d <= inst.horizon_end)
        .collect();
    let mut heading_done = false;
    for duty in &all {
        if duty.rebooked_cases == 0 && !heading_done {
            w.elem("h3", &[], "Surgeons with no rebooked cases (their roster only)");
            heading_done = true;
        }
        surgeon_block(w, plan, duty, &dates, ids);
    }
    w.close();
}

/// One surgeon: the busiest figures in words, then shifts per day and hours per 7 days.
fn surgeon_block(w: &mut Writer, plan: &Plan, duty: &SurgeonDuty, dates: &[NaiveDate], ids: &mut Ids) {
    let rules = &plan.inst.rules;
    let name = plan.surgeon_name(duty.surgeon);
    w.open("div", &[("class", &"surgeon")]);
    w.elem(
        "h3",
        &[],
        if duty.rebooked_cases == 0 {
            name.clone()
        } else {
            format!(
                "{name}: {} rebooked case{}, {} of operating",
                duty.rebooked_cases,
                plural(duty.rebooked_cases),
                minutes(duty.rebooked_minutes)
            )
        },
    );
    w.open("p", &[("class", &"busiest")]);
    if let Some(s) = duty.longest_shift() {
        w.elem(
            "span",
            &[],
            format!(
                "Longest shift: {} on {} ({}).",
                minutes(s.minutes()),
                day(s.date),
                limit_text(rules.max_shift_minutes)
            ),
        );
    }
    if let Some((first, m)) = duty.busiest_7_days() {
        let last = first.checked_add_days(Days::new(6)).unwrap_or(first);
        w.elem(
            "span",
            &[],
            format!(
                "Most hours in 7 days: {} from {} to {} ({}).",
                minutes(m),
                first.format("%-d %b"),
                last.format("%-d %b"),
                limit_text(rules.max_minutes_per_7_days)
            ),
        );
    }
    if let Some((date, r)) = duty.shortest_rest() {
        w.elem(
            "span",
            &[],
            format!("Shortest rest: {} before the shift of {}.", minutes(r), day(date)),
        );
    }
    w.close();

    // Per day: the longest shift starting that day; per day: duty hours in the 7 days to it.
    let mut shift_hours = vec![0.0; dates.len()];
    let mut rebooked = vec![false; dates.len()];
    let mut week_hours = vec![0.0; dates.len()];
    for (i, &d) in dates.iter().enumerate() {
        for s in duty.shifts.iter().filter(|s| s.date == d) {
            shift_hours[i] = f64::max(shift_hours[i], s.minutes() as f64 / 60.0);
            rebooked[i] |= s.rebooked;
        }
        let first = d.checked_sub_days(Days::new(6)).unwrap_or(d);
        week_hours[i] = duty.window_minutes(first) as f64 / 60.0;
    }
    let key = &plan.inst.surgeons[duty.surgeon].id;
    let shifts_id = ids.make("surgeon-hours-shifts", key);
    let week_id = ids.make("surgeon-hours-7-days", key);
    w.open("div", &[("class", &"charts")]);
    svg::daily(
        w,
        &Daily {
            id: &shifts_id,
            title: "Shift length per day",
            y_label: "hours",
            dates,
            values: &shift_hours,
            emphasis: &rebooked,
            style: DailyStyle::Bars,
            limit: rules
                .max_shift_minutes
                .map(|m| (m as f64 / 60.0, format!("limit {}", minutes(m)))),
            fills: [REBOOKED_FILL, ROSTER_FILL],
            legend: &[("with rebooked cases", REBOOKED_FILL), ("roster only", ROSTER_FILL)],
        },
    );
    svg::daily(
        w,
        &Daily {
            id: &week_id,
            title: "Duty hours in the 7 days up to each day",
            y_label: "hours",
            dates,
            values: &week_hours,
            emphasis: &[],
            style: DailyStyle::Line,
            limit: rules
                .max_minutes_per_7_days
                .map(|m| (m as f64 / 60.0, format!("limit {}", minutes(m)))),
            fills: [REBOOKED_FILL, ROSTER_FILL],
            legend: &[],
        },
    );
    w.close();
    w.close();
}

/// The days and weeks waited, against the 28-day rule and the 18-week target, and the breaches.
fn waits(w: &mut Writer, plan: &Plan) {
    let inst = plan.inst;
    let m = &plan.metrics;
    let waits = metrics::waits(inst, &plan.solution);
    let rtt = metrics::referral_waits(inst, &plan.solution);
    let cancelled_on_day = metrics::under_28_day_rule(inst, &plan.solution);

    open_section(w, "waits", "Waits and targets");
    priority_legend(w, &[]);
    w.open("div", &[("class", &"charts")]);
    w.open("figure", &[]);
    svg::wait_chart(
        w,
        "wait-distribution",
        "Wait from the original date to the new date",
        &svg::wait_axis(&[&waits]),
        &waits,
    );
    w.elem(
        "figcaption",
        &[],
        format!(
            "{} of {cancelled_on_day} rebooked cases that were cancelled on the day are rebooked more than 28 days after their original date (the 28-day rule). The shaded area is past 28 days. Cases without an original date count from the first day they could be rebooked.",
            m.breaches.cancelled_on_day
        ),
    );
    w.close();
    w.open("figure", &[]);
    let axis = HistAxis::fit(&[&rtt], 126, &[7, 14, 42], 7);
    svg::histogram(
        w,
        "rtt-distribution",
        "Referral to treatment",
        "weeks from referral to the new date",
        "18 weeks",
        &axis,
        &rtt,
    );
    w.elem(
        "figcaption",
        &[],
        format!(
            "{} of {} rebooked cases with a referral date are treated more than 18 weeks (126 days) after referral.",
            m.breaches.rtt,
            rtt.len()
        ),
    );
    w.close();
    w.open("figure", &[]);
    let b = &m.breaches;
    svg::breaches_chart(
        w,
        "breaches",
        "Rebooked cases over a target",
        &[(plan.sch.strategy.clone(), [b.cancelled_on_day, b.priority, b.rtt])],
    );
    let repeat = if plan.replan {
        format!(
            " Cancelled at least twice and rebooked more than 28 days after the last date: {}.",
            b.repeat_cancellation
        )
    } else {
        String::new()
    };
    w.elem(
        "figcaption",
        &[],
        format!(
            "28-day rule: {}; clinical-priority target (P1 3 days, P2 28 days, P3 91 days from listing): {}; 18-week referral-to-treatment target: {}.{repeat}",
            b.cancelled_on_day, b.priority, b.rtt
        ),
    );
    w.close();
    w.close();
    w.close();
}

/// The reasons of SPEC.md section 5: (code, short title, plain explanation).
const REASONS: [(&str, &str, &str); 4] = [
    (
        "no_eligible_session",
        "No suitable list",
        "No list in the rebooking period could ever take this case: the specialty, theatre equipment, named surgeon, the patient's or surgeon's dates, or the case's length (with turnaround) rule out every list.",
    ),
    (
        "deadline_infeasible",
        "Deadline cannot be met",
        "The case has a hard deadline that no list can meet. The input needs changing: more lists or a later deadline.",
    ),
    (
        "capacity",
        "Lists full",
        "Suitable lists exist, but their free time went to cases of higher clinical priority or longer wait. More theatre time would let it be rebooked.",
    ),
    (
        "surgeon_limits",
        "Surgeons' safe hours",
        "Only the surgeons' safe working hours stopped it: a longer shift, too little rest, too many hours in 7 days, too many days in a row, or the daily operating limit.",
    ),
];

fn unscheduled(w: &mut Writer, plan: &Plan) {
    let inst = plan.inst;
    open_section(
        w,
        "unscheduled",
        format!("Cases not rebooked ({})", plan.unscheduled.len()),
    );
    if plan.unscheduled.is_empty() {
        w.elem("p", &[], "Every case listed in the schedule is rebooked.");
        w.close();
        return;
    }
    w.elem("p", &[], "Why a case could not be rebooked:");
    w.open("dl", &[("class", &"reasons")]);
    for (_, title, meaning) in REASONS {
        w.elem("dt", &[], title).elem("dd", &[], meaning);
    }
    w.close();
    let mut rows: Vec<&(Option<usize>, &UnscheduledDto)> = plan.unscheduled.iter().collect();
    rows.sort_by_key(|(p, u)| {
        (
            p.map(|p| inst.procedures[p].priority),
            p.is_none(),
            u.procedure.as_str(),
        )
    });
    table_head(
        w,
        &[
            ("Case", ""),
            ("Specialty", ""),
            ("Procedure", ""),
            ("Priority", ""),
            ("Duration", "num"),
            ("Original date", ""),
            ("Named surgeon", ""),
            ("Reason", ""),
        ],
    );
    for (p, u) in rows {
        w.open("tr", &[]);
        w.elem("td", &[("class", &"nowrap")], &u.procedure);
        match p.map(|p| &inst.procedures[p]) {
            Some(pr) => {
                w.elem("td", &[], &pr.specialty);
                w.elem("td", &[], pr.name.as_deref().unwrap_or("–"));
                w.open("td", &[("class", &"nowrap")]);
                super::page::swatch(w, svg::PRIORITY_FILL[pr.priority.index()]);
                w.text(pr.priority).close();
                w.elem("td", &[("class", &"num")], format!("{} min", pr.duration));
                w.elem(
                    "td",
                    &[("class", &"nowrap")],
                    pr.original_date.map_or_else(|| "–".into(), day),
                );
                w.elem(
                    "td",
                    &[],
                    pr.surgeon
                        .map_or_else(|| "any (pooled)".into(), |s| plan.surgeon_name(s)),
                );
            }
            None => {
                w.elem("td", &[("class", &"flag"), ("colspan", &6)], "not in the instance");
            }
        }
        w.open("td", &[]);
        match REASONS.iter().find(|(code, _, _)| *code == u.reason) {
            Some((code, title, _)) => {
                w.elem("strong", &[], title)
                    .text(" ")
                    .elem("span", &[("class", &"code")], code);
            }
            None => {
                w.elem("span", &[("class", &"flag")], format!("unknown reason ‘{}’", u.reason));
            }
        }
        w.close();
        w.close();
    }
    w.close().close();
    w.close();
}

/// Who moves a booking: the strategy in words.
fn mover(strategy: &str) -> String {
    match strategy {
        "mip" => "the optimiser".into(),
        "fifo" => "treat in turn (fifo)".into(),
        "priority" => "the priority strategy".into(),
        other => format!("strategy {other}"),
    }
}

/// One row of the moved patients: the case, its published booking, where it is now and why.
struct Moved<'a> {
    case: usize,
    /// The booked list's id and date (the date of a void booking is the case's original date,
    /// which re-planning sets to the lost list's date).
    from: (&'a str, Option<NaiveDate>),
    notified: bool,
    void: bool,
}

/// The patients whose published booking this plan does not keep (SPEC.md section 8): where they
/// were booked, where they are now, whether they had been told, and why they moved.
fn moved(w: &mut Writer, plan: &Plan) {
    let inst = plan.inst;
    let mut now: BTreeMap<usize, &Case> = BTreeMap::new();
    for c in &plan.cases {
        if let Some(p) = c.proc_ {
            now.insert(p, c);
        }
    }
    let not_rebooked: BTreeMap<usize, &UnscheduledDto> =
        plan.unscheduled.iter().filter_map(|(p, u)| Some(((*p)?, *u))).collect();
    let mut rows: Vec<Moved> = Vec::new();
    for (p, pr) in inst.procedures.iter().enumerate() {
        let Some(booking) = &pr.booked else { continue };
        let from = match booking.session {
            Some(k) if now.get(&p).and_then(|c| c.session) == Some(k) => continue,
            Some(k) => (inst.sessions[k].id.as_str(), Some(inst.sessions[k].date)),
            None => (booking.session_id.as_str(), pr.original_date),
        };
        rows.push(Moved {
            case: p,
            from,
            notified: booking.notified,
            void: booking.session.is_none(),
        });
    }
    rows.sort_by(|a, b| (a.from.1, &inst.procedures[a.case].id).cmp(&(b.from.1, &inst.procedures[b.case].id)));
    let b = &plan.metrics.bookings;
    let live = b.kept + b.moved_notified + b.moved_unnotified;
    open_section(w, MOVED.0, format!("Moved patients ({})", rows.len()));
    w.elem(
        "p",
        &[],
        format!(
            "Cases that held a booking of the published plan and are not in that list now. A void booking's list was lost to the strike: its patient needs a new date whatever the plan. A live booking moved by the plan costs {} for a patient already told and {} for one not yet told, weighed against waits and targets.",
            points(inst.weights.moved_notified),
            points(inst.weights.moved_unnotified)
        ),
    );
    w.elem(
        "p",
        &[],
        format!(
            "{} of {live} live booking{} kept in their list (outlined on the timeline); {} notified and {} unnotified patient{} moved; {} void booking{}.",
            b.kept,
            plural(live),
            b.moved_notified,
            b.moved_unnotified,
            plural(b.moved_notified + b.moved_unnotified),
            b.void_bookings,
            plural(b.void_bookings)
        ),
    );
    if rows.is_empty() {
        w.elem(
            "p",
            &[("class", &"muted")],
            "No patient is moved: every live booking is kept.",
        );
        w.close();
        return;
    }
    table_head(
        w,
        &[
            ("Case", ""),
            ("Priority", ""),
            ("Booked list", ""),
            ("Booked date", ""),
            ("New list", ""),
            ("New date", ""),
            ("Patient told", ""),
            ("Why", ""),
        ],
    );
    let by = mover(&plan.sch.strategy);
    for r in &rows {
        let pr = &inst.procedures[r.case];
        w.open("tr", &[]);
        w.elem("td", &[("class", &"nowrap")], &pr.id);
        w.open("td", &[("class", &"nowrap")]);
        super::page::swatch(w, svg::PRIORITY_FILL[pr.priority.index()]);
        w.text(pr.priority).close();
        w.elem("td", &[("class", &"nowrap")], r.from.0);
        w.elem("td", &[("class", &"nowrap")], r.from.1.map_or_else(|| "–".into(), day));
        let unscheduled_reason = not_rebooked.get(&r.case).map(|u| {
            REASONS
                .iter()
                .find(|(code, _, _)| *code == u.reason)
                .map_or_else(|| u.reason.clone(), |(_, title, _)| title.to_string())
        });
        match (now.get(&r.case), &unscheduled_reason) {
            (Some(c), _) => {
                w.elem("td", &[("class", &"nowrap")], &c.a.session);
                w.elem(
                    "td",
                    &[("class", &"nowrap")],
                    format!(
                        "{} {}",
                        parse_date(&c.a.date).map_or_else(|| c.a.date.clone(), day),
                        c.a.start
                    ),
                );
            }
            (None, Some(reason)) => {
                w.elem("td", &[("colspan", &2)], format!("not rebooked ({reason})"));
            }
            (None, None) => {
                w.elem("td", &[("class", &"flag"), ("colspan", &2)], "not in the schedule");
            }
        }
        w.elem("td", &[], if r.notified { "yes" } else { "no" });
        w.elem(
            "td",
            &[],
            if r.void {
                "list lost to the strike (void booking)".to_string()
            } else {
                format!("moved by {by}")
            },
        );
        w.close();
    }
    w.close().close();
    w.close();
}

/// `n` cost points in words.
fn points(n: i64) -> String {
    format!("{} point{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `text` with its first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Key of an operating list: date, theatre (instance order), list start, list id.
type ListKey<'a> = (&'a str, usize, &'a str, i64, &'a str);

fn operating_lists(w: &mut Writer, plan: &Plan) {
    let inst = plan.inst;
    open_section(w, "operating-lists", "Operating lists");
    w.elem(
        "p",
        &[],
        "One block per theatre list with rebooked cases, in date and theatre order, ready to print (each day starts a new page). Only the rebooked cases are listed; the list's earlier bookings stand as they were.",
    );
    let mut lists: BTreeMap<ListKey, Vec<&Case>> = BTreeMap::new();
    for c in &plan.cases {
        let (theatre, start) = match c.session {
            Some(k) => (inst.sessions[k].theatre, inst.sessions[k].start),
            None => (usize::MAX, 0),
        };
        lists
            .entry((
                c.a.date.as_str(),
                theatre,
                c.a.theatre.as_str(),
                start,
                c.a.session.as_str(),
            ))
            .or_default()
            .push(c);
    }
    if lists.is_empty() {
        w.elem("p", &[("class", &"muted")], "No case is rebooked.");
    }
    let mut current_day: Option<&str> = None;
    for ((date, _, theatre, _, _), mut cases) in lists {
        if current_day != Some(date) {
            if current_day.is_some() {
                w.close();
            }
            w.open("div", &[("class", &"opday")]);
            w.elem("h3", &[], parse_date(date).map_or_else(|| date.to_string(), day));
            current_day = Some(date);
        }
        cases.sort_by(|a, b| (a.start, &a.a.procedure).cmp(&(b.start, &b.a.procedure)));
        operating_list(w, plan, theatre, &cases);
    }
    if current_day.is_some() {
        w.close();
    }
    w.close();
}

/// One printable list: where and when, whose list, then its rebooked cases in start order.
fn operating_list(w: &mut Writer, plan: &Plan, theatre: &str, cases: &[&Case]) {
    let inst = plan.inst;
    let Some(first) = cases.first() else { return };
    let session = first.session;
    w.open("div", &[("class", &"oplist")]);
    let site = inst
        .theatres
        .iter()
        .find(|t| t.id == theatre)
        .and_then(|t| t.site.as_deref())
        .map_or_else(String::new, |s| format!(" ({s})"));
    match session.map(|k| &inst.sessions[k]) {
        Some(sess) => {
            w.elem(
                "h4",
                &[],
                format!(
                    "Theatre {theatre}{site}: list {}, {}–{}",
                    sess.id,
                    sess.start_clock.format("%H:%M"),
                    sess.end_clock.format("%H:%M")
                ),
            );
            let holder = session.map(|k| plan.list_holder(k)).unwrap_or_default();
            w.elem(
                "p",
                &[],
                if sess.owner.is_some() {
                    format!("List of {holder}")
                } else {
                    capitalise(&holder)
                },
            );
            let used: i64 = cases
                .iter()
                .filter_map(|c| c.proc_)
                .map(|p| inst.procedures[p].duration + inst.rules.turnaround_minutes)
                .sum();
            let free_from = sess.end_clock - chrono::Duration::minutes(sess.free_minutes);
            w.elem(
                "p",
                &[("class", &"muted")],
                format!(
                    "{}Rebooked cases from {}, with {} turnaround after each; free time left: {}.",
                    if sess.booked_minutes() > 0 {
                        format!(
                            "Already booked {}–{}. ",
                            sess.start_clock.format("%H:%M"),
                            free_from.format("%H:%M")
                        )
                    } else {
                        String::new()
                    },
                    free_from.format("%H:%M"),
                    minutes(inst.rules.turnaround_minutes),
                    minutes(sess.free_minutes - used)
                ),
            );
        }
        None => {
            w.elem("h4", &[], format!("Theatre {theatre}{site}: list {}", first.a.session));
            w.elem("p", &[("class", &"flag")], "This list is not in the instance.");
        }
    }
    table_head(
        w,
        &[
            ("Start", ""),
            ("End", ""),
            ("Case", ""),
            ("Patient", ""),
            ("Procedure", ""),
            ("Specialty", ""),
            ("Priority", ""),
            ("Duration", "num"),
            ("Surgeon", ""),
        ],
    );
    for c in cases {
        w.open("tr", &[]);
        w.elem("td", &[], &c.a.start).elem("td", &[], &c.a.end);
        w.elem("td", &[("class", &"nowrap")], &c.a.procedure);
        match c.proc_.map(|p| &inst.procedures[p]) {
            Some(pr) => {
                w.elem("td", &[], pr.patient.as_deref().unwrap_or("–"));
                w.elem("td", &[], pr.name.as_deref().unwrap_or("–"));
                w.elem("td", &[], &pr.specialty);
                w.open("td", &[("class", &"nowrap")]);
                super::page::swatch(w, svg::PRIORITY_FILL[pr.priority.index()]);
                w.text(pr.priority).close();
                w.elem("td", &[("class", &"num")], format!("{} min", pr.duration));
            }
            None => {
                w.elem("td", &[("class", &"flag"), ("colspan", &5)], "case not in the instance");
            }
        }
        w.elem("td", &[], plan.case_surgeon(c));
        w.close();
    }
    w.close().close();
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_cover_the_spec() {
        let codes: Vec<&str> = REASONS.iter().map(|r| r.0).collect();
        assert_eq!(codes, crate::io::schedule::REASONS);
        for code in codes {
            assert_eq!(parse_reason(code).map(Reason::as_str), Some(code));
        }
    }
}
