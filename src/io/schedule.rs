//! The `rebook-schedule/1` JSON format (SPEC.md section 5), a solution written in it, and its
//! CSV of assignments.

use crate::model::time::{format_clock, from_minute};
use crate::model::Instance;
use crate::schedule::{objective, pack, Reason, Solution};
use serde::{Deserialize, Serialize};

/// The `format` value of a schedule file (SPEC.md section 5).
pub const SCHEDULE_FORMAT: &str = "rebook-schedule/1";

/// A schedule file, `rebook-schedule/1`: one strategy's solution of one trust's instance
/// (SPEC.md section 5).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFile {
    /// `format`: [`SCHEDULE_FORMAT`].
    pub format: String,
    /// `trust`: the instance's `trust.id`.
    pub trust: String,
    /// `strategy`: the name of the strategy that made it (`fifo`, `priority`, `mip`, …).
    pub strategy: String,
    /// `assignments`: the scheduled cases, in date and time order.
    pub assignments: Vec<AssignmentDto>,
    /// `unscheduled`: the cases left out, each with its reason.
    pub unscheduled: Vec<UnscheduledDto>,
    /// `objective`: the total cost of SPEC.md section 4, in cost points, as the checker recomputes it.
    pub objective: i64,
    /// `metrics`: the figures of SPEC.md section 5 (waits, breaches, utilisation, surgeon hours);
    /// `null` when absent.
    #[serde(default)]
    pub metrics: serde_json::Value,
    /// `solver`: how the strategy's run ended (status, bound, gap, seconds, model size); `null` when
    /// absent.
    #[serde(default)]
    pub solver: serde_json::Value,
}

/// One scheduled case: in which session, when, and by whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AssignmentDto {
    /// `procedure`: the case's id.
    pub procedure: String,
    /// `session`: the id of the session it is booked into.
    pub session: String,
    /// `theatre`: the id of the session's theatre.
    pub theatre: String,
    /// `date`: the session's date, `YYYY-MM-DD`.
    pub date: String,
    /// `start`: `HH:MM` wall-clock time the case starts, in the instance's time zone.
    pub start: String,
    /// `end`: `HH:MM` wall-clock time the case ends (start + duration, turnaround not included).
    pub end: String,
    /// `surgeon`: the id of the operating surgeon.
    pub surgeon: String,
}

/// One case left unscheduled, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UnscheduledDto {
    /// `procedure`: the case's id.
    pub procedure: String,
    /// `reason`: one of [`REASONS`].
    pub reason: String,
}

/// The four reasons of SPEC.md section 5.
pub const REASONS: [&str; 4] = [
    "no_eligible_session",
    "deadline_infeasible",
    "capacity",
    "surgeon_limits",
];

/// Builds the schedule file of a solution (assignments in date and time order).
pub fn to_file(inst: &Instance, strategy: &str, sol: &Solution, metrics: serde_json::Value) -> ScheduleFile {
    let timed = pack(inst, &sol.placements);
    let clock = |m: i64| format_clock(from_minute(inst.timezone, m).time());
    let assignments = timed
        .iter()
        .map(|t| {
            let s = &inst.sessions[t.placement.session];
            AssignmentDto {
                procedure: inst.procedures[t.placement.procedure].id.clone(),
                session: s.id.clone(),
                theatre: inst.theatres[s.theatre].id.clone(),
                date: s.date.to_string(),
                start: clock(t.start),
                end: clock(t.end),
                surgeon: inst.surgeons[t.placement.surgeon].id.clone(),
            }
        })
        .collect();
    let mut unscheduled: Vec<(usize, Reason)> = sol.unscheduled.clone();
    unscheduled.sort();
    let unscheduled = unscheduled
        .iter()
        .map(|&(p, r)| UnscheduledDto {
            procedure: inst.procedures[p].id.clone(),
            reason: r.as_str().to_string(),
        })
        .collect();
    ScheduleFile {
        format: SCHEDULE_FORMAT.to_string(),
        trust: inst.trust_id.clone(),
        strategy: strategy.to_string(),
        assignments,
        unscheduled,
        objective: objective(inst, &sol.placements).total,
        metrics,
        solver: serde_json::to_value(&sol.solver).unwrap_or_default(),
    }
}

/// The assignments CSV (one row a case): trust, procedure, patient, specialty, priority, date,
/// start, end, theatre, session, surgeon.
pub fn assignments_csv(inst: &Instance, schedule: &ScheduleFile) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = super::spreadsheet::CsvWriter::in_memory();
    w.write_record([
        "trust",
        "procedure",
        "patient",
        "specialty",
        "priority",
        "date",
        "start",
        "end",
        "theatre",
        "session",
        "surgeon",
    ])?;
    let by_id: std::collections::HashMap<&str, &crate::model::Procedure> =
        inst.procedures.iter().map(|p| (p.id.as_str(), p)).collect();
    for a in &schedule.assignments {
        let pr = by_id.get(a.procedure.as_str()).copied();
        let patient = pr.and_then(|p| p.patient.clone()).unwrap_or_default();
        let specialty = pr.map(|p| p.specialty.clone()).unwrap_or_default();
        let priority = pr.map(|p| p.priority.as_str()).unwrap_or_default();
        w.write_record([
            &schedule.trust,
            &a.procedure,
            &patient,
            &specialty,
            priority,
            &a.date,
            &a.start,
            &a.end,
            &a.theatre,
            &a.session,
            &a.surgeon,
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
