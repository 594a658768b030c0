//! Bank holidays in England and Wales, when there are no elective theatre lists.
//!
//! The regular rules (New Year's Day, Good Friday, Easter Monday, early May, spring and summer
//! bank holidays, Christmas and Boxing Day, with their Monday/Tuesday substitutes) plus the
//! one-off changes of recent years (gov.uk "UK bank holidays"). For 2016 this gives 2 May and
//! 30 May inside the Kent horizon, as the project's brief states.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// Easter Sunday (anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

fn first_weekday(year: i32, month: u32, wd: Weekday) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    while d.weekday() != wd {
        d = d.succ_opt().expect("in range");
    }
    d
}

fn last_weekday(year: i32, month: u32, wd: Weekday) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let mut d = next.pred_opt().expect("in range");
    while d.weekday() != wd {
        d = d.pred_opt().expect("in range");
    }
    d
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The bank holidays of England and Wales in `year`.
pub fn bank_holidays(year: i32) -> BTreeSet<NaiveDate> {
    let mut out = BTreeSet::new();
    // New Year's Day, or the Monday after.
    let mut ny = ymd(year, 1, 1);
    while matches!(ny.weekday(), Weekday::Sat | Weekday::Sun) {
        ny = ny.succ_opt().expect("in range");
    }
    out.insert(ny);
    let easter = easter_sunday(year);
    out.insert(easter - Days::new(2));
    out.insert(easter + Days::new(1));
    let early_may = match year {
        1995 => ymd(1995, 5, 8),
        2020 => ymd(2020, 5, 8),
        _ => first_weekday(year, 5, Weekday::Mon),
    };
    out.insert(early_may);
    let spring = match year {
        2002 => ymd(2002, 6, 4),
        2012 => ymd(2012, 6, 4),
        2022 => ymd(2022, 6, 2),
        _ => last_weekday(year, 5, Weekday::Mon),
    };
    out.insert(spring);
    out.insert(last_weekday(year, 8, Weekday::Mon));
    // Christmas and Boxing Day with substitutes.
    let xmas = ymd(year, 12, 25);
    match xmas.weekday() {
        Weekday::Fri => {
            out.insert(xmas);
            out.insert(ymd(year, 12, 28));
        }
        Weekday::Sat => {
            out.insert(ymd(year, 12, 27));
            out.insert(ymd(year, 12, 28));
        }
        Weekday::Sun => {
            out.insert(ymd(year, 12, 26));
            out.insert(ymd(year, 12, 27));
        }
        _ => {
            out.insert(xmas);
            out.insert(ymd(year, 12, 26));
        }
    }
    // One-off bank holidays.
    for (y, m, d) in [
        (1999, 12, 31),
        (2002, 6, 3),
        (2011, 4, 29),
        (2012, 6, 5),
        (2022, 6, 3),
        (2022, 9, 19),
        (2023, 5, 8),
    ] {
        if y == year {
            out.insert(ymd(y, m, d));
        }
    }
    out
}

/// Bank holidays between `from` and `to` inclusive.
pub fn bank_holidays_between(from: NaiveDate, to: NaiveDate) -> BTreeSet<NaiveDate> {
    (from.year()..=to.year())
        .flat_map(bank_holidays)
        .filter(|d| *d >= from && *d <= to)
        .collect()
}

/// Monday to Friday.
pub fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_years() {
        assert_eq!(easter_sunday(2016), ymd(2016, 3, 27));
        assert_eq!(easter_sunday(2023), ymd(2023, 4, 9));
        let v: Vec<NaiveDate> = bank_holidays(2016).into_iter().collect();
        assert_eq!(
            v,
            vec![
                ymd(2016, 1, 1),
                ymd(2016, 3, 25),
                ymd(2016, 3, 28),
                ymd(2016, 5, 2),
                ymd(2016, 5, 30),
                ymd(2016, 8, 29),
                ymd(2016, 12, 26),
                ymd(2016, 12, 27),
            ]
        );
        let v: Vec<NaiveDate> = bank_holidays_between(ymd(2023, 4, 17), ymd(2023, 5, 31))
            .into_iter()
            .collect();
        assert_eq!(v, vec![ymd(2023, 5, 1), ymd(2023, 5, 8), ymd(2023, 5, 29)]);
    }
}
