//! The numbers of a run: one row per (round, trust, strategy, seed), totals over the trusts per
//! (round, strategy, seed), the season per (strategy, seed), and per strategy the mean over the
//! seeds with a 95 % confidence interval; and the files `series.csv`, `series.json` and
//! `season.csv`.
//!
//! **Intervals.** Over K seeds, a season figure's interval is the Student t-interval
//! `mean ± t(0.975, K−1) · s / √K` (`s` the sample standard deviation over the seeds): each seed
//! is one independent replication of the whole season, and the interval is for the mean over
//! seeds. With one seed there is no interval (`null`). The t quantile is exact to three decimals
//! for K−1 ≤ 30 (a table) and a Cornish–Fisher expansion above.

use super::trajectory::{Figures, Row, Season};
use super::Run;
use serde_json::{json, Map, Value};

/// The total over the trusts of one (seed, strategy, round).
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// Position of the seed in [`Run::seeds`].
    pub seed: usize,
    /// Position of the strategy in [`Run::strategies`].
    pub strategy: usize,
    /// Round number, from 1.
    pub round: usize,
    /// Trusts whose round was solved.
    pub solved: usize,
    /// Trusts whose round failed or that had stopped before it.
    pub missing: usize,
    /// The figures summed over the solved trusts.
    pub figures: Figures,
}

impl Total {
    /// Every trust's round was solved.
    pub fn complete(&self) -> bool {
        self.missing == 0
    }
}

/// A mean over seeds with its 95 % t-interval (`None` with one seed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// Lower end, or `None` with fewer than two values.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Values (seeds) it is over.
    pub n: usize,
}

/// Two-sided 97.5 % quantiles of Student's t for 1 to 30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// The 0.975 quantile of Student's t with `df` ≥ 1 degrees of freedom.
pub fn t975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    if df <= T975.len() {
        return T975[df - 1];
    }
    let z: f64 = 1.959_963_985;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v.powi(3))
}

/// The mean of `values` with its 95 % t-interval.
pub fn interval(values: &[f64]) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval {
            mean: f64::NAN,
            low: None,
            high: None,
            n,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Interval {
            mean,
            low: None,
            high: None,
            n,
        };
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t975(n - 1) * (var / n as f64).sqrt();
    Interval {
        mean,
        low: Some(mean - half),
        high: Some(mean + half),
        n,
    }
}

/// Totals over the trusts, ordered by seed, strategy, round.
pub fn totals(run: &Run) -> Vec<Total> {
    let mut out = Vec::new();
    for seed in 0..run.seeds.len() {
        for strategy in 0..run.strategies.len() {
            for round in 1..=run.calendar.rounds.len() {
                let mut t = Total {
                    seed,
                    strategy,
                    round,
                    solved: 0,
                    missing: 0,
                    figures: Figures::default(),
                };
                for trust in 0..run.trusts.len() {
                    match run.walk(seed, strategy, trust).rows.get(round - 1) {
                        Some(r) if r.status == "solved" => {
                            t.solved += 1;
                            t.figures.add(&r.figures);
                        }
                        _ => t.missing += 1,
                    }
                }
                out.push(t);
            }
        }
    }
    out
}

/// The season of each (seed, strategy), summed over the trusts, ordered by seed then strategy.
pub fn seasons(run: &Run) -> Vec<(usize, usize, Season)> {
    let mut out = Vec::new();
    for seed in 0..run.seeds.len() {
        for strategy in 0..run.strategies.len() {
            let mut s = Season::default();
            for trust in 0..run.trusts.len() {
                s.add(&run.walk(seed, strategy, trust).season);
            }
            out.push((seed, strategy, s));
        }
    }
    out
}

/// Mean days from first cancellation to operation (or the season's end) over all priorities.
pub fn mean_wait(s: &Season) -> Option<f64> {
    let n: usize = s.waits_by_priority.iter().sum();
    (n > 0).then(|| s.wait_days_by_priority.iter().sum::<i64>() as f64 / n as f64)
}

