//! Collect-all validation of an instance file, and its conversion into a domain [`Instance`].
//!
//! Every problem is a [`Diagnostic`] with a stable [`Code`], the JSON path of the offending value,
//! a message and a hint saying what to do. Errors stop the instance from being solved; warnings
//! (a roster the trust gave us that already breaks a safe-hours rule, a case nothing can take, a
//! list no case can use) are reported and solving goes on. The table of codes, and why each is an
//! error or a warning, is in `docs/VALIDATION.md`.
//!
//! A list no case can use and no booking names (outside the horizon: W205; an unowned list whose
//! theatre is not equipped for its specialty: W206) is **ignored**: it is left out of the
//! [`Instance`], so no strategy, the checker, the metrics or a report ever sees it. An owned list
//! outside the horizon keeps its time on its owner's roster as a fixed duty. [`ignored_lists`]
//! names the lists ignored, for the batch summary.

use crate::model::time::{duty_interval, parse_clock, parse_date, to_minute};
use crate::model::*;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

use crate::io::instance::*;
use crate::rules;
use std::collections::HashMap;

/// Whether a diagnostic stops the instance from being solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Reported; solving goes on.
    Warning,
    /// The instance is not solved.
    Error,
}

/// Stable diagnostic codes. Never renumber: scripts and tests pin them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file could not be read.
    E001Unreadable,
    /// Not JSON, or JSON of the wrong shape (missing field, wrong type, unknown field).
    E002Malformed,
    /// `format` is not `rebook-instance/1`.
    E003Format,
    /// Two items of one kind share an id.
    E101DuplicateId,
    /// A reference to a theatre or surgeon that does not exist.
    E102UnknownReference,
    /// A date or time that is not `YYYY-MM-DD` / `HH:MM`.
    E103BadDateTime,
    /// A session that does not end after it starts on its own date.
    E104EndBeforeStart,
    /// `free_minutes` outside `0..=end − start`.
    E105FreeMinutes,
    /// Two sessions overlap in one theatre.
    E106OverlappingSessions,
    /// A session outside the horizon that a booking names (one no booking names is ignored:
    /// [`Code::W205ListOutsideHorizon`]).
    E107OutsideHorizon,
    /// A case with a hard deadline that no session could ever take (the instance is infeasible).
    E108NoSessionForDeadline,
    /// `deadline` before `earliest`.
    E109DeadlineBeforeEarliest,
    /// Horizon end before its start, or longer than a year.
    E110InvertedHorizon,
    /// A negative or absurd number (duration, cost, weight, cap).
    E111BadNumber,
    /// A rule outside its sensible range.
    E112RuleOutOfRange,
    /// An unknown IANA time zone.
    E113UnknownTimezone,
    /// A priority other than P1–P4.
    E114BadPriority,
    /// An empty id.
    E115EmptyId,
    /// A session owned by a surgeon who does not hold its specialty; an owned or booked session
    /// in a theatre not equipped for its specialty (an unowned, unbooked one is ignored:
    /// [`Code::W206ListNotEquipped`]); or a named surgeon without the case's specialty.
    E116SessionSpecialty,
    /// A case's `earliest` after the horizon end, or before the horizon start.
    E117EarliestOutsideHorizon,
    /// `times_cancelled` below 1 or above 99 (SPEC.md section 8).
    E118TimesCancelled,
    /// A booking that must be kept (rule 11) in a session that rule 2 no longer allows.
    E119KeptBookingNotAllowed,
    /// Bookings that must be kept and together overfill their session or their surgeon's
    /// operating cap: the instance is infeasible.
    E120KeptBookingsInfeasible,
    /// Warning: the roster given already breaks a safe-hours rule (SPEC.md 3, rules 5–10).
    W201RosterBreach,
    /// Warning: a case without a deadline that no session can ever take; it will be unscheduled.
    W202NoEligibleSession,
    /// Warning: an owned session on a date its owner is unavailable.
    W203OwnerUnavailable,
    /// Warning: bookings whose session is not in the instance (lost to the strike): void, so the
    /// cases are rebooked like any other (SPEC.md section 8).
    W204VoidBookings,
    /// Warning: a list outside the horizon that no booking names: ignored (left out of the
    /// instance); an owned one stays on its owner's roster as a fixed duty.
    W205ListOutsideHorizon,
    /// Warning: an unowned list that no booking names, in a theatre not equipped for its
    /// specialty: no case can use it, so it is ignored (left out of the instance).
    W206ListNotEquipped,
}

impl Code {
    /// The code as written in messages and docs, e.g. `E101`.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            E001Unreadable => "E001",
            E002Malformed => "E002",
            E003Format => "E003",
            E101DuplicateId => "E101",
            E102UnknownReference => "E102",
            E103BadDateTime => "E103",
            E104EndBeforeStart => "E104",
            E105FreeMinutes => "E105",
            E106OverlappingSessions => "E106",
            E107OutsideHorizon => "E107",
            E108NoSessionForDeadline => "E108",
            E109DeadlineBeforeEarliest => "E109",
            E110InvertedHorizon => "E110",
            E111BadNumber => "E111",
            E112RuleOutOfRange => "E112",
            E113UnknownTimezone => "E113",
            E114BadPriority => "E114",
            E115EmptyId => "E115",
            E116SessionSpecialty => "E116",
            E117EarliestOutsideHorizon => "E117",
            E118TimesCancelled => "E118",
            E119KeptBookingNotAllowed => "E119",
            E120KeptBookingsInfeasible => "E120",
            W201RosterBreach => "W201",
            W202NoEligibleSession => "W202",
            W203OwnerUnavailable => "W203",
            W204VoidBookings => "W204",
            W205ListOutsideHorizon => "W205",
            W206ListNotEquipped => "W206",
        }
    }

    /// Every code, for documentation and for the corpus test.
    pub const ALL: [Code; 29] = [
        Code::E001Unreadable,
        Code::E002Malformed,
        Code::E003Format,
        Code::E101DuplicateId,
        Code::E102UnknownReference,
        Code::E103BadDateTime,
        Code::E104EndBeforeStart,
        Code::E105FreeMinutes,
        Code::E106OverlappingSessions,
        Code::E107OutsideHorizon,
        Code::E108NoSessionForDeadline,
        Code::E109DeadlineBeforeEarliest,
        Code::E110InvertedHorizon,
        Code::E111BadNumber,
        Code::E112RuleOutOfRange,
        Code::E113UnknownTimezone,
        Code::E114BadPriority,
        Code::E115EmptyId,
        Code::E116SessionSpecialty,
        Code::E117EarliestOutsideHorizon,
        Code::E118TimesCancelled,
        Code::E119KeptBookingNotAllowed,
        Code::E120KeptBookingsInfeasible,
        Code::W201RosterBreach,
        Code::W202NoEligibleSession,
        Code::W203OwnerUnavailable,
        Code::W204VoidBookings,
        Code::W205ListOutsideHorizon,
        Code::W206ListNotEquipped,
    ];

    /// Whether the code is an error (`E…`) rather than a warning (`W…`).
    pub fn is_error(self) -> bool {
        self.severity() == Severity::Error
    }

    /// [`Severity::Warning`] for a `W…` code, [`Severity::Error`] for an `E…` code.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

