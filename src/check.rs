//! The independent checker (SPEC.md sections 3 and 4, and rule 11 and the costs of section 8).
//!
//! It judges a `rebook-schedule/1` file against a validated [`Instance`] and shares no bookkeeping
//! with the strategies: it rebuilds every surgeon's duty items, shifts, seven-day windows and runs
//! of days from the schedule file alone, with its own code, and recomputes the objective from
//! scratch. Only the data model (the instance with its times already converted to absolute
//! minutes) is common.
//!
//! Verdicts: a breach of a safe-hours rule that involves only fixed items (the roster the trust
//! gave us: fixed duties and owned sessions) is a *warning*; one whose shift, window or run contains
//! a staffed session is a *violation*. Every problem with the file itself (unknown ids, a case
//! listed twice or not at all, times that do not match the session's free block) is a violation
//! of rule `format`.
//!
//! Re-planning (SPEC.md section 8) is judged with the checker's own reading of the bookings: a
//! booking is live when an instance session carries its session id, it must be kept (rule 11)
//! when it is notified and its session's date is before `horizon.start + keep_notified_days`, and
//! it is kept when the case is assigned to that session (any start, any surgeon).

use crate::io::schedule::{ScheduleFile, REASONS, SCHEDULE_FORMAT};
use crate::model::time::{from_minute, parse_clock, parse_date, to_minute};
use crate::model::{Instance, Minute};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One broken rule. `rule` is `format`, `objective`, `rule1` … `rule10` (SPEC.md section 3) or
/// `rule11` (SPEC.md section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Which rule: `format`, `objective`, `rule1` … `rule10` (SPEC.md section 3), or `rule11`: a
    /// booking that must be kept (live, notified, its session's date before `horizon.start +
    /// keep_notified_days`) whose case is not assigned to its booked session (the message names
    /// the case, the booked session and where the case went).
    pub rule: &'static str,
    /// What is wrong, naming the case, session or surgeon.
    pub message: String,
}

/// A safe-hours rule already broken by the fixed roster alone (not the plan's fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which safe-hours rule: `rule6` … `rule10`.
    pub rule: &'static str,
    /// What the roster breaks, naming the surgeon and the duties.
    pub message: String,
}

/// The checker's verdict on one schedule file.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Every broken rule; empty means the schedule passes.
    pub violations: Vec<Violation>,
    /// Safe-hours breaches of the fixed roster alone, which do not fail the schedule.
    pub warnings: Vec<Warning>,
    /// The objective of SPEC.md section 4 (with the `moved` and `repeat_cancellation` costs of
    /// section 8), recomputed from the assignments, cost points.
    pub recomputed_objective: i64,
    /// The `objective` the schedule file reports, cost points.
    pub reported_objective: i64,
}

impl CheckReport {
    /// Does the schedule pass (no violations; warnings allowed)?
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
    fn fail(&mut self, rule: &'static str, message: String) {
        self.violations.push(Violation { rule, message });
    }
    fn warn(&mut self, rule: &'static str, message: String) {
        self.warnings.push(Warning { rule, message });
    }
}

/// A case of the schedule, resolved to indices. Only well-formed assignments become cases.
#[derive(Debug, Clone)]
struct Case {
    proc_: usize,
    session: usize,
    surgeon: usize,
    start: Minute,
    /// Every instant in the session that reads as the written start (two in the autumn repeated
    /// hour); `start` is settled among them by the back-to-back packing of its session.
    starts: Vec<Minute>,
}

/// What a duty item is, for the verdict and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Fixed(usize),
    Owned(usize),
    Staffed(usize),
}

#[derive(Debug, Clone, Copy)]
struct DutyItem {
    start: Minute,
    end: Minute,
    /// Local calendar date on which the item starts.
    date: NaiveDate,
    source: Source,
}

impl DutyItem {
    fn staffed(&self) -> bool {
        matches!(self.source, Source::Staffed(_))
    }
    fn name(&self, inst: &Instance, s: usize) -> String {
        match self.source {
            Source::Fixed(i) => {
                let d = &inst.surgeons[s].duties[i];
                let kind = d.kind.as_deref().unwrap_or("duty");
                format!("{kind} {} {}", d.date, span(inst, self.start, self.end))
            }
            Source::Owned(k) => format!(
                "owned session {} {}",
                inst.sessions[k].id,
                span(inst, self.start, self.end)
            ),
            Source::Staffed(k) => format!(
                "staffed session {} {}",
                inst.sessions[k].id,
                span(inst, self.start, self.end)
            ),
        }
    }
}

