//! The series put on the batch's calendar.
//!
//! A bundled batch lives in its own weeks (the Kent batch: 28 April to 8 June 2016), a series in
//! others (England: March 2023 to July 2024). Round 1 of the series is the batch's own strike, so
//! every date of the series moves by one shift: the whole number of weeks nearest to the days
//! from round 1's first strike day to the batch's strike date ([`strike_date`]), so that
//! weekdays stay weekdays (a strike's lists depend on the day of the week). Round *k* then
//! strikes on round 1's moved first day + (its first day − round 1's first day), for as many
//! days as it lasted, and is re-planned `announce_days` before its first strike day
//! ([`Calendar::rounds`]).

use super::series::Series;
use crate::model::Instance;
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// The dates of one round on the batch's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundDates {
    /// Round number, from 1.
    pub round: usize,
    /// The re-plan: the morning the round is announced and every trust re-plans (round 1: the
    /// batch's own start, the latest `horizon.start` of its trusts).
    pub today: NaiveDate,
    /// First strike day, moved onto the batch's calendar.
    pub first: NaiveDate,
    /// Last strike day, moved.
    pub last: NaiveDate,
    /// The strike days on which lists are lost: from `first` to `last`, those on or after
    /// `today` (round 1: none, the batch already holds its cancellations).
    pub strike_dates: Vec<NaiveDate>,
}

/// The series on the batch's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    /// The batch's strike date: round 1's first strike day on the batch's calendar.
    pub strike_date: NaiveDate,
    /// Days added to every date of the series (negative: back in time): a multiple of 7.
    pub shift_days: i64,
    /// Every round's dates, in order.
    pub rounds: Vec<RoundDates>,
}

/// `date` moved by `days`, saturating at the calendar's ends.
pub fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(date)
    }
}

/// The batch's strike date, read from its cases: the earliest `original_date` in the 14 days
/// before the batch starts (its earliest `horizon.start`), else the day before it starts.
pub fn strike_date(batch: &[&Instance]) -> Option<NaiveDate> {
    let start = batch.iter().map(|i| i.horizon_start).min()?;
    let from = shift(start, -14);
    let found = (batch.iter())
        .flat_map(|i| i.procedures.iter())
        .filter_map(|p| p.original_date)
        .filter(|d| *d >= from && *d < start)
        .min();
    Some(found.unwrap_or_else(|| shift(start, -1)))
}

/// The series on the calendar of a batch that starts on `start` (its latest `horizon.start`) and
/// whose strike began on `strike_date`. Round *k* ≥ 2 is re-planned `announce_days` before its
/// first strike day, but never before the day after the previous round's re-plan.
pub fn calendar(series: &Series, strike_date: NaiveDate, start: NaiveDate) -> Calendar {
    let origin = series.rounds.first().map_or(strike_date, |r| r.first);
    // Whole weeks, the nearest to the batch's strike date: a Monday walkout stays a Monday's.
    let shift_days = ((strike_date - origin).num_days() as f64 / 7.0).round() as i64 * 7;
    let mut rounds: Vec<RoundDates> = Vec::with_capacity(series.rounds.len());
    for (i, r) in series.rounds.iter().enumerate() {
        let first = shift(r.first, shift_days);
        let last = shift(r.last, shift_days);
        let today = match rounds.last() {
            None => start,
            Some(prev) => shift(first, -series.announce_days).max(shift(prev.today, 1)),
        };
        let strike_dates = if i == 0 {
            Vec::new()
        } else {
            (0..=(last - first).num_days())
                .map(|d| shift(first, d))
                .filter(|d| *d >= today)
                .collect()
        };
        rounds.push(RoundDates {
            round: i + 1,
            today,
            first,
            last,
            strike_dates,
        });
    }
    Calendar {
        strike_date,
        shift_days,
        rounds,
    }
}