/// One problem found in an instance file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The problem's stable code.
    pub code: Code,
    /// JSON path of the value (`sessions[3].end`), empty for the whole file.
    pub path: String,
    /// What is wrong, naming the value.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Diagnostic {
    /// The severity of its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
    /// Whether it stops the instance from being solved.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.path.is_empty() {
            write!(
                f,
                "{sev}[{}]: {} (hint: {})",
                self.code.as_str(),
                self.message,
                self.hint
            )
        } else {
            write!(
                f,
                "{sev}[{}] at {}: {} (hint: {})",
                self.code.as_str(),
                self.path,
                self.message,
                self.hint
            )
        }
    }
}

/// The id of the list a warning ignores (W205, W206), `None` for any other diagnostic. The
/// message starts `list "<id>"`, the id written as a JSON string so any id reads back exactly.
pub fn ignored_list(d: &Diagnostic) -> Option<String> {
    if !matches!(d.code, Code::W205ListOutsideHorizon | Code::W206ListNotEquipped) {
        return None;
    }
    let rest = d.message.strip_prefix("list ")?;
    serde_json::Deserializer::from_str(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}

/// The ids of the lists `diagnostics` ignore, in their order: left out of the instance solved.
pub fn ignored_lists(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().filter_map(ignored_list).collect()
}

/// A list's id as the W205 and W206 messages write it (a JSON string, read by [`ignored_list`]).
fn list_id(id: &str) -> String {
    serde_json::to_string(id).unwrap_or_else(|_| format!("\"{id}\""))
}

/// Collects diagnostics while walking the file.
#[derive(Default)]
struct Sink {
    out: Vec<Diagnostic>,
}

impl Sink {
    fn push(&mut self, code: Code, path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) {
        self.out.push(Diagnostic {
            code,
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
        });
    }

    fn date(&mut self, path: &str, s: &str) -> Option<NaiveDate> {
        let d = parse_date(s);
        if d.is_none() {
            self.push(
                Code::E103BadDateTime,
                path,
                format!("'{s}' is not a date"),
                "write dates as YYYY-MM-DD, e.g. 2016-04-28",
            );
        }
        d
    }

    fn opt_date(&mut self, path: &str, s: &Option<String>) -> Option<NaiveDate> {
        s.as_ref().and_then(|s| self.date(path, s))
    }

    fn clock(&mut self, path: &str, s: &str) -> Option<chrono::NaiveTime> {
        let t = parse_clock(s);
        if t.is_none() {
            self.push(
                Code::E103BadDateTime,
                path,
                format!("'{s}' is not a time of day"),
                "write times as 24-hour HH:MM, e.g. 13:30",
            );
        }
        t
    }

    fn non_negative(&mut self, path: &str, v: i64, max: i64, what: &str) -> bool {
        if v < 0 || v > max {
            self.push(
                Code::E111BadNumber,
                path,
                format!("{what} {v} is outside 0..={max}"),
                format!("give {what} as a whole number from 0 to {max}"),
            );
            false
        } else {
            true
        }
    }

    fn id(&mut self, path: &str, id: &str) {
        if id.trim().is_empty() {
            self.push(
                Code::E115EmptyId,
                path,
                "the id is empty",
                "give every item a non-empty id",
            );
        }
    }
}

/// Largest accepted cost or weight: keeps every objective sum far inside `i64`.
const MAX_WEIGHT: i64 = 1_000_000_000;

fn index_ids<'a>(sink: &mut Sink, kind: &str, ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        sink.id(&format!("{kind}[{i}].id"), id);
        if let Some(first) = map.insert(id, i) {
            map.insert(id, first);
            sink.push(
                Code::E101DuplicateId,
                format!("{kind}[{i}].id"),
                format!("id '{id}' is used again (first at {kind}[{first}])"),
                "make every id unique within its list",
            );
        }
    }
    map
}

fn hours_rule(sink: &mut Sink, name: &str, v: Setting<f64>, default: Option<i64>, lo: f64, hi: f64) -> Option<i64> {
    match v {
        Setting::Default => default,
        Setting::Off => None,
        Setting::Set(h) => {
            if !(h.is_finite() && h > lo && h <= hi) {
                sink.push(
                    Code::E112RuleOutOfRange,
                    format!("rules.{name}"),
                    format!("{name} = {h} is out of range"),
                    format!("give a number of hours above {lo} and at most {hi}, or null to switch the rule off"),
                );
                default
            } else {
                Some((h * 60.0).round() as i64)
            }
        }
    }
}

fn int_rule(sink: &mut Sink, name: &str, v: Setting<i64>, default: Option<i64>, lo: i64, hi: i64) -> Option<i64> {
    match v {
        Setting::Default => default,
        Setting::Off => None,
        Setting::Set(n) => {
            if n < lo || n > hi {
                sink.push(
                    Code::E112RuleOutOfRange,
                    format!("rules.{name}"),
                    format!("{name} = {n} is out of range"),
                    format!("give a whole number from {lo} to {hi}, or null to switch the rule off"),
                );
                default
            } else {
                Some(n)
            }
        }
    }
}

fn priority_map(sink: &mut Sink, path: &str, map: &BTreeMap<String, i64>, base: [i64; 4]) -> [i64; 4] {
    let mut out = base;
    for (k, &v) in map {
        match Priority::parse(k) {
            Some(p) => {
                if sink.non_negative(&format!("{path}.{k}"), v, MAX_WEIGHT, "the weight") {
                    out[p.index()] = v;
                }
            }
            None => sink.push(
                Code::E114BadPriority,
                format!("{path}.{k}"),
                format!("'{k}' is not a priority"),
                "use the keys P1, P2, P3, P4",
            ),
        }
    }
    out
}

/// The outcome of validating one instance file.
pub struct Validated {
    /// The instance, when there is no error; without the lists ignored ([`ignored_lists`] of the
    /// diagnostics names them), so its sessions are not the file's one for one.
    pub instance: Option<Instance>,
    /// Every error and warning, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

/// Validates `file` and builds the domain instance when it has no error.
pub fn validate(file: &InstanceFile) -> Validated {
    let mut sink = Sink::default();
    let built = build(file, &mut sink);
    let mut diagnostics = sink.out;
    let has_error = diagnostics.iter().any(Diagnostic::is_error);
    let built = if has_error { None } else { built };
    if let Some((inst, file_index)) = &built {
        diagnostics.extend(semantic_warnings(inst, file_index));
    }
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity()));
    Validated {
        instance: built.map(|(inst, _)| inst),
        diagnostics,
    }
}

