//! Numbers a booking office and a theatre manager ask for (SPEC.md section 5, `metrics`), each
//! defined once here and read by the schedule file, the batch summary, the HTML reports and
//! `rebook stats`:
//!
//! - waits: [`waits`] (original date to new date), [`referral_waits`] (referral to new date),
//!   [`wait_stats`] and the one [`percentile`] (linear interpolation between closest ranks);
//! - surgeon duty: [`surgeon_duties`] builds each surgeon's [`SurgeonDuty`] (shifts, duty minutes
//!   per date, rest, 7-day windows) on the safe-hours arithmetic of [`crate::rules`]; the metrics
//!   keep its maxima ([`SurgeonHours`]), the plan page draws its per-day figures.
//! - re-planning (SPEC.md section 8): [`bookings`] counts the published plan's bookings kept,
//!   moved (notified or not) and void; [`Breaches::repeat_cancellation`] the twice-cancelled
//!   cases past 28 days.
//!
//! The independent checker ([`crate::check`]) deliberately computes its own figures.

use crate::model::{Instance, Minute, Priority};
use crate::rules::{self, Item, ItemKind};
use crate::schedule::{by_priority, missed, objective, Objective, Placement, Solution};
use crate::text::round2;
use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Summary of waits in days (`metrics.wait_days`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaitStats {
    /// Mean wait, days, two decimals.
    pub mean: f64,
    /// Median wait, days, two decimals.
    pub median: f64,
    /// 90th-percentile wait, days, two decimals.
    pub p90: f64,
    /// Longest wait, days.
    pub max: i64,
}

/// Safe-hours maxima of one surgeon under the plan (an entry of `metrics.surgeons`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SurgeonHours {
    /// Surgeon id.
    pub surgeon: String,
    /// Longest shift, hours (all items, fixed and staffed).
    pub longest_shift_hours: f64,
    /// Most duty hours starting in any 7 consecutive days.
    pub max_hours_in_7_days: f64,
    /// Shortest rest between two shifts, hours (`null` with fewer than two shifts).
    pub shortest_rest_hours: Option<f64>,
    /// Lists rebook staffed for this surgeon.
    pub staffed_sessions: usize,
    /// Operating minutes of rebooked cases.
    pub rebooked_minutes: i64,
}

/// Scheduled cases that miss each target of SPEC.md sections 4 and 8, counts (`metrics.breaches`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Breaches {
    /// Cancelled on the day and rebooked more than 28 days after `original_date`.
    pub cancelled_on_day: usize,
    /// Rebooked after the clinical-priority target.
    pub priority: usize,
    /// Rebooked more than 18 weeks (126 days) after referral.
    pub rtt: usize,
    /// Cancelled at least twice (`times_cancelled ≥ 2`) and rebooked more than 28 days after
    /// `original_date` (`breach.repeat_cancellation`, SPEC.md section 8); a case cancelled on the
    /// day counts here and under `cancelled_on_day`.
    pub repeat_cancellation: usize,
}

/// The published plan's bookings under a re-plan (SPEC.md section 8): the metrics `kept`,
/// `moved_notified`, `moved_unnotified` and `void_bookings`, each a count of cases.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Bookings {
    /// Cases with a live booking assigned to their booked session (any start, any surgeon).
    pub kept: usize,
    /// Cases with a live, notified booking not assigned to their booked session: moved to
    /// another session or left unscheduled.
    pub moved_notified: usize,
    /// The same for live bookings the patient has not been told of (`notified: false`).
    pub moved_unnotified: usize,
    /// Cases whose booking is void (its session is not in the instance: lost to the strike).
    pub void_bookings: usize,
}

/// How plan `placements` treats the bookings of `inst` (all zero without `procedure.booked`).
pub fn bookings(inst: &Instance, placements: &[Placement]) -> Bookings {
    let mut assigned: Vec<Option<usize>> = vec![None; inst.procedures.len()];
    for pl in placements {
        assigned[pl.procedure] = Some(pl.session);
    }
    let mut b = Bookings::default();
    for (pr, at) in inst.procedures.iter().zip(assigned) {
        match (&pr.booked, pr.live_booking()) {
            (None, _) => {}
            (Some(_), None) => b.void_bookings += 1,
            (Some(_), Some(k)) if at == Some(k) => b.kept += 1,
            (Some(booking), Some(_)) if booking.notified => b.moved_notified += 1,
            (Some(_), Some(_)) => b.moved_unnotified += 1,
        }
    }
    b
}

