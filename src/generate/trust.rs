//! Builds one trust's instance: theatres, consultants and their rosters, the capacity left after
//! the strike, extra lists, and the cancelled cases. The steps, in the order they draw random
//! numbers (changing the order changes every generated file):
//!
//! 1. case counts by specialty (exact shares), consultants per specialty, theatres by kind;
//! 2. each consultant's weekly job plan (2–4 own lists in equipped theatres, clinics), leave,
//!    and roster, built item by item so that it keeps every safe-hours rule;
//! 3. the cases (procedure, lognormal duration, named consultant or pooled, priority, dates);
//! 4. free minutes in each own list, sized from what the consultant's cases need;
//! 5. hard deadlines kept only where the consultant's own lists can meet them;
//! 6. extra evening and weekend lists (unstaffed, with an opening cost);
//! 7. a repair pass so that every case has at least one list that could take it.

use super::calendar::{bank_holidays_between, is_weekday};
use super::params::{Params, TrustSpec};
use super::rng::{apportion, Rng};
use super::roster::{Item, Roster};
use crate::io::instance::*;
use crate::model::time::{duty_interval, parse_clock};
use crate::model::Rules;
use chrono::{Datelike, Days, NaiveDate, Timelike, Weekday};
use std::collections::{BTreeMap, BTreeSet};

const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

/// Longest case the generator draws: fits a half-day list (240 min) with the turnaround and
/// some slack.
const MAX_DURATION: i64 = 210;
/// Smallest free block left in a list.
const MIN_FREE_BLOCK: i64 = 30;
/// Chance of a single study-leave day (est.).
const STUDY_LEAVE_SHARE: f64 = 0.15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Am,
    Pm,
    Day,
}

impl Part {
    /// DOMAIN.md "Theatres": AM 08:30–12:30, PM 13:30–17:30, all-day 08:30–17:30.
    fn times(self) -> (&'static str, &'static str) {
        match self {
            Part::Am => ("08:30", "12:30"),
            Part::Pm => ("13:30", "17:30"),
            Part::Day => ("08:30", "17:30"),
        }
    }
    fn tag(self) -> &'static str {
        match self {
            Part::Am => "AM",
            Part::Pm => "PM",
            Part::Day => "DAY",
        }
    }
    fn halves(self) -> &'static [usize] {
        match self {
            Part::Am => &[0],
            Part::Pm => &[1],
            Part::Day => &[0, 1],
        }
    }
    fn minutes(self) -> i64 {
        match self {
            Part::Day => 540,
            _ => 240,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Orthopaedic,
    Main,
    DaySurgery,
    Eye,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Orthopaedic => "ORTH",
            Kind::Main => "T",
            Kind::DaySurgery => "DSU",
            Kind::Eye => "EYE",
        }
    }
    /// What each kind of theatre is equipped for (laminar flow for joint replacement, a day
    /// surgery unit for local-anaesthetic and short general-anaesthetic work, main theatres).
    fn equipment(self) -> &'static [&'static str] {
        match self {
            Kind::Orthopaedic => &["orthopaedics"],
            Kind::Main => &["general_surgery", "urology", "gynaecology", "ent"],
            Kind::DaySurgery => &[
                "ophthalmology",
                "plastic_surgery",
                "ent",
                "general_surgery",
                "urology",
                "gynaecology",
            ],
            Kind::Eye => &["ophthalmology"],
        }
    }
}

struct Theatre {
    id: String,
    site: String,
    specialties: Vec<String>,
}

/// One occurrence of a consultant's own list.
struct Occurrence {
    date: NaiveDate,
    part: Part,
    theatre: usize,
    free: i64,
}

struct Duty {
    date: NaiveDate,
    start: String,
    end: String,
    kind: &'static str,
}

struct Surgeon {
    id: String,
    name: String,
    specialty: usize,
    heavy: bool,
    /// Weekly job plan: (weekday 0 = Monday, part, theatre).
    lists: Vec<(u32, Part, usize)>,
    clinics: Vec<(u32, Part)>,
    unavailable: BTreeSet<NaiveDate>,
    duties: Vec<Duty>,
    occurrences: Vec<Occurrence>,
}

struct Case {
    specialty: usize,
    name: String,
    duration: i64,
    surgeon: Option<usize>,
    priority: usize,
    referral: NaiveDate,
    listed: NaiveDate,
    original: Option<NaiveDate>,
    cancelled_on_day: bool,
    earliest: NaiveDate,
    deadline: Option<NaiveDate>,
    unavailable: Vec<NaiveDate>,
}

/// An extra (unstaffed) evening or weekend list.
struct Extra {
    date: NaiveDate,
    theatre: usize,
    start: &'static str,
    end: &'static str,
    tag: &'static str,
    specialty: usize,
    open_cost: i64,
}

impl Extra {
    fn minutes(&self) -> i64 {
        clock_minutes(self.end) - clock_minutes(self.start)
    }
}

fn clock_minutes(s: &str) -> i64 {
    let t = parse_clock(s).expect("generator clock");
    (t.hour() * 60 + t.minute()) as i64
}

const SURNAMES: [&str; 40] = [
    "Adams", "Baker", "Carter", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis",
    "Morgan", "Nash", "Owen", "Patel", "Quinn", "Reid", "Shah", "Turner", "Usman", "Vaughan", "Walker", "Young",
    "Ahmed", "Bell", "Clarke", "Dixon", "Ellis", "Foster", "Grant", "Hall", "Irving", "Jackson", "Kaur", "Lloyd",
    "Mason", "Noble", "Okafor", "Price",
];

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

fn weekday_index(d: NaiveDate) -> u32 {
    d.weekday().num_days_from_monday()
}

fn round5(x: f64) -> i64 {
    ((x / 5.0).round() as i64) * 5
}

fn item(date: NaiveDate, start: &str, end: &str) -> Item {
    let (a, b) = duty_interval(
        TZ,
        date,
        parse_clock(start).expect("generator clock"),
        parse_clock(end).expect("generator clock"),
    );
    Item { start: a, end: b, date }
}