/// Mean wait of priority `i` (0 = P1).
pub fn mean_wait_of(s: &Season, i: usize) -> Option<f64> {
    (s.waits_by_priority[i] > 0).then(|| s.wait_days_by_priority[i] as f64 / s.waits_by_priority[i] as f64)
}

/// A season figure: its key (as in `season.csv`), what it means, and how to read it off.
pub struct Measure {
    /// Column name.
    pub key: &'static str,
    /// In words, for the page.
    pub label: &'static str,
    /// The figure of a season (`None`: undefined, e.g. a mean over no case).
    pub of: fn(&Season) -> Option<f64>,
}

/// The season figures compared across strategies, in the page's order.
pub const MEASURES: [Measure; 19] = [
    Measure {
        key: "cancelled_twice",
        label: "patients cancelled twice or more",
        of: |s| Some(s.cancelled_twice as f64),
    },
    Measure {
        key: "cancelled_thrice",
        label: "patients cancelled three times or more",
        of: |s| Some(s.cancelled_thrice as f64),
    },
    Measure {
        key: "wait_max_days",
        label: "longest wait, days from first cancellation",
        of: |s| Some(s.wait_max_days as f64),
    },
    Measure {
        key: "wait_p90_days",
        label: "90th percentile wait, days from first cancellation",
        of: |s| s.wait_p90(),
    },
    Measure {
        key: "waited_over_18_weeks",
        label: "patients who waited over 18 weeks from first cancellation",
        of: |s| Some(s.waited_over(126) as f64),
    },
    Measure {
        key: "backlog_end",
        label: "cases not operated at the season's end",
        of: |s| Some(s.backlog_end as f64),
    },
    Measure {
        key: "wait_mean",
        label: "mean wait, days from first cancellation",
        of: mean_wait,
    },
    Measure {
        key: "wait_mean_P1",
        label: "mean wait of P1 cases, days",
        of: |s| mean_wait_of(s, 0),
    },
    Measure {
        key: "wait_mean_P2",
        label: "mean wait of P2 cases, days",
        of: |s| mean_wait_of(s, 1),
    },
    Measure {
        key: "wait_mean_P3",
        label: "mean wait of P3 cases, days",
        of: |s| mean_wait_of(s, 2),
    },
    Measure {
        key: "wait_mean_P4",
        label: "mean wait of P4 cases, days",
        of: |s| mean_wait_of(s, 3),
    },
    Measure {
        key: "cancelled_again",
        label: "bookings lost to later strikes",
        of: |s| Some(s.cancelled_again as f64),
    },
    Measure {
        key: "moved_notified",
        label: "notified patients moved by a re-plan",
        of: |s| Some(s.moved_notified as f64),
    },
    Measure {
        key: "extra_lists",
        label: "extra lists used",
        of: |s| Some(s.extra_lists as f64),
    },
    Measure {
        key: "breaches_cancelled_on_day",
        label: "operated past the 28-day rule",
        of: |s| Some(s.breaches[0] as f64),
    },
    Measure {
        key: "breaches_priority",
        label: "operated past the clinical-priority target",
        of: |s| Some(s.breaches[1] as f64),
    },
    Measure {
        key: "breaches_rtt",
        label: "operated past 18 weeks from referral",
        of: |s| Some(s.breaches[2] as f64),
    },
    Measure {
        key: "breaches_repeat_cancellation",
        label: "cancelled twice and operated more than 28 days after",
        of: |s| Some(s.breaches[3] as f64),
    },
    Measure {
        key: "operated",
        label: "cases operated over the season",
        of: |s| Some(s.operated as f64),
    },
];