fn span(inst: &Instance, a: Minute, b: Minute) -> String {
    let a = from_minute(inst.timezone, a);
    let b = from_minute(inst.timezone, b);
    if a.date() == b.date() {
        format!("{}–{}", a.format("%H:%M"), b.format("%H:%M"))
    } else {
        format!("{}–{}", a.format("%Y-%m-%d %H:%M"), b.format("%Y-%m-%d %H:%M"))
    }
}

fn hours(minutes: i64) -> String {
    format!("{}h{:02}", minutes / 60, minutes % 60)
}

/// Checks `schedule` against `inst`: every rule of SPEC.md section 3 and rule 11 of section 8, the
/// file's own consistency, and the objective of sections 4 and 8.
pub fn check(inst: &Instance, schedule: &ScheduleFile) -> CheckReport {
    let mut r = CheckReport {
        reported_objective: schedule.objective,
        ..Default::default()
    };
    let cases = check_format(inst, schedule, &mut r);
    check_cases(inst, &cases, &mut r);
    check_safe_hours(inst, &cases, &mut r);
    check_kept_bookings(inst, schedule, &cases, &mut r);
    r.recomputed_objective = objective_of(inst, &cases);
    if r.recomputed_objective != schedule.objective {
        r.fail(
            "objective",
            format!(
                "reported objective {} differs from the recomputed {} (SPEC.md sections 4 and 8)",
                schedule.objective, r.recomputed_objective
            ),
        );
    }
    r
}

