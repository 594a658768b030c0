//! The strike series file (`rebook-series/1`): the rounds of a season of strikes and the settings
//! of the simulation, read with field paths and checked, every problem at once.
//!
//! ```json
//! {
//!   "format": "rebook-series/1",
//!   "name": "England 2023-24",
//!   "sources": ["..."],
//!   "share_lost": 0.4,
//!   "new_cases_per_strike_day": 37.5,
//!   "rounds": [
//!     { "label": "resident doctors, 72 h", "first": "2023-03-13", "last": "2023-03-15" },
//!     { "label": "consultants, 48 h", "first": "2023-07-20", "last": "2023-07-21", "share_lost": 0.5 }
//!   ]
//! }
//! ```
//!
//! Every field but `format` and `rounds` is optional; the defaults are the constants of this
//! module (`docs/SIMULATE.md` gives their sources). Unknown fields are errors, as in an instance.

use crate::io::json::{self, JsonError};
use crate::model::time::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` of a series file.
pub const SERIES_FORMAT: &str = "rebook-series/1";
/// Default share of a strike day's lists lost (0.4 = 40 %): ../shared/DOMAIN.md estimates that
/// 50–70 % of planned electives went ahead on strike days, so 30–50 % were lost; 40 % is the middle.
pub const DEFAULT_SHARE_LOST: f64 = 0.4;
/// Default new cancellations per strike day for an average trust: the middle of DOMAIN.md's
/// estimate of 35–40 elective procedures per strike day in 2023.
pub const DEFAULT_NEW_CASES_PER_STRIKE_DAY: f64 = 37.5;
/// Default days between the announcement (the re-plan) and a round's first strike day: trusts
/// cancelled lists 1–2 weeks ahead (DOMAIN.md); the re-plan is made a week ahead.
pub const DEFAULT_ANNOUNCE_DAYS: i64 = 7;
/// Default notice: bookings dated within this many days of a re-plan have been told to the patient.
pub const DEFAULT_NOTIFIED_WITHIN_DAYS: i64 = 14;
/// Default `rules.keep_notified_days` of every re-planning instance (SPEC.md section 8).
pub const DEFAULT_KEEP_NOTIFIED_DAYS: i64 = 14;
/// At most this many rounds in a series.
pub const MAX_ROUNDS: usize = 200;
/// At most this many strike days in one round.
pub const MAX_ROUND_DAYS: i64 = 31;

/// A series file as written (`rebook-series/1`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeriesFile {
    /// `format`: [`SERIES_FORMAT`].
    pub format: String,
    /// `name`: a title for the pages; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `description`: free text; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `sources`: where the dates and figures come from, one reference a string.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// `share_lost`: the share of each strike day's lists lost, 0 to 1 (default
    /// [`DEFAULT_SHARE_LOST`]); a round may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_lost: Option<f64>,
    /// `new_cases_per_strike_day`: new cancellations per strike day for an average trust (default
    /// [`DEFAULT_NEW_CASES_PER_STRIKE_DAY`]); a round may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_cases_per_strike_day: Option<f64>,
    /// `announce_days`: days from the re-plan to the first strike day, 0 to 60 (default
    /// [`DEFAULT_ANNOUNCE_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce_days: Option<i64>,
    /// `notified_within_days`: bookings dated within this many days of a re-plan were told to
    /// the patient, 0 to 366 (default [`DEFAULT_NOTIFIED_WITHIN_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_within_days: Option<i64>,
    /// `keep_notified_days`: `rules.keep_notified_days` of each re-planning instance, 0 to 366
    /// (default [`DEFAULT_KEEP_NOTIFIED_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_notified_days: Option<i64>,
    /// `horizon_weeks`: how far ahead each re-plan books at least, 1 to 52 weeks (default: the
    /// batch's own horizon, in whole weeks, per trust).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_weeks: Option<i64>,
    /// `trust_scale`: a trust's size against an average trust, by trust id, more than 0 and at
    /// most 20 (default: its cases over the batch's mean cases per trust).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trust_scale: BTreeMap<String, f64>,
    /// `rounds`: the strikes, in date order; the first is the batch's own strike.
    pub rounds: Vec<RoundDto>,
}

