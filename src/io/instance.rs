//! The `rebook-instance/1` JSON format (SPEC.md section 2) as serde types.
//!
//! These types mirror the file, not the domain: dates and times stay text and numbers stay wide
//! signed integers, so that [`crate::io::validate`](mod@crate::io::validate) can report *every* bad value with its JSON
//! path instead of stopping at the first. Unknown fields are rejected (`deny_unknown_fields`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The `format` value of an instance file (SPEC.md section 2).
pub const INSTANCE_FORMAT: &str = "rebook-instance/1";

/// One trust's instance file, `rebook-instance/1`, as written (SPEC.md section 2).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    /// `format`: must be [`INSTANCE_FORMAT`] (E003 otherwise).
    pub format: String,
    /// `trust`: the trust the file plans for.
    pub trust: TrustDto,
    /// `timezone`: the IANA name in which dates and `HH:MM` times are read; default `Europe/London`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `horizon`: the first and last dates that can be planned.
    pub horizon: HorizonDto,
    /// `rules`: the hard limits of SPEC.md 2.1; every field optional.
    #[serde(default, skip_serializing_if = "RulesDto::is_empty")]
    pub rules: RulesDto,
    /// `objective`: overrides of the cost weights of SPEC.md section 4; every field optional.
    #[serde(default, skip_serializing_if = "ObjectiveDto::is_empty")]
    pub objective: ObjectiveDto,
    /// `theatres`: the theatres the sessions run in.
    pub theatres: Vec<TheatreDto>,
    /// `surgeons`: the consultants, with their rosters and limits.
    pub surgeons: Vec<SurgeonDto>,
    /// `sessions`: the theatre lists that cases can be booked into.
    pub sessions: Vec<SessionDto>,
    /// `procedures`: the cancelled cases to rebook.
    pub procedures: Vec<ProcedureDto>,
}

/// `trust`: the NHS trust an instance belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrustDto {
    /// `trust.id`: the trust's code (e.g. `RVV`); must not be empty (E115).
    pub id: String,
    /// `trust.name`: the trust's full name, for reports; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `horizon`: the planning window, both ends included.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HorizonDto {
    /// `horizon.start`: the first date (`YYYY-MM-DD`), and the default `earliest` of every case.
    pub start: String,
    /// `horizon.end`: the last date (`YYYY-MM-DD`), not before the start and at most 366 days after it
    /// (E110).
    pub end: String,
}

/// A rule that is absent (default), `null` (switched off) or set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Setting<T> {
    /// The field is absent: the rule takes its default.
    #[default]
    Default,
    /// The field is `null`: the rule is switched off.
    Off,
    /// The field holds a value.
    Set(T),
}

impl<T> Setting<T> {
    /// Whether the field is absent (it is then left out when written).
    pub fn is_default(&self) -> bool {
        matches!(self, Setting::Default)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Setting<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only called when the field is present: absent fields take `Default` via #[serde(default)].
        Ok(match Option::<T>::deserialize(d)? {
            None => Setting::Off,
            Some(v) => Setting::Set(v),
        })
    }
}

impl<T: Serialize> Serialize for Setting<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Setting::Set(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

/// `rules`: the hard limits of SPEC.md 2.1 as written. An absent field takes its default, `null`
/// switches the rule off.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RulesDto {
    /// `max_shift_hours`: longest shift, first duty start to last duty end, in hours (default 13).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_shift_hours: Setting<f64>,
    /// `min_rest_hours`: the rest, in hours, that separates two shifts (default 11).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub min_rest_hours: Setting<f64>,
    /// `max_hours_per_7_days`: duty hours starting in any 7 consecutive days (default 72).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_hours_per_7_days: Setting<f64>,
    /// `max_average_weekly_hours`: duty hours over the horizon ≤ this × horizon_days / 7
    /// (default 48).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_average_weekly_hours: Setting<f64>,
    /// `max_consecutive_days`: longest run of calendar days with a duty starting on each, in days
    /// (default 7).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_consecutive_days: Setting<i64>,
    /// `max_operating_minutes_per_day`: the default of `surgeon.max_operating_minutes`, in minutes
    /// of case durations a day (default none).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_operating_minutes_per_day: Setting<i64>,
    /// `turnaround_minutes`: minutes added after every case when filling a session (default 15).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub turnaround_minutes: Setting<i64>,
    /// `no_overlapping_duties`: a surgeon is in one place at a time, SPEC.md 3 rule 6; absent or
    /// `null` means the default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_overlapping_duties: Option<bool>,
    /// `keep_notified_days` (SPEC.md section 8, rule 11): a live, notified booking whose session
    /// date is before `horizon.start` + this many days must be kept. Default `null` (off).
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub keep_notified_days: Setting<i64>,
}