fn shuffled_flags(rng: &mut Rng, n: usize, share: f64) -> Vec<bool> {
    let counts = apportion(n, &[share, 1.0 - share]);
    let mut v: Vec<bool> = std::iter::repeat_n(true, counts[0])
        .chain(std::iter::repeat_n(false, counts[1]))
        .collect();
    rng.shuffle(&mut v);
    v
}

/// Trust `t`'s instance file: the steps of the module docs in their order, one function each
/// (the random draws happen in exactly this order).
pub(super) fn build(p: &Params, t: &TrustSpec, seed: u64) -> InstanceFile {
    let mut rng = Rng::for_part(seed, &t.id);
    let cx = Context::new(p, t);
    let mut staff = consultants(&cx, &mut rng);
    plan_weeks_and_rosters(&cx, &mut rng, &mut staff.surgeons);
    let mut cases = draw_cases(&cx, &mut rng, &staff);
    set_hard_deadlines(&cx, &mut rng, &mut cases);
    size_free_minutes(&cx, &mut rng, &mut staff, &cases);
    keep_meetable_deadlines(&cx, &staff, &mut cases);
    let mut extras = extra_lists(&cx, &mut rng, &cases);
    repair(&cx, &mut staff, &mut cases, &mut extras);
    emit(&cx, &staff.surgeons, &cases, &extras)
}

/// What every step of a trust's build reads and none changes: the parameters, the trust, its
/// calendar, the specialties present and the theatres. Drawing nothing, it can be made first.
struct Context<'a> {
    p: &'a Params,
    t: &'a TrustSpec,
    rules: Rules,
    /// The horizon.
    start: NaiveDate,
    end: NaiveDate,
    /// Rosters run from a week before the horizon to a week after it, so that the rules over
    /// 7-day windows and rest see the edges.
    roster_from: NaiveDate,
    roster_to: NaiveDate,
    /// Bank holidays and the scenario's closed dates.
    closed: BTreeSet<NaiveDate>,
    strike: BTreeSet<NaiveDate>,
    /// Mondays of the horizon's full working weeks (for leave and consultant-of-the-week).
    horizon_mondays: Vec<NaiveDate>,
    /// Specialties with at least one case, with their case counts (exact shares).
    present: Vec<(String, usize)>,
    spec_names: Vec<String>,
    theatres: Vec<Theatre>,
}

impl<'a> Context<'a> {
    /// Step 1 without its draws: case counts by specialty and theatres by kind.
    fn new(p: &'a Params, t: &'a TrustSpec) -> Self {
        let start = p.horizon_start;
        let end = p.horizon_end();
        let roster_from = start - Days::new(7);
        let roster_to = end + Days::new(6);
        let mut closed = bank_holidays_between(roster_from, roster_to);
        closed.extend(p.closed_dates.iter().copied());
        let strike: BTreeSet<NaiveDate> = p.strike_dates.iter().copied().collect();
        let rules = Rules {
            turnaround_minutes: p.turnaround_minutes as i64,
            ..Rules::default()
        };
        let horizon_mondays: Vec<NaiveDate> = days(start, end)
            .filter(|d| d.weekday() == Weekday::Mon && *d + Days::new(4) <= end)
            .collect();
        let counts = apportion(
            t.cases as usize,
            &p.specialty_mix.iter().map(|s| s.share).collect::<Vec<_>>(),
        );
        let present: Vec<(String, usize)> = p
            .specialty_mix
            .iter()
            .zip(&counts)
            .filter(|(_, &c)| c > 0)
            .map(|(s, &c)| (s.specialty.clone(), c))
            .collect();
        let spec_names: Vec<String> = present.iter().map(|(s, _)| s.clone()).collect();
        let theatres = build_theatres(t, &spec_names);
        Context {
            p,
            t,
            rules,
            start,
            end,
            roster_from,
            roster_to,
            closed,
            strike,
            horizon_mondays,
            present,
            spec_names,
            theatres,
        }
    }

    /// Cancelled cases of the trust.
    fn cases(&self) -> usize {
        self.t.cases as usize
    }

    fn turnaround(&self) -> i64 {
        self.rules.turnaround_minutes
    }

    /// Minutes case `c` takes in a list, with its turnaround.
    fn need(&self, c: &Case) -> i64 {
        c.duration + self.turnaround()
    }

    /// A date elective lists and clinics run on: a weekday, not closed, not a strike day.
    fn elective(&self, d: NaiveDate) -> bool {
        is_weekday(d) && !self.closed.contains(&d) && !self.strike.contains(&d)
    }

    /// Is theatre `th` equipped for specialty `si`?
    fn equipped(&self, th: usize, si: usize) -> bool {
        self.theatres[th].specialties.contains(&self.spec_names[si])
    }
}

/// The consultants and, per specialty, which of them work in it.
struct Staff {
    surgeons: Vec<Surgeon>,
    by_specialty: Vec<Vec<usize>>,
}

impl Staff {
    /// Who may operate case `c`: its named consultant, else any of its specialty.
    fn who_may_operate(&self, c: &Case) -> Vec<usize> {
        match c.surgeon {
            Some(s) => vec![s],
            None => self.by_specialty[c.specialty].clone(),
        }
    }
}