/// One round as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoundDto {
    /// `label`: who struck and how long, for tables and pages (default `round <n>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `first`: the first strike day, `YYYY-MM-DD`.
    pub first: String,
    /// `last`: the last strike day (default: `first`), inclusive: a day on which lists are lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// `share_lost`: this round's share of lists lost (default: the series').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_lost: Option<f64>,
    /// `new_cases_per_strike_day`: this round's rate (default: the series').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_cases_per_strike_day: Option<f64>,
    /// `note`: free text (the hours of the walkout, who covered); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A checked series: every default filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Its name (the file's `name`, or `strike series`).
    pub name: String,
    /// The file's `description`, or empty.
    pub description: String,
    /// The file's sources.
    pub sources: Vec<String>,
    /// Days from a re-plan to its round's first strike day.
    pub announce_days: i64,
    /// Notice: bookings dated within this many days of a re-plan were told.
    pub notified_within_days: i64,
    /// `rules.keep_notified_days` of every re-planning instance.
    pub keep_notified_days: i64,
    /// Weeks each re-plan books ahead at least; `None`: each trust's own horizon.
    pub horizon_weeks: Option<i64>,
    /// Trust sizes given by the file, by trust id.
    pub trust_scale: BTreeMap<String, f64>,
    /// The rounds, in date order.
    pub rounds: Vec<Round>,
}

/// One checked round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// Its label.
    pub label: String,
    /// First strike day (the series' own calendar).
    pub first: NaiveDate,
    /// Last strike day, inclusive.
    pub last: NaiveDate,
    /// Share of each strike day's lists lost, 0 to 1.
    pub share_lost: f64,
    /// New cancellations per strike day for an average trust.
    pub new_cases_per_strike_day: f64,
    /// The file's note, or empty.
    pub note: String,
}

impl Round {
    /// Strike days of the round (`last − first + 1`).
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// Why a series file was refused.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// Not JSON of the series' shape (syntax, a missing or unknown field, a wrong type).
    #[error("{0}")]
    Json(JsonError),
    /// Values out of range or out of order: each problem with its field path.
    #[error("{} problem(s): {}", .0.len(), .0.join("; "))]
    Invalid(Vec<String>),
}

/// Reads and checks a series file's text.
pub fn parse(text: &str) -> Result<Series, SeriesError> {
    let file: SeriesFile = json::parse(text).map_err(SeriesError::Json)?;
    check(&file).map_err(SeriesError::Invalid)
}

