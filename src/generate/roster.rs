//! Safe-hours arithmetic on one surgeon's fixed roster, for the generator (`rebook stats` reads
//! rosters through [`crate::metrics`]).
//!
//! The generator builds each consultant's roster item by item and keeps an item only when the
//! whole roster still keeps every limit of SPEC.md section 3 (rules 6–10), so a generated roster
//! never draws a W201 warning. This is a third, deliberately small implementation of those rules
//! (the checker and the solvers have their own); `rebook validate` re-checks every generated file.

use crate::model::{Minute, Rules};
use chrono::{Days, NaiveDate};

/// One duty item: a fixed duty or an owned list, in absolute minutes, with its local start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Start, in absolute UTC minutes.
    pub start: Minute,
    /// End (exclusive), in absolute UTC minutes; may be past midnight.
    pub end: Minute,
    /// Local date the item starts on (what the 7-day window, the average and the run count by).
    pub date: NaiveDate,
}

impl Item {
    /// Length in elapsed minutes.
    pub fn minutes(&self) -> i64 {
        self.end - self.start
    }
}

/// A surgeon's roster that keeps every safe-hours rule.
#[derive(Debug, Clone)]
pub struct Roster {
    items: Vec<Item>,
    rules: Rules,
    horizon: (NaiveDate, NaiveDate),
}

impl Roster {
    /// An empty roster kept to `rules`; the horizon (both dates included) is what the average
    /// weekly limit is taken over.
    pub fn new(rules: &Rules, horizon_start: NaiveDate, horizon_end: NaiveDate) -> Self {
        Roster {
            items: Vec::new(),
            rules: rules.clone(),
            horizon: (horizon_start, horizon_end),
        }
    }

    /// The items kept so far, sorted by start.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Adds `item` when the roster with it still keeps every rule; says whether it did.
    pub fn try_add(&mut self, item: Item) -> bool {
        if !self.admits(item) {
            return false;
        }
        let pos = self.items.partition_point(|i| key(i) <= key(&item));
        self.items.insert(pos, item);
        true
    }

    /// Would the roster with `new` keep rules 6–10?
    pub fn admits(&self, new: Item) -> bool {
        if new.end <= new.start {
            return false;
        }
        let r = &self.rules;
        if r.no_overlapping_duties && self.items.iter().any(|i| i.start < new.end && new.start < i.end) {
            return false;
        }
        let pos = self.items.partition_point(|i| key(i) <= key(&new));
        let mut all = Vec::with_capacity(self.items.len() + 1);
        all.extend_from_slice(&self.items[..pos]);
        all.push(new);
        all.extend_from_slice(&self.items[pos..]);
        if let Some(max) = r.max_shift_minutes {
            if longest_shift(&all, r.min_rest_minutes) > max {
                return false;
            }
        }
        if let Some(max) = r.max_minutes_per_7_days {
            for back in 0..7 {
                let Some(from) = new.date.checked_sub_days(Days::new(back)) else {
                    continue;
                };
                if window_minutes(&all, from) > max {
                    return false;
                }
            }
        }
        if let Some(max) = r.max_average_weekly_minutes {
            let (hs, he) = self.horizon;
            if new.date >= hs && new.date <= he {
                let days = (he - hs).num_days() + 1;
                if 7 * minutes_between(&all, hs, he) > max * days {
                    return false;
                }
            }
        }
        if let Some(max) = r.max_consecutive_days {
            if run_through(&all, new.date) > max {
                return false;
            }
        }
        true
    }
}

fn key(i: &Item) -> (Minute, Minute, NaiveDate) {
    (i.start, i.end, i.date)
}

