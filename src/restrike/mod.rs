//! Re-planning after a further strike (SPEC.md section 8): what a booking office has the morning
//! the next strike is announced — the instance it solved, the plan it published and the strike —
//! turned into a `rebook-instance/1` to solve again (`rebook restrike`).
//!
//! [`restrike`] is a pure function over the format types. From the published instance, its plan
//! (`rebook-schedule/1`) and the [`Options`] it makes the re-planning instance:
//!
//! - **Horizon**: from `today` to the published horizon's end, extended by
//!   [`Options::extend_weeks`] (see [`roster`] for what is repeated).
//! - **The past**: cases the plan booked before today were operated and are removed; lists
//!   before today are removed; the surgeons' duties of the last days stay as fixed duties so the
//!   safe-hours rules still see them ([`roster`]).
//! - **Bookings**: every other case the plan booked carries `booked: {session, notified}`;
//!   `notified` follows [`Notified`] (a patient already told of the same list in an earlier round
//!   stays told). Cases the plan left unscheduled stay, without a booking.
//! - **The strike** ([`Strike`], [`strike`]): lost lists are removed, so their bookings are
//!   void; their cases get `times_cancelled + 1`, `original_date` = the lost list's date and
//!   `cancelled_on_day = false` (strike cancellations are announced ahead; the
//!   `repeat_cancellation` breach covers them).
//! - **New cases** ([`Options::new_cases`]) are appended; an id already used is an error.
//! - `rules.keep_notified_days` is set when [`Options::keep_notified_days`] says so.
//!
//! Everything else (theatres, the cases' other fields, `earliest` included, weights, rules) is
//! carried unchanged. The result is validated before it is returned: a [`Restruck`] always
//! validates without error.

mod options;
mod published;
pub mod roster;
pub mod strike;

pub use options::{Notified, Options, RestrikeError, Restruck, Strike, Summary};
pub use strike::{draw_lost, lost_by_trust};

use crate::io::instance::{BookedDto, HorizonDto, InstanceFile, ProcedureDto, Setting};
use crate::io::schedule::ScheduleFile;
use crate::io::validate::validate;
use crate::model::time::parse_date;
use crate::model::Instance;
use chrono::{Days, NaiveDate};
use published::Booked;
use std::collections::{BTreeMap, BTreeSet};

/// The re-planning instance of `file` (the published instance), `plan` (its published plan)
/// and `opts` (today and the strike), validated; or every reason it cannot be made.
pub fn restrike(file: &InstanceFile, plan: &ScheduleFile, opts: &Options) -> Result<Restruck, RestrikeError> {
    let checked = validate(file);
    let Some(inst) = checked.instance else {
        return Err(RestrikeError::InvalidInstance(checked.diagnostics));
    };
    let today = opts.today;
    if today < inst.horizon_start || today > inst.horizon_end {
        return Err(RestrikeError::TodayOutside {
            today,
            start: inst.horizon_start,
            end: inst.horizon_end,
        });
    }
    if plan.trust != file.trust.id {
        return Err(RestrikeError::OtherTrust {
            plan: plan.trust.clone(),
            instance: file.trust.id.clone(),
        });
    }
    let booked = published::resolve(&inst, plan)?;
    let end = inst
        .horizon_end
        .checked_add_days(Days::new(7 * u64::from(opts.extend_weeks)))
        .unwrap_or(inst.horizon_end);
    let mut summary = Summary::default();

    // Lists: today's and later ones, the extension, then the strike.
    let mut sessions = Vec::new();
    let mut past = BTreeMap::new();
    // From the file's own dates: validation may have ignored some lists (W205, W206), so the
    // instance's sessions are not the file's one for one.
    for dto in &file.sessions {
        if parse_date(&dto.date).is_some_and(|d| d < today) {
            past.insert(dto.id.clone(), dto.date.clone());
        } else {
            sessions.push(dto.clone());
        }
    }
    summary.past_lists = past.len();
    let mut taken: BTreeSet<String> = file.sessions.iter().map(|k| k.id.clone()).collect();
    let extension = roster::extension_sessions(file, inst.horizon_end, opts.extend_weeks, &mut taken);
    summary.extension_lists = extension.len();
    sessions.extend(extension);
    let lost = strike::lost(&file.trust.id, &sessions, &past, &opts.strike, today, end)?;
    summary.lost_lists = lost.len();
    sessions.retain(|k| !lost.contains(&k.id));

    let procedures = carried_cases(file, &inst, &booked, &lost, opts, &mut summary);
    let procedures = with_new_cases(file, procedures, &opts.new_cases, &mut summary)?;

    let (duties, past_list_duties) = roster::duties(file, &inst, &booked, today, opts.extend_weeks);
    summary.past_list_duties = past_list_duties;
    let surgeons = (file.surgeons.iter().zip(duties))
        .map(|(s, duties)| crate::io::instance::SurgeonDto { duties, ..s.clone() })
        .collect();

    let mut rules = file.rules.clone();
    if let Some(days) = opts.keep_notified_days {
        rules.keep_notified_days = Setting::Set(days);
    }
    let out = InstanceFile {
        format: file.format.clone(),
        trust: file.trust.clone(),
        timezone: file.timezone.clone(),
        horizon: HorizonDto {
            start: today.to_string(),
            end: end.to_string(),
        },
        rules,
        objective: file.objective.clone(),
        theatres: file.theatres.clone(),
        surgeons,
        sessions,
        procedures,
    };
    let mut checked = validate(&out);
    if checked.instance.is_none() {
        name_cases(
            &mut checked.diagnostics,
            &out.procedures,
            out.procedures.len() - summary.added,
        );
        return Err(RestrikeError::Invalid(checked.diagnostics));
    }
    checked.diagnostics.retain(|d| !d.is_error());
    Ok(Restruck {
        instance: out,
        summary,
        warnings: checked.diagnostics,
    })
}