/// Checks the file step by step, in the order of its fields, and builds the domain instance, with
/// the position in the file of each of its sessions (ignored lists leave gaps). `None` only when
/// the horizon could not be read; the caller drops the instance on any error.
fn build(file: &InstanceFile, sink: &mut Sink) -> Option<(Instance, Vec<usize>)> {
    check_format_and_trust(file, sink);
    let timezone = timezone(file.timezone.as_deref(), sink);
    let (horizon_start, horizon_end) = horizon(&file.horizon, sink);
    let rules = rules(&file.rules, sink);
    let weights = weights(&file.objective, sink);
    let theatre_ix = index_ids(sink, "theatres", file.theatres.iter().map(|t| t.id.as_str()));
    let theatres = theatres(&file.theatres);
    let surgeon_ix = index_ids(sink, "surgeons", file.surgeons.iter().map(|s| s.id.as_str()));
    let surgeons = surgeons(&file.surgeons, timezone, sink);
    let mut booked_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for pr in &file.procedures {
        if let Some(b) = &pr.booked {
            booked_by.entry(b.session.as_str()).or_default().push(pr.id.as_str());
        }
    }
    let refs = References {
        timezone,
        horizon_start,
        horizon_end,
        theatres: &theatres,
        theatre_ix,
        surgeons: &surgeons,
        surgeon_ix,
        booked_by,
        session_ix: HashMap::new(),
    };
    index_ids(sink, "sessions", file.sessions.iter().map(|s| s.id.as_str()));
    let read: Vec<ReadSession> = (file.sessions.iter().enumerate())
        .filter_map(|(i, s)| session(i, s, &refs, sink))
        .collect();
    let complete = read.len() == file.sessions.len();
    // Overlaps are only meaningful once every session could be read (ignored lists included: two
    // lists at once in one theatre are a contradiction wherever they lie).
    if complete {
        overlapping_sessions(&read, &theatres, sink);
    }
    // Ignored lists leave the instance; an owned one outside the horizon stays on its owner's
    // roster as the fixed duty it is (SPEC.md 3: duties outside the horizon still count).
    let mut sessions = Vec::with_capacity(read.len());
    let mut file_index = Vec::with_capacity(read.len());
    let mut list_duties: Vec<(usize, Duty)> = Vec::new();
    for r in read {
        if !r.ignored {
            sessions.push(r.session);
            file_index.push(r.index);
        } else if let Some(owner) = r.session.owner {
            let s = r.session;
            list_duties.push((
                owner,
                Duty {
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    kind: Some(format!("list {} (outside the horizon)", s.id)),
                },
            ));
        }
    }
    // Bookings name sessions: only a complete list gives each id its index (with an unreadable
    // session the file is invalid anyway). A list a booking names is never ignored.
    let mut refs = refs;
    if complete {
        refs.session_ix = (file_index.iter().enumerate())
            .map(|(k, &i)| (file.sessions[i].id.as_str(), k))
            .collect();
    }
    index_ids(sink, "procedures", file.procedures.iter().map(|p| p.id.as_str()));
    let procedures: Vec<Procedure> = (file.procedures.iter().enumerate())
        .filter_map(|(i, pr)| procedure(i, pr, &refs, sink))
        .collect();
    let mut surgeons = surgeons;
    for (owner, duty) in list_duties {
        surgeons[owner].duties.push(duty);
    }

    let (Some(horizon_start), Some(horizon_end)) = (horizon_start, horizon_end) else {
        return None;
    };
    let inst = Instance {
        trust_id: file.trust.id.clone(),
        trust_name: file.trust.name.clone(),
        timezone,
        horizon_start,
        horizon_end,
        rules,
        weights,
        theatres,
        surgeons,
        sessions,
        procedures,
    };
    // Only a file without other errors has reliable eligibility to check.
    if !sink.out.iter().any(Diagnostic::is_error) {
        deadlines_no_session_can_meet(&inst, sink);
        kept_bookings(&inst, &file_index, sink);
    }
    Some((inst, file_index))
}

/// E003 for another format, E115 for an empty trust id.
fn check_format_and_trust(file: &InstanceFile, sink: &mut Sink) {
    if file.format != INSTANCE_FORMAT {
        sink.push(
            Code::E003Format,
            "format",
            format!("format is '{}'", file.format),
            format!("this reader takes \"{INSTANCE_FORMAT}\""),
        );
    }
    sink.id("trust.id", &file.trust.id);
}

/// The IANA time zone, Europe/London when absent (E113 for an unknown name).
fn timezone(name: Option<&str>, sink: &mut Sink) -> Tz {
    let name = name.unwrap_or("Europe/London");
    name.parse().unwrap_or_else(|_| {
        sink.push(
            Code::E113UnknownTimezone,
            "timezone",
            format!("'{name}' is not an IANA time zone"),
            "use a name such as Europe/London",
        );
        chrono_tz::Europe::London
    })
}

/// The horizon's first and last dates (E103), in order and at most a year long (E110).
fn horizon(h: &HorizonDto, sink: &mut Sink) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = sink.date("horizon.start", &h.start);
    let end = sink.date("horizon.end", &h.end);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            sink.push(
                Code::E110InvertedHorizon,
                "horizon",
                format!("the horizon ends ({e}) before it starts ({s})"),
                "swap start and end",
            );
        } else if (e - s).num_days() > 366 {
            sink.push(
                Code::E110InvertedHorizon,
                "horizon",
                format!("the horizon spans {} days", (e - s).num_days() + 1),
                "rebook plans at most a year ahead: split the horizon",
            );
        }
    }
    (start, end)
}

/// The safe-hours rules: each absent one takes its default, `null` switches it off, and one out of
/// its range (E112) keeps the default.
fn rules(r: &RulesDto, sink: &mut Sink) -> Rules {
    let def = Rules::default();
    Rules {
        max_shift_minutes: hours_rule(
            sink,
            "max_shift_hours",
            r.max_shift_hours,
            def.max_shift_minutes,
            0.0,
            24.0,
        ),
        min_rest_minutes: hours_rule(
            sink,
            "min_rest_hours",
            r.min_rest_hours,
            def.min_rest_minutes,
            -1e-9,
            48.0,
        ),
        max_minutes_per_7_days: hours_rule(
            sink,
            "max_hours_per_7_days",
            r.max_hours_per_7_days,
            def.max_minutes_per_7_days,
            0.0,
            168.0,
        ),
        max_average_weekly_minutes: hours_rule(
            sink,
            "max_average_weekly_hours",
            r.max_average_weekly_hours,
            def.max_average_weekly_minutes,
            0.0,
            168.0,
        ),
        max_consecutive_days: int_rule(
            sink,
            "max_consecutive_days",
            r.max_consecutive_days,
            def.max_consecutive_days,
            1,
            366,
        ),
        max_operating_minutes_per_day: int_rule(
            sink,
            "max_operating_minutes_per_day",
            r.max_operating_minutes_per_day,
            None,
            0,
            1440,
        ),
        turnaround_minutes: int_rule(
            sink,
            "turnaround_minutes",
            r.turnaround_minutes,
            Some(def.turnaround_minutes),
            0,
            240,
        )
        .unwrap_or(0),
        no_overlapping_duties: r.no_overlapping_duties.unwrap_or(true),
        keep_notified_days: int_rule(sink, "keep_notified_days", r.keep_notified_days, None, 0, 366),
    }
}