/// The `metrics` block of a schedule file (SPEC.md section 5).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    /// Procedures in the instance.
    pub cases: usize,
    /// Cases scheduled.
    pub scheduled: usize,
    /// Cases left unscheduled.
    pub unscheduled: usize,
    /// Cases scheduled, by priority (`P1` … `P4`).
    pub scheduled_by_priority: BTreeMap<&'static str, usize>,
    /// Cases left unscheduled, by priority (`P1` … `P4`).
    pub unscheduled_by_priority: BTreeMap<&'static str, usize>,
    /// Cases left unscheduled, by `reason` (only the reasons that occur).
    pub unscheduled_by_reason: BTreeMap<&'static str, usize>,
    /// Days from `original_date` (or `earliest` when absent) to the new date, scheduled cases.
    pub wait_days: Option<WaitStats>,
    /// Targets missed by the scheduled cases, by kind.
    pub breaches: Breaches,
    /// Bookings of the published plan kept, moved and void (SPEC.md section 8), flattened into
    /// this block as `kept`, `moved_notified`, `moved_unnotified` and `void_bookings`.
    #[serde(flatten)]
    pub bookings: Bookings,
    /// Sessions with an `open_cost` that received cases (extra lists run).
    pub sessions_opened: usize,
    /// Unowned lists rebook staffed.
    pub sessions_staffed: usize,
    /// (Σ duration + turnaround of new cases) / Σ free minutes of every session.
    pub utilisation_of_free_minutes: f64,
    /// The objective term by term, cost points.
    pub objective: Objective,
    /// Every surgeon with duties or rebooked cases, in instance order.
    pub surgeons: Vec<SurgeonHours>,
    /// The duty behind each of `surgeons` (same order), for the plan page's per-day charts. Not
    /// written to files.
    #[serde(skip)]
    pub duties: Vec<SurgeonDuty>,
}

/// The `q` quantile of `sorted` by linear interpolation between the closest ranks (0 when empty):
/// the median of `[1, 2, 3, 4]` is 2.5. The one percentile of rebook: waits in plans, summaries
/// and reports, durations in `rebook stats`.
pub fn percentile(sorted: &[i64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * (pos - lo as f64)
}

/// Mean, median, 90th percentile (two decimals) and maximum of `days`; `None` when empty.
pub fn wait_stats(days: &[i64]) -> Option<WaitStats> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let max = *sorted.last()?;
    Some(WaitStats {
        mean: round2(sorted.iter().sum::<i64>() as f64 / sorted.len() as f64),
        median: round2(percentile(&sorted, 0.5)),
        p90: round2(percentile(&sorted, 0.9)),
        max,
    })
}

/// The wait (days from `original_date`, or `earliest` when absent, to the new date) of every
/// scheduled case, with its priority: the `wait_days` statistics, distributions and totals.
pub fn waits(inst: &Instance, sol: &Solution) -> Vec<(Priority, i64)> {
    sol.placements
        .iter()
        .map(|pl| {
            let pr = &inst.procedures[pl.procedure];
            let date = inst.sessions[pl.session].date;
            (pr.priority, (date - pr.original_date.unwrap_or(pr.earliest)).num_days())
        })
        .collect()
}

/// Days from referral to the new date of every scheduled case with a referral date, with its
/// priority (the 18-week referral-to-treatment clock).
pub fn referral_waits(inst: &Instance, sol: &Solution) -> Vec<(Priority, i64)> {
    sol.placements
        .iter()
        .filter_map(|pl| {
            let pr = &inst.procedures[pl.procedure];
            Some((pr.priority, (inst.sessions[pl.session].date - pr.referral?).num_days()))
        })
        .collect()
}

/// Scheduled cases the 28-day rule applies to: cancelled on the day, with an original date.
pub fn under_28_day_rule(inst: &Instance, sol: &Solution) -> usize {
    sol.placements
        .iter()
        .filter(|pl| {
            let pr = &inst.procedures[pl.procedure];
            pr.cancelled_on_day && pr.original_date.is_some()
        })
        .count()
}

/// One shift of a surgeon: a chain of duty items with less than the minimum rest between them
/// ([`rules::shifts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Local date on which its first item starts.
    pub date: NaiveDate,
    /// Start of its first item, absolute UTC minute.
    pub start: Minute,
    /// Latest end of its items, absolute UTC minute.
    pub end: Minute,
    /// Holds a list in which this surgeon has rebooked cases.
    pub rebooked: bool,
}

impl Shift {
    /// Elapsed length, first start to latest end, minutes.
    pub fn minutes(&self) -> i64 {
        self.end - self.start
    }
}