/// Adds the case's id to the path of each diagnostic about a case (`procedures[95] (case
/// C0042, new)`): the indices of the re-planning instance are not those of any input file.
fn name_cases(diagnostics: &mut [crate::io::validate::Diagnostic], procedures: &[ProcedureDto], carried: usize) {
    for d in diagnostics {
        let Some(rest) = d.path.strip_prefix("procedures[") else {
            continue;
        };
        let Some((i, tail)) = rest.split_once(']') else {
            continue;
        };
        let Some(p) = i.parse::<usize>().ok().filter(|&i| i < procedures.len()) else {
            continue;
        };
        let new = if p >= carried { ", a new case" } else { "" };
        d.path = format!("procedures[{p}]{tail} (case {}{new})", procedures[p].id);
    }
}

/// Whether the patient of case `p`, booked by the plan into session `k`, has been told the date:
/// as [`Options::notified`] says, or because an earlier round told them of the same list.
fn told(inst: &Instance, p: usize, k: usize, opts: &Options) -> bool {
    let date = inst.sessions[k].date;
    let by_policy = match opts.notified {
        Notified::All => true,
        Notified::None => false,
        Notified::Within(days) => opts
            .today
            .checked_add_days(Days::new(u64::from(days)))
            .is_none_or(|until| date < until),
    };
    let told_before = inst.procedures[p]
        .booked
        .as_ref()
        .is_some_and(|b| b.notified && b.session == Some(k));
    by_policy || told_before
}

/// The cases of the published instance still waiting today, in their order: those booked
/// today or later with their booking (void ones recancelled), those left unscheduled without.
fn carried_cases(
    file: &InstanceFile,
    inst: &Instance,
    booked: &[Option<Booked>],
    lost: &BTreeSet<String>,
    opts: &Options,
    summary: &mut Summary,
) -> Vec<ProcedureDto> {
    let mut out = Vec::with_capacity(file.procedures.len());
    for (p, dto) in file.procedures.iter().enumerate() {
        let mut case = dto.clone();
        match booked[p] {
            Some(b) if inst.sessions[b.session].date < opts.today => {
                summary.removed += 1;
                continue;
            }
            Some(b) => {
                let sess = &inst.sessions[b.session];
                let notified = told(inst, p, b.session, opts);
                case.booked = Some(BookedDto {
                    session: sess.id.clone(),
                    notified: Some(notified),
                });
                if lost.contains(&sess.id) {
                    summary.void += 1;
                    case.times_cancelled = Some(i64::from(inst.procedures[p].times_cancelled) + 1);
                    case.original_date = Some(sess.date.to_string());
                    case.cancelled_on_day = false;
                } else {
                    summary.kept += 1;
                    summary.kept_notified += usize::from(notified);
                }
            }
            None => {
                summary.unscheduled += 1;
                case.booked = None;
            }
        }
        out.push(case);
    }
    out
}

/// `carried` with the new cases appended; an id already used (by any case of the published
/// instance, operated or not, or by an earlier new case) is an error naming every such id.
fn with_new_cases(
    file: &InstanceFile,
    mut carried: Vec<ProcedureDto>,
    new_cases: &[ProcedureDto],
    summary: &mut Summary,
) -> Result<Vec<ProcedureDto>, RestrikeError> {
    let mut used: BTreeSet<&str> = file.procedures.iter().map(|p| p.id.as_str()).collect();
    let mut clashes = Vec::new();
    for p in new_cases {
        if !used.insert(p.id.as_str()) && !clashes.contains(&p.id) {
            clashes.push(p.id.clone());
        }
    }
    if !clashes.is_empty() {
        return Err(RestrikeError::IdClash(clashes));
    }
    summary.added = new_cases.len();
    carried.extend(new_cases.iter().cloned());
    Ok(carried)
}

/// The one-line summary of a re-planning instance: bookings kept (notified), void (lists lost),
/// cases removed, unscheduled carried and added.
pub fn summary_line(trust: &str, today: NaiveDate, s: &Summary) -> String {
    format!(
        "{trust}: {} booking(s) kept ({} notified), {} void ({} list(s) lost), {} case(s) removed (operated before {today}), {} unscheduled carried, {} added",
        s.kept, s.kept_notified, s.void, s.lost_lists, s.removed, s.unscheduled, s.added
    )
}
