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
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        ["P1", "P2", "P3", "P4"][self.index()]
    }

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
    pub max_shift_minutes: Option<i64>,
    pub min_rest_minutes: Option<i64>,
    pub max_minutes_per_7_days: Option<i64>,
    /// Average weekly hours, in minutes: duty over the horizon ≤ this × horizon_days / 7.
    pub max_average_weekly_minutes: Option<i64>,
    pub max_consecutive_days: Option<i64>,
    pub max_operating_minutes_per_day: Option<i64>,
    pub turnaround_minutes: i64,
    pub no_overlapping_duties: bool,
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
        }
    }
}

/// Objective weights (SPEC.md 4), all non-negative integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    pub wait_per_day: [i64; 4],
    pub breach_cancelled_on_day: i64,
    pub breach_priority: i64,
    pub breach_rtt: i64,
    pub unscheduled: [i64; 4],
    pub theatre_switch: i64,
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
        }
    }
}

#[derive(Debug, Clone)]
pub struct Theatre {
    pub id: String,
    pub site: Option<String>,
    pub specialties: BTreeSet<String>,
}

/// Fixed, already-rostered work of a surgeon (clinic, on-call, another list).
#[derive(Debug, Clone)]
pub struct Duty {
    pub date: NaiveDate,
    pub start: Minute,
    pub end: Minute,
    pub kind: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Surgeon {
    pub id: String,
    pub name: Option<String>,
    pub specialties: BTreeSet<String>,
    pub duties: Vec<Duty>,
    pub unavailable: BTreeSet<NaiveDate>,
    pub max_operating_minutes: BTreeMap<NaiveDate, i64>,
}

impl Surgeon {
    pub fn holds(&self, specialty: &str) -> bool {
        self.specialties.contains(specialty)
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub theatre: usize,
    pub date: NaiveDate,
    /// Wall-clock start and end as written (`HH:MM`), kept for output.
    pub start_clock: chrono::NaiveTime,
    pub end_clock: chrono::NaiveTime,
    pub start: Minute,
    pub end: Minute,
    pub free_minutes: i64,
    /// The list's owner, or `None` for an unstaffed (extra) list.
    pub owner: Option<usize>,
    pub specialty: Option<String>,
    pub shared: bool,
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

#[derive(Debug, Clone)]
pub struct Procedure {
    pub id: String,
    pub patient: Option<String>,
    pub specialty: String,
    pub name: Option<String>,
    pub duration: i64,
    /// Named consultant, or `None` for a pooled case.
    pub surgeon: Option<usize>,
    pub priority: Priority,
    pub referral: Option<NaiveDate>,
    pub listed: Option<NaiveDate>,
    pub original_date: Option<NaiveDate>,
    pub cancelled_on_day: bool,
    pub earliest: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub unavailable: BTreeSet<NaiveDate>,
}

impl Procedure {
    /// Last date the case may be rebooked: `min(deadline, horizon.end)`.
    pub fn latest(&self, horizon_end: NaiveDate) -> NaiveDate {
        match self.deadline {
            Some(d) if d < horizon_end => d,
            _ => horizon_end,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub trust_id: String,
    pub trust_name: Option<String>,
    pub timezone: Tz,
    pub horizon_start: NaiveDate,
    pub horizon_end: NaiveDate,
    pub rules: Rules,
    pub weights: Weights,
    pub theatres: Vec<Theatre>,
    pub surgeons: Vec<Surgeon>,
    pub sessions: Vec<Session>,
    pub procedures: Vec<Procedure>,
}

impl Instance {
    /// Days in the horizon, both ends counted.
    pub fn horizon_days(&self) -> i64 {
        (self.horizon_end - self.horizon_start).num_days() + 1
    }

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
        let proc_ = &self.procedures[p];
        let sess = &self.sessions[k];
        let surgeon = &self.surgeons[s];
        if sess.date < proc_.earliest || sess.date > proc_.latest(self.horizon_end) {
            return false;
        }
        if proc_.unavailable.contains(&sess.date) || surgeon.unavailable.contains(&sess.date) {
            return false;
        }
        if !self.theatres[sess.theatre].specialties.contains(&proc_.specialty) {
            return false;
        }
        if let Some(sp) = &sess.specialty {
            if *sp != proc_.specialty {
                return false;
            }
        }
        if !surgeon.holds(&proc_.specialty) {
            return false;
        }
        if let Some(named) = proc_.surgeon {
            if named != s {
                return false;
            }
        }
        if let Some(owner) = sess.owner {
            if owner != s {
                return false;
            }
        }
        if proc_.duration + self.rules.turnaround_minutes > sess.free_minutes {
            return false;
        }
        if self.operating_cap(s, sess.date) == Some(0) {
            return false;
        }
        true
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

    pub fn procedure_index(&self, id: &str) -> Option<usize> {
        self.procedures.iter().position(|p| p.id == id)
    }
}
