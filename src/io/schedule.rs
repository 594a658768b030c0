//! The `rebook-schedule/1` JSON format (SPEC.md section 5), a solution written in it, and its
//! CSV of assignments.

use crate::model::time::{format_clock, from_minute};
use crate::model::Instance;
use crate::schedule::{objective, pack, Reason, Solution};
use serde::{Deserialize, Serialize};

pub const SCHEDULE_FORMAT: &str = "rebook-schedule/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFile {
    pub format: String,
    pub trust: String,
    pub strategy: String,
    pub assignments: Vec<AssignmentDto>,
    pub unscheduled: Vec<UnscheduledDto>,
    pub objective: i64,
    #[serde(default)]
    pub metrics: serde_json::Value,
    #[serde(default)]
    pub solver: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AssignmentDto {
    pub procedure: String,
    pub session: String,
    pub theatre: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub surgeon: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UnscheduledDto {
    pub procedure: String,
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
    let mut w = ::csv::Writer::from_writer(Vec::new());
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
