//! The IHTC-2024 benchmark (Integrated Healthcare Timetabling Competition 2024): its instances
//! projected onto our contract (SPEC.md section 7), an independent scorer of the surgical cost of
//! any IHTC solution, and the export of a rebook schedule to the IHTC solution shape.
//!
//! Only the surgical case planning part is read: `days`, `weights` (`open_operating_theater`,
//! `surgeon_transfer`, `patient_delay`, `unscheduled_optional`), `patients` (`id`, `mandatory`,
//! `surgery_release_day`, `surgery_due_day` for mandatory patients, `surgery_duration`,
//! `surgeon_id`), `surgeons` (`id`, `max_surgery_time`) and `operating_theaters` (`id`,
//! `availability`). Rooms, nurses, occupants, genders and ages are ignored (unknown fields are
//! accepted here on purpose: the files carry far more than we read).
//!
//! Decisions where SPEC.md section 7 leaves a choice: day *k* is `2024-01-01 + k` in time zone
//! `UTC`; every procedure has specialty `surgery` and priority `P3` (all priorities carry the same
//! IHTC weights, and no breach applies because no referral, listing or original date exists);
//! a session starts at 08:00 (00:00 if it would run past midnight).

pub mod score;

use crate::io::instance::{
    HorizonDto, InstanceFile, ObjectiveDto, ProcedureDto, RulesDto, SessionDto, Setting, SurgeonDto, TheatreDto,
    TrustDto, INSTANCE_FORMAT,
};
use crate::io::json;
use crate::io::schedule::ScheduleFile;
use crate::model::time::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The first day of every imported horizon.
pub const DAY_ZERO: &str = "2024-01-01";
/// The largest cost weight an imported instance may give (IHTC-2024's are at most 500).
pub const MAX_WEIGHT: i64 = 1_000_000;
/// The single specialty of imported cases.
pub const SPECIALTY: &str = "surgery";

/// The surgical part of an IHTC-2024 instance file (the rest is ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct IhtcInstance {
    /// `days`: the horizon's length in days, 1 to 366; day indices run from 0.
    pub days: i64,
    /// `weights`: the cost weights of the surgical terms.
    pub weights: Weights,
    /// `patients`: the surgical cases.
    pub patients: Vec<Patient>,
    /// `surgeons`: the surgeons and their daily operating time.
    pub surgeons: Vec<Surgeon>,
    /// `operating_theaters`: the theatres and their daily opening.
    pub operating_theaters: Vec<Theater>,
}

/// The surgical weights of an IHTC instance, in cost points (its other weights are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct Weights {
    /// Cost of each (theatre, day) with a surgery; each session's `open_cost`.
    pub open_operating_theater: i64,
    /// Cost of each theatre beyond the first a surgeon operates in on one day; `theatre_switch`.
    pub surgeon_transfer: i64,
    /// Cost of each day from release to admission; `wait_per_day` of every priority.
    pub patient_delay: i64,
    /// Cost of each optional patient not admitted; `unscheduled` of every priority.
    pub unscheduled_optional: i64,
}

/// An IHTC patient: one surgical case.
#[derive(Debug, Clone, Deserialize)]
pub struct Patient {
    /// `id`: the patient's id, kept as the procedure's id.
    pub id: String,
    /// `mandatory`: must be admitted by `surgery_due_day` (the procedure's `deadline`).
    pub mandatory: bool,
    /// `surgery_release_day`: the first day index of admission (the procedure's `earliest`).
    pub surgery_release_day: i64,
    /// Present for mandatory patients only.
    #[serde(default)]
    pub surgery_due_day: Option<i64>,
    /// `surgery_duration`: surgery time in minutes.
    pub surgery_duration: i64,
    /// `surgeon_id`: the surgeon who must operate (the procedure's named surgeon).
    pub surgeon_id: String,
}

/// An IHTC surgeon.
#[derive(Debug, Clone, Deserialize)]
pub struct Surgeon {
    /// `id`: the surgeon's id, kept in the projection.
    pub id: String,
    /// `max_surgery_time`: operating minutes available on each day (one entry a day; 0 =
    /// unavailable).
    pub max_surgery_time: Vec<i64>,
}

/// An IHTC operating theatre.
#[derive(Debug, Clone, Deserialize)]
pub struct Theater {
    /// `id`: the theatre's id, kept in the projection.
    pub id: String,
    /// `availability`: minutes open on each day (one entry a day, 0 to 1440; 0 = closed).
    pub availability: Vec<i64>,
}

/// An IHTC solution (only the surgical part is read or written).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IhtcSolution {
    /// `patients`: one decision per patient.
    pub patients: Vec<PatientDecision>,
    /// `nurses`: the nurse assignments, read and kept unchecked; empty when rebook writes it.
    #[serde(default)]
    pub nurses: Vec<serde_json::Value>,
}

