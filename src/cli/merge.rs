//! `rebook merge`: the parts of a batch solved on many machines (`solve` or `compare` with
//! `--shard K/N`) put back together into exactly what one machine writes: the plans under the
//! names one machine gives them, `summary.json`/`summary.csv` or the comparison files, with the
//! totals recomputed from the rows and the recorded waits (nothing is solved again). Only the
//! wall-clock seconds differ: the comparison carries each run's own, and the plans their solver's.
//!
//! Before writing anything it checks that the parts belong together: every shard of `0/N` …
//! `N−1/N` present once, no file in two parts, the same strategies, options, rebook version and
//! inputs (paths and SHA-256 of every instance file). Any problem stops it, each one named
//! ([`CliError::CannotMerge`], exit code 2), with the command that solves a missing shard again.

use super::error::{CliError, Outcome, Tally};
use super::solve::{batch_label, write_comparison, write_files};
use crate::batch::summary::{self, Row, RunStatus, ShardRecord, SummaryFile};
use crate::io;
use crate::model::Priority;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Put the shards of a batch (`solve` or `compare` run with `--shard K/N`) back together into
/// what one machine writes: plans, summary.json and summary.csv, or the comparison files.
#[derive(clap::Args)]
pub struct MergeArgs {
    /// The output directories of the shards, one per shard (in any order).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Output directory of the whole batch (created if missing; not one of the shards').
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
}

/// One shard's output, as read back.
struct Part {
    dir: PathBuf,
    summary: SummaryFile,
    shard: ShardRecord,
    /// Wall-clock seconds of each row (a comparison's `comparison.csv`; 0 for a solve until its
    /// plan is read).
    seconds: Vec<f64>,
}

impl Part {
    fn name(&self) -> String {
        format!(
            "shard {}/{} ({})",
            self.shard.index,
            self.shard.count,
            self.dir.display()
        )
    }
}

/// Reads the `summary.json` of `dir`, which must be a shard's.
fn read_part(dir: &Path) -> Result<Part, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such directory (a shard that never ran?)",
            dir.display()
        ));
    }
    let path = dir.join("summary.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{}: no summary.json: this shard did not finish (a shard writes it last); solve it again",
                dir.display()
            ))
        }
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let summary = summary::read_summary(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(shard) = summary.shard.clone() else {
        return Err(format!(
            "{}: not a shard (solved without --shard): nothing to merge",
            dir.display()
        ));
    };
    let Some(batch) = &summary.batch else {
        return Err(format!(
            "{}: no batch record (written by an older rebook?)",
            path.display()
        ));
    };
    let runs = summary.trusts.len();
    let strategies = summary.strategy_names().len();
    let consistent = strategies > 0
        && shard.plans.len() == runs
        && shard.waits.len() == runs
        && runs == shard.files.len() * strategies
        && shard.files.iter().all(|&i| i < batch.files.len())
        && shard.files.windows(2).all(|w| w[0] < w[1]);
    if !consistent {
        return Err(format!(
            "{}: its shard record does not match its rows (a damaged file?); solve shard {}/{} again",
            path.display(),
            shard.index,
            shard.count
        ));
    }
    let seconds = if summary.is_comparison() {
        comparison_seconds(dir, runs)?
    } else {
        vec![0.0; runs]
    };
    Ok(Part {
        dir: dir.to_path_buf(),
        summary,
        shard,
        seconds,
    })
}

/// The `seconds` of the first `runs` rows of `dir/comparison.csv` (the runs; the totals follow).
fn comparison_seconds(dir: &Path, runs: usize) -> Result<Vec<f64>, String> {
    let path = dir.join("comparison.csv");
    let damaged = |why: String| format!("{}: {why}; solve this shard again", path.display());
    let mut reader = csv::Reader::from_path(&path).map_err(|e| damaged(e.to_string()))?;
    let column = reader
        .headers()
        .map_err(|e| damaged(e.to_string()))?
        .iter()
        .position(|h| h == "seconds")
        .ok_or_else(|| damaged("no seconds column".into()))?;
    let mut out = Vec::with_capacity(runs);
    for record in reader.records().take(runs) {
        let record = record.map_err(|e| damaged(e.to_string()))?;
        let s = record.get(column).unwrap_or_default();
        out.push(
            s.parse()
                .map_err(|_| damaged(format!("'{s}' is not a number of seconds")))?,
        );
    }
    if out.len() != runs {
        return Err(damaged(format!("{} rows for {runs} runs", out.len())));
    }
    Ok(out)
}