/// The objective weights: defaults for absent ones, E111 (default kept) for a weight out of range,
/// E114 for a key that is not a priority.
fn weights(o: &ObjectiveDto, sink: &mut Sink) -> Weights {
    let dw = Weights::default();
    let mut weight = |path: &str, v: Option<i64>, d: i64| match v {
        Some(v) if sink.non_negative(path, v, MAX_WEIGHT, "the weight") => v,
        _ => d,
    };
    let breach_cancelled_on_day = weight(
        "objective.breach.cancelled_on_day",
        o.breach.cancelled_on_day,
        dw.breach_cancelled_on_day,
    );
    let breach_priority = weight("objective.breach.priority", o.breach.priority, dw.breach_priority);
    let breach_rtt = weight("objective.breach.rtt", o.breach.rtt, dw.breach_rtt);
    let theatre_switch = weight("objective.theatre_switch", o.theatre_switch, dw.theatre_switch);
    let breach_repeat_cancellation = weight(
        "objective.breach.repeat_cancellation",
        o.breach.repeat_cancellation,
        dw.breach_repeat_cancellation,
    );
    let moved_notified = weight("objective.moved.notified", o.moved.notified, dw.moved_notified);
    let moved_unnotified = weight("objective.moved.unnotified", o.moved.unnotified, dw.moved_unnotified);
    Weights {
        wait_per_day: priority_map(sink, "objective.wait_per_day", &o.wait_per_day, dw.wait_per_day),
        breach_cancelled_on_day,
        breach_priority,
        breach_rtt,
        unscheduled: priority_map(sink, "objective.unscheduled", &o.unscheduled, dw.unscheduled),
        theatre_switch,
        moved_notified,
        moved_unnotified,
        breach_repeat_cancellation,
    }
}

/// The theatres as given (their ids are checked by [`index_ids`]).
fn theatres(list: &[TheatreDto]) -> Vec<Theatre> {
    list.iter()
        .map(|t| Theatre {
            id: t.id.clone(),
            site: t.site.clone(),
            specialties: t.specialties.iter().cloned().collect(),
        })
        .collect()
}

/// Every surgeon, one for each in the file (so indices match the file's), with the duties, days
/// off and operating caps that could be read (E103, E111 for the rest).
fn surgeons(list: &[SurgeonDto], timezone: Tz, sink: &mut Sink) -> Vec<Surgeon> {
    let mut surgeons = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let mut duties = Vec::new();
        for (j, d) in s.duties.iter().enumerate() {
            let p = format!("surgeons[{i}].duties[{j}]");
            let date = sink.date(&format!("{p}.date"), &d.date);
            let start = sink.clock(&format!("{p}.start"), &d.start);
            let end = sink.clock(&format!("{p}.end"), &d.end);
            if let (Some(date), Some(st), Some(en)) = (date, start, end) {
                let (a, b) = duty_interval(timezone, date, st, en);
                duties.push(Duty {
                    date,
                    start: a,
                    end: b,
                    kind: d.kind.clone(),
                });
            }
        }
        let unavailable = s
            .unavailable
            .iter()
            .enumerate()
            .filter_map(|(j, d)| sink.date(&format!("surgeons[{i}].unavailable[{j}]"), d))
            .collect();
        let mut caps = BTreeMap::new();
        for (d, &m) in &s.max_operating_minutes {
            let path = format!("surgeons[{i}].max_operating_minutes.{d}");
            if let Some(date) = sink.date(&path, d) {
                if sink.non_negative(&path, m, 1440, "the operating-minute cap") {
                    caps.insert(date, m);
                }
            }
        }
        surgeons.push(Surgeon {
            id: s.id.clone(),
            name: s.name.clone(),
            specialties: s.specialties.iter().cloned().collect(),
            duties,
            unavailable,
            max_operating_minutes: caps,
        });
    }
    surgeons
}

/// What sessions and procedures refer to: the parts of the file read before them.
struct References<'a> {
    timezone: Tz,
    horizon_start: Option<NaiveDate>,
    horizon_end: Option<NaiveDate>,
    theatres: &'a [Theatre],
    theatre_ix: HashMap<&'a str, usize>,
    surgeons: &'a [Surgeon],
    surgeon_ix: HashMap<&'a str, usize>,
    /// Session id → the ids of the cases booked into it (`procedure.booked`), as written.
    booked_by: HashMap<&'a str, Vec<&'a str>>,
    /// Session id → index into the instance's sessions (filled once they are read).
    session_ix: HashMap<&'a str, usize>,
}

/// A session as read from the file.
struct ReadSession {
    /// Its position in the file's `sessions`.
    index: usize,
    /// The session.
    session: Session,
    /// A list no case can use and no booking names (W205, W206): left out of the instance.
    ignored: bool,
}

impl References<'_> {
    /// An optional surgeon reference: `Some(None)` when absent, `None` (and E102) when unknown.
    fn optional_surgeon(
        &self,
        sink: &mut Sink,
        path: String,
        id: &Option<String>,
        hint: &str,
    ) -> Option<Option<usize>> {
        let Some(id) = id else { return Some(None) };
        let found = self.surgeon_ix.get(id.as_str()).copied();
        if found.is_none() {
            sink.push(
                Code::E102UnknownReference,
                path,
                format!("surgeon '{id}' is not in the surgeons list"),
                hint,
            );
        }
        found.map(Some)
    }
}