/// The decision for one patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatientDecision {
    /// `id`: the patient's id.
    pub id: String,
    /// A day index, or the string "none" for an unscheduled patient.
    pub admission_day: serde_json::Value,
    /// `room`: the ward room (outside our problem; never written by rebook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// `operating_theater`: the theatre of the surgery; absent for an unscheduled patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_theater: Option<String>,
}

impl PatientDecision {
    /// The admission day, `None` when unscheduled ("none" or null), `Err` when neither.
    pub fn day(&self) -> Result<Option<i64>, String> {
        match &self.admission_day {
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("patient {}: admission_day {n} is not a whole day", self.id)),
            serde_json::Value::String(s) if s == "none" => Ok(None),
            serde_json::Value::Null => Ok(None),
            other => Err(format!(
                "patient {}: admission_day {other} is neither a day nor \"none\"",
                self.id
            )),
        }
    }
}

/// Reads an IHTC instance; the error names the JSON path.
pub fn parse_instance(text: &str) -> Result<IhtcInstance, String> {
    let inst: IhtcInstance = json::parse(text).map_err(|e| e.to_string())?;
    check_shape(&inst)?;
    Ok(inst)
}

/// Reads an IHTC solution; the error names the JSON path.
pub fn parse_solution(text: &str) -> Result<IhtcSolution, String> {
    json::parse(text).map_err(|e| e.to_string())
}

/// Minutes in a day: the most a theatre, a surgeon or an operation can take in one.
const DAY_MINUTES: i64 = 1440;

/// The first of `minutes` outside 0 to [`DAY_MINUTES`].
fn outside_a_day<'a>(minutes: impl IntoIterator<Item = &'a i64>) -> Option<i64> {
    minutes.into_iter().copied().find(|m| !(0..=DAY_MINUTES).contains(m))
}

/// Lengths and ranges the projection relies on.
fn check_shape(inst: &IhtcInstance) -> Result<(), String> {
    let days = inst.days;
    if !(1..=366).contains(&days) {
        return Err(format!("days = {days}: expected 1 to 366"));
    }
    // Bounds that keep the scorer's sums and products of minutes and weights far from overflow.
    let w = &inst.weights;
    for (name, weight) in [
        ("open_operating_theater", w.open_operating_theater),
        ("surgeon_transfer", w.surgeon_transfer),
        ("patient_delay", w.patient_delay),
        ("unscheduled_optional", w.unscheduled_optional),
    ] {
        if !(0..=MAX_WEIGHT).contains(&weight) {
            return Err(format!("weights.{name} = {weight}: expected 0 to {MAX_WEIGHT}"));
        }
    }
    for s in &inst.surgeons {
        if let Some(m) = outside_a_day(&s.max_surgery_time) {
            return Err(format!(
                "surgeon {}: max_surgery_time {m} is not 0 to {DAY_MINUTES} minutes",
                s.id
            ));
        }
        if s.max_surgery_time.len() as i64 != days {
            return Err(format!(
                "surgeon {}: max_surgery_time has {} entries for {days} days",
                s.id,
                s.max_surgery_time.len()
            ));
        }
    }
    for t in &inst.operating_theaters {
        if t.availability.len() as i64 != days {
            return Err(format!(
                "operating theater {}: availability has {} entries for {days} days",
                t.id,
                t.availability.len()
            ));
        }
        if let Some(a) = outside_a_day(&t.availability) {
            return Err(format!(
                "operating theater {}: availability {a} is not 0 to {DAY_MINUTES} minutes",
                t.id
            ));
        }
    }
    for p in &inst.patients {
        // Day indices become dates: one outside the horizon has no date to become (and a huge
        // one overflowed the date arithmetic).
        let days_of_patient = [Some(p.surgery_release_day), p.surgery_due_day];
        if let Some(k) = days_of_patient.into_iter().flatten().find(|k| !(0..days).contains(k)) {
            return Err(format!(
                "patient {}: day {k} is outside the horizon of days 0 to {}",
                p.id,
                days - 1
            ));
        }
        if let Some(d) = outside_a_day([&p.surgery_duration]) {
            return Err(format!(
                "patient {}: surgery_duration {d} is not 0 to {DAY_MINUTES} minutes",
                p.id
            ));
        }
        if p.mandatory && p.surgery_due_day.is_none() {
            return Err(format!("patient {}: mandatory but no surgery_due_day", p.id));
        }
        if !inst.surgeons.iter().any(|s| s.id == p.surgeon_id) {
            return Err(format!("patient {}: unknown surgeon {}", p.id, p.surgeon_id));
        }
    }
    Ok(())
}

/// [`DAY_ZERO`] as a date.
pub fn day_zero() -> NaiveDate {
    parse_date(DAY_ZERO).expect("DAY_ZERO is a valid date")
}

fn date_of(k: i64) -> String {
    (day_zero() + chrono::Days::new(k.max(0) as u64)).to_string()
}

