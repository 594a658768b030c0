//! One row per (trust, strategy) run and a total row: what `summary.json`, `summary.csv` and the
//! comparison files hold (SPEC.md extension, documented in docs/BATCH.md).
//!
//! The columns are a stable interface: [`SUMMARY_COLUMNS`] and [`COMPARISON_COLUMNS`] are only ever
//! extended at the end (so the comparison's `seconds` stays where it was, before the columns added
//! since). Wall-clock seconds are kept out of `summary.*` so that a batch's outputs are
//! byte-identical whatever `--jobs` is (docs/DECISIONS.md 25).
//!
//! `summary.json` also records the batch it covers ([`BatchRecord`]: the paths given, every
//! instance file with its SHA-256) and, for a part of a batch solved with `--shard`, the
//! [`ShardRecord`] `rebook merge` needs to put the parts back together; [`read_summary`] reads it
//! back, every number exactly as written.

use crate::batch::{Outcome, TrustResult};
use crate::metrics::{self, Metrics};
use crate::model::Priority;
use crate::schedule::Solution;
use crate::text::thousands;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How one run ended, as written in the `status` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// A plan that passed the independent checker.
    Solved,
    /// The instance file is unreadable or invalid.
    Invalid,
    /// The strategy failed, panicked, or its plan failed the checker.
    Failed,
    /// The batch was stopped (Ctrl-C, SIGTERM) before this run finished: solve it again.
    Interrupted,
}

impl RunStatus {
    /// The `status` column's text: `solved`, `invalid`, `failed` or `interrupted`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Solved => "solved",
            RunStatus::Invalid => "invalid",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// One trust solved with one strategy, or the total over a batch ([`Row::is_total`]: no file; its
/// `trust` reads `total`, which a real trust could also be called).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    /// Instance file name (empty for the total).
    pub file: String,
    /// The trust's id (empty when the file was not read far enough; `total` for the total).
    pub trust: String,
    /// The strategy's name.
    pub strategy: String,
    /// How the run ended.
    pub status: RunStatus,
    /// Why the run failed (empty when solved).
    pub message: String,
    /// Cancelled cases of the instance (0 unless solved).
    pub cases: usize,
    /// Cases given a session.
    pub scheduled: usize,
    /// Cases left unscheduled.
    pub unscheduled: usize,
    /// P1..P4 (an object keyed by priority in JSON).
    #[serde(serialize_with = "per_priority", deserialize_with = "read_per_priority")]
    pub scheduled_by_priority: [usize; 4],
    /// Unscheduled cases, P1..P4 (an object keyed by priority in JSON).
    #[serde(serialize_with = "per_priority", deserialize_with = "read_per_priority")]
    pub unscheduled_by_priority: [usize; 4],
    /// Cancelled on the day and not rebooked within 28 days.
    pub breaches_28_day: usize,
    /// Clinical-priority target (listed + 3 / 28 / 91 days) missed.
    pub breaches_priority: usize,
    /// 18-week referral-to-treatment target missed.
    pub breaches_rtt: usize,
    /// Days from original date (or earliest) to the new date, scheduled cases.
    #[serde(deserialize_with = "exact::opt_f64")]
    pub wait_mean: Option<f64>,
    /// 90th percentile of the waits, days (none when nothing is scheduled).
    #[serde(deserialize_with = "exact::opt_f64")]
    pub wait_p90: Option<f64>,
    /// Longest wait, days (none when nothing is scheduled).
    pub wait_max: Option<i64>,
    /// Extra lists (with an opening cost) that received cases.
    pub lists_opened: usize,
    /// Unowned lists rebook staffed with a surgeon.
    pub lists_staffed: usize,
    /// Longest shift of any surgeon, hours.
    #[serde(deserialize_with = "exact::f64")]
    pub longest_shift_hours: f64,
    /// Most duty hours of any surgeon in 7 consecutive days.
    #[serde(deserialize_with = "exact::f64")]
    pub max_hours_in_7_days: f64,
    /// The plan's objective (SPEC.md section 4), cost points; none unless solved (for the total,
    /// the sum over its solved runs).
    pub objective: Option<i64>,
    /// `optimal`, `feasible`, `time_limit`, `heuristic` (empty when not solved).
    pub solver_status: String,
    /// The solver's lower bound on the objective, cost points (MIP only; for the total, the
    /// sum when every run has one).
    #[serde(
        serialize_with = "crate::schedule::whole_number",
        deserialize_with = "exact::opt_f64"
    )]
    pub bound: Option<f64>,
    /// Relative gap `(objective − bound) / objective` (MIP only).
    #[serde(deserialize_with = "exact::opt_f64")]
    pub gap: Option<f64>,
    /// Cancelled at least twice and not rebooked within 28 days of the original date (SPEC.md
    /// section 8, `breach.repeat_cancellation`).
    pub breaches_repeat_cancellation: usize,
    /// Cases kept in the session of their live booking (SPEC.md section 8).
    pub kept: usize,
    /// Cases with a live, notified booking moved to another session or left unscheduled.
    pub moved_notified: usize,
    /// Cases with a live booking the patient was not told of, moved or left unscheduled.
    pub moved_unnotified: usize,
    /// Cases whose booking is void (its list lost to the strike).
    pub void_bookings: usize,
    /// Validation warnings of the instance file, for a solved run (0 otherwise; for the total,
    /// the sum). Absent from files written before it: read as 0.
    #[serde(default)]
    pub warnings: usize,
    /// Lists validation ignored (W205, W206: no case could use them), left out of the instance
    /// every strategy, the checker and the metrics saw; for a solved run (empty otherwise and
    /// for the total). Absent from files written before it: read as none.
    #[serde(default)]
    pub ignored_lists: Vec<String>,
    /// Wall-clock seconds of the run (load, solve, check). Not written to `summary.*` (0 when a
    /// row is read back from it).
    #[serde(skip)]
    pub seconds: f64,
}

