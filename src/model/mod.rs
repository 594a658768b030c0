//! Domain types: one trust's cancelled procedures and post-strike capacity, resolved and validated.
//!
//! Nothing here knows about JSON, files or solvers, and this module uses nothing else of the
//! crate: [`crate::io::validate`] checks a `rebook-instance/1` file (collecting every problem) and
//! turns only a valid one into an [`Instance`], whose cross-references are plain indices.
//!
//! Time: every instant is an *absolute minute* ([`Minute`], minutes since the Unix epoch, UTC), so
//! durations and rests are real elapsed time across clock changes. Wall-clock times are converted
//! with the instance's IANA time zone (see [`crate::model::time`]).

pub mod time;

use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

/// Minutes since 1970-01-01T00:00Z. Differences are elapsed minutes.
pub type Minute = i64;

/// Clinical priority (Federation of Surgical Specialty Associations / Royal Colleges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Urgent: treat within 72 hours (target 3 days after listing).
    P1,
    /// Treat within 4 weeks (target 28 days after listing).
    P2,
    /// Treat within 3 months (target 91 days after listing).
    P3,
    /// May wait more than 3 months: no priority target.
    P4,
}

impl Priority {
    /// The four priorities, most urgent first (the order of [`Priority::index`]).
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    /// Position 0–3 for P1–P4: the index into per-priority arrays such as
    /// [`Weights::wait_per_day`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name as written in instance and schedule files: `"P1"` … `"P4"`.
    pub fn as_str(self) -> &'static str {
        ["P1", "P2", "P3", "P4"][self.index()]
    }

    /// Reads `"P1"` … `"P4"` exactly; `None` for anything else.
    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "P1" => Some(Priority::P1),
            "P2" => Some(Priority::P2),
            "P3" => Some(Priority::P3),
            "P4" => Some(Priority::P4),
            _ => None,
        }
    }

    /// Days from `listed` to the clinical-priority target (P1 ≤ 72 h, P2 ≤ 4 weeks, P3 ≤ 3 months);
    /// P4 has no target.
    pub fn target_days(self) -> Option<i64> {
        match self {
            Priority::P1 => Some(3),
            Priority::P2 => Some(28),
            Priority::P3 => Some(91),
            Priority::P4 => None,
        }
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Hard safe-working-hours limits (SPEC.md 2.1), in minutes. `None` switches a rule off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Longest shift, first duty start to last duty end, minutes (`max_shift_hours`, default 13 h).
    pub max_shift_minutes: Option<i64>,
    /// Rest that separates two shifts, minutes (`min_rest_hours`, default 11 h).
    pub min_rest_minutes: Option<i64>,
    /// Duty minutes starting in any 7 consecutive days (`max_hours_per_7_days`, default 72 h).
    pub max_minutes_per_7_days: Option<i64>,
    /// Average weekly hours, in minutes: duty over the horizon ≤ this × horizon_days / 7.
    pub max_average_weekly_minutes: Option<i64>,
    /// Longest run of calendar days with a duty starting on each, days (`max_consecutive_days`,
    /// default 7).
    pub max_consecutive_days: Option<i64>,
    /// Per-date cap on a surgeon's operating minutes where `surgeon.max_operating_minutes` gives
    /// none (`max_operating_minutes_per_day`, default none).
    pub max_operating_minutes_per_day: Option<i64>,
    /// Minutes added after every case when filling a session (`turnaround_minutes`, default 15).
    pub turnaround_minutes: i64,
    /// Rule 6: a surgeon is in one place at a time (`no_overlapping_duties`, default `true`).
    pub no_overlapping_duties: bool,
    /// `keep_notified_days` (SPEC.md section 8, rule 11): a live, notified booking whose session
    /// date is before `horizon_start` + this many days must be kept; `None` = off (the default).
    pub keep_notified_days: Option<i64>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_shift_minutes: Some(13 * 60),
            min_rest_minutes: Some(11 * 60),
            max_minutes_per_7_days: Some(72 * 60),
            max_average_weekly_minutes: Some(48 * 60),
            max_consecutive_days: Some(7),
            max_operating_minutes_per_day: None,
            turnaround_minutes: 15,
            no_overlapping_duties: true,
            keep_notified_days: None,
        }
    }
}

