//! Wall-clock ↔ elapsed time in the instance's IANA time zone.
//!
//! Decisions (SPEC.md is silent on them):
//! - A wall-clock time that does not exist (the spring-forward gap, 01:00–02:00 in London on the
//!   last Sunday of March) is read with the offset in force just before the gap, so `01:30` is
//!   the instant 02:30 BST, as a clock that was not yet moved forward would show.
//! - A wall-clock time that occurs twice (the autumn fall-back hour) is read as its first
//!   occurrence.

use super::Minute;
use chrono::{Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Parses `HH:MM` (two digits each, 00:00–23:59).
pub fn parse_clock(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || !b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit()) {
        return None;
    }
    let h: u32 = s[0..2].parse().ok()?;
    let m: u32 = s[3..5].parse().ok()?;
    NaiveTime::from_hms_opt(h, m, 0)
}

/// Parses an ISO `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Formats a time of day as `HH:MM`.
pub fn format_clock(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The absolute minute of a wall-clock date and time in `tz`.
pub fn to_minute(tz: Tz, date: NaiveDate, time: NaiveTime) -> Minute {
    let local = NaiveDateTime::new(date, time);
    let utc = match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.naive_utc(),
        LocalResult::Ambiguous(first, _) => first.naive_utc(),
        LocalResult::None => {
            // In a gap: use the offset of six hours earlier (before the transition).
            let before = local - Duration::hours(6);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                LocalResult::None => tz.offset_from_utc_datetime(&before).fix(),
            };
            local - Duration::seconds(offset.local_minus_utc() as i64)
        }
    };
    utc.and_utc().timestamp().div_euclid(60)
}

/// The wall-clock date and time of an absolute minute in `tz`.
pub fn from_minute(tz: Tz, m: Minute) -> NaiveDateTime {
    let utc = chrono::DateTime::from_timestamp(m * 60, 0).expect("minute within chrono's range");
    utc.with_timezone(&tz).naive_local()
}

/// Start and end of a duty given on `date`; an `end` at or before `start` is on the next day.
pub fn duty_interval(tz: Tz, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> (Minute, Minute) {
    let s = to_minute(tz, date, start);
    let end_date = if end <= start {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    (s, to_minute(tz, end_date, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        parse_clock(s).unwrap()
    }

    #[test]
    fn clock_parsing_is_strict() {
        assert!(parse_clock("08:30").is_some());
        for bad in ["8:30", "24:00", "08:60", "0830", "08:30:00", "ab:cd", ""] {
            assert!(parse_clock(bad).is_none(), "{bad}");
        }
        assert!(parse_date("2016-04-28").is_some());
        assert!(parse_date("2016-4-28").is_none());
        assert!(parse_date("2016-02-30").is_none());
    }

    #[test]
    fn spring_forward_night_is_one_hour_short() {
        let tz: Tz = "Europe/London".parse().unwrap();
        // 20:00 on Saturday 26 March 2016 to 07:00 on Sunday 27 March: 11 h by the clock, 10 h elapsed.
        let a = to_minute(tz, d("2016-03-26"), t("20:00"));
        let b = to_minute(tz, d("2016-03-27"), t("07:00"));
        assert_eq!(b - a, 600);
        // The non-existent 01:30 is read as 02:30 BST, i.e. 01:30 UTC.
        let gap = to_minute(tz, d("2016-03-27"), t("01:30"));
        let midnight = to_minute(tz, d("2016-03-27"), t("00:00"));
        assert_eq!(gap - midnight, 90);
    }

    #[test]
    fn autumn_night_is_one_hour_long_and_round_trips() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let (s, e) = duty_interval(tz, d("2016-10-29"), t("20:00"), t("08:00"));
        assert_eq!(e - s, 13 * 60);
        let back = from_minute(tz, s);
        assert_eq!(back, NaiveDateTime::new(d("2016-10-29"), t("20:00")));
    }
}