fn per_priority<S: serde::Serializer>(v: &[usize; 4], s: S) -> Result<S::Ok, S::Error> {
    crate::schedule::by_priority(*v).serialize(s)
}

fn read_per_priority<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[usize; 4], D::Error> {
    let map = BTreeMap::<String, usize>::deserialize(d)?;
    let mut out = [0; 4];
    for (key, n) in map {
        let p = Priority::parse(&key)
            .ok_or_else(|| serde::de::Error::custom(format!("'{key}' is not a priority (P1 to P4)")))?;
        out[p.index()] = n;
    }
    Ok(out)
}

/// Numbers read back exactly. serde_json's default parser may miss the last bit of a float with
/// 17 significant digits (such as 12.833333333333334 hours), which would change the file a
/// merge writes; [`read_summary`] hands these fields over as the text written ([`quote_floats`])
/// and they are parsed here by the standard library, which rounds correctly.
mod exact {
    use serde::{de::Error, Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Text(String),
        Value(f64),
    }

    fn value<E: Error>(n: Number) -> Result<f64, E> {
        match n {
            Number::Text(t) => t.parse().map_err(|_| E::custom(format!("'{t}' is not a number"))),
            Number::Value(v) => Ok(v),
        }
    }

    pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        value(Number::deserialize(d)?)
    }

    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Number>::deserialize(d)?.map(value).transpose()
    }
}

/// `text` (JSON) with every number that has a fraction or an exponent turned into a string of
/// its digits as written, so that the fields read with `exact` get the very number written.
/// Strings are copied untouched (escapes included).
fn quote_floats(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
        } else if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            let token = &bytes[start..i];
            let float = token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
            if float {
                out.push(b'"');
            }
            out.extend_from_slice(token);
            if float {
                out.push(b'"');
            }
        } else {
            in_string = c == b'"';
            out.push(c);
            i += 1;
        }
    }
    // Only ASCII bytes were added, at token boundaries: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The first columns of both files, in order; `comparison.csv` then has `seconds`, and both then
/// have the [`ADDED_COLUMNS`].
const FIRST_COLUMNS: [&str; 29] = [
    "file",
    "trust",
    "strategy",
    "status",
    "cases",
    "scheduled",
    "unscheduled",
    "scheduled_p1",
    "scheduled_p2",
    "scheduled_p3",
    "scheduled_p4",
    "unscheduled_p1",
    "unscheduled_p2",
    "unscheduled_p3",
    "unscheduled_p4",
    "breaches_28_day",
    "breaches_priority",
    "breaches_rtt",
    "wait_mean_days",
    "wait_p90_days",
    "wait_max_days",
    "lists_opened",
    "lists_staffed",
    "longest_shift_hours",
    "max_hours_in_7_days",
    "objective",
    "solver_status",
    "gap",
    "message",
];

/// Columns added since, at the end of both files (in `comparison.csv` after `seconds`), so that
/// every column keeps its position: the re-planning figures of SPEC.md section 8, then the
/// validation warnings and the lists ignored (ids joined by `;`; `summary.json` has the list).
const ADDED_COLUMNS: [&str; 7] = [
    "breaches_repeat_cancellation",
    "kept",
    "moved_notified",
    "moved_unnotified",
    "void_bookings",
    "warnings",
    "ignored_lists",
];

/// `a`, then `b`, then `c`, as one array of `N` (checked when the constant is built).
const fn joined<const N: usize>(a: &[&'static str], b: &[&'static str], c: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() + c.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() {
            a[i]
        } else if i < a.len() + b.len() {
            b[i - a.len()]
        } else {
            c[i - a.len() - b.len()]
        };
        i += 1;
    }
    out
}

/// Where `seconds` sits in [`COMPARISON_COLUMNS`] (the summary has no such column).
const SECONDS_COLUMN: usize = FIRST_COLUMNS.len();

/// Columns of `comparison.csv`: the summary's first columns, the wall-clock seconds (for a total,
/// the sum over its trusts), then the columns added since.
pub const COMPARISON_COLUMNS: [&str; 37] = joined(&FIRST_COLUMNS, &["seconds"], &ADDED_COLUMNS);

