//! Safe-hours arithmetic for the solvers (SPEC.md section 3, rules 6–10): a surgeon's duty items,
//! their shifts, 7-day windows, horizon total and runs of consecutive days.
//!
//! The independent checker ([`crate::check`]) has its own implementation of the same rules and
//! shares no code with this module, so the two cross-check each other in the tests.
//!
//! A breach is a *failure* when the shift, window, run, overlapping pair or horizon total that
//! breaches contains a staffed item (a list rebook staffs); otherwise it is a warning about the
//! roster the trust gave us.

use crate::model::{Instance, Minute};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What a duty item is (SPEC.md section 3); the index names the duty or session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// `surgeons[s].duties[i]`
    Duty(usize),
    /// An owned session (on the roster whether or not cases are added).
    Owned(usize),
    /// An unowned session the surgeon operates in.
    Staffed(usize),
}

/// One duty item of a surgeon: a fixed duty, an owned session or a staffed session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Start, absolute UTC minute.
    pub start: Minute,
    /// End, absolute UTC minute (excluded).
    pub end: Minute,
    /// Local date on which the item starts.
    pub date: NaiveDate,
    /// Which duty or session it is.
    pub kind: ItemKind,
}

impl Item {
    /// Is it a list rebook staffs (a breach containing one is a failure)?
    pub fn staffed(&self) -> bool {
        matches!(self.kind, ItemKind::Staffed(_))
    }
    /// Elapsed length, minutes.
    pub fn minutes(&self) -> i64 {
        self.end - self.start
    }
    /// Session `k` as a staffed item of a surgeon who operates in it.
    pub fn staffed_session(inst: &Instance, k: usize) -> Item {
        let s = &inst.sessions[k];
        Item {
            start: s.start,
            end: s.end,
            date: s.date,
            kind: ItemKind::Staffed(k),
        }
    }
}

/// A safe-hours rule of SPEC.md section 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Rule 6: two duty items overlap.
    Overlap,
    /// Rule 7: a shift longer than `max_shift_minutes`.
    Shift,
    /// Rule 8: more than `max_minutes_per_7_days` starting in the 7 days `[D, D+6]`.
    SevenDays,
    /// Rule 9: more duty starting in the horizon than `max_average_weekly_minutes × horizon_days /
    /// 7`.
    Average,
    /// Rule 10: more than `max_consecutive_days` consecutive dates with a duty starting on each.
    Consecutive,
}

/// One breach of a safe-hours rule by some of a surgeon's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The rule broken.
    pub rule: Rule,
    /// Indices into the item slice.
    pub items: Vec<usize>,
    /// What was found: minutes for rules 7–9, days for rule 10, 0 for an overlap.
    pub amount: i64,
    /// The limit exceeded, in the same unit (0 for an overlap).
    pub limit: i64,
    /// The breach contains a staffed item (a failure of the plan), not only fixed ones (a warning).
    pub failure: bool,
}

impl Breach {
    /// A one-line message: the rule's number, its dates and amounts in hours and minutes (`13h30`).
    pub fn describe(&self, inst: &Instance, items: &[Item]) -> String {
        let first = items[self.items[0]].date;
        let last = self.items.iter().map(|&i| items[i].date).max().unwrap_or(first);
        let h = |m: i64| format!("{}h{:02}", m / 60, m % 60);
        match self.rule {
            Rule::Overlap => format!("rule 6: two duties overlap on {first}"),
            Rule::Shift => format!(
                "rule 7: a shift of {} from {first} exceeds {}",
                h(self.amount),
                h(self.limit)
            ),
            Rule::SevenDays => format!(
                "rule 8: {} of duty in the 7 days {first}..{last} exceeds {}",
                h(self.amount),
                h(self.limit)
            ),
            Rule::Average => format!(
                "rule 9: {} of duty in the horizon {}..{} exceeds the average-weekly allowance {}",
                h(self.amount),
                inst.horizon_start,
                inst.horizon_end,
                h(self.limit)
            ),
            Rule::Consecutive => format!(
                "rule 10: duties on {} consecutive days from {first} (limit {})",
                self.amount, self.limit
            ),
        }
    }
}

/// The fixed items of surgeon `s`: duties and owned sessions, sorted by start.
pub fn fixed_items(inst: &Instance, s: usize) -> Vec<Item> {
    let mut items: Vec<Item> = inst.surgeons[s]
        .duties
        .iter()
        .enumerate()
        .map(|(i, d)| Item {
            start: d.start,
            end: d.end,
            date: d.date,
            kind: ItemKind::Duty(i),
        })
        .collect();
    items.extend(
        inst.sessions
            .iter()
            .enumerate()
            .filter(|(_, x)| x.owner == Some(s))
            .map(|(k, x)| Item {
                start: x.start,
                end: x.end,
                date: x.date,
                kind: ItemKind::Owned(k),
            }),
    );
    sort_items(&mut items);
    items
}

/// The order of a surgeon's items: by start, then end, then date.
fn order_key(i: &Item) -> (Minute, Minute, NaiveDate) {
    (i.start, i.end, i.date)
}

/// Sorts `items` in the order every function here expects: by start, then end, then date.
pub fn sort_items(items: &mut [Item]) {
    items.sort_by_key(order_key);
}

/// Where `new` goes in sorted `items` (after any item with the same key).
pub fn insertion_point(items: &[Item], new: &Item) -> usize {
    items.partition_point(|i| order_key(i) <= order_key(new))
}

/// Inserts `new` into sorted `items`, keeping them sorted.
pub fn insert_sorted(items: &mut Vec<Item>, new: Item) {
    let pos = insertion_point(items, &new);
    items.insert(pos, new);
}