/// Step 1: consultants per specialty (names drawn), then which of them have a heavy roster.
fn consultants(cx: &Context, rng: &mut Rng) -> Staff {
    let (p, t) = (cx.p, cx.t);
    let mut surgeons: Vec<Surgeon> = Vec::new();
    let mut by_specialty: Vec<Vec<usize>> = vec![Vec::new(); cx.present.len()];
    for (si, (_, count)) in cx.present.iter().enumerate() {
        let k = match t.surgeons_per_specialty {
            Some(k) => k as usize,
            None => ((*count as f64 / p.cases_per_surgeon).round() as usize).max(1),
        };
        for _ in 0..k {
            let idx = surgeons.len();
            let title = if rng.chance(0.5) { "Mr" } else { "Ms" };
            let initial = (b'A' + rng.below(26) as u8) as char;
            let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
            surgeons.push(Surgeon {
                id: format!("{}-S{:02}", t.id, idx + 1),
                name: format!("{title} {initial} {surname}"),
                specialty: si,
                heavy: false,
                lists: Vec::new(),
                clinics: Vec::new(),
                unavailable: BTreeSet::new(),
                duties: Vec::new(),
                occurrences: Vec::new(),
            });
            by_specialty[si].push(idx);
        }
    }
    for (s, heavy) in shuffled_flags(rng, surgeons.len(), p.heavy_surgeon_share)
        .into_iter()
        .enumerate()
    {
        surgeons[s].heavy = heavy;
    }
    Staff { surgeons, by_specialty }
}

/// Step 2: every consultant's weekly job plan (sharing the trust's theatre grid), then each
/// one's leave and roster.
fn plan_weeks_and_rosters(cx: &Context, rng: &mut Rng, surgeons: &mut [Surgeon]) {
    let p = cx.p;
    let mut grid: Vec<[[bool; 2]; 5]> = vec![[[false; 2]; 5]; cx.theatres.len()];
    for s in surgeons.iter_mut() {
        plan_week(cx, rng, s, &mut grid);
    }
    for s in surgeons.iter_mut() {
        if rng.chance(p.leave_share) && !cx.horizon_mondays.is_empty() {
            let m = cx.horizon_mondays[rng.below(cx.horizon_mondays.len() as u64) as usize];
            for d in days(m, (m + Days::new(6)).min(cx.end)) {
                s.unavailable.insert(d);
            }
        }
        if rng.chance(STUDY_LEAVE_SHARE) {
            let weekdays: Vec<NaiveDate> = days(cx.start, cx.end).filter(|d| cx.elective(*d)).collect();
            if !weekdays.is_empty() {
                s.unavailable
                    .insert(weekdays[rng.below(weekdays.len() as u64) as usize]);
            }
        }
        build_roster(cx, rng, s);
    }
}

/// Per-case attributes drawn for the whole trust at once, as exact shares shuffled.
struct CaseShares {
    specialty: Vec<usize>,
    priority: Vec<usize>,
    /// 0: past 52 weeks, 1: past 18 weeks, 2: within 18 weeks.
    rtt_bucket: Vec<usize>,
    pooled: Vec<bool>,
    on_day: Vec<bool>,
    later: Vec<bool>,
    away: Vec<bool>,
}

/// `counts[i]` copies of `i`, shuffled.
fn shuffled_labels(rng: &mut Rng, counts: Vec<usize>) -> Vec<usize> {
    let mut v: Vec<usize> = counts
        .into_iter()
        .enumerate()
        .flat_map(|(label, c)| std::iter::repeat_n(label, c))
        .collect();
    rng.shuffle(&mut v);
    v
}

impl CaseShares {
    fn draw(cx: &Context, rng: &mut Rng) -> Self {
        let p = cx.p;
        let n = cx.cases();
        let specialty = shuffled_labels(rng, cx.present.iter().map(|(_, c)| *c).collect());
        let m = &p.priority_mix;
        let priority = shuffled_labels(rng, apportion(n, &[m.p1, m.p2, m.p3, m.p4]));
        let rtt_bucket = shuffled_labels(
            rng,
            apportion(
                n,
                &[
                    p.past_52_weeks_share,
                    p.past_18_weeks_share - p.past_52_weeks_share,
                    1.0 - p.past_18_weeks_share,
                ],
            ),
        );
        CaseShares {
            specialty,
            priority,
            rtt_bucket,
            pooled: shuffled_flags(rng, n, p.pooled_share),
            on_day: shuffled_flags(rng, n, p.cancelled_on_day_share),
            later: shuffled_flags(rng, n, p.later_earliest_share),
            away: shuffled_flags(rng, n, p.patient_unavailable_share),
        }
    }
}

/// Step 3: the cases (procedure, lognormal duration, named consultant or pooled, priority,
/// dates), each drawn in turn.
fn draw_cases(cx: &Context, rng: &mut Rng, staff: &Staff) -> Vec<Case> {
    let shares = CaseShares::draw(cx, rng);
    (0..cx.cases()).map(|i| draw_case(cx, rng, staff, &shares, i)).collect()
}

