//! Rolling a trust's weeks forward: the horizon of a round's instance extended by whole weeks,
//! with the lists and rosters of the batch's own weeks repeated in turn.
//!
//! A bundled batch covers only its own weeks (Kent: six). A season needs months, so each
//! extension day `d` copies the batch's day `source(d) = start + ((d − start) mod 7W)` (`start`
//! the batch's `horizon.start`, `W` its whole weeks; shifts are whole weeks, so weekdays stay
//! weekdays): the lists of that day (same theatre, times, free minutes, owner, specialty, opening
//! cost; the date in the id replaced by the new date, or the new date appended) and every
//! surgeon's fixed duties of that day. Duties are copied one week past the new horizon's end, as
//! the batch's roster continues past its own end, so the rules near the end see what follows.
//!
//! Why the whole cycle and not the last week (`rebook restrike --extend-weeks`): repeating one
//! week freezes the rota — a consultant on call in the batch's last week would be on call every
//! week of the season, above the 48-hour average (rule 9), and could then staff no extra list
//! anywhere in the horizon, not even one holding a booking that must be kept. The batch's weeks
//! in turn keep each rota at its own average. Leave (`unavailable`) and operating caps are not
//! repeated; the batch's bank holidays recur once a cycle.

use super::calendar::shift;
use crate::io::instance::{InstanceFile, SessionDto};
use crate::model::time::parse_date;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The batch's day an extension day `d` repeats (see the module documentation).
pub fn source_day(batch_start: NaiveDate, cycle_days: i64, d: NaiveDate) -> NaiveDate {
    let offset = (d - batch_start).num_days();
    shift(batch_start, offset.rem_euclid(cycle_days.max(7)))
}

/// `file` (a round's instance of the trust whose batch file is `batch`) with its horizon
/// extended by whole weeks to reach `to`; `file` itself when it already does.
pub fn extend(file: &InstanceFile, batch: &InstanceFile, to: NaiveDate) -> InstanceFile {
    let (Some(end), Some(start), Some(batch_end)) = (
        parse_date(&file.horizon.end),
        parse_date(&batch.horizon.start),
        parse_date(&batch.horizon.end),
    ) else {
        return file.clone();
    };
    if to <= end {
        return file.clone();
    }
    let weeks = ((to - end).num_days() + 6) / 7;
    let new_end = shift(end, 7 * weeks);
    let cycle = (((batch_end - start).num_days() + 1) / 7).max(1) * 7;
    let last_source = shift(start, cycle - 1);

    // The batch's lists and duties by date, within its cycle.
    let mut lists: BTreeMap<NaiveDate, Vec<&SessionDto>> = BTreeMap::new();
    for s in &batch.sessions {
        if let Some(d) = parse_date(&s.date).filter(|d| *d >= start && *d <= last_source) {
            lists.entry(d).or_default().push(s);
        }
    }
    let days = |from: NaiveDate, until: NaiveDate| {
        let n = (until - from).num_days();
        (1..=n).map(move |i| shift(from, i))
    };

    let mut out = file.clone();
    out.horizon.end = new_end.to_string();
    let mut taken: BTreeSet<String> = file.sessions.iter().map(|s| s.id.clone()).collect();
    for d in days(end, new_end) {
        let from = source_day(start, cycle, d);
        for s in lists.get(&from).into_iter().flatten() {
            let date = d.to_string();
            let mut id = if s.id.contains(&s.date) {
                s.id.replace(&s.date, &date)
            } else {
                format!("{}-{date}", s.id)
            };
            while taken.contains(&id) {
                id.push_str("-x");
            }
            taken.insert(id.clone());
            out.sessions.push(SessionDto {
                id,
                date,
                ..(*s).clone()
            });
        }
    }
    let roster: BTreeMap<&str, &crate::io::instance::SurgeonDto> =
        batch.surgeons.iter().map(|s| (s.id.as_str(), s)).collect();
    let duties_until = shift(new_end, 7);
    for surgeon in &mut out.surgeons {
        // What follows the old end is replaced by the cycle's copy.
        surgeon
            .duties
            .retain(|d| parse_date(&d.date).is_none_or(|date| date <= end));
        let Some(own) = roster.get(surgeon.id.as_str()) else {
            continue;
        };
        let mut by_date: BTreeMap<NaiveDate, Vec<&crate::io::instance::DutyDto>> = BTreeMap::new();
        for d in &own.duties {
            if let Some(date) = parse_date(&d.date).filter(|x| *x >= start && *x <= last_source) {
                by_date.entry(date).or_default().push(d);
            }
        }
        for d in days(end, duties_until) {
            for duty in by_date.get(&source_day(start, cycle, d)).into_iter().flatten() {
                surgeon.duties.push(crate::io::instance::DutyDto {
                    date: d.to_string(),
                    ..(*duty).clone()
                });
            }
        }
        surgeon
            .duties
            .sort_by(|a, b| (&a.date, &a.start).cmp(&(&b.date, &b.start)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_days_repeat_the_batch_cycle_on_the_same_weekday() {
        let start = NaiveDate::from_ymd_opt(2016, 4, 28).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2016, m, day).unwrap();
        // Six weeks from Thursday 28 April: 9 June repeats 28 April, 21 July repeats 28 April.
        assert_eq!(source_day(start, 42, d(6, 9)), start);
        assert_eq!(source_day(start, 42, d(6, 16)), d(5, 5));
        assert_eq!(source_day(start, 42, d(7, 21)), start);
        assert_eq!(source_day(start, 42, d(7, 20)), d(6, 8));
    }
}