/// The shifts of sorted `items`: index ranges of consecutive items chained by short rests.
/// With `min_rest_minutes` off, items chain only when they touch or overlap.
pub fn shifts(inst: &Instance, items: &[Item]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut max_end = Minute::MIN;
    for (i, it) in items.iter().enumerate() {
        let joins = i > begin
            && match inst.rules.min_rest_minutes {
                Some(rest) => it.start - max_end < rest,
                None => it.start - max_end <= 0,
            };
        if i > 0 && !joins {
            out.push(begin..i);
            begin = i;
            max_end = Minute::MIN;
        }
        max_end = max_end.max(it.end);
    }
    if !items.is_empty() {
        out.push(begin..items.len());
    }
    out
}

/// Every breach of rules 6–10 among sorted `items`.
pub fn breaches(inst: &Instance, items: &[Item]) -> Vec<Breach> {
    let mut out = Vec::new();
    scan(inst, items, None, &mut |b| {
        out.push(b);
        false
    });
    out
}

/// Would adding `new` to the sorted, failure-free `items` keep every rule? Only the shift,
/// windows, run and pairs that contain `new` can fail, so only those are examined.
pub fn admits(inst: &Instance, items: &[Item], new: Item) -> bool {
    let mut all = Vec::with_capacity(items.len() + 1);
    let pos = insertion_point(items, &new);
    all.extend_from_slice(&items[..pos]);
    all.push(new);
    all.extend_from_slice(&items[pos..]);
    let mut ok = true;
    scan(inst, &all, Some(pos), &mut |b| {
        if b.failure {
            ok = false;
            true
        } else {
            false
        }
    });
    ok
}

/// Walks the breaches; `focus` restricts to structures containing that item. `emit` returns true
/// to stop early.
fn scan(inst: &Instance, items: &[Item], focus: Option<usize>, emit: &mut dyn FnMut(Breach) -> bool) {
    let r = &inst.rules;
    // Passes on a breach of `rule` by the items `ix` when it is in focus; true means stop.
    let mut offer = |rule: Rule, ix: Vec<usize>, amount: i64, limit: i64| -> bool {
        if !focus.is_none_or(|f| ix.contains(&f)) {
            return false;
        }
        let failure = ix.iter().any(|&i| items[i].staffed());
        emit(Breach {
            rule,
            items: ix,
            amount,
            limit,
            failure,
        })
    };

    // Rule 6: overlaps.
    if r.no_overlapping_duties {
        for i in 0..items.len() {
            for j in i + 1..items.len() {
                if items[j].start >= items[i].end {
                    break;
                }
                if items[j].start < items[i].end
                    && items[i].start < items[j].end
                    && offer(Rule::Overlap, vec![i, j], 0, 0)
                {
                    return;
                }
            }
        }
    }
    // Rule 7: shifts.
    if let Some(max) = r.max_shift_minutes {
        for range in shifts(inst, items) {
            let start = items[range.start].start;
            let end = items[range.clone()].iter().map(|i| i.end).max().unwrap_or(start);
            if end - start > max && offer(Rule::Shift, range.collect(), end - start, max) {
                return;
            }
        }
    }
    // Per-date totals for rules 8 and 10.
    let mut by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        by_date.entry(it.date).or_default().push(i);
    }
    // Rule 8: 7-day windows [D, D+6] that contain an item.
    if let Some(max) = r.max_minutes_per_7_days {
        let starts: Vec<NaiveDate> = match focus {
            Some(f) => (0..7)
                .filter_map(|k| items[f].date.checked_sub_days(chrono::Days::new(k)))
                .collect(),
            None => {
                let mut v: Vec<NaiveDate> = by_date
                    .keys()
                    .flat_map(|d| (0..7).filter_map(move |k| d.checked_sub_days(chrono::Days::new(k))))
                    .collect();
                v.sort();
                v.dedup();
                v
            }
        };
        for d in starts {
            let Some(last) = d.checked_add_days(chrono::Days::new(6)) else {
                continue;
            };
            let ix: Vec<usize> = by_date.range(d..=last).flat_map(|(_, v)| v.iter().copied()).collect();
            let total: i64 = ix.iter().map(|&i| items[i].minutes()).sum();
            if total > max && !ix.is_empty() && offer(Rule::SevenDays, ix, total, max) {
                return;
            }
        }
    }
    // Rule 9: horizon total against the average-weekly allowance.
    if let Some(avg) = r.max_average_weekly_minutes {
        let ix: Vec<usize> = (0..items.len()).filter(|&i| inst.in_horizon(items[i].date)).collect();
        let total: i64 = ix.iter().map(|&i| items[i].minutes()).sum();
        let days = inst.horizon_days();
        if total * 7 > avg * days && offer(Rule::Average, ix, total, avg * days / 7) {
            return;
        }
    }
    // Rule 10: runs of consecutive dates.
    if let Some(max) = r.max_consecutive_days {
        let dates: Vec<NaiveDate> = by_date.keys().copied().collect();
        let mut begin = 0;
        for i in 1..=dates.len() {
            let breaks = i == dates.len() || (dates[i] - dates[i - 1]).num_days() != 1;
            if breaks {
                let len = (i - begin) as i64;
                if len > max {
                    let ix: Vec<usize> = dates[begin..i]
                        .iter()
                        .flat_map(|d| by_date[d].iter().copied())
                        .collect();
                    if offer(Rule::Consecutive, ix, len, max) {
                        return;
                    }
                }
                begin = i;
            }
        }
    }
}