/// Structural checks; returns the well-formed cases.
fn check_format(inst: &Instance, sch: &ScheduleFile, r: &mut CheckReport) -> Vec<Case> {
    if sch.format != SCHEDULE_FORMAT {
        r.fail(
            "format",
            format!("format is '{}', expected '{SCHEDULE_FORMAT}'", sch.format),
        );
    }
    if sch.trust != inst.trust_id {
        r.fail(
            "format",
            format!(
                "schedule is for trust '{}' but the instance is trust '{}'",
                sch.trust, inst.trust_id
            ),
        );
    }
    let procs: HashMap<&str, usize> = inst
        .procedures
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let sessions = session_index(inst);
    let surgeons: HashMap<&str, usize> = inst
        .surgeons
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut seen: Vec<u32> = vec![0; inst.procedures.len()];
    let mut cases = Vec::new();

    for (i, a) in sch.assignments.iter().enumerate() {
        let at = format!("assignments[{i}] (procedure {})", a.procedure);
        let Some(&p) = procs.get(a.procedure.as_str()) else {
            r.fail("format", format!("{at}: unknown procedure"));
            continue;
        };
        seen[p] += 1;
        let Some(&k) = sessions.get(a.session.as_str()) else {
            r.fail("format", format!("{at}: unknown session '{}'", a.session));
            continue;
        };
        let Some(&s) = surgeons.get(a.surgeon.as_str()) else {
            r.fail("format", format!("{at}: unknown surgeon '{}'", a.surgeon));
            continue;
        };
        let sess = &inst.sessions[k];
        if a.theatre != inst.theatres[sess.theatre].id {
            r.fail(
                "format",
                format!(
                    "{at}: theatre '{}' but session {} is in theatre '{}'",
                    a.theatre, sess.id, inst.theatres[sess.theatre].id
                ),
            );
        }
        if parse_date(&a.date) != Some(sess.date) {
            r.fail(
                "format",
                format!("{at}: date '{}' but session {} is on {}", a.date, sess.id, sess.date),
            );
        }
        let (Some(start_t), Some(_)) = (parse_clock(&a.start), parse_clock(&a.end)) else {
            r.fail(
                "format",
                format!("{at}: start '{}' / end '{}' are not HH:MM times", a.start, a.end),
            );
            continue;
        };
        // Locate the start in real time: the instants of the session that read as that clock
        // time on the session's date. In the autumn repeated hour there are two; the one the
        // session's back-to-back packing calls for is chosen below, and the end must match one.
        let base = to_minute(inst.timezone, sess.date, start_t);
        let mut starts: Vec<Minute> = [base - 60, base, base + 60]
            .into_iter()
            .filter(|&m| m >= sess.start && m <= sess.end)
            .filter(|&m| {
                let local = from_minute(inst.timezone, m);
                local.time() == start_t && local.date() == sess.date
            })
            .collect();
        let Some(&start) = starts.first() else {
            r.fail(
                "format",
                format!(
                    "{at}: start {} lies outside session {} ({})",
                    a.start,
                    sess.id,
                    span(inst, sess.start, sess.end)
                ),
            );
            continue;
        };
        let end_clock = |m: Minute| {
            from_minute(inst.timezone, m + inst.procedures[p].duration)
                .format("%H:%M")
                .to_string()
        };
        if starts.iter().any(|&m| a.end == end_clock(m)) {
            starts.retain(|&m| a.end == end_clock(m));
        } else {
            let end_clock = end_clock(start);
            r.fail(
                "format",
                format!(
                    "{at}: end {} but start {} + duration {} min is {end_clock}",
                    a.end, a.start, inst.procedures[p].duration
                ),
            );
        }
        cases.push(Case {
            proc_: p,
            session: k,
            surgeon: s,
            start: starts[0],
            starts,
        });
    }
    for (i, u) in sch.unscheduled.iter().enumerate() {
        let at = format!("unscheduled[{i}] (procedure {})", u.procedure);
        match procs.get(u.procedure.as_str()) {
            Some(&p) => seen[p] += 1,
            None => r.fail("format", format!("{at}: unknown procedure")),
        }
        if !REASONS.contains(&u.reason.as_str()) {
            r.fail(
                "format",
                format!("{at}: reason '{}' is not one of {}", u.reason, REASONS.join(", ")),
            );
        }
    }
    for (p, &n) in seen.iter().enumerate() {
        let id = &inst.procedures[p].id;
        if n == 0 {
            r.fail(
                "format",
                format!(
                    "procedure {id} is neither assigned nor listed as unscheduled (every case must be accounted for)"
                ),
            );
        } else if n > 1 {
            r.fail(
                "rule1",
                format!("procedure {id} appears {n} times (assigned or unscheduled); it must appear exactly once"),
            );
        }
    }

    // Back-to-back timing within each session: cases start at end − free_minutes and follow each
    // other with the turnaround after each.
    settle_repeated_hour(inst, &mut cases);
    let mut by_session: BTreeMap<usize, Vec<&Case>> = BTreeMap::new();
    for c in &cases {
        by_session.entry(c.session).or_default().push(c);
    }
    for (k, mut list) in by_session {
        list.sort_by_key(|c| (c.start, c.proc_));
        let sess = &inst.sessions[k];
        let mut expected = sess.end - sess.free_minutes;
        for c in list {
            if c.start != expected {
                let want = from_minute(inst.timezone, expected).format("%H:%M");
                let got = from_minute(inst.timezone, c.start).format("%H:%M");
                r.fail(
                    "format",
                    format!(
                        "procedure {} in session {} starts at {got}, expected {want} (cases run back to back from the start of the free block, {} min turnaround after each)",
                        inst.procedures[c.proc_].id, sess.id, inst.rules.turnaround_minutes
                    ),
                );
            }
            expected = c.start + inst.procedures[c.proc_].duration + inst.rules.turnaround_minutes;
        }
    }
    cases
}

/// Settles the start of cases whose clock time is ambiguous (the autumn repeated hour): walking
/// each session's free block back to back, the case that can start at the expected instant takes
/// it. Cases that fit nowhere keep their first reading, and the timing check reports them.
fn settle_repeated_hour(inst: &Instance, cases: &mut [Case]) {
    let mut by_session: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in cases.iter().enumerate() {
        by_session.entry(c.session).or_default().push(i);
    }
    for (k, mut todo) in by_session {
        if todo.iter().all(|&i| cases[i].starts.len() < 2) {
            continue;
        }
        todo.sort_by_key(|&i| (cases[i].start, cases[i].proc_));
        let sess = &inst.sessions[k];
        let mut expected = sess.end - sess.free_minutes;
        while let Some(pos) = todo.iter().position(|&i| cases[i].starts.contains(&expected)) {
            let i = todo.remove(pos);
            cases[i].start = expected;
            expected += inst.procedures[cases[i].proc_].duration + inst.rules.turnaround_minutes;
        }
    }
}

