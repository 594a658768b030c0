//! `rebook stats`: a short profile of an instance or a batch, so that a user can see what they are
//! about to solve: the case mix by specialty and priority, how long the patients have waited, the
//! capacity offered against the minutes the cases need, and the consultants whose fixed roster is
//! already close to a safe-hours limit.

use crate::metrics::{percentile, surgeon_duties};
use crate::model::{Instance, Priority};
use crate::text::{hours_minutes, plural, round2, thousands};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// The profile of one instance, or the sum over a batch.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stats {
    /// Trust id (or "batch of N").
    pub trust: String,
    /// Trust name, if given (`None` for a batch).
    pub name: Option<String>,
    /// First and last date of the horizon; for a batch, the earliest start and the latest end.
    pub horizon: Option<(NaiveDate, NaiveDate)>,
    /// Trusts profiled (1 for an instance).
    pub trusts: usize,
    /// Theatres.
    pub theatres: usize,
    /// Distinct hospital sites of the theatres (summed over a batch).
    pub sites: usize,
    /// Surgeons.
    pub surgeons: usize,

    /// Procedures to rebook.
    pub cases: usize,
    /// Cases by specialty, largest first (ties by name).
    pub by_specialty: Vec<(String, usize)>,
    /// Cases by priority P1–P4.
    pub by_priority: [usize; 4],
    /// Pooled cases (no named surgeon).
    pub pooled: usize,
    /// Cases cancelled on the day (under the 28-day rule).
    pub cancelled_on_day: usize,
    /// Cases with a hard deadline.
    pub with_deadline: usize,
    /// Cases with at least one date the patient cannot attend.
    pub with_patient_unavailable: usize,
    /// Cases whose `earliest` is after the horizon start.
    pub earliest_after_start: usize,
    /// Cases whose referral-to-treatment clock is past 18 weeks (126 days) at the horizon start.
    pub past_18_weeks: usize,
    /// Cases whose referral-to-treatment clock is past 52 weeks (364 days) at the horizon start.
    pub past_52_weeks: usize,
    /// P2 cases whose 4-week target (listed + 28 days) falls in the first 14 days of the horizon.
    pub p2_target_within_14_days: usize,
    /// P2 cases whose 4-week target has already passed at the horizon start.
    pub p2_target_passed: usize,
    /// Mean case duration, minutes (over every case of a batch).
    pub duration_mean: f64,
    /// Median case duration, minutes ([`percentile`], two decimals; a batch's is the largest of
    /// the trusts').
    pub duration_median: f64,
    /// 90th-percentile case duration, minutes ([`percentile`], two decimals; a batch's is the
    /// largest of the trusts').
    pub duration_p90: f64,

    /// Minutes the cases need: Σ (duration + turnaround).
    pub demand_minutes: i64,
    /// Owned sessions (the surgeons' own lists).
    pub own_lists: usize,
    /// Free minutes of the owned sessions.
    pub own_free_minutes: i64,
    /// Free minutes of the owned sessions in the first 14 days of the horizon.
    pub own_free_minutes_first_14_days: i64,
    /// Unowned (extra) sessions.
    pub extra_lists: usize,
    /// Free minutes of the extra sessions.
    pub extra_minutes: i64,
    /// Free minutes of the extra sessions in the first 14 days of the horizon.
    pub extra_minutes_first_14_days: i64,
    /// Σ `open_cost` of the extra sessions, cost points.
    pub extra_open_cost: i64,

    /// Consultants whose fixed roster (duties and own lists) has a shift within 30 min of the
    /// shift limit.
    pub near_shift_limit: usize,
    /// Consultants whose fixed roster has ≥ 5/6 of the 7-day limit in some 7 days.
    pub near_7_day_limit: usize,
    /// Consultants whose fixed roster averages ≥ 11/12 of the average-week limit over the horizon.
    pub near_average_limit: usize,
    /// Consultants whose fixed roster has a run of days at most one short of the limit.
    pub near_consecutive_limit: usize,
    /// Longest shift of any fixed roster, minutes.
    pub longest_shift_minutes: i64,
    /// Most duty minutes of any fixed roster starting in 7 consecutive days.
    pub most_minutes_in_7_days: i64,
    /// Highest average weekly duty minutes over the horizon.
    pub highest_average_weekly_minutes: i64,
    /// Longest run of consecutive days with a duty starting on each, in any fixed roster, days.
    pub longest_run_days: i64,
}