/// Objective weights (SPEC.md 4), all non-negative integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// Cost points per day from `earliest` to the new date, by priority P1–P4 (`wait_per_day`,
    /// default 8, 4, 2, 1).
    pub wait_per_day: [i64; 4],
    /// One-off cost points when a case cancelled on the day is rebooked after `original_date + 28`
    /// (`breach.cancelled_on_day`, default 60).
    pub breach_cancelled_on_day: i64,
    /// One-off cost points when a case is rebooked after its clinical-priority target from `listed`
    /// (`breach.priority`, default 40).
    pub breach_priority: i64,
    /// One-off cost points when a case is rebooked after `referral + 126` days, the 18-week target
    /// (`breach.rtt`, default 20).
    pub breach_rtt: i64,
    /// Cost points of leaving a case unscheduled, by priority P1–P4 (`unscheduled`, default 5000,
    /// 2000, 1000, 500).
    pub unscheduled: [i64; 4],
    /// Cost points per theatre beyond the first in which a surgeon operates rebooked cases on one
    /// date (`theatre_switch`, default 0).
    pub theatre_switch: i64,
    /// `moved.notified` (SPEC.md section 8): one-off cost of a notified patient whose live
    /// booking is not kept, cost points (default 100).
    pub moved_notified: i64,
    /// `moved.unnotified`: the same for a booked patient not yet told, cost points (default 0).
    pub moved_unnotified: i64,
    /// `breach.repeat_cancellation` (SPEC.md section 8): one-off cost when a case with
    /// `times_cancelled ≥ 2` is scheduled after `original_date + 28`, cost points (default 60).
    pub breach_repeat_cancellation: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            wait_per_day: [8, 4, 2, 1],
            breach_cancelled_on_day: 60,
            breach_priority: 40,
            breach_rtt: 20,
            unscheduled: [5000, 2000, 1000, 500],
            theatre_switch: 0,
            moved_notified: 100,
            moved_unnotified: 0,
            breach_repeat_cancellation: 60,
        }
    }
}

/// An operating theatre (`theatres[]` of the instance file).
#[derive(Debug, Clone)]
pub struct Theatre {
    /// Theatre id (`id`), unique in the instance.
    pub id: String,
    /// The hospital site it belongs to (`site`, optional).
    pub site: Option<String>,
    /// Specialties the theatre is equipped for (`specialties`): a case needs its specialty here.
    pub specialties: BTreeSet<String>,
}

/// Fixed, already-rostered work of a surgeon (clinic, on-call, another list).
#[derive(Debug, Clone)]
pub struct Duty {
    /// Date the duty is given on (`date`), the local date it starts.
    pub date: NaiveDate,
    /// Start, absolute UTC minute (`start` on `date`).
    pub start: Minute,
    /// End, absolute UTC minute (`end`; at or before `start` means the next day).
    pub end: Minute,
    /// What the duty is (`kind`, free text such as `clinic`, optional); shown in messages.
    pub kind: Option<String>,
}

/// A consultant surgeon (`surgeons[]`): the specialties they operate and their fixed roster.
#[derive(Debug, Clone)]
pub struct Surgeon {
    /// Surgeon id (`id`), unique in the instance.
    pub id: String,
    /// Display name (`name`, optional).
    pub name: Option<String>,
    /// Specialties the surgeon holds (`specialties`): they operate only cases of these.
    pub specialties: BTreeSet<String>,
    /// Fixed, already-rostered work (`duties`, default none), in file order.
    pub duties: Vec<Duty>,
    /// Dates the surgeon cannot operate (`unavailable`, default none).
    pub unavailable: BTreeSet<NaiveDate>,
    /// Per-date cap on operating minutes, Σ case durations (`max_operating_minutes`, default none;
    /// `0` = cannot operate); other dates fall back to [`Rules::max_operating_minutes_per_day`].
    pub max_operating_minutes: BTreeMap<NaiveDate, i64>,
}