/// Case `i`, its shared attributes taken from `shares`.
fn draw_case(cx: &Context, rng: &mut Rng, staff: &Staff, shares: &CaseShares, i: usize) -> Case {
    let (p, start, end) = (cx.p, cx.start, cx.end);
    let horizon_days = (end - start).num_days();
    let si = shares.specialty[i];
    let types: Vec<&super::params::ProcedureType> = p
        .procedures
        .iter()
        .filter(|pt| pt.specialty == cx.spec_names[si])
        .collect();
    let pt = types[rng.weighted(&types.iter().map(|pt| pt.weight).collect::<Vec<_>>())];
    let mean = (pt.slot_min + pt.slot_max) as f64 / 2.0;
    let slot = rng.lognormal(mean, pt.cv).round() as i64;
    let extra_turnaround = (rng.range(pt.turnaround_min as i64, pt.turnaround_max as i64) - cx.turnaround()).max(0);
    let lo = ((0.6 * pt.slot_min as f64).round() as i64).max(1);
    let duration = (slot + extra_turnaround).clamp(lo, MAX_DURATION.max(lo));
    let surgeon = if shares.pooled[i] {
        None
    } else {
        let pool = &staff.by_specialty[si];
        let w: Vec<f64> = pool
            .iter()
            .map(|&s| if staff.surgeons[s].heavy { 1.5 } else { 1.0 })
            .collect();
        Some(pool[rng.weighted(&w)])
    };
    // Referral-to-treatment wait at the horizon start (DOMAIN.md: ~40 % past 18 weeks,
    // 1–3 % past 52 weeks).
    let wait = match shares.rtt_bucket[i] {
        0 => rng.range(365, 420),
        1 => rng.range(127, 364),
        _ => rng.range(35, 126),
    };
    let referral = start - Days::new(wait as u64);
    let priority = shares.priority[i];
    let listed_ago = match priority {
        0 => 1,
        1 => {
            if rng.chance(p.p2_target_near_share) {
                rng.range(7, 27)
            } else {
                rng.range(29, 45)
            }
        }
        2 => rng.range(20, (wait - 7).clamp(20, 150)),
        _ => rng.range(20, (wait - 7).clamp(20, 300)),
    };
    let listed = (start - Days::new(listed_ago as u64)).max(referral + Days::new(7));
    let original = if p.strike_dates.is_empty() {
        None
    } else {
        Some(p.strike_dates[rng.below(p.strike_dates.len() as u64) as usize])
    };
    let earliest = if shares.later[i] {
        // 2–14 days in, at most a third of the horizon so that a window remains.
        start + Days::new(rng.range(2.min(horizon_days / 3), 14.min(horizon_days / 3)) as u64)
    } else {
        start
    };
    let unavailable = if shares.away[i] {
        patient_away(cx, rng, earliest)
    } else {
        Vec::new()
    };
    Case {
        specialty: si,
        name: pt.name.clone(),
        duration,
        surgeon,
        priority,
        referral,
        listed,
        original,
        cancelled_on_day: shares.on_day[i],
        earliest,
        deadline: None,
        unavailable,
    }
}

/// Dates a patient is away: a holiday of 3–10 days, or 1–3 single dates; none when they would
/// block more than half of the case's window from `earliest`.
fn patient_away(cx: &Context, rng: &mut Rng, earliest: NaiveDate) -> Vec<NaiveDate> {
    let (start, end) = (cx.start, cx.end);
    let horizon_days = (end - start).num_days();
    let mut unavailable = Vec::new();
    if rng.chance(0.6) {
        // A holiday: 3–10 consecutive days.
        let from = start + Days::new(rng.range(0, horizon_days) as u64);
        let len = rng.range(3, 10) as u64;
        unavailable.extend(days(from, (from + Days::new(len - 1)).min(end)));
    } else {
        for _ in 0..rng.range(1, 3) {
            unavailable.push(start + Days::new(rng.range(0, horizon_days) as u64));
        }
        unavailable.sort();
        unavailable.dedup();
    }
    // The patient stays available on at least half of the case's window.
    let window = (end - earliest).num_days() + 1;
    let blocked = unavailable.iter().filter(|d| **d >= earliest).count() as i64;
    if 2 * (window - blocked) < window {
        unavailable.clear();
    }
    unavailable
}

/// End of step 3: hard deadlines for a share of named P2 cases, 8 weeks after listing (twice
/// the target).
fn set_hard_deadlines(cx: &Context, rng: &mut Rng, cases: &mut [Case]) {
    let mut p2_named: Vec<usize> = (0..cases.len())
        .filter(|&i| cases[i].priority == 1 && cases[i].surgeon.is_some())
        .collect();
    rng.shuffle(&mut p2_named);
    let with_deadline = (cx.p.p2_deadline_share * p2_named.len() as f64).round() as usize;
    for &i in &p2_named[..with_deadline] {
        let c = &mut cases[i];
        let d = (c.listed + Days::new(56)).max(c.earliest + Days::new(14)).min(cx.end);
        if d >= c.earliest {
            c.deadline = Some(d);
        }
    }
}

/// Step 4: free minutes in each consultant's own lists, sized from what their cases (and a
/// share of the pooled ones) need, over the first 14 days and over the rest.
fn size_free_minutes(cx: &Context, rng: &mut Rng, staff: &mut Staff, cases: &[Case]) {
    let (p, start, end) = (cx.p, cx.start, cx.end);
    let mut pooled_need = vec![0i64; cx.present.len()];
    for c in cases.iter().filter(|c| c.surgeon.is_none()) {
        pooled_need[c.specialty] += cx.need(c);
    }
    let early_end = start + Days::new(14);
    for (s, surgeon) in staff.surgeons.iter_mut().enumerate() {
        let si = surgeon.specialty;
        let own: i64 = cases.iter().filter(|c| c.surgeon == Some(s)).map(|c| cx.need(c)).sum();
        let demand = (own + pooled_need[si] / staff.by_specialty[si].len() as i64) as f64;
        let heavy_factor = if surgeon.heavy { 0.8 } else { 1.0 };
        let ratio = p.capacity_ratio * rng.uniform(0.75, 1.25) * heavy_factor;
        let early_ratio = (p.early_capacity_ratio * rng.uniform(0.6, 1.4)).min(ratio);
        let targets = [early_ratio * demand, (ratio - early_ratio) * demand];
        for (group, target) in targets.iter().enumerate() {
            let mut members: Vec<usize> = surgeon
                .occurrences
                .iter()
                .enumerate()
                .filter(|(_, o)| o.date >= start && o.date <= end && ((o.date < early_end) == (group == 0)))
                .map(|(k, _)| k)
                .collect();
            // Most lists stay fully booked; the free time comes in blocks of 20 % up to
            // `max_free_share` of some lists, until the target is reached.
            rng.shuffle(&mut members);
            let mut left = target.round() as i64;
            for k in members {
                if left <= 0 {
                    break;
                }
                let o = &mut surgeon.occurrences[k];
                let len = o.part.minutes();
                let cap = ((len as f64 * p.max_free_share) / 5.0).floor() as i64 * 5;
                let block = round5(len as f64 * rng.uniform(0.2, p.max_free_share));
                let free = if block <= left {
                    block
                } else {
                    (((left + 4) / 5) * 5).max(60)
                };
                o.free = free.min(cap).max(MIN_FREE_BLOCK);
                left -= o.free;
            }
        }
    }
}