/// Checks a parsed series file and fills in its defaults; or every problem, each naming its
/// field (`rounds[2].last`).
pub fn check(file: &SeriesFile) -> Result<Series, Vec<String>> {
    let mut problems = Vec::new();
    if file.format != SERIES_FORMAT {
        problems.push(format!("format: '{}' is not {SERIES_FORMAT}", file.format));
    }
    let share = fraction(file.share_lost, DEFAULT_SHARE_LOST, "share_lost", &mut problems);
    let rate = rate(
        file.new_cases_per_strike_day,
        DEFAULT_NEW_CASES_PER_STRIKE_DAY,
        "new_cases_per_strike_day",
        &mut problems,
    );
    let announce_days = days(
        file.announce_days,
        DEFAULT_ANNOUNCE_DAYS,
        0,
        60,
        "announce_days",
        &mut problems,
    );
    let notified_within_days = days(
        file.notified_within_days,
        DEFAULT_NOTIFIED_WITHIN_DAYS,
        0,
        366,
        "notified_within_days",
        &mut problems,
    );
    let keep_notified_days = days(
        file.keep_notified_days,
        DEFAULT_KEEP_NOTIFIED_DAYS,
        0,
        366,
        "keep_notified_days",
        &mut problems,
    );
    if let Some(w) = file.horizon_weeks.filter(|w| !(1..=52).contains(w)) {
        problems.push(format!("horizon_weeks: {w} is not a number of weeks from 1 to 52"));
    }
    for (trust, scale) in &file.trust_scale {
        if !(scale.is_finite() && *scale > 0.0 && *scale <= 20.0) {
            problems.push(format!(
                "trust_scale.{trust}: {scale} is not a size against an average trust (more than 0, at most 20)"
            ));
        }
    }
    if file.rounds.is_empty() {
        problems.push("rounds: no round (the first round is the batch's own strike)".to_string());
    }
    if file.rounds.len() > MAX_ROUNDS {
        problems.push(format!("rounds: {} rounds, at most {MAX_ROUNDS}", file.rounds.len()));
    }
    let mut rounds = Vec::with_capacity(file.rounds.len());
    let mut previous: Option<(usize, NaiveDate)> = None;
    for (i, r) in file.rounds.iter().enumerate() {
        let at = format!("rounds[{i}]");
        let first = parse_date(&r.first);
        if first.is_none() {
            problems.push(format!("{at}.first: '{}' is not a date (YYYY-MM-DD)", r.first));
        }
        let last = match &r.last {
            Some(text) => {
                let d = parse_date(text);
                if d.is_none() {
                    problems.push(format!("{at}.last: '{text}' is not a date (YYYY-MM-DD)"));
                }
                d
            }
            None => first,
        };
        let share_lost = fraction(r.share_lost, share, &format!("{at}.share_lost"), &mut problems);
        let rate = self::rate(
            r.new_cases_per_strike_day,
            rate,
            &format!("{at}.new_cases_per_strike_day"),
            &mut problems,
        );
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        if last < first {
            problems.push(format!("{at}.last: {last} is before the first strike day {first}"));
            continue;
        }
        let length = (last - first).num_days() + 1;
        if length > MAX_ROUND_DAYS {
            problems.push(format!(
                "{at}: {length} strike days from {first} to {last}, at most {MAX_ROUND_DAYS}"
            ));
        }
        if let Some((j, before)) = previous {
            if first <= before {
                problems.push(format!(
                    "{at}.first: {first} is not after the last strike day of rounds[{j}] ({before}): give the rounds in date order, without overlap"
                ));
            }
        }
        previous = Some((i, last));
        rounds.push(Round {
            label: r.label.clone().unwrap_or_else(|| format!("round {}", i + 1)),
            first,
            last,
            share_lost,
            new_cases_per_strike_day: rate,
            note: r.note.clone().unwrap_or_default(),
        });
    }
    if let (Some(a), Some(b)) = (rounds.first(), rounds.last()) {
        if (b.last - a.first).num_days() > 366 * 5 {
            problems.push(format!(
                "rounds: the series runs from {} to {}, more than five years",
                a.first, b.last
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Series {
        name: file.name.clone().unwrap_or_else(|| "strike series".to_string()),
        description: file.description.clone().unwrap_or_default(),
        sources: file.sources.clone(),
        announce_days,
        notified_within_days,
        keep_notified_days,
        horizon_weeks: file.horizon_weeks,
        trust_scale: file.trust_scale.clone(),
        rounds,
    })
}

/// `value` (or `default`) when it is a fraction from 0 to 1; else a problem at `field`.
fn fraction(value: Option<f64>, default: f64, field: &str, problems: &mut Vec<String>) -> f64 {
    match value {
        None => default,
        Some(v) if (0.0..=1.0).contains(&v) => v,
        Some(v) => {
            problems.push(format!("{field}: {v} is not a fraction from 0 to 1 (0.4 = 40 %)"));
            default
        }
    }
}

/// `value` (or `default`) when it is a rate from 0 to 10,000 cases a strike day.
fn rate(value: Option<f64>, default: f64, field: &str, problems: &mut Vec<String>) -> f64 {
    match value {
        None => default,
        Some(v) if v.is_finite() && (0.0..=10_000.0).contains(&v) => v,
        Some(v) => {
            problems.push(format!(
                "{field}: {v} is not a number of cases a strike day from 0 to 10000"
            ));
            default
        }
    }
}

/// `value` (or `default`) when it is a number of days from `lo` to `hi`.
fn days(value: Option<i64>, default: i64, lo: i64, hi: i64, field: &str, problems: &mut Vec<String>) -> i64 {
    match value {
        None => default,
        Some(v) if (lo..=hi).contains(&v) => v,
        Some(v) => {
            problems.push(format!("{field}: {v} is not a number of days from {lo} to {hi}"));
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_in_and_problems_name_their_fields() {
        let s = parse(r#"{"format":"rebook-series/1","rounds":[{"first":"2023-03-13","last":"2023-03-15"},{"first":"2023-04-11"}]}"#)
            .unwrap();
        assert_eq!(s.rounds.len(), 2);
        assert_eq!(s.rounds[0].days(), 3);
        assert_eq!(s.rounds[1].days(), 1);
        assert_eq!(s.rounds[1].label, "round 2");
        assert_eq!(s.rounds[1].share_lost, DEFAULT_SHARE_LOST);
        assert_eq!(s.keep_notified_days, DEFAULT_KEEP_NOTIFIED_DAYS);
        let Err(SeriesError::Invalid(p)) = parse(
            r#"{"format":"rebook-series/1","share_lost":1.5,"rounds":[{"first":"2023-03-13","last":"2023-03-12"},{"first":"2023-03-01"},{"first":"x"}]}"#,
        ) else {
            panic!("refused")
        };
        assert!(p.iter().any(|m| m.starts_with("share_lost:")), "{p:?}");
        assert!(p.iter().any(|m| m.starts_with("rounds[0].last:")), "{p:?}");
        assert!(p.iter().any(|m| m.starts_with("rounds[2].first:")), "{p:?}");
        let Err(SeriesError::Json(e)) =
            parse(r#"{"format":"rebook-series/1","rounds":[{"first":"2023-03-13","lats":"x"}]}"#)
        else {
            panic!("unknown field refused")
        };
        assert!(e.path.contains("rounds[0]"), "{e:?}");
    }
}