/// Rules 1–5: deadlines, eligibility, capacity, surgeons per session, operating minutes.
fn check_cases(inst: &Instance, cases: &[Case], r: &mut CheckReport) {
    let assigned: BTreeSet<usize> = cases.iter().map(|c| c.proc_).collect();
    for (p, pr) in inst.procedures.iter().enumerate() {
        if let Some(dl) = pr.deadline {
            if !assigned.contains(&p) {
                r.fail(
                    "rule1",
                    format!("procedure {} has deadline {dl} but is not scheduled", pr.id),
                );
            }
        }
    }
    for c in cases {
        let pr = &inst.procedures[c.proc_];
        let sess = &inst.sessions[c.session];
        let sg = &inst.surgeons[c.surgeon];
        let th = &inst.theatres[sess.theatre];
        let at = format!("procedure {} in session {} by {}", pr.id, sess.id, sg.id);
        let d = sess.date;
        if d < pr.earliest {
            r.fail("rule2", format!("{at}: date {d} is before earliest {}", pr.earliest));
        }
        if let Some(dl) = pr.deadline {
            if d > dl {
                r.fail("rule1", format!("{at}: date {d} is after the deadline {dl}"));
            }
        }
        if d > inst.horizon_end || d < inst.horizon_start {
            r.fail(
                "rule2",
                format!(
                    "{at}: date {d} is outside the horizon {}..{}",
                    inst.horizon_start, inst.horizon_end
                ),
            );
        }
        if pr.unavailable.contains(&d) {
            r.fail("rule2", format!("{at}: the patient is unavailable on {d}"));
        }
        if sg.unavailable.contains(&d) {
            r.fail("rule2", format!("{at}: surgeon {} is unavailable on {d}", sg.id));
        }
        if !th.specialties.contains(&pr.specialty) {
            r.fail(
                "rule2",
                format!("{at}: theatre {} is not equipped for {}", th.id, pr.specialty),
            );
        }
        if let Some(sp) = &sess.specialty {
            if *sp != pr.specialty {
                r.fail(
                    "rule2",
                    format!("{at}: session is for {sp}, the case is {}", pr.specialty),
                );
            }
        }
        if !sg.specialties.contains(&pr.specialty) {
            r.fail(
                "rule2",
                format!("{at}: surgeon {} does not hold {}", sg.id, pr.specialty),
            );
        }
        if let Some(named) = pr.surgeon {
            if named != c.surgeon {
                r.fail(
                    "rule2",
                    format!("{at}: the case belongs to {}", inst.surgeons[named].id),
                );
            }
        }
        if let Some(owner) = sess.owner {
            if owner != c.surgeon {
                r.fail(
                    "rule4",
                    format!(
                        "{at}: the session is owned by {}; only the owner operates in it",
                        inst.surgeons[owner].id
                    ),
                );
            }
        }
    }
    // Rule 3: capacity; rule 4: one surgeon in an unshared session.
    let mut per_session: BTreeMap<usize, (i64, BTreeSet<usize>)> = BTreeMap::new();
    for c in cases {
        let e = per_session.entry(c.session).or_default();
        e.0 += inst.procedures[c.proc_].duration + inst.rules.turnaround_minutes;
        e.1.insert(c.surgeon);
    }
    for (k, (used, surgeons)) in &per_session {
        let sess = &inst.sessions[*k];
        if *used > sess.free_minutes {
            r.fail(
                "rule3",
                format!(
                    "session {}: cases and turnaround take {used} min but only {} min are free",
                    sess.id, sess.free_minutes
                ),
            );
        }
        if !sess.shared && surgeons.len() > 1 {
            let ids: Vec<&str> = surgeons.iter().map(|&s| inst.surgeons[s].id.as_str()).collect();
            r.fail(
                "rule4",
                format!(
                    "session {} is not shared but has {} operating surgeons: {}",
                    sess.id,
                    ids.len(),
                    ids.join(", ")
                ),
            );
        }
    }
    // Rule 5: operating minutes per surgeon and date (only dates with a rebooked case).
    let mut operating: BTreeMap<(usize, NaiveDate), i64> = BTreeMap::new();
    for c in cases {
        *operating.entry((c.surgeon, inst.sessions[c.session].date)).or_default() += inst.procedures[c.proc_].duration;
    }
    for (&(s, d), &cases_min) in &operating {
        let sg = &inst.surgeons[s];
        let cap = sg
            .max_operating_minutes
            .get(&d)
            .copied()
            .or(inst.rules.max_operating_minutes_per_day);
        let Some(cap) = cap else { continue };
        let booked: i64 = inst
            .sessions
            .iter()
            .filter(|x| x.owner == Some(s) && x.date == d)
            .map(|x| x.end - x.start - x.free_minutes)
            .sum();
        if cases_min + booked > cap {
            r.fail("rule5", format!("surgeon {} on {d}: {cases_min} min of rebooked cases + {booked} min already booked in owned lists = {} min, over the cap of {cap} min", sg.id, cases_min + booked));
        }
    }
}