/// Step 5: keep a deadline only where the consultant's own lists can meet it (earliest
/// deadline first, each case to the first list with room), as a booking office would book them.
fn keep_meetable_deadlines(cx: &Context, staff: &Staff, cases: &mut [Case]) {
    for (s, surgeon) in staff.surgeons.iter().enumerate() {
        let occurrences = &surgeon.occurrences;
        let mut left: Vec<i64> = occurrences.iter().map(|o| o.free).collect();
        let mut order: Vec<usize> = (0..cases.len())
            .filter(|&i| cases[i].surgeon == Some(s) && cases[i].deadline.is_some())
            .collect();
        order.sort_by_key(|&i| (cases[i].deadline, i));
        let mut by_date: Vec<usize> = (0..left.len()).collect();
        by_date.sort_by_key(|&k| {
            let o = &occurrences[k];
            (o.date, o.part.times().0)
        });
        for i in order {
            let c = &cases[i];
            let fit = by_date.iter().copied().find(|&k| {
                let o = &occurrences[k];
                o.date >= c.earliest
                    && Some(o.date) <= c.deadline
                    && o.date <= cx.end
                    && !c.unavailable.contains(&o.date)
                    && left[k] >= cx.need(c)
            });
            match fit {
                Some(k) => left[k] -= cx.need(&cases[i]),
                None => cases[i].deadline = None,
            }
        }
    }
}

/// Step 6: extra evening and weekend lists, week by week, by specialty in proportion to what
/// its cases need.
fn extra_lists(cx: &Context, rng: &mut Rng, cases: &[Case]) -> Vec<Extra> {
    let (p, start, end) = (cx.p, cx.start, cx.end);
    let mut spec_need = vec![0f64; cx.present.len()];
    for c in cases {
        spec_need[c.specialty] += cx.need(c) as f64;
    }
    let mut extras: Vec<Extra> = Vec::new();
    if spec_need.iter().sum::<f64>() <= 0.0 {
        return extras;
    }
    for w in 0..p.horizon_weeks as u64 {
        let week: Vec<NaiveDate> = days(start + Days::new(7 * w), (start + Days::new(7 * w + 6)).min(end)).collect();
        for weekend in [false, true] {
            let rate = if weekend {
                p.weekend_lists_per_theatre_week
            } else {
                p.evening_lists_per_theatre_week
            };
            let mean = rate * cx.theatres.len() as f64;
            let count = mean.floor() as usize + usize::from(rng.chance(mean.fract()));
            let candidates: Vec<NaiveDate> = week
                .iter()
                .copied()
                .filter(|d| !cx.closed.contains(d) && !cx.strike.contains(d) && (is_weekday(*d) != weekend))
                .collect();
            for _ in 0..count {
                if candidates.is_empty() {
                    break;
                }
                let si = rng.weighted(&spec_need);
                let date = candidates[rng.below(candidates.len() as u64) as usize];
                let mut equipped: Vec<usize> = (0..cx.theatres.len()).filter(|&th| cx.equipped(th, si)).collect();
                rng.shuffle(&mut equipped);
                let taken = |th: usize| extras.iter().any(|e| e.theatre == th && e.date == date);
                let Some(th) = equipped.into_iter().find(|&th| !taken(th)) else {
                    continue;
                };
                let (start_t, end_t, tag, cost) = if weekend {
                    ("08:30", "15:30", "WE", p.weekend_open_cost)
                } else {
                    let end_t = ["20:00", "20:30", "21:00"][rng.below(3) as usize];
                    ("18:00", end_t, "EVE", p.evening_open_cost)
                };
                extras.push(Extra {
                    date,
                    theatre: th,
                    start: start_t,
                    end: end_t,
                    tag,
                    specialty: si,
                    open_cost: cost,
                });
            }
        }
    }
    extras
}

/// Step 7: every case gets at least one list that could take it: free time in one of its
/// consultants' lists, else a weekend or evening list; failing that, the case is pooled, then
/// the patient's unavailable dates and a later earliest date are dropped.
fn repair(cx: &Context, staff: &mut Staff, cases: &mut [Case], extras: &mut Vec<Extra>) {
    for case in cases.iter_mut() {
        for relax in 0..4 {
            match relax {
                1 => {
                    case.surgeon = None;
                    case.deadline = None;
                }
                2 => case.unavailable.clear(),
                3 => case.earliest = cx.start,
                _ => {}
            }
            if can_take(cx, staff, extras, case) || enlarge_for(cx, staff, case) {
                break;
            }
            if let Some(e) = extra_for(cx, staff, extras, case) {
                extras.push(e);
                break;
            }
        }
    }
}