/// The options of a run as command-line flags, for messages and the command that solves a
/// shard again.
fn flags(s: &SummaryFile) -> Vec<(String, String)> {
    let o = &s.options;
    let mut out = vec![if s.is_comparison() {
        ("--strategies".to_string(), s.strategy_names().join(","))
    } else {
        ("--strategy".to_string(), s.strategy_names().join(","))
    }];
    out.extend([
        ("--time-limit".to_string(), o.time_limit_seconds.to_string()),
        ("--gap".to_string(), o.gap.to_string()),
        ("--threads".to_string(), o.threads.to_string()),
        ("--seed".to_string(), o.seed.to_string()),
    ]);
    if let Some(w) = o.work_limit {
        out.push(("--work-limit".into(), w.to_string()));
    }
    if s.batch.as_ref().is_some_and(|b| b.report) {
        out.push(("--report".into(), String::new()));
    }
    out
}

/// The command that solves shard `shard` (`K/N`) of the run `s` records into `out`, quoted for
/// a POSIX shell.
fn rerun_command(s: &SummaryFile, shard: &str, out: &str) -> String {
    let command = if s.is_comparison() { "compare" } else { "solve" };
    let mut words = vec!["rebook".to_string(), command.to_string()];
    if let Some(b) = &s.batch {
        words.extend(b.inputs.iter().cloned());
    }
    for (flag, value) in flags(s) {
        words.push(flag);
        if !value.is_empty() {
            words.push(value);
        }
    }
    words.extend(["--shard".into(), shard.to_string(), "--out".into(), out.to_string()]);
    words.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
}

/// `word` as a POSIX shell reads it back: as it is when it holds only safe characters, else in
/// single quotes.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._,:=+-@%".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Every reason why `parts` are not the shards of one batch run, each naming the directories.
fn mismatches(parts: &[Part]) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(first) = parts.first() else {
        return problems;
    };
    let (a, fa) = (&first.summary, first.dir.display());
    let batch_a = a.batch.as_ref();
    for p in &parts[1..] {
        let (b, fb) = (&p.summary, p.dir.display());
        if a.is_comparison() != b.is_comparison() {
            let kind = |s: &SummaryFile| if s.is_comparison() { "compare" } else { "solve" };
            problems.push(format!(
                "different runs: {fb} is a {} run and {fa} a {} run",
                kind(b),
                kind(a)
            ));
            continue;
        }
        for ((flag, vb), (_, va)) in flags(b).into_iter().zip(flags(a)) {
            if vb != va {
                problems.push(format!(
                    "different options: {fb} was run with {flag} {vb}, {fa} with {flag} {va}"
                ));
            }
        }
        if flags(b).len() != flags(a).len() {
            let with = |s: &SummaryFile| s.batch.as_ref().is_some_and(|x| x.report);
            let (yes, no) = if with(b) { (&fb, &fa) } else { (&fa, &fb) };
            problems.push(format!("different options: {yes} was run with --report, {no} without"));
        }
        if p.shard.count != first.shard.count {
            problems.push(format!(
                "different shard counts: {fb} is shard {}/{} but {fa} is shard {}/{}: the shards of one batch \
                 share N",
                p.shard.index, p.shard.count, first.shard.index, first.shard.count
            ));
        }
        let (Some(x), Some(y)) = (batch_a, b.batch.as_ref()) else {
            continue;
        };
        if x.rebook != y.rebook {
            problems.push(format!(
                "different rebook versions: {fb} was solved by rebook {}, {fa} by rebook {}",
                y.rebook, x.rebook
            ));
        }
        if x.inputs != y.inputs {
            problems.push(format!(
                "different inputs: {fb} was given {}, {fa} {}",
                y.inputs.join(" "),
                x.inputs.join(" ")
            ));
        }
        let paths = |r: &summary::BatchRecord| r.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        if paths(x) != paths(y) {
            let only_b: Vec<String> = paths(y).into_iter().filter(|f| !paths(x).contains(f)).collect();
            let only_a: Vec<String> = paths(x).into_iter().filter(|f| !paths(y).contains(f)).collect();
            problems.push(format!(
                "different inputs: the batch of {fb} has {} files, that of {fa} {}{}{}",
                y.files.len(),
                x.files.len(),
                if only_b.is_empty() {
                    String::new()
                } else {
                    format!("; only {fb} has {}", only_b.join(", "))
                },
                if only_a.is_empty() {
                    String::new()
                } else {
                    format!("; only {fa} has {}", only_a.join(", "))
                },
            ));
            continue;
        }
        for (fx, fy) in x.files.iter().zip(&y.files) {
            if fx.sha256 != fy.sha256 {
                let short = |h: &Option<String>| {
                    h.as_deref().map_or_else(
                        || "unreadable".to_string(),
                        |h| format!("sha256 {}…", &h[..h.len().min(12)]),
                    )
                };
                problems.push(format!(
                    "different inputs: {} differs between {fb} ({}) and {fa} ({}): the instance changed between \
                     shards",
                    fx.path,
                    short(&fy.sha256),
                    short(&fx.sha256)
                ));
            }
        }
    }
    problems
}

