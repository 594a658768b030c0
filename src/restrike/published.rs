//! The published plan read against the instance it was made for: for every case, the list and
//! surgeon it was booked with, or none.

use super::options::RestrikeError;
use crate::io::schedule::ScheduleFile;
use crate::model::Instance;
use std::collections::HashMap;

/// Where the published plan put one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booked {
    /// The session, an index into the instance's sessions.
    pub session: usize,
    /// The operating surgeon, an index into the instance's surgeons.
    pub surgeon: usize,
}

/// For each case of the instance (same order), its booking in the plan, or `None` when the plan
/// left it unscheduled. The plan must be `rebook-schedule/1`; every case must be in the plan exactly once, and every assignment must
/// name a case, list and surgeon of the instance with the list's own date; otherwise the error
/// lists each problem with its field (`assignments[3].session`).
pub fn resolve(inst: &Instance, plan: &ScheduleFile) -> Result<Vec<Option<Booked>>, RestrikeError> {
    let procs: HashMap<&str, usize> = (inst.procedures.iter().enumerate())
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let sessions: HashMap<&str, usize> = (inst.sessions.iter().enumerate())
        .map(|(i, k)| (k.id.as_str(), i))
        .collect();
    let surgeons: HashMap<&str, usize> = (inst.surgeons.iter().enumerate())
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut problems = Vec::new();
    if plan.format != crate::io::schedule::SCHEDULE_FORMAT {
        problems.push(format!(
            "format: '{}' is not {}",
            plan.format,
            crate::io::schedule::SCHEDULE_FORMAT
        ));
    }
    let mut booked: Vec<Option<Booked>> = vec![None; inst.procedures.len()];
    let mut seen: Vec<Option<String>> = vec![None; inst.procedures.len()];
    let mut once = |p: usize, field: String, problems: &mut Vec<String>| {
        if let Some(first) = &seen[p] {
            problems.push(format!("{field}: case {} is already in {first}", inst.procedures[p].id));
            false
        } else {
            seen[p] = Some(field);
            true
        }
    };
    for (i, a) in plan.assignments.iter().enumerate() {
        let field = format!("assignments[{i}]");
        let p = procs.get(a.procedure.as_str()).copied();
        let k = sessions.get(a.session.as_str()).copied();
        let s = surgeons.get(a.surgeon.as_str()).copied();
        if p.is_none() {
            problems.push(format!("{field}.procedure: no case '{}' in the instance", a.procedure));
        }
        if k.is_none() {
            problems.push(format!("{field}.session: no session '{}' in the instance", a.session));
        }
        if s.is_none() {
            problems.push(format!("{field}.surgeon: no surgeon '{}' in the instance", a.surgeon));
        }
        let (Some(p), Some(k), Some(s)) = (p, k, s) else {
            continue;
        };
        let date = inst.sessions[k].date;
        if a.date != date.to_string() {
            problems.push(format!(
                "{field}.date: {} but session {} is on {date}",
                a.date, a.session
            ));
            continue;
        }
        if once(p, field, &mut problems) {
            booked[p] = Some(Booked { session: k, surgeon: s });
        }
    }
    for (i, u) in plan.unscheduled.iter().enumerate() {
        let field = format!("unscheduled[{i}]");
        match procs.get(u.procedure.as_str()) {
            Some(&p) => {
                once(p, field, &mut problems);
            }
            None => problems.push(format!("{field}.procedure: no case '{}' in the instance", u.procedure)),
        }
    }
    let missing: Vec<&str> = (inst.procedures.iter().zip(&seen))
        .filter(|(_, s)| s.is_none())
        .map(|(p, _)| p.id.as_str())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).copied().collect();
        let more = if missing.len() > 10 {
            format!(" and {} more", missing.len() - 10)
        } else {
            String::new()
        };
        problems.push(format!(
            "{} case(s) of the instance are neither assigned nor unscheduled: {}{more}",
            missing.len(),
            shown.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(booked)
    } else {
        Err(RestrikeError::Plan(problems))
    }
}