/// Columns of `summary.csv`, in order: those of the comparison without the seconds.
pub const SUMMARY_COLUMNS: &[&str] = &joined::<36>(&FIRST_COLUMNS, &[], &ADDED_COLUMNS);

fn file_name(r: &TrustResult) -> String {
    r.path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| r.path.display().to_string())
}

fn empty(file: String, trust: String, strategy: &str, status: RunStatus, message: String, seconds: f64) -> Row {
    Row {
        file,
        trust,
        strategy: strategy.to_string(),
        status,
        message,
        cases: 0,
        scheduled: 0,
        unscheduled: 0,
        scheduled_by_priority: [0; 4],
        unscheduled_by_priority: [0; 4],
        breaches_28_day: 0,
        breaches_priority: 0,
        breaches_rtt: 0,
        wait_mean: None,
        wait_p90: None,
        wait_max: None,
        lists_opened: 0,
        lists_staffed: 0,
        longest_shift_hours: 0.0,
        max_hours_in_7_days: 0.0,
        objective: None,
        solver_status: String::new(),
        bound: None,
        gap: None,
        breaches_repeat_cancellation: 0,
        kept: 0,
        moved_notified: 0,
        moved_unnotified: 0,
        void_bookings: 0,
        warnings: 0,
        ignored_lists: Vec::new(),
        seconds,
    }
}

fn counts(m: &std::collections::BTreeMap<&'static str, usize>) -> [usize; 4] {
    Priority::ALL.map(|p| m.get(p.as_str()).copied().unwrap_or(0))
}

/// The row of one run.
pub fn row(r: &TrustResult) -> Row {
    let file = file_name(r);
    match &r.outcome {
        Outcome::Invalid { diagnostics } => {
            let first = diagnostics
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.to_string())
                .unwrap_or_default();
            let more = diagnostics.iter().filter(|d| d.is_error()).count().saturating_sub(1);
            let message = if more > 0 {
                format!("{first} (and {more} more errors: rebook validate {})", r.path.display())
            } else {
                first
            };
            empty(file, String::new(), &r.strategy, RunStatus::Invalid, message, r.seconds)
        }
        Outcome::Failed { trust, message } => empty(
            file,
            trust.clone().unwrap_or_default(),
            &r.strategy,
            RunStatus::Failed,
            message.clone(),
            r.seconds,
        ),
        Outcome::Interrupted { trust, started } => empty(
            file,
            trust.clone().unwrap_or_default(),
            &r.strategy,
            RunStatus::Interrupted,
            if *started {
                "the run was stopped (Ctrl-C or SIGTERM) while this trust was being solved: solve it again".into()
            } else {
                "the run was stopped (Ctrl-C or SIGTERM) before this trust was started: solve it again".into()
            },
            r.seconds,
        ),
        Outcome::Solved {
            schedule,
            metrics,
            solution,
            warnings,
            ..
        } => Row {
            warnings: warnings.len(),
            ignored_lists: crate::io::validate::ignored_lists(warnings),
            ..from_metrics(file, &schedule.trust, &r.strategy, metrics, solution, r.seconds)
        },
    }
}