/// One surgeon's duty under a plan: the fixed roster and the lists rebook staffs, chained into
/// shifts and summed per date, with the rebooked work. Every surgeon-hours figure (the metrics,
/// the plan page, `rebook stats`) is read from here.
#[derive(Debug, Clone, PartialEq)]
pub struct SurgeonDuty {
    /// Index into `inst.surgeons`.
    pub surgeon: usize,
    /// Duty items, sorted ([`rules::sort_items`]).
    pub items: Vec<Item>,
    /// The items chained into shifts, in time order.
    pub shifts: Vec<Shift>,
    /// Duty minutes of the items starting on each date.
    pub minutes_by_date: BTreeMap<NaiveDate, i64>,
    /// Cases this surgeon operates under the plan.
    pub rebooked_cases: usize,
    /// Operating minutes of the rebooked cases.
    pub rebooked_minutes: i64,
}

impl SurgeonDuty {
    /// Has duties or rebooked cases: the surgeons the metrics and the plan page list.
    pub fn on_duty(&self) -> bool {
        !self.items.is_empty() || self.rebooked_cases > 0
    }

    /// Lists rebook staffed for this surgeon.
    pub fn staffed_sessions(&self) -> usize {
        self.items.iter().filter(|i| i.staffed()).count()
    }

    /// The longest shift (the first of equals).
    pub fn longest_shift(&self) -> Option<&Shift> {
        self.shifts
            .iter()
            .reduce(|best, s| if s.minutes() > best.minutes() { s } else { best })
    }

    /// Duty minutes of the items starting in `from..=to`.
    pub fn minutes_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        self.minutes_by_date.range(from..=to).map(|(_, m)| m).sum()
    }

    /// Duty minutes of the items starting in the 7 days `first..=first + 6`.
    pub fn window_minutes(&self, first: NaiveDate) -> i64 {
        self.minutes_between(first, first.checked_add_days(Days::new(6)).unwrap_or(first))
    }

    /// The busiest 7 days: (first date, duty minutes), the first of equals. The busiest window
    /// always starts on a date with a duty, so only those are tried.
    pub fn busiest_7_days(&self) -> Option<(NaiveDate, i64)> {
        self.minutes_by_date
            .keys()
            .map(|&d| (d, self.window_minutes(d)))
            .reduce(|best, w| if w.1 > best.1 { w } else { best })
    }

    /// The shortest rest between two shifts: (date the later shift starts, minutes), the first
    /// of equals. A rest runs from the latest end so far to the next shift's start.
    pub fn shortest_rest(&self) -> Option<(NaiveDate, i64)> {
        let mut best: Option<(NaiveDate, i64)> = None;
        let mut latest_end: Option<Minute> = None;
        for s in &self.shifts {
            if let Some(end) = latest_end {
                let rest = s.start - end;
                if best.is_none_or(|(_, b)| rest < b) {
                    best = Some((s.date, rest));
                }
            }
            latest_end = Some(latest_end.map_or(s.end, |e| e.max(s.end)));
        }
        best
    }

    /// The longest run of consecutive dates with a duty starting on each.
    pub fn longest_run_days(&self) -> i64 {
        let mut best = 0;
        let mut run = 0;
        let mut prev: Option<NaiveDate> = None;
        for &d in self.minutes_by_date.keys() {
            run = if prev.and_then(|p| p.succ_opt()) == Some(d) {
                run + 1
            } else {
                1
            };
            best = best.max(run);
            prev = Some(d);
        }
        best
    }
}

/// The duty of every surgeon (instance order) under `placements`: the fixed items (duties and
/// owned lists) plus each unowned list a surgeon operates in. With no placements, the roster the
/// trust gave.
pub fn surgeon_duties(inst: &Instance, placements: &[Placement]) -> Vec<SurgeonDuty> {
    let mut mine: Vec<Vec<&Placement>> = vec![Vec::new(); inst.surgeons.len()];
    for pl in placements {
        mine[pl.surgeon].push(pl);
    }
    let mut staffed: Vec<(usize, usize)> = placements
        .iter()
        .filter(|pl| inst.sessions[pl.session].owner.is_none())
        .map(|pl| (pl.surgeon, pl.session))
        .collect();
    staffed.sort();
    staffed.dedup();
    let mut items: Vec<Vec<Item>> = (0..inst.surgeons.len()).map(|s| rules::fixed_items(inst, s)).collect();
    for (s, k) in staffed {
        items[s].push(Item::staffed_session(inst, k));
    }
    items
        .into_iter()
        .zip(mine)
        .enumerate()
        .map(|(surgeon, (mut items, mine))| {
            rules::sort_items(&mut items);
            let lists: BTreeSet<usize> = mine.iter().map(|pl| pl.session).collect();
            let shifts = rules::shifts(inst, &items)
                .into_iter()
                .map(|r| {
                    let start = items[r.start].start;
                    Shift {
                        date: items[r.start].date,
                        start,
                        end: items[r.clone()].iter().map(|i| i.end).max().unwrap_or(start),
                        rebooked: items[r].iter().any(|i| match i.kind {
                            ItemKind::Owned(k) | ItemKind::Staffed(k) => lists.contains(&k),
                            ItemKind::Duty(_) => false,
                        }),
                    }
                })
                .collect();
            let mut minutes_by_date = BTreeMap::new();
            for i in &items {
                *minutes_by_date.entry(i.date).or_insert(0) += i.minutes();
            }
            SurgeonDuty {
                surgeon,
                items,
                shifts,
                minutes_by_date,
                rebooked_cases: mine.len(),
                rebooked_minutes: mine.iter().map(|pl| inst.procedures[pl.procedure].duration).sum(),
            }
        })
        .collect()
}