impl RulesDto {
    /// Whether every rule is absent (the block is then left out when written).
    pub fn is_empty(&self) -> bool {
        *self == RulesDto::default()
    }
}

/// `objective`: overrides of the cost weights of SPEC.md section 4, in cost points, key by key;
/// what is left out keeps its default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveDto {
    /// `objective.wait_per_day`: cost points per day from `earliest` to the date scheduled, by
    /// priority key `P1`…`P4` (default `{P1: 8, P2: 4, P3: 2, P4: 1}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub wait_per_day: BTreeMap<String, i64>,
    /// `objective.breach`: the one-off penalties for a case scheduled after a target date.
    #[serde(default, skip_serializing_if = "BreachDto::is_empty")]
    pub breach: BreachDto,
    /// `objective.unscheduled`: cost points of a case left unscheduled, by priority key (default
    /// `{P1: 5000, P2: 2000, P3: 1000, P4: 500}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unscheduled: BTreeMap<String, i64>,
    /// `objective.theatre_switch`: cost points per theatre beyond the first that a surgeon operates
    /// rebooked cases in on one date (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theatre_switch: Option<i64>,
    /// `moved` (SPEC.md section 8): one-off cost points for each case with a live booking not
    /// assigned to its booked session; defaults `notified` 100, `unnotified` 0.
    #[serde(default, skip_serializing_if = "MovedDto::is_empty")]
    pub moved: MovedDto,
}

/// `objective.moved` of an instance file (SPEC.md section 8): the cost of moving a booked patient.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MovedDto {
    /// Cost points for moving a patient who was told the date (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified: Option<i64>,
    /// Cost points for moving a booked patient not yet told (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unnotified: Option<i64>,
}

impl MovedDto {
    /// Whether no weight is given (the block is then left out when written).
    pub fn is_empty(&self) -> bool {
        *self == MovedDto::default()
    }
}

impl ObjectiveDto {
    /// Whether nothing is overridden (the block is then left out when written).
    pub fn is_empty(&self) -> bool {
        *self == ObjectiveDto::default()
    }
}

/// `objective.breach`: the one-off breach penalties of SPEC.md section 4, in cost points.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BreachDto {
    /// `breach.cancelled_on_day`: a case cancelled on the day and scheduled after
    /// `original_date + 28` days (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_on_day: Option<i64>,
    /// `breach.priority`: a case scheduled after `listed` + its priority's target (P1 3, P2 28,
    /// P3 91 days; P4 none) (default 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// `breach.rtt`: a case scheduled after the 18-week referral-to-treatment target,
    /// `referral + 126` days (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt: Option<i64>,
    /// `breach.repeat_cancellation` (SPEC.md section 8): cost points when a case cancelled at
    /// least twice is scheduled after `original_date + 28` (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_cancellation: Option<i64>,
}

impl BreachDto {
    /// Whether no penalty is overridden (the block is then left out when written).
    pub fn is_empty(&self) -> bool {
        *self == BreachDto::default()
    }
}

/// One entry of `theatres`: an operating theatre.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TheatreDto {
    /// `id`: unique among theatres; what `session.theatre` refers to.
    pub id: String,
    /// `site`: the hospital it stands in, for reports; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// `specialties`: what the theatre is equipped for; a case needs its specialty here.
    pub specialties: Vec<String>,
}