/// Session `i`, or `None` when it cannot be built: unknown theatre or owner (E102), bad date or
/// time (E103), ending before it starts (E104), bad free minutes (E105). A list outside the
/// horizon is ignored (W205) unless a booking names it (E107); one inside it whose specialty its
/// theatre is not equipped for is ignored (W206) unless it is owned or booked (E116), and one
/// whose owner lacks its specialty is an error (E116).
fn session(i: usize, s: &SessionDto, refs: &References, sink: &mut Sink) -> Option<ReadSession> {
    let p = format!("sessions[{i}]");
    let theatre = refs.theatre_ix.get(s.theatre.as_str()).copied();
    if theatre.is_none() {
        sink.push(
            Code::E102UnknownReference,
            format!("{p}.theatre"),
            format!("theatre '{}' is not in the theatres list", s.theatre),
            "add the theatre to `theatres` or correct the id",
        );
    }
    let owner = refs.optional_surgeon(
        sink,
        format!("{p}.surgeon"),
        &s.surgeon,
        "add the surgeon to `surgeons`, correct the id, or use null for an unstaffed list",
    );
    let date = sink.date(&format!("{p}.date"), &s.date);
    let start = sink.clock(&format!("{p}.start"), &s.start);
    let end = sink.clock(&format!("{p}.end"), &s.end);
    sink.non_negative(&format!("{p}.open_cost"), s.open_cost, MAX_WEIGHT, "open_cost");
    let (Some(date), Some(st), Some(en), Some(theatre), Some(owner)) = (date, start, end, theatre, owner) else {
        return None;
    };
    if en <= st {
        sink.push(
            Code::E104EndBeforeStart,
            format!("{p}.end"),
            format!("the session ends at {} but starts at {}", s.end, s.start),
            "a session lies within its date and ends after it starts; split lists that cross midnight",
        );
        return None;
    }
    let a = to_minute(refs.timezone, date, st);
    let b = to_minute(refs.timezone, date, en);
    let length = b - a;
    let free = s.free_minutes.unwrap_or(length);
    if free < 0 || free > length {
        sink.push(
            Code::E105FreeMinutes,
            format!("{p}.free_minutes"),
            format!("free_minutes {free} is outside 0..={length} (the list's length)"),
            "give the bookable minutes left at the end of the list, at most end − start",
        );
        return None;
    }
    let booked_by = refs.booked_by.get(s.id.as_str());
    let mut ignored = false;
    if let (Some(hs), Some(he)) = (refs.horizon_start, refs.horizon_end) {
        if date < hs || date > he {
            if let Some(cases) = booked_by {
                sink.push(
                    Code::E107OutsideHorizon,
                    format!("{p}.date"),
                    format!(
                        "session date {date} is outside the horizon {hs} to {he}, and case(s) {} are booked into it",
                        cases.join(", ")
                    ),
                    "widen the horizon or correct the bookings: a list outside the horizon is ignored only when no case is booked into it",
                );
            } else {
                ignored = true;
                let roster = owner.map_or(String::new(), |o| {
                    format!(
                        "; its time stays on the roster of its owner '{}' as a fixed duty",
                        refs.surgeons[o].id
                    )
                });
                sink.push(
                    Code::W205ListOutsideHorizon,
                    format!("{p}.date"),
                    format!(
                        "list {} is ignored: its date {date} is outside the horizon {hs} to {he}{roster}",
                        list_id(&s.id)
                    ),
                    "nothing to do if the list is not part of this plan; otherwise widen the horizon",
                );
            }
        }
    }
    if let (Some(sp), false) = (&s.specialty, ignored) {
        if !refs.theatres[theatre].specialties.contains(sp) {
            if owner.is_none() && booked_by.is_none() {
                ignored = true;
                sink.push(
                    Code::W206ListNotEquipped,
                    format!("{p}.specialty"),
                    format!(
                        "list {} is ignored: theatre '{}' is not equipped for its specialty '{sp}', so no case can use it",
                        list_id(&s.id),
                        s.theatre
                    ),
                    "nothing to do if the list is not meant to run; otherwise fix the list's specialty or the theatre's specialties",
                );
            } else {
                let why = match booked_by {
                    Some(cases) => format!("case(s) {} are booked into it", cases.join(", ")),
                    None => "an owned list is on its owner's roster, so it is not ignored".to_string(),
                };
                sink.push(
                    Code::E116SessionSpecialty,
                    format!("{p}.specialty"),
                    format!("theatre '{}' is not equipped for '{sp}' ({why})", s.theatre),
                    "fix the session's specialty or the theatre's specialties",
                );
            }
        }
        if let Some(o) = owner {
            if !refs.surgeons[o].holds(sp) {
                sink.push(
                    Code::E116SessionSpecialty,
                    format!("{p}.surgeon"),
                    format!(
                        "owner '{}' does not hold the list's specialty '{sp}'",
                        refs.surgeons[o].id
                    ),
                    "fix the owner or the list's specialty",
                );
            }
        }
    }
    let session = Session {
        id: s.id.clone(),
        theatre,
        date,
        start_clock: st,
        end_clock: en,
        start: a,
        end: b,
        free_minutes: free,
        owner,
        specialty: s.specialty.clone(),
        shared: s.shared,
        open_cost: s.open_cost.max(0),
    };
    Some(ReadSession {
        index: i,
        session,
        ignored,
    })
}

/// E106 for each session that starts before the previous one in its theatre ends (`read` holds
/// every session of the file, in its order).
fn overlapping_sessions(read: &[ReadSession], theatres: &[Theatre], sink: &mut Sink) {
    let mut by_theatre: Vec<Vec<usize>> = vec![Vec::new(); theatres.len()];
    for (k, r) in read.iter().enumerate() {
        by_theatre[r.session.theatre].push(k);
    }
    for list in &mut by_theatre {
        list.sort_by_key(|&k| (read[k].session.start, k));
        for w in list.windows(2) {
            let (a, b) = (&read[w[0]].session, &read[w[1]].session);
            if b.start < a.end {
                sink.push(
                    Code::E106OverlappingSessions,
                    format!("sessions[{}]", read[w[1]].index),
                    format!(
                        "session '{}' overlaps '{}' in theatre '{}'",
                        b.id, a.id, theatres[a.theatre].id
                    ),
                    "a theatre runs one list at a time: fix the times or merge the lists",
                );
            }
        }
    }
}