/// Missing and overlapping shards, and files in no shard or in two.
fn coverage(parts: &[Part]) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(first) = parts.first() else {
        return problems;
    };
    let count = first.shard.count;
    let mut by_index: BTreeMap<usize, Vec<&Part>> = BTreeMap::new();
    for p in parts {
        by_index.entry(p.shard.index).or_default().push(p);
    }
    for (index, holders) in &by_index {
        if holders.len() > 1 {
            let dirs: Vec<String> = holders.iter().map(|p| p.dir.display().to_string()).collect();
            problems.push(format!(
                "shards overlap: {} are all shard {index}/{count}: give each shard once",
                dirs.join(" and ")
            ));
        }
    }
    for index in 0..count {
        if !by_index.contains_key(&index) {
            problems.push(format!(
                "shard {index}/{count} is missing: no directory given holds it; solve it with `{}` and merge again",
                rerun_command(&first.summary, &format!("{index}/{count}"), "DIR")
            ));
        }
    }
    let files = first.summary.batch.as_ref().map_or(0, |b| b.files.len());
    let mut owner: BTreeMap<usize, &Part> = BTreeMap::new();
    for p in by_index.values().map(|h| h[0]) {
        for &f in &p.shard.files {
            if let Some(other) = owner.insert(f, p) {
                problems.push(format!(
                    "shards overlap: {} is in {} and in {} (split differently?)",
                    file_path(first, f),
                    other.name(),
                    p.name()
                ));
            }
        }
    }
    if problems.is_empty() {
        let lost: Vec<String> = (0..files)
            .filter(|f| !owner.contains_key(f))
            .map(|f| file_path(first, f))
            .collect();
        if !lost.is_empty() {
            problems.push(format!("{} in no shard: {}", lost.len(), lost.join(", ")));
        }
    }
    problems
}

fn file_path(p: &Part, f: usize) -> String {
    p.summary
        .batch
        .as_ref()
        .and_then(|b| b.files.get(f))
        .map_or_else(|| format!("file {f}"), |x| x.path.clone())
}

/// A run of the merged batch: its row and where it came from.
struct Run<'a> {
    row: Row,
    part: &'a Part,
    /// Its position among its part's rows.
    local: usize,
    /// The batch file's path.
    path: String,
}

