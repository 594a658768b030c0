//! The `rebook-schedule/1` JSON format (SPEC.md section 5) and its CSV of assignments.

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

pub fn parse_schedule_json(text: &str) -> Result<ScheduleFile, (String, String)> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        (
            if path == "." { String::new() } else { path },
            e.into_inner().to_string(),
        )
    })
}