/// The duty items of every surgeon: fixed duties, owned sessions, staffed sessions.
fn duty_items(inst: &Instance, cases: &[Case]) -> Vec<Vec<DutyItem>> {
    let mut items: Vec<Vec<DutyItem>> = vec![Vec::new(); inst.surgeons.len()];
    for (s, sg) in inst.surgeons.iter().enumerate() {
        for (i, d) in sg.duties.iter().enumerate() {
            items[s].push(DutyItem {
                start: d.start,
                end: d.end,
                date: d.date,
                source: Source::Fixed(i),
            });
        }
    }
    for (k, sess) in inst.sessions.iter().enumerate() {
        if let Some(o) = sess.owner {
            items[o].push(DutyItem {
                start: sess.start,
                end: sess.end,
                date: sess.date,
                source: Source::Owned(k),
            });
        }
    }
    let staffed: BTreeSet<(usize, usize)> = cases
        .iter()
        .filter(|c| inst.sessions[c.session].owner.is_none())
        .map(|c| (c.surgeon, c.session))
        .collect();
    for (s, k) in staffed {
        let sess = &inst.sessions[k];
        items[s].push(DutyItem {
            start: sess.start,
            end: sess.end,
            date: sess.date,
            source: Source::Staffed(k),
        });
    }
    for list in &mut items {
        list.sort_by_key(|it| (it.start, it.end, it.date));
    }
    items
}

fn verdict(r: &mut CheckReport, rule: &'static str, staffed: bool, message: String) {
    if staffed {
        r.fail(rule, message);
    } else {
        r.warn(rule, format!("{message} (fixed roster only)"));
    }
}