fn clock(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The projection of SPEC.md section 7: an IHTC instance as a `rebook-instance/1` file.
pub fn to_rebook(inst: &IhtcInstance, name: &str) -> InstanceFile {
    let last = date_of(inst.days - 1);
    let theatres = inst
        .operating_theaters
        .iter()
        .map(|t| TheatreDto {
            id: t.id.clone(),
            site: None,
            specialties: vec![SPECIALTY.into()],
        })
        .collect();
    let mut sessions = Vec::new();
    for k in 0..inst.days {
        for t in &inst.operating_theaters {
            let minutes = t.availability[k as usize];
            if minutes <= 0 {
                continue;
            }
            let start = if 8 * 60 + minutes < 24 * 60 { 8 * 60 } else { 0 };
            // A list of the whole day ends at 23:59 (a session lies within its date).
            let end = (start + minutes).min(24 * 60 - 1);
            sessions.push(SessionDto {
                id: format!("{}-d{k:02}", t.id),
                theatre: t.id.clone(),
                date: date_of(k),
                start: clock(start),
                end: clock(end),
                free_minutes: Some(end - start),
                surgeon: None,
                specialty: None,
                shared: true,
                open_cost: inst.weights.open_operating_theater,
            });
        }
    }
    let surgeons = inst
        .surgeons
        .iter()
        .map(|s| SurgeonDto {
            id: s.id.clone(),
            name: None,
            specialties: vec![SPECIALTY.into()],
            duties: Vec::new(),
            unavailable: Vec::new(),
            max_operating_minutes: s
                .max_surgery_time
                .iter()
                .enumerate()
                .map(|(k, &m)| (date_of(k as i64), m))
                .collect(),
        })
        .collect();
    let procedures = inst
        .patients
        .iter()
        .map(|p| ProcedureDto {
            id: p.id.clone(),
            patient: None,
            specialty: SPECIALTY.into(),
            name: None,
            duration: p.surgery_duration,
            surgeon: Some(p.surgeon_id.clone()),
            priority: "P3".into(),
            referral: None,
            listed: None,
            original_date: None,
            cancelled_on_day: false,
            earliest: Some(date_of(p.surgery_release_day)),
            deadline: if p.mandatory {
                p.surgery_due_day.map(date_of)
            } else {
                None
            },
            unavailable: Vec::new(),
            ..ProcedureDto::default()
        })
        .collect();
    let w = &inst.weights;
    let per_priority =
        |v: i64| -> BTreeMap<String, i64> { ["P1", "P2", "P3", "P4"].iter().map(|p| (p.to_string(), v)).collect() };
    InstanceFile {
        format: INSTANCE_FORMAT.into(),
        trust: TrustDto {
            id: name.into(),
            name: Some(format!("IHTC-2024 {name} (surgical case planning projection)")),
        },
        timezone: Some("UTC".into()),
        horizon: HorizonDto {
            start: DAY_ZERO.into(),
            end: last,
        },
        rules: RulesDto {
            max_shift_hours: Setting::Off,
            min_rest_hours: Setting::Off,
            max_hours_per_7_days: Setting::Off,
            max_average_weekly_hours: Setting::Off,
            max_consecutive_days: Setting::Off,
            max_operating_minutes_per_day: Setting::Off,
            turnaround_minutes: Setting::Set(0),
            no_overlapping_duties: Some(false),
            ..RulesDto::default()
        },
        objective: ObjectiveDto {
            wait_per_day: per_priority(w.patient_delay),
            breach: Default::default(),
            unscheduled: per_priority(w.unscheduled_optional),
            theatre_switch: Some(w.surgeon_transfer),
            ..ObjectiveDto::default()
        },
        theatres,
        surgeons,
        sessions,
        procedures,
    }
}

/// A rebook schedule of an imported instance as an IHTC solution (surgical part: admission day
/// and operating theatre; rooms and nurses are outside our problem and left out).
pub fn to_solution(schedule: &ScheduleFile, horizon_start: NaiveDate, procedures: &[String]) -> IhtcSolution {
    let mut decided: BTreeMap<&str, PatientDecision> = BTreeMap::new();
    for a in &schedule.assignments {
        let day = parse_date(&a.date).map(|d| (d - horizon_start).num_days());
        decided.insert(
            a.procedure.as_str(),
            PatientDecision {
                id: a.procedure.clone(),
                admission_day: day.map_or(serde_json::Value::Null, |d| d.into()),
                room: None,
                operating_theater: Some(a.theatre.clone()),
            },
        );
    }
    let patients = procedures
        .iter()
        .map(|id| {
            decided.remove(id.as_str()).unwrap_or_else(|| PatientDecision {
                id: id.clone(),
                admission_day: serde_json::Value::String("none".into()),
                room: None,
                operating_theater: None,
            })
        })
        .collect();
    IhtcSolution {
        patients,
        nurses: Vec::new(),
    }
}