impl SurgeonHours {
    /// The maxima of a surgeon's duty, in hours with two decimals.
    fn of(inst: &Instance, duty: &SurgeonDuty) -> SurgeonHours {
        let hours = |minutes: i64| round2(minutes as f64 / 60.0);
        SurgeonHours {
            surgeon: inst.surgeons[duty.surgeon].id.clone(),
            longest_shift_hours: hours(duty.longest_shift().map_or(0, Shift::minutes)),
            max_hours_in_7_days: hours(duty.busiest_7_days().map_or(0, |(_, m)| m)),
            shortest_rest_hours: duty.shortest_rest().map(|(_, r)| hours(r)),
            staffed_sessions: duty.staffed_sessions(),
            rebooked_minutes: duty.rebooked_minutes,
        }
    }
}

/// The metrics of plan `sol` for `inst`.
pub fn compute(inst: &Instance, sol: &Solution) -> Metrics {
    let mut scheduled_by = [0usize; 4];
    let mut unscheduled_by = [0usize; 4];
    let mut breaches = Breaches {
        cancelled_on_day: 0,
        priority: 0,
        rtt: 0,
        repeat_cancellation: 0,
    };
    for pl in &sol.placements {
        let pr = &inst.procedures[pl.procedure];
        scheduled_by[pr.priority.index()] += 1;
        let m = missed(pr, inst.sessions[pl.session].date);
        breaches.cancelled_on_day += usize::from(m.cancelled_on_day);
        breaches.priority += usize::from(m.priority);
        breaches.rtt += usize::from(m.rtt);
        breaches.repeat_cancellation += usize::from(m.repeat_cancellation);
    }
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &(p, r) in &sol.unscheduled {
        unscheduled_by[inst.procedures[p].priority.index()] += 1;
        *by_reason.entry(r.as_str()).or_default() += 1;
    }
    let wait_days: Vec<i64> = waits(inst, sol).into_iter().map(|(_, d)| d).collect();

    let mut used: BTreeMap<usize, i64> = BTreeMap::new();
    for pl in &sol.placements {
        *used.entry(pl.session).or_default() += inst.procedures[pl.procedure].duration + inst.rules.turnaround_minutes;
    }
    let free_total: i64 = inst.sessions.iter().map(|s| s.free_minutes).sum();
    let used_total: i64 = used.values().sum();
    let sessions_opened = used.keys().filter(|&&k| inst.sessions[k].open_cost > 0).count();

    let duties: Vec<SurgeonDuty> = surgeon_duties(inst, &sol.placements)
        .into_iter()
        .filter(SurgeonDuty::on_duty)
        .collect();

    Metrics {
        cases: inst.procedures.len(),
        scheduled: sol.placements.len(),
        unscheduled: sol.unscheduled.len(),
        scheduled_by_priority: by_priority(scheduled_by),
        unscheduled_by_priority: by_priority(unscheduled_by),
        unscheduled_by_reason: by_reason,
        wait_days: wait_stats(&wait_days),
        breaches,
        bookings: bookings(inst, &sol.placements),
        sessions_opened,
        sessions_staffed: sol
            .placements
            .iter()
            .filter(|pl| inst.sessions[pl.session].owner.is_none())
            .map(|pl| pl.session)
            .collect::<BTreeSet<_>>()
            .len(),
        utilisation_of_free_minutes: if free_total > 0 {
            round2(used_total as f64 / free_total as f64 * 100.0) / 100.0
        } else {
            0.0
        },
        objective: objective(inst, &sol.placements),
        surgeons: duties.iter().map(|d| SurgeonHours::of(inst, d)).collect(),
        duties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interpolates_between_ranks() {
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(percentile(&[7], 0.9), 7.0);
        assert_eq!(percentile(&[1, 2, 3, 4], 0.5), 2.5);
        assert_eq!(round2(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)), 9.1);
        let s = wait_stats(&[10, 0, 3, 5]).unwrap();
        assert_eq!((s.mean, s.median, s.p90, s.max), (4.5, 4.0, 8.5, 10));
        assert_eq!(wait_stats(&[]), None);
    }
}