fn from_metrics(file: String, trust: &str, strategy: &str, m: &Metrics, sol: &Solution, seconds: f64) -> Row {
    Row {
        file,
        trust: trust.to_string(),
        strategy: strategy.to_string(),
        status: RunStatus::Solved,
        message: String::new(),
        cases: m.cases,
        scheduled: m.scheduled,
        unscheduled: m.unscheduled,
        scheduled_by_priority: counts(&m.scheduled_by_priority),
        unscheduled_by_priority: counts(&m.unscheduled_by_priority),
        breaches_28_day: m.breaches.cancelled_on_day,
        breaches_priority: m.breaches.priority,
        breaches_rtt: m.breaches.rtt,
        wait_mean: m.wait_days.as_ref().map(|w| w.mean),
        wait_p90: m.wait_days.as_ref().map(|w| w.p90),
        wait_max: m.wait_days.as_ref().map(|w| w.max),
        lists_opened: m.sessions_opened,
        lists_staffed: m.sessions_staffed,
        longest_shift_hours: m.surgeons.iter().map(|s| s.longest_shift_hours).fold(0.0, f64::max),
        max_hours_in_7_days: m.surgeons.iter().map(|s| s.max_hours_in_7_days).fold(0.0, f64::max),
        objective: Some(m.objective.total),
        solver_status: serde_json::to_value(sol.solver.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        bound: sol.solver.bound,
        gap: sol.solver.gap,
        breaches_repeat_cancellation: m.breaches.repeat_cancellation,
        kept: m.bookings.kept,
        moved_notified: m.bookings.moved_notified,
        moved_unnotified: m.bookings.moved_unnotified,
        void_bookings: m.bookings.void_bookings,
        warnings: 0,
        ignored_lists: Vec::new(),
        seconds,
    }
}

/// The total over `rows` (all of one strategy). `waits` are the pooled waits of the solved runs.
/// Counts and objectives add up; waits are recomputed over every case; hours are the maximum; the
/// gap is the batch's, `(Σ objective − Σ bound) / Σ objective`, when every run has a bound. The
/// total's status is `solved` only when every run was, `interrupted` when a run was, else `failed`.
pub fn total(strategy: &str, rows: &[&Row], waits: &[i64]) -> Row {
    let all_solved = rows.iter().all(|r| r.status == RunStatus::Solved);
    let failed = rows.iter().filter(|r| r.status != RunStatus::Solved).count();
    let mut t = empty(
        String::new(),
        "total".into(),
        strategy,
        if all_solved {
            RunStatus::Solved
        } else if rows.iter().any(|r| r.status == RunStatus::Interrupted) {
            RunStatus::Interrupted
        } else {
            RunStatus::Failed
        },
        if failed > 0 {
            format!("{failed} of {} trusts not solved: totals cover the others", rows.len())
        } else {
            String::new()
        },
        rows.iter().map(|r| r.seconds).sum(),
    );
    let solved: Vec<&&Row> = rows.iter().filter(|r| r.status == RunStatus::Solved).collect();
    for r in &solved {
        t.cases += r.cases;
        t.scheduled += r.scheduled;
        t.unscheduled += r.unscheduled;
        for i in 0..4 {
            t.scheduled_by_priority[i] += r.scheduled_by_priority[i];
            t.unscheduled_by_priority[i] += r.unscheduled_by_priority[i];
        }
        t.breaches_28_day += r.breaches_28_day;
        t.breaches_priority += r.breaches_priority;
        t.breaches_rtt += r.breaches_rtt;
        t.breaches_repeat_cancellation += r.breaches_repeat_cancellation;
        t.kept += r.kept;
        t.moved_notified += r.moved_notified;
        t.moved_unnotified += r.moved_unnotified;
        t.void_bookings += r.void_bookings;
        t.warnings += r.warnings;
        t.lists_opened += r.lists_opened;
        t.lists_staffed += r.lists_staffed;
        t.longest_shift_hours = t.longest_shift_hours.max(r.longest_shift_hours);
        t.max_hours_in_7_days = t.max_hours_in_7_days.max(r.max_hours_in_7_days);
    }
    if !solved.is_empty() {
        t.objective = Some(solved.iter().filter_map(|r| r.objective).sum());
        if all_solved {
            let statuses: Vec<&str> = solved.iter().map(|r| r.solver_status.as_str()).collect();
            t.solver_status = if statuses.iter().all(|s| *s == statuses[0]) {
                statuses[0].to_string()
            } else if statuses.contains(&"time_limit") {
                "time_limit".into()
            } else {
                "mixed".into()
            };
        }
        if solved.iter().all(|r| r.bound.is_some()) {
            let bound: f64 = solved.iter().filter_map(|r| r.bound).sum();
            t.bound = Some(bound);
            let obj = t.objective.unwrap_or(0) as f64;
            t.gap = Some(if obj > 0.0 { ((obj - bound) / obj).max(0.0) } else { 0.0 });
        }
    }
    if let Some(w) = metrics::wait_stats(waits) {
        t.wait_mean = Some(w.mean);
        t.wait_p90 = Some(w.p90);
        t.wait_max = Some(w.max);
    }
    t
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The CSV fields of a row, in [`COMPARISON_COLUMNS`] order (the summary drops the seconds).
pub fn fields(r: &Row) -> Vec<String> {
    let mut f = vec![
        r.file.clone(),
        r.trust.clone(),
        r.strategy.clone(),
        r.status.as_str().to_string(),
        r.cases.to_string(),
        r.scheduled.to_string(),
        r.unscheduled.to_string(),
    ];
    f.extend(r.scheduled_by_priority.iter().map(|x| x.to_string()));
    f.extend(r.unscheduled_by_priority.iter().map(|x| x.to_string()));
    f.extend([
        r.breaches_28_day.to_string(),
        r.breaches_priority.to_string(),
        r.breaches_rtt.to_string(),
        opt(r.wait_mean),
        opt(r.wait_p90),
        opt(r.wait_max),
        r.lists_opened.to_string(),
        r.lists_staffed.to_string(),
        r.longest_shift_hours.to_string(),
        r.max_hours_in_7_days.to_string(),
        opt(r.objective),
        r.solver_status.clone(),
        r.gap.map(|g| format!("{g:.4}")).unwrap_or_default(),
        r.message.clone(),
        format!("{:.2}", r.seconds),
        r.breaches_repeat_cancellation.to_string(),
        r.kept.to_string(),
        r.moved_notified.to_string(),
        r.moved_unnotified.to_string(),
        r.void_bookings.to_string(),
        r.warnings.to_string(),
        r.ignored_lists.join(";"),
    ]);
    debug_assert_eq!(f.len(), COMPARISON_COLUMNS.len());
    f
}

/// `summary.csv` (no seconds) or `comparison.csv` (with seconds).
pub fn to_csv(rows: &[Row], with_seconds: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::io::spreadsheet::CsvWriter::in_memory();
    if with_seconds {
        w.write_record(COMPARISON_COLUMNS)?;
    } else {
        w.write_record(SUMMARY_COLUMNS.iter())?;
    }
    for r in rows {
        let mut f = fields(r);
        if !with_seconds {
            f.remove(SECONDS_COLUMN);
        }
        w.write_record(&f)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The batch a run covered, at the end of `summary.json`: what `rebook merge` checks that the
/// parts of a batch share, and a record of which inputs made these plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// The rebook version that ran (`rebook --version`).
    pub rebook: String,
    /// The instance files and directories given on the command line, as given.
    pub inputs: Vec<String>,
    /// Whether each plan's HTML page was written too (`rebook solve --report`).
    pub report: bool,
    /// Every instance file of the whole batch, in batch order (all shards' files).
    pub files: Vec<InputFile>,
}

/// One instance file of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Its path, as found from the inputs.
    pub path: String,
    /// The SHA-256 of its bytes in lower-case hex (as `sha256sum` prints it); none when it
    /// could not be read.
    pub sha256: Option<String>,
}

impl BatchRecord {
    /// The record of a batch of `files` found from `inputs` (each file read once more, for its
    /// digest).
    pub fn new(inputs: &[std::path::PathBuf], files: &[std::path::PathBuf], report: bool) -> BatchRecord {
        BatchRecord {
            rebook: env!("CARGO_PKG_VERSION").to_string(),
            inputs: inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
            report,
            files: files
                .iter()
                .map(|f| InputFile {
                    path: f.to_string_lossy().into_owned(),
                    sha256: super::shard::file_sha256(f),
                })
                .collect(),
        }
    }
}

/// The waits of one run's scheduled cases: priority (`P1` … `P4`) → days waited → how many
/// cases. Enough to pool the waits of a batch (totals, the comparison's histograms) without the
/// plans' instances.
pub type WaitCounts = BTreeMap<String, BTreeMap<i64, usize>>;

/// Counts the `(priority, days)` waits of one run.
pub fn wait_counts(waits: &[(Priority, i64)]) -> WaitCounts {
    let mut out = WaitCounts::new();
    for &(p, days) in waits {
        *out.entry(p.as_str().to_string()).or_default().entry(days).or_default() += 1;
    }
    out
}

/// The `(priority, days)` waits counted in `counts` (by priority, then days). A priority that is
/// not `P1` … `P4` is an error naming it.
pub fn waits_of(counts: &WaitCounts) -> Result<Vec<(Priority, i64)>, String> {
    let mut out = Vec::new();
    for (p, days) in counts {
        let p = Priority::parse(p).ok_or_else(|| format!("'{p}' is not a priority (P1 to P4)"))?;
        for (&d, &n) in days {
            out.extend(std::iter::repeat_n((p, d), n));
        }
    }
    Ok(out)
}

/// What a part of a batch (`--shard K/N`) adds to its `summary.json`, for `rebook merge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRecord {
    /// Which part, from 0.
    pub index: usize,
    /// Of how many parts.
    pub count: usize,
    /// Positions in [`BatchRecord::files`] of this part's files, in batch order.
    pub files: Vec<usize>,
    /// For each row of `trusts`: the file stem its plan was written under in this part's
    /// output (`<stem>.schedule.json`), none when it has no plan.
    pub plans: Vec<Option<String>>,
    /// For each row of `trusts`: the waits of its written plan (empty when it has none).
    pub waits: Vec<WaitCounts>,
}

/// The `options` object: the solve options that shape the plans.
fn options_json(opts: &crate::strategy::SolveOptions) -> serde_json::Value {
    let mut o = serde_json::json!({
        "time_limit_seconds": opts.time_limit,
        "gap": opts.gap,
        "threads": opts.threads,
        "seed": opts.seed,
    });
    // Only in deterministic mode, so summaries without it read as before.
    if let (Some(w), Some(map)) = (opts.work_limit, o.as_object_mut()) {
        map.insert("work_limit".into(), serde_json::json!(w));
    }
    o
}

fn pretty(mut doc: serde_json::Value, batch: &BatchRecord, shard: Option<&ShardRecord>) -> Vec<u8> {
    if let Some(map) = doc.as_object_mut() {
        map.insert("batch".into(), serde_json::to_value(batch).unwrap_or_default());
        if let Some(shard) = shard {
            map.insert("shard".into(), serde_json::to_value(shard).unwrap_or_default());
        }
    }
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `summary.json` of `rebook solve`: the options that shape the plans, one row per trust, the
/// total, the batch and, for a part of a batch, its shard. Holds no wall-clock time, so it is
/// identical for identical inputs and options, whatever `--jobs` is.
pub fn summary_json(
    strategy: &str,
    opts: &crate::strategy::SolveOptions,
    rows: &[Row],
    total: &Row,
    batch: &BatchRecord,
    shard: Option<&ShardRecord>,
) -> Vec<u8> {
    let doc = serde_json::json!({
        "format": SUMMARY_FORMAT,
        "strategy": strategy,
        "options": options_json(opts),
        "trusts": rows,
        "total": total,
    });
    pretty(doc, batch, shard)
}

/// The `format` of `rebook solve`'s `summary.json`.
pub const SUMMARY_FORMAT: &str = "rebook-summary/1";
/// The `format` of `rebook compare`'s `summary.json`.
pub const COMPARISON_FORMAT: &str = "rebook-comparison/1";

/// `summary.json` of `rebook compare` (beside `comparison.csv`): the strategies in order, the
/// options, every run's row (the order of `comparison.csv`, without its totals), each
/// strategy's total, the batch and, for a part of a batch, its shard. No wall-clock time.
pub fn comparison_json(
    strategies: &[&str],
    opts: &crate::strategy::SolveOptions,
    rows: &[Row],
    totals: &[Row],
    batch: &BatchRecord,
    shard: Option<&ShardRecord>,
) -> Vec<u8> {
    let doc = serde_json::json!({
        "format": COMPARISON_FORMAT,
        "strategies": strategies,
        "options": options_json(opts),
        "trusts": rows,
        "totals": totals,
    });
    pretty(doc, batch, shard)
}

/// The solve options as `summary.json` records them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct RecordedOptions {
    /// `--time-limit`, seconds.
    #[serde(deserialize_with = "exact::f64")]
    pub time_limit_seconds: f64,
    /// `--gap`.
    #[serde(deserialize_with = "exact::f64")]
    pub gap: f64,
    /// `--threads`.
    pub threads: u32,
    /// `--seed`.
    pub seed: u32,
    /// `--work-limit`, when given.
    #[serde(default)]
    pub work_limit: Option<f64>,
}

impl RecordedOptions {
    /// As solve options.
    pub fn solve_options(&self) -> crate::strategy::SolveOptions {
        crate::strategy::SolveOptions {
            time_limit: self.time_limit_seconds,
            gap: self.gap,
            threads: self.threads,
            seed: self.seed,
            work_limit: self.work_limit,
            ..Default::default()
        }
    }
}

/// A `summary.json` read back ([`read_summary`]): a solve's (`strategy`) or a comparison's
/// (`strategies`). The totals are not read: they are recomputed from the rows.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryFile {
    /// [`SUMMARY_FORMAT`] or [`COMPARISON_FORMAT`].
    pub format: String,
    /// The strategy of a solve.
    #[serde(default)]
    pub strategy: Option<String>,
    /// The strategies of a comparison, in order.
    #[serde(default)]
    pub strategies: Option<Vec<String>>,
    /// The solve options.
    pub options: RecordedOptions,
    /// Every run's row, without the totals.
    pub trusts: Vec<Row>,
    /// The batch (absent in files written before it was recorded).
    #[serde(default)]
    pub batch: Option<BatchRecord>,
    /// The shard, for a part of a batch.
    #[serde(default)]
    pub shard: Option<ShardRecord>,
}

