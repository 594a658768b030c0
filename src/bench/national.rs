//! `rebook bench batch`: what a solved batch (a national strike's, issue 13 item 1) adds up to —
//! the distribution of its per-trust gaps and seconds, its slowest trusts, and the wall time it
//! would take split into shards.
//!
//! It reads the plans a `rebook solve` wrote (`<stem>.schedule.json`, one or more output folders,
//! e.g. the shards' before they are merged): each plan's `solver` block gives its status, gap and
//! seconds. With the batch's instance files it also estimates how the batch divides over shards:
//! the files of each shard are exactly those `--shard K/N` solves ([`crate::batch::shard::select`]),
//! and each shard's wall time is the schedule its `--jobs` workers would run, most expensive file
//! first as a batch does, each measured solve to the first free worker. The estimate leaves out
//! reading, checking and writing (well under a second a trust), and solves that run side by side
//! slow each other down a little (memory bandwidth; docs/BENCHMARKS.md, `--jobs 1` against
//! `--jobs 2`), so measure one split too and compare.

use crate::batch::shard::{self, Shard};
use crate::strategy;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One trust's plan, as the batch's output gives it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrustRun {
    /// The plan's stem (`NT001` for `NT001.schedule.json`), the instance file's stem.
    pub stem: String,
    /// The trust's id.
    pub trust: String,
    /// The strategy that made the plan.
    pub strategy: String,
    /// Cases of the trust (scheduled and unscheduled).
    pub cases: usize,
    /// The solver's status (`optimal`, `feasible`, `time_limit`, `heuristic`).
    pub status: String,
    /// The relative gap (none for a heuristic).
    pub gap: Option<f64>,
    /// Wall-clock seconds of the solve.
    pub seconds: f64,
}

/// Reads every `*.schedule.json` in `dirs` (not their sub-folders), sorted by stem; an error
/// names a folder without a plan, an unreadable plan, or a stem found twice.
pub fn read_plans(dirs: &[PathBuf]) -> Result<Vec<TrustRun>, String> {
    let mut runs: BTreeMap<String, TrustRun> = BTreeMap::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list the folder: {e}", dir.display()))?;
        let mut found = 0;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".schedule.json") else {
                continue;
            };
            let run = read_plan(&path, stem)?;
            found += 1;
            if runs.insert(stem.to_string(), run).is_some() {
                return Err(format!(
                    "{}: plan '{stem}' is also in an earlier folder (give each shard's folder once)",
                    path.display()
                ));
            }
        }
        if found == 0 {
            return Err(format!("{}: no plan (*.schedule.json) in it", dir.display()));
        }
    }
    Ok(runs.into_values().collect())
}

fn read_plan(path: &Path, stem: &str) -> Result<TrustRun, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let plan: crate::io::schedule::ScheduleFile =
        crate::io::json::parse(&text).map_err(|e| format!("{}: not a rebook-schedule/1 file: {e}", path.display()))?;
    let solver = &plan.solver;
    Ok(TrustRun {
        stem: stem.to_string(),
        trust: plan.trust.clone(),
        strategy: plan.strategy.clone(),
        cases: plan.assignments.len() + plan.unscheduled.len(),
        status: solver["status"].as_str().unwrap_or_default().to_string(),
        gap: solver["gap"].as_f64(),
        seconds: solver["seconds"].as_f64().unwrap_or(0.0),
    })
}

/// Minimum, median, 90th and 99th percentiles, maximum and sum of some values.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Distribution {
    /// How many values.
    pub count: usize,
    /// The smallest.
    pub min: f64,
    /// The median.
    pub median: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The largest.
    pub max: f64,
    /// Their sum.
    pub sum: f64,
}

/// The `q`-quantile of sorted values, interpolated between ranks as `metrics::percentile` does
/// (docs/DECISIONS.md 33).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The distribution of `values`; `None` when there are none.
pub fn distribution(values: impl IntoIterator<Item = f64>) -> Option<Distribution> {
    let mut v: Vec<f64> = values.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(Distribution {
        count: v.len(),
        min: v[0],
        median: quantile(&v, 0.5),
        p90: quantile(&v, 0.9),
        p99: quantile(&v, 0.99),
        max: v[v.len() - 1],
        sum: v.iter().sum(),
    })
}