impl Surgeon {
    /// Does the surgeon hold `specialty`?
    pub fn holds(&self, specialty: &str) -> bool {
        self.specialties.contains(specialty)
    }
}

/// A theatre session (list) on one date (`sessions[]`) that may take rebooked cases.
#[derive(Debug, Clone)]
pub struct Session {
    /// Session id (`id`), unique in the instance.
    pub id: String,
    /// Index into [`Instance::theatres`] (`theatre`).
    pub theatre: usize,
    /// Date of the list (`date`), within the horizon.
    pub date: NaiveDate,
    /// Wall-clock start as written (`start`, `HH:MM`), kept for output.
    pub start_clock: chrono::NaiveTime,
    /// Wall-clock end as written (`end`, `HH:MM`), kept for output.
    pub end_clock: chrono::NaiveTime,
    /// Start, absolute UTC minute (`start` on `date`).
    pub start: Minute,
    /// End, absolute UTC minute (`end` on `date`, after `start`).
    pub end: Minute,
    /// Minutes still bookable, the block at the end of the list (`free_minutes`, default `end −
    /// start`).
    pub free_minutes: i64,
    /// The list's owner, or `None` for an unstaffed (extra) list.
    pub owner: Option<usize>,
    /// Only cases of this specialty, if set (`specialty`, default none).
    pub specialty: Option<String>,
    /// Several surgeons may operate in it (`shared`, default `false`: at most one).
    pub shared: bool,
    /// Cost points paid once if the list receives at least one case (`open_cost`, default 0).
    pub open_cost: i64,
}

impl Session {
    /// Elapsed length of the list in minutes.
    pub fn length(&self) -> i64 {
        self.end - self.start
    }
    /// Minutes already booked before the strike (`end − start − free_minutes`).
    pub fn booked_minutes(&self) -> i64 {
        self.length() - self.free_minutes
    }
    /// First minute of the free block at the end of the list.
    pub fn free_start(&self) -> Minute {
        self.end - self.free_minutes
    }
}

/// A cancelled non-urgent case to rebook (`procedures[]`).
#[derive(Debug, Clone)]
pub struct Procedure {
    /// Procedure id (`id`), unique in the instance.
    pub id: String,
    /// Patient pseudonym (`patient`, optional).
    pub patient: Option<String>,
    /// Specialty (`specialty`): the theatre, the session and the surgeon must match it.
    pub specialty: String,
    /// Name of the procedure (`name`, e.g. `TURP`, optional).
    pub name: Option<String>,
    /// Operating time, minutes (`duration`), turnaround not included.
    pub duration: i64,
    /// Named consultant, or `None` for a pooled case.
    pub surgeon: Option<usize>,
    /// Clinical priority (`priority`).
    pub priority: Priority,
    /// Referral date (`referral`, optional): the 18-week target is 126 days after it; `None`
    /// switches that breach off.
    pub referral: Option<NaiveDate>,
    /// Date listed for surgery (`listed`, optional): the priority target counts from it; `None`
    /// switches that breach off.
    pub listed: Option<NaiveDate>,
    /// Date of the cancelled booking (`original_date`, optional): the 28-day rule and the reported
    /// waits count from it; `None` switches the 28-day breach off.
    pub original_date: Option<NaiveDate>,
    /// Cancelled on the day (`cancelled_on_day`, default `false`): the 28-day rule applies.
    pub cancelled_on_day: bool,
    /// First date the case may be rebooked (`earliest`, default the horizon start); the wait cost
    /// counts from it.
    pub earliest: NaiveDate,
    /// Hard last date (`deadline`, default none): a case with one must be scheduled by it.
    pub deadline: Option<NaiveDate>,
    /// Dates the patient cannot attend (`unavailable`, default none).
    pub unavailable: BTreeSet<NaiveDate>,
    /// The booking of the published plan, if any (SPEC.md section 8).
    pub booked: Option<Booking>,
    /// Non-clinical cancellations so far, the latest included (`times_cancelled`, default 1).
    pub times_cancelled: u32,
}