impl SummaryFile {
    /// The strategies of the run, in order (one for a solve).
    pub fn strategy_names(&self) -> Vec<String> {
        match (&self.strategies, &self.strategy) {
            (Some(list), _) => list.clone(),
            (None, Some(one)) => vec![one.clone()],
            (None, None) => Vec::new(),
        }
    }

    /// Whether `rebook compare` wrote it.
    pub fn is_comparison(&self) -> bool {
        self.format == COMPARISON_FORMAT
    }
}

/// Reads a `summary.json` back, every number exactly as written; the error says what is wrong
/// (located by serde_json's line and column).
pub fn read_summary(text: &str) -> Result<SummaryFile, String> {
    let file: SummaryFile = serde_json::from_str(&quote_floats(text)).map_err(|e| e.to_string())?;
    if file.format != SUMMARY_FORMAT && file.format != COMPARISON_FORMAT {
        return Err(format!(
            "format '{}' is not {SUMMARY_FORMAT} or {COMPARISON_FORMAT}",
            file.format
        ));
    }
    Ok(file)
}

/// Output stems of the solved rows of one strategy, in row order (`None` for the others): the
/// trust id made safe; when two rows carry the same trust id (or ids equal up to case, which
/// collide on some file systems), the later one gets the first free `-2`, `-3`… In file order,
/// so the names never depend on `--jobs`, and a merge of shards finds the names one machine
/// gives.
pub fn plan_stems(rows: &[&Row]) -> Vec<Option<String>> {
    let mut used = std::collections::BTreeSet::new();
    rows.iter()
        .map(|r| {
            if r.status != RunStatus::Solved {
                return None;
            }
            let base = crate::io::safe_stem(&r.trust);
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.to_lowercase()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            Some(name)
        })
        .collect()
}

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// The columns of the comparison table (stdout and `comparison.md`).
const TABLE_HEAD: [&str; 16] = [
    "trust",
    "strategy",
    "objective",
    "scheduled",
    "unscheduled P1/P2/P3/P4",
    "28-day",
    "priority",
    "18-week",
    "wait mean",
    "p90",
    "max",
    "lists opened",
    "longest shift h",
    "max 7-day h",
    "seconds",
    "gap",
];

