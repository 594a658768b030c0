//! The `rebook-schedule/1` JSON format (SPEC.md section 5), and a solution written in it.

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
