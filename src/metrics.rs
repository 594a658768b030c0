//! Numbers a booking office and a theatre manager ask for (SPEC.md section 5, `metrics`).

use crate::model::Instance;
use crate::rules::{self, Item};
use crate::schedule::{by_priority, objective, Objective, Placement, Solution};
use crate::text::round2;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaitStats {
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub max: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SurgeonHours {
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Breaches {
    pub cancelled_on_day: usize,
    pub priority: usize,
    pub rtt: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    pub cases: usize,
    pub scheduled: usize,
    pub unscheduled: usize,
    pub scheduled_by_priority: BTreeMap<&'static str, usize>,
    pub unscheduled_by_priority: BTreeMap<&'static str, usize>,
    pub unscheduled_by_reason: BTreeMap<&'static str, usize>,
    /// Days from `original_date` (or `earliest` when absent) to the new date, scheduled cases.
    pub wait_days: Option<WaitStats>,
    pub breaches: Breaches,
    /// Sessions with an `open_cost` that received cases (extra lists run).
    pub sessions_opened: usize,
    /// Unowned lists rebook staffed.
    pub sessions_staffed: usize,
    /// (Σ duration + turnaround of new cases) / Σ free minutes of every session.
    pub utilisation_of_free_minutes: f64,
    pub objective: Objective,
    pub surgeons: Vec<SurgeonHours>,
}

pub fn percentile(sorted: &[i64], q: f64) -> f64 {
    // Linear interpolation between closest ranks.
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * (pos - lo as f64)
}

/// All duty items of every surgeon under `placements`: fixed ones plus staffed lists.
pub fn surgeon_items(inst: &Instance, placements: &[Placement]) -> Vec<Vec<Item>> {
    let mut items: Vec<Vec<Item>> = (0..inst.surgeons.len()).map(|s| rules::fixed_items(inst, s)).collect();
    let mut staffed: Vec<(usize, usize)> = placements
        .iter()
        .filter(|pl| inst.sessions[pl.session].owner.is_none())
        .map(|pl| (pl.surgeon, pl.session))
        .collect();
    staffed.sort();
    staffed.dedup();
    for (s, k) in staffed {
        items[s].push(Item::staffed_session(inst, k));
    }
    for list in &mut items {
        rules::sort_items(list);
    }
    items
}

/// The wait (days from `original_date`, or `earliest` when absent, to the new date) of every
/// scheduled case, with its priority: the `wait_days` statistics, distributions and totals.
pub fn waits(inst: &Instance, sol: &Solution) -> Vec<(crate::model::Priority, i64)> {
    sol.placements
        .iter()
        .map(|pl| {
            let pr = &inst.procedures[pl.procedure];
            let date = inst.sessions[pl.session].date;
            (pr.priority, (date - pr.original_date.unwrap_or(pr.earliest)).num_days())
        })
        .collect()
}

pub fn compute(inst: &Instance, sol: &Solution) -> Metrics {
    let mut scheduled_by = [0usize; 4];
    let mut unscheduled_by = [0usize; 4];
    let mut waits: Vec<i64> = waits(inst, sol).into_iter().map(|(_, d)| d).collect();
    let mut breaches = Breaches {
        cancelled_on_day: 0,
        priority: 0,
        rtt: 0,
    };
    for pl in &sol.placements {
        let pr = &inst.procedures[pl.procedure];
        let date = inst.sessions[pl.session].date;
        scheduled_by[pr.priority.index()] += 1;
        let m = crate::schedule::missed(pr, date);
        breaches.cancelled_on_day += usize::from(m.cancelled_on_day);
        breaches.priority += usize::from(m.priority);
        breaches.rtt += usize::from(m.rtt);
    }
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &(p, r) in &sol.unscheduled {
        unscheduled_by[inst.procedures[p].priority.index()] += 1;
        *by_reason.entry(r.as_str()).or_default() += 1;
    }
    waits.sort();
    let wait_days = (!waits.is_empty()).then(|| WaitStats {
        mean: round2(waits.iter().sum::<i64>() as f64 / waits.len() as f64),
        median: round2(percentile(&waits, 0.5)),
        p90: round2(percentile(&waits, 0.9)),
        max: *waits.last().unwrap_or(&0),
    });

    let mut used: BTreeMap<usize, i64> = BTreeMap::new();
    for pl in &sol.placements {
        *used.entry(pl.session).or_default() += inst.procedures[pl.procedure].duration + inst.rules.turnaround_minutes;
    }
    let free_total: i64 = inst.sessions.iter().map(|s| s.free_minutes).sum();
    let used_total: i64 = used.values().sum();
    let sessions_opened = used.keys().filter(|&&k| inst.sessions[k].open_cost > 0).count();

    let items = surgeon_items(inst, &sol.placements);
    let mut surgeons = Vec::new();
    for (s, list) in items.iter().enumerate() {
        let staffed = list.iter().filter(|i| i.staffed()).count();
        let rebooked_minutes: i64 = sol
            .placements
            .iter()
            .filter(|pl| pl.surgeon == s)
            .map(|pl| inst.procedures[pl.procedure].duration)
            .sum();
        if list.is_empty() && rebooked_minutes == 0 {
            continue;
        }
        let shifts = rules::shifts(inst, list);
        let mut longest = 0;
        let mut rest: Option<i64> = None;
        let mut prev_end: Option<i64> = None;
        for r in &shifts {
            let start = list[r.start].start;
            let end = list[r.clone()].iter().map(|i| i.end).max().unwrap_or(start);
            longest = longest.max(end - start);
            if let Some(pe) = prev_end {
                rest = Some(rest.map_or(start - pe, |x: i64| x.min(start - pe)));
            }
            prev_end = Some(prev_end.map_or(end, |p: i64| p.max(end)));
        }
        let mut by_date: BTreeMap<chrono::NaiveDate, i64> = BTreeMap::new();
        for i in list {
            *by_date.entry(i.date).or_default() += i.minutes();
        }
        let max7 = by_date
            .keys()
            .map(|&d| by_date.range(d..=d + chrono::Days::new(6)).map(|(_, m)| m).sum::<i64>())
            .max()
            .unwrap_or(0);
        surgeons.push(SurgeonHours {
            surgeon: inst.surgeons[s].id.clone(),
            longest_shift_hours: round2(longest as f64 / 60.0),
            max_hours_in_7_days: round2(max7 as f64 / 60.0),
            shortest_rest_hours: rest.map(|r| round2(r as f64 / 60.0)),
            staffed_sessions: staffed,
            rebooked_minutes,
        });
    }

    Metrics {
        cases: inst.procedures.len(),
        scheduled: sol.placements.len(),
        unscheduled: sol.unscheduled.len(),
        scheduled_by_priority: by_priority(scheduled_by),
        unscheduled_by_priority: by_priority(unscheduled_by),
        unscheduled_by_reason: by_reason,
        wait_days,
        breaches,
        sessions_opened,
        sessions_staffed: sol
            .placements
            .iter()
            .filter(|pl| inst.sessions[pl.session].owner.is_none())
            .map(|pl| pl.session)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        utilisation_of_free_minutes: if free_total > 0 {
            round2(used_total as f64 / free_total as f64 * 100.0) / 100.0
        } else {
            0.0
        },
        objective: objective(inst, &sol.placements),
        surgeons,
    }
}