/// Every run in batch order (each file's runs in strategy order), as one machine lists them.
fn runs(parts: &[Part]) -> Vec<Run<'_>> {
    let first = &parts[0];
    let strategies = first.summary.strategy_names().len();
    let files = first.summary.batch.as_ref().map_or(0, |b| b.files.len());
    let mut at: BTreeMap<usize, (&Part, usize)> = BTreeMap::new();
    for p in parts {
        for (j, &f) in p.shard.files.iter().enumerate() {
            at.insert(f, (p, j));
        }
    }
    let mut out = Vec::new();
    for f in 0..files {
        let Some(&(part, j)) = at.get(&f) else { continue };
        for s in 0..strategies {
            let local = j * strategies + s;
            let mut row = part.summary.trusts[local].clone();
            row.seconds = part.seconds[local];
            out.push(Run {
                row,
                part,
                local,
                path: file_path(part, f),
            });
        }
    }
    out
}

/// The files of one run's plan to write: (path, bytes).
type PlanFiles = Vec<(PathBuf, Vec<u8>)>;

/// The plan files of one run to write: (file name in the shard, file name merged).
fn plan_names(local: &str, global: &str, report: bool) -> Vec<(String, String)> {
    let mut kinds = vec!["schedule.json", "assignments.csv"];
    if report {
        kinds.push("report.html");
    }
    kinds
        .into_iter()
        .map(|k| (format!("{local}.{k}"), format!("{global}.{k}")))
        .collect()
}

/// The plans of every solved run, read from the shards under the names one machine gives them
/// (in `out`, or `out/<strategy>/` for a comparison), with the seconds of a solve's runs from
/// their plans. Problems name the missing or foreign files.
fn gather_plans(
    runs: &mut [Run<'_>],
    strategies: &[String],
    comparison: bool,
    report: bool,
    out: &Path,
) -> Result<Vec<PlanFiles>, Vec<String>> {
    let mut problems = Vec::new();
    let mut plans: Vec<PlanFiles> = vec![Vec::new(); runs.len()];
    for name in strategies {
        let mine: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].row.strategy == *name).collect();
        let refs: Vec<&Row> = mine.iter().map(|&i| &runs[i].row).collect();
        let stems = summary::plan_stems(&refs);
        let sub = |dir: &Path| {
            if comparison {
                dir.join(io::safe_stem(name))
            } else {
                dir.to_path_buf()
            }
        };
        for (&i, global) in mine.iter().zip(stems) {
            let Some(global) = global else { continue };
            let (part, path, trust) = (runs[i].part, runs[i].path.clone(), runs[i].row.trust.clone());
            let Some(local) = part.shard.plans[runs[i].local].clone() else {
                problems.push(format!(
                    "{}: {path} is solved but has no plan recorded (a damaged summary.json?); solve this shard again",
                    part.name(),
                ));
                continue;
            };
            let from = sub(&part.dir);
            let mut files = Vec::new();
            for (src, dst) in plan_names(&local, &global, report) {
                let bytes = match std::fs::read(from.join(&src)) {
                    Ok(b) => b,
                    Err(e) => {
                        problems.push(format!(
                            "{}: cannot read {} (the plan of {path} with {name}): {e}; solve this shard again",
                            part.name(),
                            from.join(&src).display(),
                        ));
                        continue;
                    }
                };
                let bytes = if src.ends_with(".schedule.json") {
                    match plan_check(&bytes, &trust) {
                        Ok(seconds) => {
                            if !comparison {
                                runs[i].row.seconds = seconds;
                            }
                            bytes
                        }
                        Err(why) => {
                            problems.push(format!(
                                "{}: {} {why}; solve this shard again",
                                part.name(),
                                from.join(&src).display()
                            ));
                            continue;
                        }
                    }
                } else if src.ends_with(".report.html") && local != global {
                    // The page names its schedule file (its source line, twice).
                    String::from_utf8_lossy(&bytes)
                        .replace(
                            &format!(" and {local}.schedule.json"),
                            &format!(" and {global}.schedule.json"),
                        )
                        .into_bytes()
                } else {
                    bytes
                };
                files.push((sub(out).join(dst), bytes));
            }
            plans[i] = files;
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(problems)
    }
}