/// A case's booking in the published plan (SPEC.md section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The booked session's id, as written in the instance.
    pub session_id: String,
    /// Index into [`Instance::sessions`] when the booking is **live** (its session is in the
    /// instance); `None` when it is **void** (the list was lost to the strike).
    pub session: Option<usize>,
    /// The patient has been told the date (`notified`, default `true`).
    pub notified: bool,
}

/// Why a case may not go into a list with a surgeon (rule 2 and ownership, SPEC.md sections 2
/// and 3), as [`Instance::ineligibility`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The list's date is before `earliest` or after the deadline or the horizon's end.
    OutsideWindow,
    /// The patient cannot attend that date.
    PatientUnavailable,
    /// The surgeon is unavailable that date.
    SurgeonUnavailable,
    /// The list's theatre is not equipped for the case's specialty.
    TheatreNotEquipped,
    /// The list is reserved for another specialty.
    ListSpecialty,
    /// The surgeon does not hold the case's specialty.
    SurgeonLacksSpecialty,
    /// The case names another surgeon.
    NotTheNamedSurgeon,
    /// The list belongs to another surgeon.
    NotTheOwner,
    /// The case with its turnaround needs more than the list's free minutes.
    TooLongForTheList,
    /// The surgeon's operating cap that day is 0.
    CannotOperateThatDay,
}

impl Procedure {
    /// The session of the case's live booking, if it has one.
    pub fn live_booking(&self) -> Option<usize> {
        self.booked.as_ref().and_then(|b| b.session)
    }

    /// Whether the case has a booking whose list was lost (void).
    pub fn void_booking(&self) -> bool {
        self.booked.as_ref().is_some_and(|b| b.session.is_none())
    }

    /// The one-off cost of not assigning the case to its live booking's session
    /// (`objective.moved`, SPEC.md section 8); 0 without a live booking.
    pub fn moved_cost(&self, weights: &Weights) -> i64 {
        match &self.booked {
            Some(Booking {
                session: Some(_),
                notified: true,
                ..
            }) => weights.moved_notified,
            Some(Booking {
                session: Some(_),
                notified: false,
                ..
            }) => weights.moved_unnotified,
            _ => 0,
        }
    }

    /// Last date the case may be rebooked: `min(deadline, horizon.end)`.
    pub fn latest(&self, horizon_end: NaiveDate) -> NaiveDate {
        match self.deadline {
            Some(d) if d < horizon_end => d,
            _ => horizon_end,
        }
    }
}

/// One trust's validated instance (`rebook-instance/1`); cross-references are indices into its
/// vectors.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Trust id (`trust.id`, e.g. `RVV`).
    pub trust_id: String,
    /// Trust name (`trust.name`, optional).
    pub trust_name: Option<String>,
    /// Time zone of every wall-clock time (`timezone`, default `Europe/London`).
    pub timezone: Tz,
    /// First date of the horizon (`horizon.start`).
    pub horizon_start: NaiveDate,
    /// Last date of the horizon, included (`horizon.end`).
    pub horizon_end: NaiveDate,
    /// Hard limits (`rules`), defaults filled in.
    pub rules: Rules,
    /// Objective weights (`objective`), defaults filled in.
    pub weights: Weights,
    /// Theatres (`theatres`), in file order.
    pub theatres: Vec<Theatre>,
    /// Surgeons (`surgeons`), in file order.
    pub surgeons: Vec<Surgeon>,
    /// Sessions (`sessions`), in file order.
    pub sessions: Vec<Session>,
    /// Procedures (`procedures`), in file order.
    pub procedures: Vec<Procedure>,
}

impl Instance {
    /// Minutes already booked before the strike (`end − start − free_minutes`) of the owned
    /// lists, per (owner, date): what counts towards the owner's operating cap (rule 5).
    pub fn owned_booked_minutes(&self) -> BTreeMap<(usize, NaiveDate), i64> {
        let mut booked = BTreeMap::new();
        for sess in &self.sessions {
            if let Some(o) = sess.owner {
                *booked.entry((o, sess.date)).or_insert(0) += sess.booked_minutes();
            }
        }
        booked
    }