/// Per strategy (in order), the interval of every [`MEASURES`] figure over the seeds (seeds
/// whose season had a failed walk are left out).
pub fn summary(run: &Run) -> Vec<Vec<Interval>> {
    let seasons = seasons(run);
    (0..run.strategies.len())
        .map(|strategy| {
            MEASURES
                .iter()
                .map(|m| {
                    let values: Vec<f64> = (seasons.iter())
                        .filter(|(_, s, season)| *s == strategy && season.failed == 0)
                        .filter_map(|(_, _, season)| (m.of)(season))
                        .collect();
                    interval(&values)
                })
                .collect()
        })
        .collect()
}

/// The paired difference `a − b` of measure `m` over the seeds on which both strategies'
/// seasons are complete: with common random numbers each seed is a matched pair, so this
/// interval is narrower than the two strategies' own intervals suggest.
pub fn paired(run: &Run, m: usize, a: usize, b: usize) -> Interval {
    let seasons = seasons(run);
    let of = |seed: usize, strategy: usize| {
        (seasons.iter())
            .find(|(sd, st, season)| *sd == seed && *st == strategy && season.failed == 0)
            .and_then(|(_, _, season)| (MEASURES[m].of)(season))
    };
    let diffs: Vec<f64> = (0..run.seeds.len())
        .filter_map(|seed| Some(of(seed, a)? - of(seed, b)?))
        .collect();
    interval(&diffs)
}

/// Per strategy, per round, the interval over the seeds of `of` applied to the round's totals
/// (complete totals only; `None` when no seed's total is complete).
pub fn over_rounds(run: &Run, totals: &[Total], of: impl Fn(&Figures) -> f64) -> Vec<Vec<Option<Interval>>> {
    (0..run.strategies.len())
        .map(|strategy| {
            (1..=run.calendar.rounds.len())
                .map(|round| {
                    let values: Vec<f64> = (totals.iter())
                        .filter(|t| t.strategy == strategy && t.round == round && t.complete())
                        .map(|t| of(&t.figures))
                        .collect();
                    (!values.is_empty()).then(|| interval(&values))
                })
                .collect()
        })
        .collect()
}

/// A value of a table cell.
enum Cell {
    Int(i64),
    Num(Option<f64>, usize),
    Text(String),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Int(v) => v.to_string(),
            Cell::Num(Some(v), d) if v.is_finite() => format!("{v:.d$}"),
            Cell::Num(..) => String::new(),
            Cell::Text(t) => t.clone(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Int(v) => json!(v),
            Cell::Num(Some(v), d) if v.is_finite() => {
                let text = format!("{v:.d$}");
                text.parse::<f64>().map_or(Value::Null, |x| json!(x))
            }
            Cell::Num(..) => Value::Null,
            Cell::Text(t) => json!(t),
        }
    }
}

fn int(v: usize) -> Cell {
    Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn mean(sum: i64, n: usize) -> Cell {
    Cell::Num((n > 0).then(|| sum as f64 / n as f64), 2)
}

/// The columns of `series.csv` (and the keys of each row of `series.json`), in order. Only ever
/// extended at the end, before `message` and `seconds`.
pub const ROW_COLUMNS: [&str; 51] = [
    "round",
    "label",
    "date",
    "strike_first",
    "strike_last",
    "share_lost",
    "trust",
    "strategy",
    "seed",
    "status",
    "lists_lost",
    "cancelled_again",
    "new_cases",
    "cases",
    "operated_before",
    "backlog",
    "booked",
    "waiting",
    "waiting_cancelled_again",
    "cancelled_twice",
    "cancelled_thrice",
    "waiting_longest_days",
    "kept",
    "moved_notified",
    "moved_unnotified",
    "objective",
    "solver_status",
    "gap",
    "period_end",
    "operated",
    "operated_P1",
    "operated_P2",
    "operated_P3",
    "operated_P4",
    "wait_mean_P1",
    "wait_mean_P2",
    "wait_mean_P3",
    "wait_mean_P4",
    "wait_mean",
    "wait_max_days",
    "extra_lists",
    "breaches_cancelled_on_day",
    "breaches_priority",
    "breaches_rtt",
    "breaches_repeat_cancellation",
    "deadlines_released",
    "trusts_solved",
    "trusts_missing",
    "solver_seed",
    "message",
    "seconds",
];

/// What identifies a row besides its figures.
struct Ident<'a> {
    round: usize,
    trust: &'a str,
    strategy: &'a str,
    seed: u64,
    status: &'a str,
    solver_status: &'a str,
    gap: Option<f64>,
    period_end: String,
    solved: usize,
    missing: usize,
    message: &'a str,
}