/// Checks that a schedule file is the plan of `trust`; returns its solver's seconds.
fn plan_check(bytes: &[u8], trust: &str) -> Result<f64, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("is not a schedule: {e}"))?;
    if v["trust"].as_str() != Some(trust) {
        return Err(format!(
            "is the plan of trust {}, not of {trust} (a file left by another run?)",
            v["trust"]
        ));
    }
    Ok(v["solver"]["seconds"].as_f64().unwrap_or(0.0))
}

/// `rebook merge`: checks that the directories are the shards of one batch run, then writes
/// what one machine would have written into `--out`.
pub fn merge(args: &MergeArgs) -> Result<Outcome, CliError> {
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    let out_real = args.out.canonicalize().ok();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for dir in &args.dirs {
        let real = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if !seen.insert(real.clone()) {
            problems.push(format!("shards overlap: {} is given twice", dir.display()));
            continue;
        }
        if out_real.as_ref() == Some(&real) {
            problems.push(format!(
                "{}: the output directory is one of the shards: merge into another directory",
                dir.display()
            ));
            continue;
        }
        match read_part(dir) {
            Ok(p) => parts.push(p),
            Err(e) => problems.push(e),
        }
    }
    problems.extend(mismatches(&parts));
    if problems.is_empty() {
        problems.extend(coverage(&parts));
    } else if let Some(first) = parts.first() {
        // Still say which shards no directory holds: the directories that could not be read
        // are most likely those.
        let present: BTreeSet<usize> = parts.iter().map(|p| p.shard.index).collect();
        let count = first.shard.count;
        let missing: Vec<String> = (0..count)
            .filter(|i| !present.contains(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "no readable shard output for shard(s) {}; solve each with `{}` (its index in --shard) and merge again",
                missing.join(", "),
                rerun_command(&first.summary, &format!("K/{count}"), "DIR")
            ));
        }
    }
    if parts.is_empty() && problems.is_empty() {
        problems.push("no shard directories given".into());
    }
    if !problems.is_empty() {
        return Err(CliError::CannotMerge { problems });
    }

    let first = &parts[0];
    let summary0 = &first.summary;
    let Some(record) = summary0.batch.clone() else {
        return Err(CliError::Internal("a shard without a batch record was accepted".into()));
    };
    let strategies = summary0.strategy_names();
    let comparison = summary0.is_comparison();
    let opts = summary0.options.solve_options();
    let mut runs = runs(&parts);
    let plans = gather_plans(&mut runs, &strategies, comparison, record.report, &args.out)
        .map_err(|problems| CliError::CannotMerge { problems })?;

    std::fs::create_dir_all(&args.out).map_err(|source| CliError::CreateDir {
        path: args.out.clone(),
        what: "output directory",
        source,
    })?;
    let mut tally = Tally::default();
    let mut strategy_dirs_ok: BTreeMap<&str, Result<(), String>> = BTreeMap::new();
    if comparison {
        for name in &strategies {
            let dir = args.out.join(io::safe_stem(name));
            let made = std::fs::create_dir_all(&dir).map_err(|e| {
                let message = format!("cannot create {}: {e}", dir.display());
                eprintln!("error: {message}");
                message
            });
            strategy_dirs_ok.insert(name.as_str(), made);
        }
    }
    // Plans; the rows of those that could not be written fail, as on one machine.
    for (run, files) in runs.iter_mut().zip(&plans) {
        if run.row.status != RunStatus::Solved {
            continue;
        }
        let written = match strategy_dirs_ok.get(run.row.strategy.as_str()) {
            Some(Err(message)) => Err(message.clone()),
            _ => write_files(files),
        };
        if let Err(e) = written {
            run.row.status = RunStatus::Failed;
            run.row.message = e;
        }
    }
    for run in &runs {
        match run.row.status {
            RunStatus::Solved => {}
            RunStatus::Invalid => {
                tally.invalid += 1;
                eprintln!("{}: {} ({})", run.path, run.row.message, run.part.name());
            }
            // A shard stopped by a signal: to be solved again, like a failed one.
            RunStatus::Failed | RunStatus::Interrupted => {
                tally.failed += 1;
                let trust = if run.row.trust.is_empty() {
                    String::new()
                } else {
                    format!("trust {}, ", run.row.trust)
                };
                eprintln!(
                    "{}: {trust}{}: {} ({})",
                    run.path,
                    run.row.strategy,
                    run.row.message,
                    run.part.name()
                );
            }
        }
    }

    // Totals from the rows and the recorded waits, per strategy, in the order of the runs.
    let mut totals = Vec::new();
    let mut waits: BTreeMap<String, Vec<(Priority, i64)>> = BTreeMap::new();
    for name in &strategies {
        let mine: Vec<&Run> = runs.iter().filter(|r| r.row.strategy == *name).collect();
        let mut pooled = Vec::new();
        for r in mine.iter().filter(|r| r.row.status == RunStatus::Solved) {
            let w = summary::waits_of(&r.part.shard.waits[r.local]).map_err(|e| CliError::CannotMerge {
                problems: vec![format!("{}: {e} in its recorded waits", r.part.name())],
            })?;
            pooled.extend(w);
        }
        let rows: Vec<&Row> = mine.iter().map(|r| &r.row).collect();
        let days: Vec<i64> = pooled.iter().map(|&(_, d)| d).collect();
        totals.push(summary::total(name, &rows, &days));
        waits.insert(name.clone(), pooled);
    }
    let mut rows: Vec<Row> = runs.iter().map(|r| r.row.clone()).collect();
    let written = if comparison {
        let names: Vec<&str> = strategies.iter().map(String::as_str).collect();
        let json = summary::comparison_json(&names, &opts, &rows, &totals, &record, None);
        rows.extend(totals);
        let label = batch_label(&record.inputs);
        write_comparison(&args.out, &label, &rows, &waits, json)
    } else {
        let total = totals.pop().unwrap_or_else(|| summary::total(&strategies[0], &[], &[]));
        let json = summary::summary_json(&strategies[0], &opts, &rows, &total, &record, None);
        rows.push(total);
        summary::to_csv(&rows, false)
            .map_err(|e| e.to_string())
            .and_then(|csv| {
                write_files(&[
                    (args.out.join("summary.csv"), csv),
                    (args.out.join("summary.json"), json),
                ])
            })
    };
    if let Err(e) = written {
        eprintln!(
            "error: cannot write the {}: {e}",
            if comparison { "comparison" } else { "summary" }
        );
        tally.failed += 1;
    }
    outln!("{}", summary::text_table(&rows).trim_end());

    // Name the shards whose runs were not solved: solving one again and merging again is the cure
    // when the machine, not the instance, was at fault.
    for p in &parts {
        let failed = runs
            .iter()
            .filter(|r| std::ptr::eq(r.part, p) && matches!(r.row.status, RunStatus::Failed | RunStatus::Interrupted))
            .count();
        if failed > 0 {
            eprintln!(
                "{}: {failed} run(s) failed; if the machine was at fault, solve it again with `{}` and merge again",
                p.name(),
                rerun_command(
                    &p.summary,
                    &format!("{}/{}", p.shard.index, p.shard.count),
                    &p.dir.to_string_lossy()
                )
            );
        }
    }
    eprintln!(
        "{} shard(s) merged: {} file(s){}; {} in {}",
        parts.len(),
        record.files.len(),
        if comparison {
            format!(" × {} strategies", strategies.len())
        } else {
            format!(" with {}", strategies[0])
        },
        if comparison {
            "comparison.csv, comparison.md, comparison.html, summary.json and each strategy's plans"
        } else {
            "plans and summary"
        },
        args.out.display()
    );
    Ok(tally.outcome())
}