/// Rules 6–10 on every surgeon's duty items.
fn check_safe_hours(inst: &Instance, cases: &[Case], r: &mut CheckReport) {
    let rules = &inst.rules;
    for (s, items) in duty_items(inst, cases).iter().enumerate() {
        let sid = &inst.surgeons[s].id;
        // Rule 6: overlapping duty items.
        if rules.no_overlapping_duties {
            for i in 0..items.len() {
                for j in i + 1..items.len() {
                    if items[j].start >= items[i].end {
                        break;
                    }
                    let (a, b) = (&items[i], &items[j]);
                    verdict(
                        r,
                        "rule6",
                        a.staffed() || b.staffed(),
                        format!("surgeon {sid}: {} overlaps {}", a.name(inst, s), b.name(inst, s)),
                    );
                }
            }
        }
        // Rule 7: shifts are chains of items separated by less than the minimum rest.
        if let Some(max_shift) = rules.max_shift_minutes {
            // With the rest rule switched off, only touching or overlapping items chain (a gap
            // of zero is no rest at all).
            let min_rest = rules.min_rest_minutes.unwrap_or(1);
            let mut i = 0;
            while i < items.len() {
                let mut j = i;
                let mut last_end = items[i].end;
                while j + 1 < items.len() && items[j + 1].start - last_end < min_rest {
                    j += 1;
                    last_end = last_end.max(items[j].end);
                }
                let length = last_end - items[i].start;
                if length > max_shift {
                    let chain: Vec<String> = items[i..=j].iter().map(|it| it.name(inst, s)).collect();
                    verdict(
                        r,
                        "rule7",
                        items[i..=j].iter().any(DutyItem::staffed),
                        format!(
                            "surgeon {sid}: shift of {} exceeds {}: {}",
                            hours(length),
                            hours(max_shift),
                            chain.join(" + ")
                        ),
                    );
                }
                i = j + 1;
            }
        }
        // Rule 8: duty minutes of items starting in each 7-day calendar window [D, D+6].
        if let Some(cap) = rules.max_minutes_per_7_days {
            let starts: BTreeSet<NaiveDate> = items.iter().map(|it| it.date).collect();
            let mut windows: BTreeSet<NaiveDate> = BTreeSet::new();
            for d in &starts {
                for back in 0..7 {
                    if let Some(w) = d.checked_sub_signed(chrono::Duration::days(back)) {
                        windows.insert(w);
                    }
                }
            }
            for w in windows {
                let Some(last) = w.checked_add_signed(chrono::Duration::days(6)) else {
                    continue;
                };
                let inside: Vec<&DutyItem> = items.iter().filter(|it| it.date >= w && it.date <= last).collect();
                let total: i64 = inside.iter().map(|it| it.end - it.start).sum();
                if total > cap {
                    verdict(
                        r,
                        "rule8",
                        inside.iter().any(|it| it.staffed()),
                        format!(
                            "surgeon {sid}: {} of duty starting {w}..{last}, over {} in 7 days",
                            hours(total),
                            hours(cap)
                        ),
                    );
                }
            }
        }
        // Rule 9: average weekly hours over the horizon.
        if let Some(avg) = rules.max_average_weekly_minutes {
            let inside: Vec<&DutyItem> = items.iter().filter(|it| inst.in_horizon(it.date)).collect();
            let total: i64 = inside.iter().map(|it| it.end - it.start).sum();
            let days = inst.horizon_days();
            if total * 7 > avg * days {
                verdict(
                    r,
                    "rule9",
                    inside.iter().any(|it| it.staffed()),
                    format!(
                        "surgeon {sid}: {} of duty in the {days}-day horizon, over {} a week on average (limit {})",
                        hours(total),
                        hours(avg),
                        hours(avg * days / 7)
                    ),
                );
            }
        }
        // Rule 10: runs of consecutive dates with a duty starting on each.
        if let Some(max_days) = rules.max_consecutive_days {
            let dates: Vec<NaiveDate> = items
                .iter()
                .map(|it| it.date)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut i = 0;
            while i < dates.len() {
                let mut j = i;
                while j + 1 < dates.len() && (dates[j + 1] - dates[j]).num_days() == 1 {
                    j += 1;
                }
                let run = (j - i + 1) as i64;
                if run > max_days {
                    let (first, last) = (dates[i], dates[j]);
                    verdict(
                        r,
                        "rule10",
                        items
                            .iter()
                            .any(|it| it.staffed() && it.date >= first && it.date <= last),
                        format!("surgeon {sid}: {run} consecutive days with duty ({first}..{last}), over {max_days}"),
                    );
                }
                i = j + 1;
            }
        }
    }
}

/// Session id → index into the instance's sessions.
fn session_index(inst: &Instance) -> HashMap<&str, usize> {
    inst.sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect()
}

/// The first well-formed assignment of each case (a case listed twice breaks rule 1 and is
/// counted once, at its first assignment).
fn first_assignments(cases: &[Case]) -> BTreeMap<usize, &Case> {
    let mut placed: BTreeMap<usize, &Case> = BTreeMap::new();
    for c in cases {
        placed.entry(c.proc_).or_insert(c);
    }
    placed
}

/// The live booking of case `p` (SPEC.md section 8): `(session, notified)` when its booked
/// session id names a session of the instance; `None` without a booking or when it is void.
fn live_booking(sessions: &HashMap<&str, usize>, inst: &Instance, p: usize) -> Option<(usize, bool)> {
    let b = inst.procedures[p].booked.as_ref()?;
    sessions.get(b.session_id.as_str()).map(|&k| (k, b.notified))
}

