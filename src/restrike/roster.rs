//! The surgeons' rosters and the lists of the re-planning instance: the recent past kept as fixed
//! duties, and the horizon extended week by week.
//!
//! - **Recent past.** The safe-hours rules look back: a shift may have started yesterday
//!   evening, a 7-day window reaches 6 days back, a run of consecutive days as far back as
//!   `max_consecutive_days`. So every surgeon keeps the fixed duties dated in the
//!   [`lookback_days`] before today (older ones are dropped), and the lists of those days that
//!   are no longer sessions become fixed duties of kind `theatre`: an owned list for its owner,
//!   an extra list for each surgeon the published plan had operate in it.
//! - **Extension** (`--extend-weeks N`): the lists of the published horizon's last 7 days are
//!   repeated week by week, N times, with new ids (the date in the id moved to the new date, or
//!   `-w<n>` added), the same theatre, times, free minutes, owner, specialty and opening cost.
//!   The surgeons' fixed duties of those 7 days are repeated the same way, and the duties the
//!   instance had after its horizon (what follows it in the roster) move out by N weeks with
//!   it. Surgeons' `unavailable` dates and operating caps are not repeated (leave is not
//!   weekly), nor are bank holidays known: check the added weeks.

use super::published::Booked;
use crate::io::instance::{DutyDto, InstanceFile, SessionDto};
use crate::model::time::parse_date;
use crate::model::Instance;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// The kind of the fixed duties made of lists before today.
pub const PAST_LIST_KIND: &str = "theatre";

/// Days before today whose duties are kept: `max(7, rules.max_consecutive_days)`.
pub fn lookback_days(inst: &Instance) -> u64 {
    inst.rules.max_consecutive_days.unwrap_or(0).max(7) as u64
}

/// `date` moved by `days` (negative: back), saturating at the calendar's ends.
fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(date)
    }
}

/// Each surgeon's fixed duties in the re-planning instance (same order as the instance's
/// surgeons), sorted by date and start, and how many of them are lists before today.
pub fn duties(
    file: &InstanceFile,
    inst: &Instance,
    booked: &[Option<Booked>],
    today: NaiveDate,
    extend_weeks: u32,
) -> (Vec<Vec<DutyDto>>, usize) {
    let from = shift(today, -(lookback_days(inst) as i64));
    let end = inst.horizon_end;
    let last_week = shift(end, -6);
    let weeks = i64::from(extend_weeks);
    let mut out: Vec<Vec<DutyDto>> = Vec::with_capacity(file.surgeons.len());
    for s in &file.surgeons {
        let mut duties = Vec::new();
        for d in &s.duties {
            let Some(date) = parse_date(&d.date) else {
                duties.push(d.clone());
                continue;
            };
            if date < from {
                continue;
            }
            let moved = |by: i64| DutyDto {
                date: shift(date, by).to_string(),
                ..d.clone()
            };
            if weeks > 0 && date > end {
                duties.push(moved(7 * weeks));
                continue;
            }
            duties.push(d.clone());
            if weeks > 0 && date >= last_week {
                duties.extend((1..=weeks).map(|n| moved(7 * n)));
            }
        }
        out.push(duties);
    }
    // The lists of the look-back days before today, as the duties they were: every list of the
    // file, those validation ignored too (an owned list before the horizon was on its owner's
    // roster; the instance's sessions are not the file's one for one).
    let mut operated: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for b in booked.iter().flatten() {
        let id = inst.sessions[b.session].id.as_str();
        operated.entry(id).or_default().insert(b.surgeon);
    }
    let surgeon_ix: BTreeMap<&str, usize> = (file.surgeons.iter().enumerate())
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut past = 0;
    for dto in &file.sessions {
        let Some(date) = parse_date(&dto.date) else { continue };
        if date < from || date >= today {
            continue;
        }
        let who: BTreeSet<usize> = match dto.surgeon.as_deref().and_then(|o| surgeon_ix.get(o)) {
            Some(&o) => BTreeSet::from([o]),
            None => operated.get(dto.id.as_str()).cloned().unwrap_or_default(),
        };
        for s in who {
            out[s].push(DutyDto {
                date: dto.date.clone(),
                start: dto.start.clone(),
                end: dto.end.clone(),
                kind: Some(PAST_LIST_KIND.to_string()),
            });
            past += 1;
        }
    }
    for duties in &mut out {
        duties.sort_by(|a, b| (&a.date, &a.start).cmp(&(&b.date, &b.start)));
    }
    (out, past)
}

/// The lists `--extend-weeks` adds: those of the published horizon's last 7 days, repeated
/// `weeks` times a week apart, with ids not in `taken` (which gains them). A copy that would
/// overlap a list the file already has in the same theatre that day (one past the old horizon,
/// which validation ignored, W205) is not added: the file's own list is the theatre's plan for
/// that time.
pub fn extension_sessions(
    file: &InstanceFile,
    end: NaiveDate,
    weeks: u32,
    taken: &mut BTreeSet<String>,
) -> Vec<SessionDto> {
    let last_week = shift(end, -6);
    let pattern: Vec<(&SessionDto, NaiveDate)> = (file.sessions.iter())
        .filter_map(|k| parse_date(&k.date).map(|d| (k, d)))
        .filter(|(_, d)| *d >= last_week && *d <= end)
        .collect();
    // Times are validated `HH:MM`, so they compare as strings.
    let overlaps_existing = |copy: &SessionDto, date: &str| {
        (file.sessions.iter())
            .any(|k| k.theatre == copy.theatre && k.date == date && k.start < copy.end && copy.start < k.end)
    };
    let mut out = Vec::new();
    for n in 1..=i64::from(weeks) {
        for (k, date) in &pattern {
            let new_date = shift(*date, 7 * n).to_string();
            if overlaps_existing(k, &new_date) {
                continue;
            }
            let id = new_id(&k.id, &k.date, &new_date, n, taken);
            out.push(SessionDto {
                id,
                date: new_date,
                ..(*k).clone()
            });
        }
    }
    out
}

/// A new session id for the copy of list `id` (dated `date`) on `new_date`, week `n` of the
/// extension: the id with its date replaced when it holds it, else the id with `-w<n>`; a
/// further `-w<n>` until it is not in `taken`, which then holds it.
fn new_id(id: &str, date: &str, new_date: &str, n: i64, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = if id.contains(date) {
        id.replace(date, new_date)
    } else {
        format!("{id}-w{n}")
    };
    while taken.contains(&candidate) {
        candidate.push_str(&format!("-w{n}"));
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_move_the_date_or_add_the_week_and_never_clash() {
        let mut taken = BTreeSet::from(["T1-2016-06-15-AM".to_string()]);
        assert_eq!(
            new_id("T1-2016-06-08-PM", "2016-06-08", "2016-06-15", 1, &mut taken),
            "T1-2016-06-15-PM"
        );
        assert_eq!(new_id("K7", "2016-06-08", "2016-06-15", 1, &mut taken), "K7-w1");
        assert_eq!(
            new_id("T1-2016-06-08-AM", "2016-06-08", "2016-06-15", 1, &mut taken),
            "T1-2016-06-15-AM-w1"
        );
        assert!(taken.contains("K7-w1") && taken.contains("T1-2016-06-15-PM"));
    }
}