/// The profile of one valid instance.
pub fn compute(inst: &Instance) -> Stats {
    let start = inst.horizon_start;
    let first_14 = start + Days::new(14);
    let ta = inst.rules.turnaround_minutes;
    let mut st = Stats {
        trust: inst.trust_id.clone(),
        name: inst.trust_name.clone(),
        horizon: Some((inst.horizon_start, inst.horizon_end)),
        trusts: 1,
        theatres: inst.theatres.len(),
        surgeons: inst.surgeons.len(),
        cases: inst.procedures.len(),
        ..Stats::default()
    };
    let mut sites: Vec<&str> = inst.theatres.iter().filter_map(|t| t.site.as_deref()).collect();
    sites.sort();
    sites.dedup();
    st.sites = sites.len();

    let mut by_specialty: BTreeMap<String, usize> = BTreeMap::new();
    let mut durations: Vec<i64> = Vec::with_capacity(inst.procedures.len());
    for p in &inst.procedures {
        *by_specialty.entry(p.specialty.clone()).or_default() += 1;
        st.by_priority[p.priority.index()] += 1;
        st.pooled += usize::from(p.surgeon.is_none());
        st.cancelled_on_day += usize::from(p.cancelled_on_day);
        st.with_deadline += usize::from(p.deadline.is_some());
        st.with_patient_unavailable += usize::from(!p.unavailable.is_empty());
        st.earliest_after_start += usize::from(p.earliest > start);
        if let Some(r) = p.referral {
            let waited = (start - r).num_days();
            st.past_18_weeks += usize::from(waited > 126);
            st.past_52_weeks += usize::from(waited > 364);
        }
        if p.priority == Priority::P2 {
            if let Some(target) = p.listed.map(|l| l + Days::new(28)) {
                st.p2_target_within_14_days += usize::from(target >= start && target < first_14);
                st.p2_target_passed += usize::from(target < start);
            }
        }
        durations.push(p.duration);
        st.demand_minutes += p.duration + ta;
    }
    st.by_specialty = sorted_mix(by_specialty);
    durations.sort_unstable();
    if !durations.is_empty() {
        st.duration_mean = durations.iter().sum::<i64>() as f64 / durations.len() as f64;
        st.duration_median = round2(percentile(&durations, 0.5));
        st.duration_p90 = round2(percentile(&durations, 0.9));
    }

    for k in &inst.sessions {
        let early = k.date < first_14;
        if k.owner.is_some() {
            st.own_lists += 1;
            st.own_free_minutes += k.free_minutes;
            if early {
                st.own_free_minutes_first_14_days += k.free_minutes;
            }
        } else {
            st.extra_lists += 1;
            st.extra_minutes += k.free_minutes;
            st.extra_open_cost += k.open_cost;
            if early {
                st.extra_minutes_first_14_days += k.free_minutes;
            }
        }
    }

    let r = &inst.rules;
    // The roster the trust gave: no placements.
    for duty in surgeon_duties(inst, &[]) {
        let shift = duty.longest_shift().map_or(0, |s| s.minutes());
        let week = duty.busiest_7_days().map_or(0, |(_, m)| m);
        let average = duty.minutes_between(inst.horizon_start, inst.horizon_end) * 7 / inst.horizon_days();
        let run = duty.longest_run_days();
        st.longest_shift_minutes = st.longest_shift_minutes.max(shift);
        st.most_minutes_in_7_days = st.most_minutes_in_7_days.max(week);
        st.highest_average_weekly_minutes = st.highest_average_weekly_minutes.max(average);
        st.longest_run_days = st.longest_run_days.max(run);
        st.near_shift_limit += usize::from(r.max_shift_minutes.is_some_and(|m| shift >= m - 30));
        st.near_7_day_limit += usize::from(r.max_minutes_per_7_days.is_some_and(|m| week * 6 >= m * 5));
        st.near_average_limit += usize::from(r.max_average_weekly_minutes.is_some_and(|m| average * 12 >= m * 11));
        st.near_consecutive_limit += usize::from(r.max_consecutive_days.is_some_and(|m| run >= m - 1));
    }
    st
}