fn build_theatres(t: &TrustSpec, present: &[String]) -> Vec<Theatre> {
    let n = t.theatres as usize;
    let has = |s: &str| present.iter().any(|x| x == s);
    let mut k_ortho = if has("orthopaedics") && n > 1 {
        match &t.orthopaedic_centre {
            Some(c) => c.theatres as usize,
            None => ((n as f64 * 0.2).round() as usize).max(1),
        }
    } else {
        0
    };
    k_ortho = k_ortho.min(n.saturating_sub(1));
    let rest = n - k_ortho;
    let k_eye = usize::from(rest >= 5 && has("ophthalmology"));
    let k_dsu = (rest - k_eye).div_ceil(2);
    let k_main = rest - k_eye - k_dsu;
    let kinds: Vec<Kind> = std::iter::repeat_n(Kind::Orthopaedic, k_ortho)
        .chain(std::iter::repeat_n(Kind::Main, k_main))
        .chain(std::iter::repeat_n(Kind::DaySurgery, k_dsu))
        .chain(std::iter::repeat_n(Kind::Eye, k_eye))
        .collect();
    let centre = t
        .orthopaedic_centre
        .as_ref()
        .and_then(|c| t.sites.iter().position(|s| s.code == c.site))
        .unwrap_or(0);
    let mut per_site: BTreeMap<(usize, &'static str), usize> = BTreeMap::new();
    let mut out: Vec<Theatre> = Vec::new();
    let mut next_site = (centre + 1) % t.sites.len();
    for kind in kinds {
        let site = if kind == Kind::Orthopaedic {
            centre
        } else {
            let s = next_site;
            next_site = (next_site + 1) % t.sites.len();
            s
        };
        let k = per_site.entry((site, kind.prefix())).or_insert(0);
        *k += 1;
        let mut specialties: Vec<String> = kind
            .equipment()
            .iter()
            .filter(|s| has(s))
            .map(|s| s.to_string())
            .collect();
        if specialties.is_empty() {
            specialties = present
                .iter()
                .filter(|s| *s != "orthopaedics" || n == 1)
                .cloned()
                .collect();
        }
        out.push(Theatre {
            id: format!("{}-{}{}", t.sites[site].code, kind.prefix(), k),
            site: t.sites[site].name.clone(),
            specialties,
        });
    }
    // A specialty no kind of theatre is equipped for (a custom mix) goes to the day-surgery
    // units, else the main theatres, else every theatre.
    for s in present {
        if out.iter().any(|th| th.specialties.contains(s)) {
            continue;
        }
        let targets: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].id.contains("-DSU"))
            .collect::<Vec<_>>()
            .into_iter()
            .chain((0..out.len()).filter(|&i| out[i].id.contains("-T")))
            .collect();
        let targets = if targets.is_empty() {
            (0..out.len()).collect()
        } else {
            targets
        };
        for i in targets {
            out[i].specialties.push(s.clone());
        }
    }
    out
}

/// The weekly job plan: 2–4 own lists in theatres equipped for the specialty, free in the trust's
/// weekly grid, on different weekdays where possible; clinics on other half-days.
fn plan_week(cx: &Context, rng: &mut Rng, s: &mut Surgeon, grid: &mut [[[bool; 2]; 5]]) {
    let p = cx.p;
    let specialty = &cx.spec_names[s.specialty];
    let units = if s.heavy {
        4
    } else {
        2 + rng.weighted(&p.lists_per_week_weights)
    };
    let all_day_share = if specialty == "orthopaedics" {
        p.all_day_share_orthopaedics
    } else {
        p.all_day_share_other
    };
    let mut parts: Vec<bool> = Vec::new(); // true = all-day
    let mut left = units;
    if rng.chance(all_day_share) {
        parts.push(true);
        left -= 2;
    }
    parts.extend(std::iter::repeat_n(false, left));
    let mut equipped: Vec<usize> = (0..cx.theatres.len())
        .filter(|&th| cx.equipped(th, s.specialty))
        .collect();
    rng.shuffle(&mut equipped);
    let mut positions: Vec<(u32, usize)> = (0..5).flat_map(|d| [(d, 0), (d, 1)]).collect();
    rng.shuffle(&mut positions);
    let mut busy = [[false; 2]; 5];
    for all_day in parts {
        'place: for pass in 0..2 {
            for &(wd, half) in &positions {
                let day_used = busy[wd as usize].iter().any(|b| *b);
                if pass == 0 && day_used {
                    continue;
                }
                let part = if all_day {
                    Part::Day
                } else if half == 0 {
                    Part::Am
                } else {
                    Part::Pm
                };
                if part.halves().iter().any(|&h| busy[wd as usize][h]) {
                    continue;
                }
                for &th in &equipped {
                    if part.halves().iter().all(|&h| !grid[th][wd as usize][h]) {
                        for &h in part.halves() {
                            grid[th][wd as usize][h] = true;
                            busy[wd as usize][h] = true;
                        }
                        s.lists.push((wd, part, th));
                        break 'place;
                    }
                }
            }
        }
    }
    let clinics = if s.heavy {
        p.clinics_per_week[1]
    } else {
        rng.range(p.clinics_per_week[0] as i64, p.clinics_per_week[1] as i64) as u32
    };
    let mut placed = 0;
    let mut clinic_days = [false; 5];
    for pass in 0..2 {
        for &(wd, half) in &positions {
            if placed == clinics {
                break;
            }
            if busy[wd as usize][half] || (pass == 0 && clinic_days[wd as usize]) {
                continue;
            }
            busy[wd as usize][half] = true;
            clinic_days[wd as usize] = true;
            s.clinics.push((wd, if half == 0 { Part::Am } else { Part::Pm }));
            placed += 1;
        }
    }
}