/// The `moved` column of the tables, after the unscheduled cases: patients whose live booking
/// was not kept (notified or not). Shown only when some run had bookings (SPEC.md section 8), so
/// a batch without them prints the table it always printed.
const MOVED_HEAD: &str = "moved";

/// The table's columns: [`TABLE_HEAD`], with [`MOVED_HEAD`] when `with_moved`.
fn table_head(with_moved: bool) -> Vec<&'static str> {
    let mut head = TABLE_HEAD.to_vec();
    if with_moved {
        head.insert(5, MOVED_HEAD);
    }
    head
}

/// Whether any run had bookings of a published plan (kept, moved or void).
fn any_bookings(rows: &[Row]) -> bool {
    rows.iter()
        .any(|r| r.kept + r.moved_notified + r.moved_unnotified + r.void_bookings > 0)
}

fn table_cells(r: &Row, with_moved: bool) -> Vec<String> {
    let columns = table_head(with_moved).len();
    if r.status != RunStatus::Solved && !r.is_total() {
        // trust, strategy, the status under "objective", dashes, seconds, no gap.
        let mut cells = vec![r.trust_or_file(), r.strategy.clone(), r.status.as_str().to_uppercase()];
        cells.extend(std::iter::repeat_n("-".to_string(), columns - 5));
        cells.push(format!("{:.1}", r.seconds));
        cells.push("-".into());
        return cells;
    }
    let u = r.unscheduled_by_priority;
    let mut cells = vec![
        r.trust_or_file(),
        r.strategy.clone(),
        r.objective.map(thousands).unwrap_or_else(|| "-".into()),
        format!("{}/{}", r.scheduled, r.cases),
        format!("{}/{}/{}/{}", u[0], u[1], u[2], u[3]),
        r.breaches_28_day.to_string(),
        r.breaches_priority.to_string(),
        r.breaches_rtt.to_string(),
        r.wait_mean.map_or("-".into(), |w| format!("{w:.1}")),
        r.wait_p90.map_or("-".into(), |w| format!("{w:.1}")),
        dash(r.wait_max),
        r.lists_opened.to_string(),
        format!("{:.1}", r.longest_shift_hours),
        format!("{:.1}", r.max_hours_in_7_days),
        format!("{:.1}", r.seconds),
        r.gap.map_or("-".into(), |g| format!("{:.2}%", g * 100.0)),
    ];
    if with_moved {
        cells.insert(5, (r.moved_notified + r.moved_unnotified).to_string());
    }
    cells
}