fn sorted_mix(map: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The sum of several profiles (a batch). Maxima stay maxima; the duration median and 90th
/// percentile are the largest of the trusts'.
pub fn aggregate(parts: &[Stats]) -> Stats {
    let mut st = Stats {
        trust: format!("batch of {}", parts.len()),
        ..Stats::default()
    };
    let mut by_specialty: BTreeMap<String, usize> = BTreeMap::new();
    let mut duration_sum = 0.0;
    for p in parts {
        st.horizon = match (st.horizon, p.horizon) {
            (None, h) => h,
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, None) => a,
        };
        st.trusts += p.trusts;
        st.theatres += p.theatres;
        st.sites += p.sites;
        st.surgeons += p.surgeons;
        st.cases += p.cases;
        for (s, n) in &p.by_specialty {
            *by_specialty.entry(s.clone()).or_default() += n;
        }
        for k in 0..4 {
            st.by_priority[k] += p.by_priority[k];
        }
        st.pooled += p.pooled;
        st.cancelled_on_day += p.cancelled_on_day;
        st.with_deadline += p.with_deadline;
        st.with_patient_unavailable += p.with_patient_unavailable;
        st.earliest_after_start += p.earliest_after_start;
        st.past_18_weeks += p.past_18_weeks;
        st.past_52_weeks += p.past_52_weeks;
        st.p2_target_within_14_days += p.p2_target_within_14_days;
        st.p2_target_passed += p.p2_target_passed;
        duration_sum += p.duration_mean * p.cases as f64;
        st.duration_median = st.duration_median.max(p.duration_median);
        st.duration_p90 = st.duration_p90.max(p.duration_p90);
        st.demand_minutes += p.demand_minutes;
        st.own_lists += p.own_lists;
        st.own_free_minutes += p.own_free_minutes;
        st.own_free_minutes_first_14_days += p.own_free_minutes_first_14_days;
        st.extra_lists += p.extra_lists;
        st.extra_minutes += p.extra_minutes;
        st.extra_minutes_first_14_days += p.extra_minutes_first_14_days;
        st.extra_open_cost += p.extra_open_cost;
        st.near_shift_limit += p.near_shift_limit;
        st.near_7_day_limit += p.near_7_day_limit;
        st.near_average_limit += p.near_average_limit;
        st.near_consecutive_limit += p.near_consecutive_limit;
        st.longest_shift_minutes = st.longest_shift_minutes.max(p.longest_shift_minutes);
        st.most_minutes_in_7_days = st.most_minutes_in_7_days.max(p.most_minutes_in_7_days);
        st.highest_average_weekly_minutes = st.highest_average_weekly_minutes.max(p.highest_average_weekly_minutes);
        st.longest_run_days = st.longest_run_days.max(p.longest_run_days);
    }
    st.by_specialty = sorted_mix(by_specialty);
    if st.cases > 0 {
        st.duration_mean = duration_sum / st.cases as f64;
    }
    st
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        format!("{n}")
    } else {
        format!("{n} ({:.1} %)", 100.0 * n as f64 / of as f64)
    }
}