/// Longest shift of sorted `items`: items chain when the gap from the latest end so far is shorter
/// than the rest (or, with no rest rule, when they touch or overlap).
pub fn longest_shift(items: &[Item], min_rest: Option<i64>) -> i64 {
    let mut best = 0;
    let mut begin = Minute::MIN;
    let mut max_end = Minute::MIN;
    for (n, it) in items.iter().enumerate() {
        let joins = n > 0
            && match min_rest {
                Some(rest) => it.start - max_end < rest,
                None => it.start - max_end <= 0,
            };
        if !joins {
            begin = it.start;
            max_end = it.end;
        } else {
            max_end = max_end.max(it.end);
        }
        best = best.max(max_end - begin);
    }
    best
}

/// Duty minutes of items starting in the 7 dates from `from`.
pub fn window_minutes(items: &[Item], from: NaiveDate) -> i64 {
    minutes_between(items, from, from + Days::new(6))
}

/// Duty minutes of items starting from `from` to `to` (both included), e.g. the horizon.
pub fn minutes_between(items: &[Item], from: NaiveDate, to: NaiveDate) -> i64 {
    items
        .iter()
        .filter(|i| i.date >= from && i.date <= to)
        .map(Item::minutes)
        .sum()
}

/// Length of the run of consecutive dates with a duty starting on each that contains `date`.
pub fn run_through(items: &[Item], date: NaiveDate) -> i64 {
    let has = |d: NaiveDate| items.iter().any(|i| i.date == d);
    if !has(date) {
        return 0;
    }
    let mut n = 1;
    let mut d = date;
    while let Some(p) = d.pred_opt().filter(|p| has(*p)) {
        n += 1;
        d = p;
    }
    let mut d = date;
    while let Some(s) = d.succ_opt().filter(|s| has(*s)) {
        n += 1;
        d = s;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::model::time::parse_date(s).unwrap()
    }

    fn item(date: &str, from_h: i64, to_h: i64) -> Item {
        let base = d(date).signed_duration_since(d("2016-01-01")).num_days() * 1440;
        Item {
            start: base + from_h * 60,
            end: base + to_h * 60,
            date: d(date),
        }
    }

    #[test]
    fn keeps_every_limit() {
        let rules = Rules::default();
        let mut r = Roster::new(&rules, d("2016-05-02"), d("2016-05-29"));
        // 08:00–17:00 then an evening 18:00–21:00: a 13 h shift is allowed, 14 h is not.
        assert!(r.try_add(item("2016-05-02", 8, 17)));
        assert!(r.try_add(item("2016-05-02", 18, 21)));
        assert!(!r.try_add(item("2016-05-02", 21, 22)));
        // Only 10 h rest to 07:00 the next day: it would chain into a 23 h shift.
        assert!(!r.try_add(item("2016-05-03", 7, 12)));
        assert!(r.try_add(item("2016-05-03", 8, 12)));
        // Overlap.
        assert!(!r.try_add(item("2016-05-03", 11, 13)));
        // Seven consecutive days are fine, an eighth is not.
        for day in 4..=8 {
            assert!(r.try_add(item(&format!("2016-05-0{day}"), 9, 17)));
        }
        assert!(!r.try_add(item("2016-05-09", 9, 17)));
        assert_eq!(run_through(r.items(), d("2016-05-05")), 7);
        assert_eq!(longest_shift(r.items(), Some(660)), 13 * 60);
        // Every item starts in the week from 2 May: that window holds them all.
        assert_eq!(window_minutes(r.items(), d("2016-05-02")), (12 + 4 + 5 * 8) * 60);
    }

    #[test]
    fn seventy_two_hours_in_seven_days() {
        let rules = Rules {
            max_consecutive_days: None,
            max_average_weekly_minutes: None,
            ..Rules::default()
        };
        let mut r = Roster::new(&rules, d("2016-05-02"), d("2016-05-29"));
        for day in 2..=7 {
            assert!(r.try_add(item(&format!("2016-05-0{day}"), 8, 20)));
        }
        // 72 h already: not even one more hour in the window.
        assert!(!r.try_add(item("2016-05-08", 8, 9)));
        assert!(r.try_add(item("2016-05-09", 8, 9)));
    }
}