/// Builds the roster over `[roster_from, roster_to]`, most binding items first: a heavy
/// consultant's week as consultant of the week and pair of nights, then own lists, clinics,
/// strike cover and the on-call rota. An item that would break a rule is left out.
fn build_roster(cx: &Context, rng: &mut Rng, s: &mut Surgeon) {
    let (p, start, end) = (cx.p, cx.start, cx.end);
    let (from, to) = (cx.roster_from, cx.roster_to);
    let horizon_mondays = &cx.horizon_mondays;
    let mut roster = Roster::new(&cx.rules, start, end);
    let add = |roster: &mut Roster, s: &mut Surgeon, date: NaiveDate, st: &str, en: &str, kind: &'static str| {
        if s.unavailable.contains(&date) || !roster.try_add(item(date, st, en)) {
            return;
        }
        s.duties.push(Duty {
            date,
            start: st.to_string(),
            end: en.to_string(),
            kind,
        });
    };
    if s.heavy {
        // Consultant of the week: 08:00–20:00 Monday to Friday (60 h).
        if !horizon_mondays.is_empty() {
            let m = horizon_mondays[rng.below(horizon_mondays.len() as u64) as usize];
            for d in days(m, m + Days::new(4)) {
                add(&mut roster, s, d, "08:00", "20:00", "on-call");
            }
        }
        // A pair of resident nights.
        let span = (end - start).num_days().max(1);
        let d = start + Days::new(rng.range(0, span - 1) as u64);
        for night in [d, d + Days::new(1)] {
            add(&mut roster, s, night, "20:00", "08:00", "night on-call");
        }
    }
    for date in days(from, to) {
        if !cx.elective(date) || s.unavailable.contains(&date) {
            continue;
        }
        let wd = weekday_index(date);
        for k in 0..s.lists.len() {
            let (lwd, part, theatre) = s.lists[k];
            if lwd != wd {
                continue;
            }
            let (st, en) = part.times();
            if roster.try_add(item(date, st, en)) {
                s.occurrences.push(Occurrence {
                    date,
                    part,
                    theatre,
                    free: 0,
                });
            }
        }
    }
    for date in days(from, to) {
        if !cx.elective(date) {
            continue;
        }
        let wd = weekday_index(date);
        let clinics: Vec<Part> = s.clinics.iter().filter(|c| c.0 == wd).map(|c| c.1).collect();
        for part in clinics {
            // DOMAIN.md gives no clinic hours: 09:00–13:00 and 13:30–17:30 (est.).
            let (st, en) = if part == Part::Am {
                ("09:00", "13:00")
            } else {
                ("13:30", "17:30")
            };
            add(&mut roster, s, date, st, en, "clinic");
        }
    }
    for &date in cx.strike.iter().filter(|d| **d >= from && **d <= to) {
        if rng.chance(p.strike_cover_share) {
            add(
                &mut roster,
                s,
                date,
                &p.strike_cover_start,
                &p.strike_cover_end,
                "strike cover",
            );
        }
    }
    let period = if s.heavy {
        p.heavy_on_call_every_days
    } else {
        p.on_call_every_days
    } as u64;
    let offset = rng.below(period);
    for (i, date) in days(from, to).enumerate() {
        if (i as u64 + offset) % period != 0 {
            continue;
        }
        if is_weekday(date) && !cx.closed.contains(&date) {
            let until = if s.heavy { "21:30" } else { "20:30" };
            add(&mut roster, s, date, "17:30", until, "on-call");
        } else {
            add(&mut roster, s, date, "08:00", "20:00", "on-call");
        }
    }
}

/// A weekend list (else an evening list) for case `c`'s specialty, on a date in its window when a
/// consultant of the specialty is available, in an equipped theatre free then.
fn extra_for(cx: &Context, staff: &Staff, extras: &[Extra], c: &Case) -> Option<Extra> {
    let (p, end) = (cx.p, cx.end);
    let need = cx.need(c);
    let who = staff.who_may_operate(c);
    for weekend in [true, false] {
        let (start_t, end_t, tag, cost) = if weekend {
            ("08:30", "15:30", "WE", p.weekend_open_cost)
        } else {
            ("18:00", "21:00", "EVE", p.evening_open_cost)
        };
        if clock_minutes(end_t) - clock_minutes(start_t) < need {
            continue;
        }
        for date in days(c.earliest, end) {
            if !date_ok(c, date, end) || cx.closed.contains(&date) || is_weekday(date) == weekend {
                continue;
            }
            if !who.iter().any(|&s| !staff.surgeons[s].unavailable.contains(&date)) {
                continue;
            }
            let free_theatre = (0..cx.theatres.len())
                .find(|&th| cx.equipped(th, c.specialty) && !extras.iter().any(|e| e.theatre == th && e.date == date));
            if let Some(th) = free_theatre {
                return Some(Extra {
                    date,
                    theatre: th,
                    start: start_t,
                    end: end_t,
                    tag,
                    specialty: c.specialty,
                    open_cost: cost,
                });
            }
        }
    }
    None
}

fn date_ok(c: &Case, date: NaiveDate, end: NaiveDate) -> bool {
    date >= c.earliest && date <= c.deadline.unwrap_or(end).min(end) && !c.unavailable.contains(&date)
}

/// Could some list take case `c` (ignoring what other cases take)?
fn can_take(cx: &Context, staff: &Staff, extras: &[Extra], c: &Case) -> bool {
    let end = cx.end;
    let who = staff.who_may_operate(c);
    let need = cx.need(c);
    let own = who.iter().any(|&s| {
        staff.surgeons[s]
            .occurrences
            .iter()
            .any(|o| o.free >= need && date_ok(c, o.date, end))
    });
    own || extras.iter().any(|e| {
        e.specialty == c.specialty
            && cx.equipped(e.theatre, c.specialty)
            && e.minutes() >= need
            && date_ok(c, e.date, end)
            && who.iter().any(|&s| !staff.surgeons[s].unavailable.contains(&e.date))
    })
}

/// Frees enough minutes for `c` in one of its consultants' own lists in its window (the one
/// with the most free time already, the later on a tie). False when there is no such list.
fn enlarge_for(cx: &Context, staff: &mut Staff, c: &Case) -> bool {
    let end = cx.end;
    let need = cx.need(c);
    let mut best: Option<(i64, NaiveDate, usize, usize)> = None;
    for s in staff.who_may_operate(c) {
        for (k, o) in staff.surgeons[s].occurrences.iter().enumerate() {
            if o.part.minutes() >= need && date_ok(c, o.date, end) {
                let key = (o.free, o.date, s, k);
                if best.is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
                    best = Some(key);
                }
            }
        }
    }
    match best {
        Some((_, _, s, k)) => {
            let o = &mut staff.surgeons[s].occurrences[k];
            let wanted = ((need + 4) / 5) * 5;
            o.free = o.free.max(wanted).min(o.part.minutes());
            true
        }
        None => false,
    }
}