impl Row {
    /// The total over a batch (the only row without a file).
    pub fn is_total(&self) -> bool {
        self.file.is_empty()
    }

    /// The trust's id, or the file name when the file could not be read.
    pub fn trust_or_file(&self) -> String {
        if self.trust.is_empty() {
            self.file.clone()
        } else {
            self.trust.clone()
        }
    }
}

/// The comparison as an aligned text table (stdout).
pub fn text_table(rows: &[Row]) -> String {
    let with_moved = any_bookings(rows);
    let head = table_head(with_moved);
    let cells: Vec<Vec<String>> = rows.iter().map(|r| table_cells(r, with_moved)).collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .chain([head[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cols: Vec<&str>| -> String {
        let mut s = String::new();
        for (c, v) in cols.iter().enumerate() {
            if c > 0 {
                s.push_str("  ");
            }
            if c < 2 {
                s.push_str(&format!("{v:<w$}", w = widths[c]));
            } else {
                s.push_str(&format!("{v:>w$}", w = widths[c]));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(head.clone());
    out.push('\n');
    // With several strategies, a blank line between files; the totals always stand apart.
    let several = rows.iter().any(|r| r.strategy != rows[0].strategy);
    let mut prev_file: Option<&str> = None;
    for (r, c) in rows.iter().zip(&cells) {
        if prev_file.is_some_and(|f| f != r.file && (several || r.is_total())) {
            out.push('\n');
        }
        prev_file = Some(&r.file);
        out.push_str(&line(c.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// Text made inert in Markdown: characters with a meaning in Markdown or HTML are escaped, line
/// breaks become spaces.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `comparison.md`: the same table in Markdown, then the failures with their messages.
pub fn markdown(batch: &str, rows: &[Row]) -> String {
    let mut out = format!(
        "# Strategies compared: {}\n\nObjective of SPEC.md section 4 (lower is better); breaches: \
         cancelled on the day and not rebooked within 28 days, clinical-priority target, 18-week \
         referral-to-treatment; waits in days from the original date; hours are the most of any \
         surgeon; seconds are wall-clock per trust, and a total's the sum over its trusts.",
        md_escape(batch)
    );
    let with_moved = any_bookings(rows);
    if with_moved {
        out.push_str(
            " Moved: patients whose booking in the published plan was not kept (moved to another \
             list or left unscheduled, SPEC.md section 8).",
        );
    }
    out.push_str("\n\n");
    let head = table_head(with_moved);
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        head.iter()
            .enumerate()
            .map(|(i, _)| if i < 2 { "---|" } else { "---:|" })
            .collect::<String>()
    ));
    for r in rows {
        let cells: Vec<String> = table_cells(r, with_moved).iter().map(|c| md_escape(c)).collect();
        let cells = if r.is_total() {
            cells.iter().map(|c| format!("**{c}**")).collect()
        } else {
            cells
        };
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let failures: Vec<&Row> = rows.iter().filter(|r| !r.message.is_empty()).collect();
    if !failures.is_empty() {
        out.push_str("\n## Not solved\n\n");
        for r in failures {
            out.push_str(&format!(
                "- {} ({}): {}\n",
                md_escape(&r.trust_or_file()),
                md_escape(&r.strategy),
                md_escape(&r.message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hours: f64, gap: Option<f64>, bound: Option<f64>) -> Row {
        let mut r = empty(
            "a.json".into(),
            "A".into(),
            "mip",
            RunStatus::Solved,
            String::new(),
            1.5,
        );
        r.longest_shift_hours = hours;
        r.max_hours_in_7_days = hours * 3.0;
        r.wait_mean = Some(hours / 7.0);
        r.wait_p90 = gap.map(|g| g * 1e6);
        r.gap = gap;
        r.bound = bound;
        r.objective = Some(12345);
        r
    }

    /// Every float of a row survives summary.json and back bit for bit, so a merge writes the
    /// bytes one machine writes (serde_json's default parser may be one bit off on 17 digits).
    #[test]
    fn summary_rows_read_back_exactly() {
        let mut rows = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for k in 0..2000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bound = (x % 1_000_000) as f64;
            let objective = bound + (x % 997) as f64 + 1.0;
            rows.push(row(
                k as f64 / 60.0,
                Some((objective - bound) / objective),
                Some(bound + 0.25),
            ));
        }
        rows.push(row(12.833333333333334, None, None));
        rows.push(row(1e-7, Some(5e-324), Some(1.0e300)));
        let batch = BatchRecord {
            rebook: "0".into(),
            inputs: vec!["in \"quoted\" 1.5e3".into()],
            report: false,
            files: vec![],
        };
        let opts = crate::strategy::SolveOptions {
            time_limit: 0.1 + 0.2,
            gap: 1.0 / 3.0,
            threads: 1,
            seed: 2,
            ..Default::default()
        };
        let total = rows[0].clone();
        let bytes = summary_json("mip", &opts, &rows, &total, &batch, None);
        let read = read_summary(std::str::from_utf8(&bytes).unwrap()).unwrap();
        assert_eq!(read.trusts.len(), rows.len());
        for (i, (back, row)) in read.trusts.iter().zip(&rows).enumerate() {
            let mut back = back.clone();
            back.seconds = row.seconds;
            assert!(back == *row, "row {i} read back as {back:?}, written as {row:?}");
        }
        assert_eq!(
            read.options.solve_options().time_limit.to_bits(),
            opts.time_limit.to_bits()
        );
        assert_eq!(read.options.gap.to_bits(), opts.gap.to_bits());
        assert_eq!(read.batch.as_ref(), Some(&batch));
        let again = summary_json("mip", &read.options.solve_options(), &read.trusts, &total, &batch, None);
        assert!(again == bytes, "summary.json changed on the way back");
    }

    #[test]
    fn waits_count_and_expand() {
        let waits = [
            (Priority::P3, 12),
            (Priority::P1, -2),
            (Priority::P3, 12),
            (Priority::P4, 0),
        ];
        let counts = wait_counts(&waits);
        assert_eq!(counts["P3"][&12], 2);
        let mut back = waits_of(&counts).unwrap();
        let mut sorted = waits.to_vec();
        sorted.sort();
        back.sort();
        assert_eq!(back, sorted);
        let json = serde_json::to_string(&counts).unwrap();
        let read: WaitCounts = serde_json::from_str(&quote_floats(&json)).unwrap();
        assert_eq!(read, counts);
        assert!(waits_of(&BTreeMap::from([("P9".to_string(), BTreeMap::new())])).is_err());
    }

    #[test]
    fn plan_stems_follow_the_rows() {
        let mut a = row(1.0, None, None);
        a.trust = "A".into();
        let mut failed = a.clone();
        failed.status = RunStatus::Failed;
        let mut lower = a.clone();
        lower.trust = "a".into();
        let rows = [&a, &failed, &a, &lower];
        assert_eq!(
            plan_stems(&rows),
            vec![Some("A".into()), None, Some("A-2".into()), Some("a-3".into())]
        );
    }
}