/// What a batch's plans add up to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BatchSummary {
    /// Plans read.
    pub trusts: usize,
    /// Cases of all the trusts.
    pub cases: usize,
    /// Plans by solver status.
    pub by_status: BTreeMap<String, usize>,
    /// Plans with a gap of 0 (proven optimal, whatever gap was asked).
    pub proven_optimal: usize,
    /// Plans with a gap above 0.5 % and above 1 %.
    pub above_half_percent: usize,
    /// Plans with a gap above 1 %.
    pub above_one_percent: usize,
    /// The gaps (fractions) of the plans that have one.
    pub gap: Option<Distribution>,
    /// The solve seconds of every plan.
    pub seconds: Option<Distribution>,
}

/// Totals the plans of a batch.
pub fn summarise(runs: &[TrustRun]) -> BatchSummary {
    let mut by_status = BTreeMap::new();
    for r in runs {
        *by_status.entry(r.status.clone()).or_insert(0) += 1;
    }
    let gaps = || runs.iter().filter_map(|r| r.gap);
    BatchSummary {
        trusts: runs.len(),
        cases: runs.iter().map(|r| r.cases).sum(),
        by_status,
        proven_optimal: gaps().filter(|&g| g <= 0.0).count(),
        above_half_percent: gaps().filter(|&g| g > 0.005).count(),
        above_one_percent: gaps().filter(|&g| g > 0.01).count(),
        gap: distribution(gaps()),
        seconds: distribution(runs.iter().map(|r| r.seconds)),
    }
}

/// The estimated wall time of the batch split into `shards` parts of `jobs` workers each.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShardEstimate {
    /// Parts.
    pub shards: usize,
    /// Workers per part (`--jobs`).
    pub jobs: usize,
    /// Per part: its files and its estimated wall-clock seconds.
    pub parts: Vec<(usize, f64)>,
}

impl ShardEstimate {
    /// The batch's wall time on `shards` machines: its slowest part.
    pub fn wall(&self) -> f64 {
        self.parts.iter().map(|p| p.1).fold(0.0, f64::max)
    }
}

/// The finishing time of `seconds` (in the order a batch starts them) on `jobs` workers, each
/// task to the first free worker.
pub fn makespan(seconds: &[f64], jobs: usize) -> f64 {
    let mut free = vec![0.0_f64; jobs.max(1)];
    for &s in seconds {
        let w = (0..free.len())
            .min_by(|&a, &b| free[a].total_cmp(&free[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        free[w] += s;
    }
    free.into_iter().fold(0.0, f64::max)
}

/// How the batch of `instances` (every file, in the order one machine reads them), solved with
/// the MIP in `runs`, divides over `shards` parts of `jobs` workers: each part's files as
/// `--shard K/N` picks them, run most expensive first (file size, as the batch orders its work).
/// An error names an instance file without a plan.
pub fn shard_estimate(
    instances: &[PathBuf],
    runs: &[TrustRun],
    shards: usize,
    jobs: usize,
) -> Result<ShardEstimate, String> {
    let seconds: BTreeMap<&str, f64> = runs.iter().map(|r| (r.stem.as_str(), r.seconds)).collect();
    let mip = strategy::by_name("mip").ok_or("the mip strategy is not registered")?;
    let strategies = [mip.as_ref()];
    let mut parts = Vec::new();
    for index in 0..shards.max(1) {
        let chosen = shard::select(instances, &strategies, Shard::new(index, shards.max(1))?);
        let mut tasks: Vec<(u64, usize, f64)> = Vec::new();
        for i in chosen {
            let path = &instances[i];
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let s = *seconds.get(stem).ok_or_else(|| {
                format!(
                    "{}: no plan '{stem}.schedule.json' among the plans given",
                    path.display()
                )
            })?;
            tasks.push((shard::estimated_cost(path, &strategies), i, s));
        }
        // Most expensive first, ties in batch order: the order a batch starts its work.
        tasks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let secs: Vec<f64> = tasks.iter().map(|t| t.2).collect();
        parts.push((tasks.len(), makespan(&secs, jobs)));
    }
    Ok(ShardEstimate {
        shards: shards.max(1),
        jobs,
        parts,
    })
}