/// A session with its sort key (date, start, theatre id).
type DatedSession = (NaiveDate, &'static str, String, SessionDto);

fn ds(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The instance file: the theatres, each consultant with their roster, the lists with free time
/// and the extra lists (by date, start and theatre), the cases and the rules.
fn emit(cx: &Context, surgeons: &[Surgeon], cases: &[Case], extras: &[Extra]) -> InstanceFile {
    let t = cx.t;
    let mut sessions: Vec<DatedSession> = Vec::new();
    let surgeon_dtos: Vec<SurgeonDto> = surgeons
        .iter()
        .map(|s| surgeon_and_lists(cx, s, &mut sessions))
        .collect();
    sessions.extend(extras.iter().map(|e| extra_session(cx, e)));
    sessions.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    let procedures = cases
        .iter()
        .enumerate()
        .map(|(i, c)| procedure_dto(cx, surgeons, i, c))
        .collect();
    InstanceFile {
        format: INSTANCE_FORMAT.to_string(),
        trust: TrustDto {
            id: t.id.clone(),
            name: t.name.clone(),
        },
        timezone: Some("Europe/London".to_string()),
        horizon: HorizonDto {
            start: ds(cx.start),
            end: ds(cx.end),
        },
        rules: rules_dto(cx),
        objective: ObjectiveDto::default(),
        theatres: cx
            .theatres
            .iter()
            .map(|th| TheatreDto {
                id: th.id.clone(),
                site: Some(th.site.clone()),
                specialties: th.specialties.clone(),
            })
            .collect(),
        surgeons: surgeon_dtos,
        sessions: sessions.into_iter().map(|s| s.3).collect(),
        procedures,
    }
}

/// Consultant `s` with their roster; their own lists with free time in the horizon go to
/// `sessions`, the others stay on the roster as duties.
fn surgeon_and_lists(cx: &Context, s: &Surgeon, sessions: &mut Vec<DatedSession>) -> SurgeonDto {
    let specialty = &cx.spec_names[s.specialty];
    let mut duties: Vec<(NaiveDate, String, DutyDto)> = s
        .duties
        .iter()
        .map(|d| {
            (
                d.date,
                d.start.clone(),
                DutyDto {
                    date: ds(d.date),
                    start: d.start.clone(),
                    end: d.end.clone(),
                    kind: Some(d.kind.to_string()),
                },
            )
        })
        .collect();
    for o in &s.occurrences {
        let (st, en) = o.part.times();
        if o.free > 0 && o.date >= cx.start && o.date <= cx.end {
            let th = &cx.theatres[o.theatre].id;
            sessions.push((
                o.date,
                st,
                th.clone(),
                SessionDto {
                    id: format!("{th}-{}-{}", ds(o.date), o.part.tag()),
                    theatre: th.clone(),
                    date: ds(o.date),
                    start: st.to_string(),
                    end: en.to_string(),
                    free_minutes: Some(o.free),
                    surgeon: Some(s.id.clone()),
                    specialty: Some(specialty.clone()),
                    shared: false,
                    open_cost: 0,
                },
            ));
        } else {
            // A list booked in full before the strike (or outside the horizon): on the
            // roster, nothing to add to it.
            duties.push((
                o.date,
                st.to_string(),
                DutyDto {
                    date: ds(o.date),
                    start: st.to_string(),
                    end: en.to_string(),
                    kind: Some("list".to_string()),
                },
            ));
        }
    }
    duties.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    SurgeonDto {
        id: s.id.clone(),
        name: Some(s.name.clone()),
        specialties: vec![specialty.clone()],
        duties: duties.into_iter().map(|d| d.2).collect(),
        unavailable: s.unavailable.iter().map(|d| ds(*d)).collect(),
        max_operating_minutes: BTreeMap::new(),
    }
}

/// An extra list: unstaffed, for one specialty, with its opening cost.
fn extra_session(cx: &Context, e: &Extra) -> DatedSession {
    let th = &cx.theatres[e.theatre].id;
    (
        e.date,
        e.start,
        th.clone(),
        SessionDto {
            id: format!("{th}-{}-{}", ds(e.date), e.tag),
            theatre: th.clone(),
            date: ds(e.date),
            start: e.start.to_string(),
            end: e.end.to_string(),
            free_minutes: None,
            surgeon: None,
            specialty: Some(cx.spec_names[e.specialty].clone()),
            shared: false,
            open_cost: e.open_cost,
        },
    )
}

/// Case `i` (ids and pseudonyms numbered from 1).
fn procedure_dto(cx: &Context, surgeons: &[Surgeon], i: usize, c: &Case) -> ProcedureDto {
    let t = cx.t;
    ProcedureDto {
        id: format!("{}-C{:04}", t.id, i + 1),
        patient: Some(format!("pseudonym-{}-{:05}", t.id, (i * 7919 + 1237) % 10007)),
        specialty: cx.spec_names[c.specialty].clone(),
        name: Some(c.name.clone()),
        duration: c.duration,
        surgeon: c.surgeon.map(|s| surgeons[s].id.clone()),
        priority: ["P1", "P2", "P3", "P4"][c.priority].to_string(),
        referral: Some(ds(c.referral)),
        listed: Some(ds(c.listed)),
        original_date: c.original.map(ds),
        cancelled_on_day: c.cancelled_on_day,
        earliest: Some(ds(c.earliest)),
        deadline: c.deadline.map(ds),
        unavailable: c.unavailable.iter().map(|d| ds(*d)).collect(),
        ..ProcedureDto::default()
    }
}

/// The default rules, written out, with the scenario's turnaround.
fn rules_dto(cx: &Context) -> RulesDto {
    let rules = &cx.rules;
    let hours = |m: Option<i64>| match m {
        Some(v) => Setting::Set(v as f64 / 60.0),
        None => Setting::Off,
    };
    RulesDto {
        max_shift_hours: hours(rules.max_shift_minutes),
        min_rest_hours: hours(rules.min_rest_minutes),
        max_hours_per_7_days: hours(rules.max_minutes_per_7_days),
        max_average_weekly_hours: hours(rules.max_average_weekly_minutes),
        max_consecutive_days: rules.max_consecutive_days.map_or(Setting::Off, Setting::Set),
        max_operating_minutes_per_day: Setting::Default,
        turnaround_minutes: Setting::Set(cx.p.turnaround_minutes as i64),
        no_overlapping_duties: Some(true),
        ..RulesDto::default()
    }
}