    /// The session a case must be kept in (rule 11, SPEC.md section 8): its live booking when
    /// that booking is notified and its session's date is before `horizon_start +
    /// keep_notified_days`; `None` for every other case (and when the rule is off).
    pub fn must_keep(&self, p: usize) -> Option<usize> {
        let days = self.rules.keep_notified_days?;
        let booking = self.procedures[p].booked.as_ref()?;
        let k = booking.session?;
        let keep_before = self.horizon_start + chrono::Days::new(days.max(0) as u64);
        (booking.notified && self.sessions[k].date < keep_before).then_some(k)
    }

    /// Days in the horizon, both ends counted.
    pub fn horizon_days(&self) -> i64 {
        (self.horizon_end - self.horizon_start).num_days() + 1
    }

    /// Is `d` within the horizon, both ends included?
    pub fn in_horizon(&self, d: NaiveDate) -> bool {
        self.horizon_start <= d && d <= self.horizon_end
    }

    /// Operating-minute cap of surgeon `s` on `date`, if any.
    pub fn operating_cap(&self, s: usize, date: NaiveDate) -> Option<i64> {
        self.surgeons[s]
            .max_operating_minutes
            .get(&date)
            .copied()
            .or(self.rules.max_operating_minutes_per_day)
    }

    /// Could case `p` be operated in session `k` by surgeon `s`, ignoring capacity and the
    /// safe-hours rules? (SPEC.md section 3, rule 2, plus the ownership rule of section 2.)
    pub fn statically_eligible(&self, p: usize, k: usize, s: usize) -> bool {
        self.ineligibility(p, k, s).is_none()
    }

    /// The first condition of [`Instance::statically_eligible`] that keeps case `p` out of
    /// session `k` with surgeon `s`, in the order they are checked; `None` when it is eligible.
    pub fn ineligibility(&self, p: usize, k: usize, s: usize) -> Option<Ineligible> {
        let proc_ = &self.procedures[p];
        let sess = &self.sessions[k];
        let surgeon = &self.surgeons[s];
        if sess.date < proc_.earliest || sess.date > proc_.latest(self.horizon_end) {
            return Some(Ineligible::OutsideWindow);
        }
        if proc_.unavailable.contains(&sess.date) {
            return Some(Ineligible::PatientUnavailable);
        }
        if surgeon.unavailable.contains(&sess.date) {
            return Some(Ineligible::SurgeonUnavailable);
        }
        if !self.theatres[sess.theatre].specialties.contains(&proc_.specialty) {
            return Some(Ineligible::TheatreNotEquipped);
        }
        if sess.specialty.as_ref().is_some_and(|sp| *sp != proc_.specialty) {
            return Some(Ineligible::ListSpecialty);
        }
        if !surgeon.holds(&proc_.specialty) {
            return Some(Ineligible::SurgeonLacksSpecialty);
        }
        if proc_.surgeon.is_some_and(|named| named != s) {
            return Some(Ineligible::NotTheNamedSurgeon);
        }
        if sess.owner.is_some_and(|owner| owner != s) {
            return Some(Ineligible::NotTheOwner);
        }
        if proc_.duration + self.rules.turnaround_minutes > sess.free_minutes {
            return Some(Ineligible::TooLongForTheList);
        }
        if self.operating_cap(s, sess.date) == Some(0) {
            return Some(Ineligible::CannotOperateThatDay);
        }
        None
    }

    /// The surgeons who could operate case `p` in session `k` (ignoring capacity and limits).
    pub fn eligible_surgeons(&self, p: usize, k: usize) -> Vec<usize> {
        let candidates: Vec<usize> = match (self.sessions[k].owner, self.procedures[p].surgeon) {
            (Some(o), _) => vec![o],
            (None, Some(n)) => vec![n],
            (None, None) => (0..self.surgeons.len()).collect(),
        };
        candidates
            .into_iter()
            .filter(|&s| self.statically_eligible(p, k, s))
            .collect()
    }

    /// Index of the procedure with id `id`, if any.
    pub fn procedure_index(&self, id: &str) -> Option<usize> {
        self.procedures.iter().position(|p| p.id == id)
    }
}