/// Procedure `i`, or `None` when it cannot be built: a bad priority (E114), an unknown named
/// surgeon (E102) or an unreadable earliest date (E103). Also reports a bad duration (E111), bad
/// dates (E103), a deadline before the earliest date (E109), a deadline case starting after the
/// horizon (E117) and a named surgeon without the case's specialty (E116).
fn procedure(i: usize, pr: &ProcedureDto, refs: &References, sink: &mut Sink) -> Option<Procedure> {
    let p = format!("procedures[{i}]");
    let priority = Priority::parse(&pr.priority);
    if priority.is_none() {
        sink.push(
            Code::E114BadPriority,
            format!("{p}.priority"),
            format!("'{}' is not a priority", pr.priority),
            "use P1, P2, P3 or P4",
        );
    }
    if pr.duration <= 0 || pr.duration > 1440 {
        sink.push(
            Code::E111BadNumber,
            format!("{p}.duration"),
            format!("duration {} minutes is not possible", pr.duration),
            "give the case's theatre time in whole minutes, 1 to 1440",
        );
    }
    let surgeon = refs.optional_surgeon(
        sink,
        format!("{p}.surgeon"),
        &pr.surgeon,
        "add the surgeon, correct the id, or use null for a pooled case",
    );
    let referral = sink.opt_date(&format!("{p}.referral"), &pr.referral);
    let listed = sink.opt_date(&format!("{p}.listed"), &pr.listed);
    let original_date = sink.opt_date(&format!("{p}.original_date"), &pr.original_date);
    let earliest = match &pr.earliest {
        Some(s) => sink.date(&format!("{p}.earliest"), s),
        None => refs.horizon_start,
    };
    let deadline = sink.opt_date(&format!("{p}.deadline"), &pr.deadline);
    let unavailable: BTreeSet<NaiveDate> = pr
        .unavailable
        .iter()
        .enumerate()
        .filter_map(|(j, d)| sink.date(&format!("{p}.unavailable[{j}]"), d))
        .collect();
    if let (Some(e), Some(d)) = (earliest, deadline) {
        if d < e {
            sink.push(
                Code::E109DeadlineBeforeEarliest,
                format!("{p}.deadline"),
                format!("deadline {d} is before earliest {e}"),
                "correct the dates: the case cannot be booked in an empty window",
            );
        }
    }
    if let (Some(e), Some(he)) = (earliest, refs.horizon_end) {
        if e > he && deadline.is_some() {
            sink.push(
                Code::E117EarliestOutsideHorizon,
                format!("{p}.earliest"),
                format!("earliest {e} is after the horizon end {he}, but the case has a deadline"),
                "drop the case from this batch or widen the horizon",
            );
        }
    }
    if let Some(Some(s)) = surgeon {
        let sp = &pr.specialty;
        if !refs.surgeons[s].holds(sp) {
            sink.push(
                Code::E116SessionSpecialty,
                format!("{p}.surgeon"),
                format!(
                    "named surgeon '{}' does not hold the case's specialty '{sp}'",
                    refs.surgeons[s].id
                ),
                "name a surgeon of the specialty, or null for a pooled case",
            );
        }
    }
    let times_cancelled = pr.times_cancelled.unwrap_or(1);
    if !(1..=99).contains(&times_cancelled) {
        sink.push(
            Code::E118TimesCancelled,
            format!("{p}.times_cancelled"),
            format!("times_cancelled {times_cancelled} is not possible"),
            "count the case's non-clinical cancellations, the latest included: 1 to 99",
        );
    }
    let booked = pr.booked.as_ref().map(|b| {
        sink.id(&format!("{p}.booked.session"), &b.session);
        Booking {
            session_id: b.session.clone(),
            session: refs.session_ix.get(b.session.as_str()).copied(),
            notified: b.notified.unwrap_or(true),
        }
    });
    let (Some(priority), Some(surgeon), Some(earliest)) = (priority, surgeon, earliest) else {
        return None;
    };
    Some(Procedure {
        id: pr.id.clone(),
        patient: pr.patient.clone(),
        specialty: pr.specialty.clone(),
        name: pr.name.clone(),
        duration: pr.duration,
        surgeon,
        priority,
        referral,
        listed,
        original_date,
        cancelled_on_day: pr.cancelled_on_day,
        earliest,
        deadline,
        unavailable,
        booked,
        times_cancelled: times_cancelled.clamp(1, 99) as u32,
    })
}