fn cells(run: &Run, id: &Ident, f: &Figures) -> Vec<Cell> {
    let r = &run.series.rounds[id.round - 1];
    let d = &run.calendar.rounds[id.round - 1];
    let operated: usize = f.operated_by_priority.iter().sum();
    let waits: i64 = f.wait_days_by_priority.iter().sum();
    let mut c = vec![
        int(id.round),
        Cell::Text(r.label.clone()),
        Cell::Text(d.today.to_string()),
        Cell::Text(d.first.to_string()),
        Cell::Text(d.last.to_string()),
        Cell::Num(Some(r.share_lost), 3),
        Cell::Text(id.trust.to_string()),
        Cell::Text(id.strategy.to_string()),
        Cell::Int(i64::try_from(id.seed).unwrap_or(i64::MAX)),
        Cell::Text(id.status.to_string()),
        int(f.lists_lost),
        int(f.cancelled_again),
        int(f.new_cases),
        int(f.cases),
        int(f.operated_before),
        int(f.backlog),
        int(f.booked),
        int(f.waiting),
        int(f.waiting_cancelled_again),
        int(f.cancelled_twice),
        int(f.cancelled_thrice),
        Cell::Int(f.waiting_longest_days),
        int(f.kept),
        int(f.moved_notified),
        int(f.moved_unnotified),
        Cell::Int(f.objective),
        Cell::Text(id.solver_status.to_string()),
        Cell::Num(id.gap, 4),
        Cell::Text(id.period_end.clone()),
        int(f.operated),
    ];
    c.extend(f.operated_by_priority.iter().map(|&n| int(n)));
    c.extend((0..4).map(|i| mean(f.wait_days_by_priority[i], f.operated_by_priority[i])));
    c.push(mean(waits, operated));
    c.push(Cell::Int(f.wait_max_days));
    c.push(int(f.extra_lists));
    c.extend(f.breaches.iter().map(|&n| int(n)));
    c.push(int(f.deadlines_released));
    c.push(int(id.solved));
    c.push(int(id.missing));
    c.push(Cell::Int(i64::from(run.solve.seed)));
    c.push(Cell::Text(id.message.to_string()));
    c.push(Cell::Num(Some(f.seconds), 3));
    c
}

fn row_ident(r: &Row) -> Ident<'_> {
    Ident {
        round: r.round,
        trust: &r.trust,
        strategy: &r.strategy,
        seed: r.seed,
        status: &r.status,
        solver_status: &r.solver_status,
        gap: r.gap,
        period_end: r.period_end.map(|d| d.to_string()).unwrap_or_default(),
        solved: usize::from(r.status == "solved"),
        missing: usize::from(r.status != "solved"),
        message: &r.message,
    }
}

/// Every table row as cells: the walks' rows (seed, strategy, trust, round order), then the
/// totals (trust `total`).
fn table(run: &Run, totals: &[Total]) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for w in &run.walks {
        for r in &w.rows {
            out.push(cells(run, &row_ident(r), &r.figures));
        }
    }
    for t in totals {
        let period_end = (0..run.trusts.len())
            .filter_map(|trust| run.walk(t.seed, t.strategy, trust).rows.get(t.round - 1))
            .filter_map(|r| r.period_end)
            .max()
            .map(|d| d.to_string())
            .unwrap_or_default();
        let message = if t.complete() {
            String::new()
        } else {
            format!("{} of {} trusts solved", t.solved, t.solved + t.missing)
        };
        let id = Ident {
            round: t.round,
            trust: "total",
            strategy: &run.strategies[t.strategy],
            seed: run.seeds[t.seed],
            status: if t.complete() { "solved" } else { "incomplete" },
            solver_status: "",
            gap: None,
            period_end,
            solved: t.solved,
            missing: t.missing,
            message: &message,
        };
        out.push(cells(run, &id, &t.figures));
    }
    out
}