/// One entry of `surgeon.duties`: fixed, already-rostered work (clinic, on-call, another list).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DutyDto {
    /// `date`: the date the duty starts (`YYYY-MM-DD`); it may lie outside the horizon.
    pub date: String,
    /// `start`: `HH:MM` wall-clock time in the instance's time zone.
    pub start: String,
    /// `end`: `HH:MM` wall-clock time; an `end` ≤ `start` means the next day.
    pub end: String,
    /// `kind`: what the duty is (e.g. `clinic`), for reports; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// One entry of `surgeons`: a consultant who may operate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SurgeonDto {
    /// `id`: unique among surgeons; what sessions' and procedures' `surgeon` refer to.
    pub id: String,
    /// `name`: the surgeon's name, for reports; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `specialties`: the specialties the surgeon holds and may operate in.
    pub specialties: Vec<String>,
    /// `duties`: fixed work already on the roster, counted by the safe-hours rules; default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<DutyDto>,
    /// `unavailable`: dates (`YYYY-MM-DD`) the surgeon cannot operate; default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
    /// `max_operating_minutes`: per-date cap (date → minutes of case durations, `0` = cannot
    /// operate); a date not given takes `rules.max_operating_minutes_per_day`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max_operating_minutes: BTreeMap<String, i64>,
}

/// One entry of `sessions`: a theatre list on one date.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionDto {
    /// `id`: unique among sessions; named in the schedule's assignments.
    pub id: String,
    /// `theatre`: the id of the theatre the list runs in.
    pub theatre: String,
    /// `date`: `YYYY-MM-DD`; outside the horizon the list is ignored (W205), or E107 when a case
    /// is booked into it.
    pub date: String,
    /// `start`: `HH:MM` wall-clock time in the instance's time zone.
    pub start: String,
    /// `end`: `HH:MM` wall-clock time, after `start` on the same date (E104).
    pub end: String,
    /// `free_minutes`: minutes still bookable, the end of the list; default `end − start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_minutes: Option<i64>,
    /// `surgeon`: the list's owner, who operates every case in it; `null` (default) = an unstaffed
    /// list, staffed by the surgeon of a case put in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surgeon: Option<String>,
    /// `specialty`: if set, the list takes only that specialty's cases; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialty: Option<String>,
    /// `shared`: several surgeons may operate in the list; default `false` (at most one).
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared: bool,
    /// `open_cost`: cost points paid once if the list receives a case (a list that would otherwise
    /// not run); default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub open_cost: i64,
}

/// One entry of `procedures`: a cancelled case to rebook.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDto {
    /// `id`: unique among procedures; named in the schedule.
    pub id: String,
    /// `patient`: the patient's pseudonym, carried to the assignments CSV; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// `specialty`: what the case needs from the theatre, the session and the surgeon.
    pub specialty: String,
    /// `name`: the procedure's name (e.g. `TURP`), for reports; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `duration`: theatre time in whole minutes, 1 to 1440 (E111), turnaround not included.
    pub duration: i64,
    /// `surgeon`: the named consultant; `null` (default) = a pooled case, for any surgeon holding
    /// the specialty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surgeon: Option<String>,
    /// `priority`: `P1`…`P4`, the surgical colleges' clinical priority (E114 otherwise).
    pub priority: String,
    /// `referral`: the referral date, start of the 18-week RTT target; absent = no RTT breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    /// `listed`: the date the case was listed, start of its priority target; absent = no priority
    /// breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<String>,
    /// `original_date`: the date of the cancelled booking, start of the 28-day rule; absent = no
    /// 28-day breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_date: Option<String>,
    /// `cancelled_on_day`: cancelled on the day of surgery, so the 28-day rule applies; default
    /// `false`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cancelled_on_day: bool,
    /// `earliest`: the first date the case may be rebooked, from which its wait counts; default
    /// `horizon.start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    /// `deadline`: hard last date (a mandatory case); default none, the case may then be left
    /// unscheduled at a cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// `unavailable`: dates the patient cannot attend; default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
    /// `booked` (SPEC.md section 8): the list the published plan booked this case into. Live when
    /// its session is in the instance, void otherwise (the list was lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked: Option<BookedDto>,
    /// `times_cancelled` (SPEC.md section 8): non-clinical cancellations so far, the latest
    /// included; default 1, at least 1 (E118).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times_cancelled: Option<i64>,
}

/// `procedure.booked` of an instance file (SPEC.md section 8).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BookedDto {
    /// The id of the session the published plan booked the case into.
    pub session: String,
    /// Whether the patient has been told the date (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified: Option<bool>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &i64) -> bool {
    *n == 0
}