/// Rule 11 (SPEC.md section 8): a live, notified booking whose session's date is before
/// `horizon.start + keep_notified_days` must be kept: its case is assigned to that session.
fn check_kept_bookings(inst: &Instance, sch: &ScheduleFile, cases: &[Case], r: &mut CheckReport) {
    let Some(days) = inst.rules.keep_notified_days else {
        return;
    };
    let sessions = session_index(inst);
    let placed = first_assignments(cases);
    for (p, pr) in inst.procedures.iter().enumerate() {
        let Some((k, true)) = live_booking(&sessions, inst, p) else {
            continue;
        };
        let booked = &inst.sessions[k];
        if (booked.date - inst.horizon_start).num_days() >= days {
            continue;
        }
        let went = match placed.get(&p) {
            Some(c) if c.session == k => continue,
            Some(c) => {
                let s = &inst.sessions[c.session];
                format!("it is assigned to session {} on {}", s.id, s.date)
            }
            None => match sch.unscheduled.iter().find(|u| u.procedure == pr.id) {
                Some(u) => format!("it is left unscheduled ({})", u.reason),
                None => "it is in no session".to_string(),
            },
        };
        r.fail(
            "rule11",
            format!(
                "procedure {} must keep its notified booking in session {} on {} (rules.keep_notified_days {days}: lists before {} are kept), but {went}",
                pr.id,
                booked.id,
                booked.date,
                inst.horizon_start + chrono::Duration::days(days)
            ),
        );
    }
}

/// The objective of SPEC.md sections 4 and 8 for the given cases (everything not among them is
/// unscheduled).
fn objective_of(inst: &Instance, cases: &[Case]) -> i64 {
    let w = &inst.weights;
    let mut total = 0i64;
    let placed = first_assignments(cases);
    let sessions = session_index(inst);
    for (p, pr) in inst.procedures.iter().enumerate() {
        let pi = pr.priority.index();
        // Section 8: a live booking not assigned to its session (moved, or unscheduled).
        if let Some((k, notified)) = live_booking(&sessions, inst, p) {
            if placed.get(&p).map(|c| c.session) != Some(k) {
                total += if notified { w.moved_notified } else { w.moved_unnotified };
            }
        }
        let Some(c) = placed.get(&p) else {
            total += w.unscheduled[pi];
            continue;
        };
        let d = inst.sessions[c.session].date;
        total += w.wait_per_day[pi] * (d - pr.earliest).num_days();
        if let Some(o) = pr.original_date {
            let late = (d - o).num_days() > 28;
            // The 28-day rule, and (section 8) its repeat for a case cancelled twice or more:
            // separate breaches that stack.
            if late && pr.cancelled_on_day {
                total += w.breach_cancelled_on_day;
            }
            if late && pr.times_cancelled >= 2 {
                total += w.breach_repeat_cancellation;
            }
        }
        if let (Some(l), Some(days)) = (pr.listed, pr.priority.target_days()) {
            if (d - l).num_days() > days {
                total += w.breach_priority;
            }
        }
        if let Some(rf) = pr.referral {
            if (d - rf).num_days() > 126 {
                total += w.breach_rtt;
            }
        }
    }
    let used: BTreeSet<usize> = cases.iter().map(|c| c.session).collect();
    total += used.iter().map(|&k| inst.sessions[k].open_cost).sum::<i64>();
    let mut theatres: BTreeMap<(usize, NaiveDate), BTreeSet<usize>> = BTreeMap::new();
    for c in cases {
        let sess = &inst.sessions[c.session];
        theatres.entry((c.surgeon, sess.date)).or_default().insert(sess.theatre);
    }
    total += theatres
        .values()
        .map(|t| w.theatre_switch * (t.len() as i64 - 1).max(0))
        .sum::<i64>();
    total
}

/// The recomputed objective of a schedule (convenience for tests and reports).
pub fn recompute_objective(inst: &Instance, schedule: &ScheduleFile) -> i64 {
    check(inst, schedule).recomputed_objective
}
