//! The inputs several commands read the same way: an instance with a schedule of it (`check`,
//! `report`, `export ihtc`), so each wording of a bad file exists once.

use super::error::CliError;
use crate::io::{self, schedule::ScheduleFile};
use crate::model::Instance;
use std::path::Path;

/// Reads and validates an instance, then reads and parses a schedule for it.
pub fn load_plan(instance: &Path, schedule: &Path) -> Result<(Instance, ScheduleFile), CliError> {
    let loaded = io::load_instance(instance);
    let Some(inst) = loaded.instance else {
        return Err(CliError::InvalidInstance {
            path: instance.to_path_buf(),
            diagnostics: loaded.diagnostics,
        });
    };
    let text = read_text(schedule, "the schedule")?;
    let file = io::json::parse::<ScheduleFile>(&text).map_err(|source| CliError::NotASchedule {
        path: schedule.to_path_buf(),
        source,
    })?;
    Ok((inst, file))
}

/// Reads a text file that one error wording covers (`<path>: cannot read[ what]: …`).
pub fn read_text(path: &Path, what: &'static str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        what,
        source,
    })
}