fn ratio(a: i64, b: i64) -> String {
    if b == 0 {
        "-".to_string()
    } else {
        format!("{:.2}×", a as f64 / b as f64)
    }
}

/// The profile as a few lines of text.
pub fn render(st: &Stats) -> String {
    let mut out = String::new();
    let title = match &st.name {
        Some(n) => format!("{}  {n}", st.trust),
        None => st.trust.clone(),
    };
    out.push_str(&title);
    out.push('\n');
    let horizon = st
        .horizon
        .map(|(a, b)| format!("horizon {a} to {b} ({} days)", (b - a).num_days() + 1))
        .unwrap_or_default();
    out.push_str(&format!(
        "  {horizon}; {} theatre{} on {} site{}; {} consultant{}\n",
        st.theatres,
        plural(st.theatres),
        st.sites,
        plural(st.sites),
        st.surgeons,
        plural(st.surgeons)
    ));
    let mix: Vec<String> = st
        .by_specialty
        .iter()
        .map(|(s, n)| format!("{s} {}", pct(*n, st.cases)))
        .collect();
    out.push_str(&format!("  cases {}: {}\n", st.cases, mix.join(", ")));
    let prio: Vec<String> = Priority::ALL
        .iter()
        .map(|p| format!("{p} {}", pct(st.by_priority[p.index()], st.cases)))
        .collect();
    out.push_str(&format!("  priority: {}\n", prio.join(", ")));
    out.push_str(&format!(
        "  pooled {}; cancelled on the day {}; hard deadline {}; patient unavailable dates {}; earliest after the horizon start {}\n",
        pct(st.pooled, st.cases),
        pct(st.cancelled_on_day, st.cases),
        st.with_deadline,
        st.with_patient_unavailable,
        st.earliest_after_start
    ));
    out.push_str(&format!(
        "  waiting at the start: past 18 weeks {}, past 52 weeks {}; P2 target in the first 14 days {}, already passed {}\n",
        pct(st.past_18_weeks, st.cases),
        pct(st.past_52_weeks, st.cases),
        st.p2_target_within_14_days,
        st.p2_target_passed
    ));
    out.push_str(&format!(
        "  durations: mean {:.0} min, median {}, 90th percentile {}\n",
        st.duration_mean, st.duration_median, st.duration_p90
    ));
    out.push_str(&format!(
        "  capacity: {} own lists with free time ({} min), {} extra lists ({} min, open cost {})\n",
        st.own_lists,
        thousands(st.own_free_minutes),
        st.extra_lists,
        thousands(st.extra_minutes),
        thousands(st.extra_open_cost)
    ));
    out.push_str(&format!(
        "  offered vs demanded ({} min, duration + turnaround): own lists {}, with extra lists {}; first 14 days: own lists {}, with extra lists {}\n",
        thousands(st.demand_minutes),
        ratio(st.own_free_minutes, st.demand_minutes),
        ratio(st.own_free_minutes + st.extra_minutes, st.demand_minutes),
        ratio(st.own_free_minutes_first_14_days, st.demand_minutes),
        ratio(
            st.own_free_minutes_first_14_days + st.extra_minutes_first_14_days,
            st.demand_minutes
        )
    ));
    out.push_str(&format!(
        "  consultants near a limit: shift {}, 7 days {}, average week {}, consecutive days {} (longest shift {}, most in 7 days {}, highest average week {}, longest run {} days)\n",
        st.near_shift_limit,
        st.near_7_day_limit,
        st.near_average_limit,
        st.near_consecutive_limit,
        hours_minutes(st.longest_shift_minutes),
        hours_minutes(st.most_minutes_in_7_days),
        hours_minutes(st.highest_average_weekly_minutes),
        st.longest_run_days
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_helpers() {
        assert_eq!(pct(1, 4), "1 (25.0 %)");
        assert_eq!(ratio(3, 2), "1.50×");
        assert_eq!(ratio(3, 0), "-");
    }
}