/// `series.csv`: [`ROW_COLUMNS`], one row per (round, trust, strategy, seed), then the totals.
pub fn series_csv(run: &Run, totals: &[Total]) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::io::spreadsheet::CsvWriter::in_memory();
    w.write_record(ROW_COLUMNS)?;
    for row in table(run, totals) {
        w.write_record(row.iter().map(Cell::csv))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The columns of `season.csv`.
pub const SEASON_COLUMNS: [&str; 29] = [
    "strategy",
    "seed",
    "trusts",
    "failed",
    "rounds",
    "cases",
    "operated",
    "backlog_end",
    "cancelled_twice",
    "cancelled_thrice",
    "cancelled_again",
    "moved_notified",
    "moved_unnotified",
    "extra_lists",
    "breaches_cancelled_on_day",
    "breaches_priority",
    "breaches_rtt",
    "breaches_repeat_cancellation",
    "wait_mean_P1",
    "wait_mean_P2",
    "wait_mean_P3",
    "wait_mean_P4",
    "wait_mean",
    "wait_max_days",
    "wait_p90_days",
    "waited_over_18_weeks",
    "deadlines_released",
    "solver_seed",
    "seconds",
];

fn season_cells(run: &Run, seed: usize, strategy: usize, s: &Season) -> Vec<Cell> {
    let mut c = vec![
        Cell::Text(run.strategies[strategy].clone()),
        Cell::Int(i64::try_from(run.seeds[seed]).unwrap_or(i64::MAX)),
        int(run.trusts.len()),
        int(s.failed),
        int(s.rounds),
        int(s.cases),
        int(s.operated),
        int(s.backlog_end),
        int(s.cancelled_twice),
        int(s.cancelled_thrice),
        int(s.cancelled_again),
        int(s.moved_notified),
        int(s.moved_unnotified),
        int(s.extra_lists),
    ];
    c.extend(s.breaches.iter().map(|&n| int(n)));
    c.extend((0..4).map(|i| Cell::Num(mean_wait_of(s, i), 2)));
    c.push(Cell::Num(mean_wait(s), 2));
    c.push(Cell::Int(s.wait_max_days));
    c.push(Cell::Num(s.wait_p90(), 1));
    c.push(int(s.waited_over(126)));
    c.push(int(s.deadlines_released));
    c.push(Cell::Int(i64::from(run.solve.seed)));
    c.push(Cell::Num(Some(s.seconds), 3));
    c
}

/// `season.csv`: one row per (strategy, seed), summed over the trusts.
pub fn season_csv(run: &Run) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::io::spreadsheet::CsvWriter::in_memory();
    w.write_record(SEASON_COLUMNS)?;
    for (seed, strategy, s) in seasons(run) {
        w.write_record(season_cells(run, seed, strategy, &s).iter().map(Cell::csv))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn object(columns: &[&str], cells: &[Cell]) -> Value {
    let mut m = Map::new();
    for (k, c) in columns.iter().zip(cells) {
        m.insert((*k).to_string(), c.json());
    }
    Value::Object(m)
}

fn interval_json(i: &Interval) -> Value {
    let r = |v: f64| {
        if v.is_finite() {
            format!("{v:.3}").parse::<f64>().map_or(Value::Null, |x| json!(x))
        } else {
            Value::Null
        }
    };
    json!({
        "mean": r(i.mean),
        "low": i.low.map_or(Value::Null, r),
        "high": i.high.map_or(Value::Null, r),
        "seeds": i.n,
    })
}

/// `series.json`: the series and its calendar, the trusts, the options, every row and total
/// (the keys of [`ROW_COLUMNS`]), every season (the keys of [`SEASON_COLUMNS`]) and, per
/// strategy, the mean and 95 % t-interval over the seeds of every season figure.
pub fn series_json(run: &Run, totals: &[Total], batch: &[String]) -> Value {
    let calendar: Vec<Value> = (run.series.rounds.iter().zip(&run.calendar.rounds))
        .map(|(r, d)| {
            json!({
                "round": d.round,
                "label": r.label,
                "series_first": r.first.to_string(),
                "series_last": r.last.to_string(),
                "first": d.first.to_string(),
                "last": d.last.to_string(),
                "today": d.today.to_string(),
                "strike_dates": d.strike_dates.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                "share_lost": r.share_lost,
                "new_cases_per_strike_day": r.new_cases_per_strike_day,
                "note": r.note,
            })
        })
        .collect();
    let trusts: Vec<Value> = (run.trusts.iter())
        .map(|t| {
            json!({
                "id": t.id, "name": t.name, "cases": t.cases,
                "scale": format!("{:.4}", t.scale).parse::<f64>().unwrap_or(t.scale),
                "horizon_days": t.horizon_days,
            })
        })
        .collect();
    let (rows, total_rows): (Vec<Value>, Vec<Value>) = {
        let all: Vec<Value> = table(run, totals).iter().map(|c| object(&ROW_COLUMNS, c)).collect();
        let n = all.len() - totals.len();
        let mut all = all;
        let t = all.split_off(n);
        (all, t)
    };
    let seasons: Vec<Value> = (seasons(run).iter())
        .map(|(seed, strategy, s)| object(&SEASON_COLUMNS, &season_cells(run, *seed, *strategy, s)))
        .collect();
    let summary: Vec<Value> = (summary(run).iter().enumerate())
        .map(|(s, intervals)| {
            let mut m = Map::new();
            for (measure, i) in MEASURES.iter().zip(intervals) {
                m.insert(measure.key.to_string(), interval_json(i));
            }
            json!({ "strategy": run.strategies[s], "figures": Value::Object(m) })
        })
        .collect();
    json!({
        "format": "rebook-simulation/1",
        "batch": batch,
        "series": {
            "name": run.series.name,
            "description": run.series.description,
            "sources": run.series.sources,
            "announce_days": run.series.announce_days,
            "notified_within_days": run.series.notified_within_days,
            "keep_notified_days": run.series.keep_notified_days,
            "horizon_weeks": run.series.horizon_weeks,
        },
        "strike_date": run.calendar.strike_date.to_string(),
        "shift_days": run.calendar.shift_days,
        "calendar": calendar,
        "trusts": trusts,
        "strategies": run.strategies,
        "seeds": run.seeds,
        "solve": {
            "time_limit": run.solve.time_limit,
            "gap": run.solve.gap,
            "threads": run.solve.threads,
            "solver_seed": run.solve.seed,
        },
        "interval": "95 % Student t-interval over the seeds: mean ± t(0.975, K−1)·s/√K",
        "rows": rows,
        "totals": total_rows,
        "season": seasons,
        "summary": summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_and_intervals() {
        assert_eq!(t975(1), 12.706);
        assert!((t975(30) - 2.042).abs() < 1e-9);
        // The expansion joins the table and tends to the normal quantile.
        assert!((t975(31) - 2.040).abs() < 0.001, "{}", t975(31));
        assert!((t975(120) - 1.980).abs() < 0.001, "{}", t975(120));
        assert!((t975(100_000) - 1.960).abs() < 0.001);
        let i = interval(&[1.0, 2.0, 3.0]);
        assert_eq!(i.mean, 2.0);
        // s = 1, t(0.975, 2) = 4.303: 2 ± 4.303 / √3.
        assert!((i.high.unwrap() - (2.0 + 4.303 / 3f64.sqrt())).abs() < 1e-9);
        assert_eq!(interval(&[5.0]).low, None);
        assert_eq!(interval(&[4.0, 4.0]).low, Some(4.0));
    }
}