/// Rule 11 (SPEC.md section 8): E119 for a booking that must be kept in a session rule 2 no
/// longer allows (with what stops it), E120 for kept bookings that together overfill their
/// session (rule 3) or their owner's operating cap that day (rule 5), naming the cases.
/// Kept bookings in extra lists that would break a safe-hours rule (6–10) are found by the
/// strategies, which then report the plan infeasible naming the cases (docs/DECISIONS.md).
fn kept_bookings(inst: &Instance, file_index: &[usize], sink: &mut Sink) {
    let mut kept_in: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for p in 0..inst.procedures.len() {
        let Some(k) = inst.must_keep(p) else { continue };
        if inst.eligible_surgeons(p, k).is_empty() {
            sink.push(
                Code::E119KeptBookingNotAllowed,
                format!("procedures[{p}].booked"),
                format!(
                    "case {} must keep its notified booking in session {}, but {}",
                    inst.procedures[p].id,
                    inst.sessions[k].id,
                    why_not_eligible(inst, p, k)
                ),
                "lower rules.keep_notified_days so this booking may move, or correct the case or the session",
            );
        } else {
            kept_in.entry(k).or_default().push(p);
        }
    }
    if kept_in.is_empty() {
        return;
    }
    let turnaround = inst.rules.turnaround_minutes;
    let owned_booked = inst.owned_booked_minutes();
    let mut owner_minutes: BTreeMap<(usize, NaiveDate), (i64, Vec<usize>)> = BTreeMap::new();
    for (&k, cases) in &kept_in {
        let sess = &inst.sessions[k];
        let used: i64 = cases.iter().map(|&p| inst.procedures[p].duration + turnaround).sum();
        let names = || {
            cases
                .iter()
                .map(|&p| inst.procedures[p].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if used > sess.free_minutes {
            sink.push(
                Code::E120KeptBookingsInfeasible,
                format!("sessions[{}]", file_index[k]),
                format!(
                    "the bookings that must be kept in session {} need {used} minutes with turnaround, {} are free (cases {})",
                    sess.id,
                    sess.free_minutes,
                    names()
                ),
                "lower rules.keep_notified_days so some of them may move, or give the list more free minutes",
            );
        }
        if let Some(owner) = sess.owner {
            let e = owner_minutes
                .entry((owner, sess.date))
                .or_insert_with(|| (owned_booked.get(&(owner, sess.date)).copied().unwrap_or(0), Vec::new()));
            e.0 += cases.iter().map(|&p| inst.procedures[p].duration).sum::<i64>();
            e.1.extend(cases);
        }
    }
    for ((s, date), (minutes, cases)) in owner_minutes {
        if let Some(cap) = inst.operating_cap(s, date) {
            if minutes > cap {
                sink.push(
                    Code::E120KeptBookingsInfeasible,
                    format!("surgeons[{s}].max_operating_minutes"),
                    format!(
                        "surgeon {} would operate {minutes} minutes on {date} with the bookings that must be kept (cases {}), over the cap of {cap}",
                        inst.surgeons[s].id,
                        cases.iter().map(|&p| inst.procedures[p].id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    "lower rules.keep_notified_days so some of them may move, or raise the cap",
                );
            }
        }
    }
}

/// In words, what keeps case `p` out of session `k` ([`Instance::ineligibility`] for the
/// surgeons who could operate there: the owner, else the named surgeon, else anyone).
fn why_not_eligible(inst: &Instance, p: usize, k: usize) -> String {
    let pr = &inst.procedures[p];
    let sess = &inst.sessions[k];
    let candidates: Vec<usize> = match (sess.owner, pr.surgeon) {
        (Some(o), _) => vec![o],
        (None, Some(n)) => vec![n],
        (None, None) => (0..inst.surgeons.len()).collect(),
    };
    let reasons: Vec<(usize, Ineligible)> = (candidates.iter())
        .filter_map(|&s| inst.ineligibility(p, k, s).map(|r| (s, r)))
        .collect();
    let Some(&(s, first)) = reasons.first() else {
        return "no surgeon may operate in it".to_string();
    };
    if reasons.iter().any(|&(_, r)| r != first) {
        return "no surgeon who may operate in it is available, holds the specialty and may operate that day"
            .to_string();
    }
    let surgeon = &inst.surgeons[s].id;
    match first {
        Ineligible::OutsideWindow => format!(
            "its date {} is outside the case's window {} to {}",
            sess.date,
            pr.earliest,
            pr.latest(inst.horizon_end)
        ),
        Ineligible::PatientUnavailable => format!("the patient is unavailable on {}", sess.date),
        Ineligible::SurgeonUnavailable => format!("surgeon {surgeon} is unavailable on {}", sess.date),
        Ineligible::TheatreNotEquipped => {
            format!(
                "theatre {} is not equipped for {}",
                inst.theatres[sess.theatre].id, pr.specialty
            )
        }
        Ineligible::ListSpecialty => format!("the list is for another specialty than {}", pr.specialty),
        Ineligible::SurgeonLacksSpecialty => format!("surgeon {surgeon} does not hold {}", pr.specialty),
        Ineligible::NotTheNamedSurgeon | Ineligible::NotTheOwner => format!(
            "the list belongs to {surgeon}, not the case's surgeon {}",
            pr.surgeon.map_or("(pooled)", |n| inst.surgeons[n].id.as_str())
        ),
        Ineligible::TooLongForTheList => format!(
            "the case needs {} minutes with turnaround and the list has {} free",
            pr.duration + inst.rules.turnaround_minutes,
            sess.free_minutes
        ),
        Ineligible::CannotOperateThatDay => format!("surgeon {surgeon} may not operate on {}", sess.date),
    }
}

/// E108: a case with a hard deadline that no session could ever take makes the instance
/// infeasible.
fn deadlines_no_session_can_meet(inst: &Instance, sink: &mut Sink) {
    for (p, pr) in inst.procedures.iter().enumerate() {
        let Some(deadline) = pr.deadline else { continue };
        if !any_eligible(inst, p) {
            sink.push(
                Code::E108NoSessionForDeadline,
                format!("procedures[{p}]"),
                format!(
                    "case '{}' must be done by {} but no session of its specialty, surgeon and dates can take it",
                    pr.id, deadline
                ),
                "add a list for it, move the deadline, or drop the deadline",
            );
        }
    }
}

fn any_eligible(inst: &Instance, p: usize) -> bool {
    (0..inst.sessions.len()).any(|k| !inst.eligible_surgeons(p, k).is_empty())
}

/// Warnings on a valid instance: cases nothing can take, owners unavailable, roster breaches.
/// `file_index` gives each session's position in the file, for the paths.
fn semantic_warnings(inst: &Instance, file_index: &[usize]) -> Vec<Diagnostic> {
    let mut sink = Sink::default();
    cases_no_session_can_take(inst, &mut sink);
    owners_unavailable(inst, file_index, &mut sink);
    void_bookings(inst, &mut sink);
    for s in 0..inst.surgeons.len() {
        roster_breaches(inst, s, &mut sink);
    }
    sink.out
}

/// W204: one warning for every void booking together (after a strike there are many): their
/// lists are not in the instance, so the cases are rebooked like any other. A typo in a
/// booking's session id shows up here.
fn void_bookings(inst: &Instance, sink: &mut Sink) {
    let void: Vec<&str> = (inst.procedures.iter())
        .filter(|p| p.void_booking())
        .map(|p| p.id.as_str())
        .collect();
    if void.is_empty() {
        return;
    }
    let shown = void.iter().take(10).copied().collect::<Vec<_>>().join(", ");
    let more = if void.len() > 10 {
        format!(" and {} more", void.len() - 10)
    } else {
        String::new()
    };
    sink.push(
        Code::W204VoidBookings,
        "procedures",
        format!(
            "{} booking(s) name a session that is not in the instance and are void: {shown}{more}",
            void.len()
        ),
        "nothing to do after a strike (the cases are rebooked); otherwise check the session ids",
    );
}

/// W202: a case without a deadline that no session can ever take (it will be unscheduled).
fn cases_no_session_can_take(inst: &Instance, sink: &mut Sink) {
    for (p, pr) in inst.procedures.iter().enumerate() {
        if pr.deadline.is_none() && !any_eligible(inst, p) {
            sink.push(
                Code::W202NoEligibleSession,
                format!("procedures[{p}]"),
                format!(
                    "no session can ever take case '{}' ({}, {} min): it will be unscheduled",
                    pr.id, pr.specialty, pr.duration
                ),
                "check its specialty, named surgeon and dates, or add a list",
            );
        }
    }
}

/// W203: an owned list on a day its owner is away.
fn owners_unavailable(inst: &Instance, file_index: &[usize], sink: &mut Sink) {
    for (k, s) in inst.sessions.iter().enumerate() {
        if let Some(o) = s.owner {
            if inst.surgeons[o].unavailable.contains(&s.date) {
                sink.push(
                    Code::W203OwnerUnavailable,
                    format!("sessions[{}]", file_index[k]),
                    format!(
                        "session '{}' is owned by '{}', who is unavailable on {}",
                        s.id, inst.surgeons[o].id, s.date
                    ),
                    "no case can be added to it; reassign the list or drop it",
                );
            }
        }
    }
}

/// W201: surgeon `s`'s roster as given (duties and owned lists) already breaks a safe-hours
/// rule, or its lists already booked on a day exceed the operating cap (rule 5).
fn roster_breaches(inst: &Instance, s: usize, sink: &mut Sink) {
    let surgeon = &inst.surgeons[s];
    let items = rules::fixed_items(inst, s);
    for breach in rules::breaches(inst, &items) {
        sink.push(
            Code::W201RosterBreach,
            format!("surgeons[{s}]"),
            format!(
                "surgeon '{}': the roster given already breaks {}",
                surgeon.id,
                breach.describe(inst, &items)
            ),
            "rebook adds no list to a shift, window or run already over a limit; check the roster",
        );
    }
    let mut booked: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for sess in inst.sessions.iter().filter(|x| x.owner == Some(s)) {
        *booked.entry(sess.date).or_default() += sess.booked_minutes();
    }
    for (date, minutes) in booked {
        if let Some(cap) = inst.operating_cap(s, date) {
            if minutes > cap {
                sink.push(
                    Code::W201RosterBreach,
                    format!("surgeons[{s}]"),
                    format!(
                        "surgeon '{}': lists already booked on {date} hold {minutes} operating minutes, over the cap of {cap}",
                        surgeon.id
                    ),
                    "no case will be added to that surgeon's lists that day",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A small valid file (one theatre, one surgeon, two lists, one case) changed by `edit`.
    fn file(edit: impl FnOnce(&mut serde_json::Value)) -> InstanceFile {
        let mut doc = json!({
            "format": "rebook-instance/1",
            "trust": {"id": "T"},
            "horizon": {"start": "2016-04-28", "end": "2016-05-11"},
            "theatres": [{"id": "T1", "specialties": ["urology"]}],
            "surgeons": [{"id": "S1", "specialties": ["urology"]}],
            "sessions": [
                {"id": "L1", "theatre": "T1", "date": "2016-04-29", "start": "08:30", "end": "12:30",
                 "surgeon": "S1", "specialty": "urology"},
                {"id": "L2", "theatre": "T1", "date": "2016-04-30", "start": "08:30", "end": "12:30"}
            ],
            "procedures": [{"id": "C1", "specialty": "urology", "duration": 60, "surgeon": "S1", "priority": "P3"}]
        });
        edit(&mut doc);
        crate::io::json::parse(&doc.to_string()).expect("the test file parses")
    }

    fn add_list(doc: &mut serde_json::Value, at: usize, list: serde_json::Value) {
        doc["sessions"].as_array_mut().unwrap().insert(at, list);
    }

    fn codes(v: &Validated) -> Vec<&'static str> {
        v.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    /// An unowned list for ophthalmology, which theatre T1 is not equipped for.
    fn unequipped(id: &str) -> serde_json::Value {
        json!({"id": id, "theatre": "T1", "date": "2016-05-03", "start": "08:30", "end": "12:30",
               "specialty": "ophthalmology"})
    }

    #[test]
    fn the_base_file_is_valid_without_a_warning() {
        let v = validate(&file(|_| {}));
        assert!(v.instance.is_some() && v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    }

    #[test]
    fn a_booking_after_an_ignored_list_names_its_own_list() {
        let v = validate(&file(|doc| {
            add_list(doc, 0, unequipped("OPH"));
            doc["rules"] = json!({"keep_notified_days": 7});
            doc["procedures"][0]["booked"] = json!({"session": "L1"});
        }));
        assert_eq!(codes(&v), ["W206"], "{:?}", v.diagnostics);
        let inst = v.instance.unwrap();
        let booked = inst.procedures[0].booked.as_ref().unwrap();
        let k = booked.session.expect("a live booking");
        assert_eq!(inst.sessions[k].id, "L1");
        assert_eq!(inst.must_keep(0), Some(k));
    }

    #[test]
    fn paths_name_the_files_positions_after_an_ignored_list() {
        let v = validate(&file(|doc| {
            add_list(doc, 0, unequipped("OPH"));
            doc["surgeons"][0]["unavailable"] = json!(["2016-04-29"]);
        }));
        let paths: Vec<(&str, &str)> = (v.diagnostics.iter())
            .map(|d| (d.code.as_str(), d.path.as_str()))
            .collect();
        assert_eq!(paths, [("W206", "sessions[0].specialty"), ("W203", "sessions[1]")]);
    }

    #[test]
    fn a_list_a_case_is_booked_into_is_never_ignored() {
        let outside = validate(&file(|doc| {
            doc["sessions"][1]["date"] = json!("2016-05-20");
            doc["procedures"][0]["booked"] = json!({"session": "L2", "notified": false});
        }));
        assert!(outside.instance.is_none());
        assert_eq!(codes(&outside), ["E107"]);
        assert_eq!(outside.diagnostics[0].path, "sessions[1].date");
        assert!(
            outside.diagnostics[0].message.contains("C1"),
            "{}",
            outside.diagnostics[0]
        );

        let not_equipped = validate(&file(|doc| {
            add_list(doc, 2, unequipped("OPH"));
            doc["procedures"][0]["booked"] = json!({"session": "OPH"});
        }));
        assert!(not_equipped.instance.is_none());
        assert_eq!(codes(&not_equipped), ["E116"]);
        assert!(not_equipped.diagnostics[0].message.contains("C1"));
    }

    #[test]
    fn an_owned_list_in_a_theatre_not_equipped_stays_an_error() {
        let v = validate(&file(|doc| {
            doc["theatres"][0]["specialties"] = json!(["general_surgery"]);
        }));
        assert!(v.instance.is_none());
        assert_eq!(codes(&v)[0], "E116");
        assert!(v.diagnostics[0].message.contains("roster"), "{}", v.diagnostics[0]);
    }

    #[test]
    fn a_list_outside_the_horizon_is_ignored_whatever_its_specialty() {
        // Its owner lacks its specialty and its theatre is not equipped: moot, it is ignored.
        let v = validate(&file(|doc| {
            add_list(
                doc,
                2,
                json!({"id": "OLD", "theatre": "T1", "date": "2016-04-01", "start": "08:30",
                                   "end": "12:30", "surgeon": "S1", "specialty": "ophthalmology"}),
            );
        }));
        assert_eq!(codes(&v), ["W205"], "{:?}", v.diagnostics);
        let inst = v.instance.unwrap();
        assert_eq!(inst.sessions.len(), 2);
        assert_eq!(inst.surgeons[0].duties.len(), 1);
        assert_eq!(ignored_lists(&v.diagnostics), ["OLD"]);
    }

    #[test]
    fn overlapping_lists_are_an_error_even_when_ignored() {
        let v = validate(&file(|doc| {
            for (id, start) in [("A", "08:30"), ("B", "10:00")] {
                add_list(
                    doc,
                    2,
                    json!({"id": id, "theatre": "T1", "date": "2016-06-01", "start": start,
                                       "end": "12:30"}),
                );
            }
        }));
        assert!(v.instance.is_none());
        assert!(codes(&v).contains(&"E106"), "{:?}", v.diagnostics);
    }

    #[test]
    fn an_ignored_list_reads_back_whatever_its_id() {
        let id = "it's \"odd\" ' is ignored: ; ,";
        let v = validate(&file(|doc| add_list(doc, 2, unequipped(id))));
        assert_eq!(codes(&v), ["W206"]);
        assert_eq!(ignored_lists(&v.diagnostics), [id]);
        // Other diagnostics name no list.
        let w = validate(&file(|doc| doc["procedures"][0]["duration"] = json!(400)));
        assert_eq!(codes(&w), ["W202"]);
        assert!(ignored_lists(&w.diagnostics).is_empty());
    }

    #[test]
    fn every_code_is_listed_once_in_order() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
