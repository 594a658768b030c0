//! Solving a batch of trusts side by side (rayon), each trust's failure kept to itself.

use crate::check;
use crate::io::{self, schedule::ScheduleFile};
use crate::metrics;
use crate::model::validate::Diagnostic;
use crate::model::Instance;
use crate::schedule;
use crate::strategy::{self, SolveOptions};
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// What became of one trust.
pub enum Outcome {
    /// A plan that passed the independent checker.
    Solved {
        instance: Box<Instance>,
        schedule: Box<ScheduleFile>,
        warnings: Vec<Diagnostic>,
    },
    /// The input is invalid (exit code 2).
    Invalid { diagnostics: Vec<Diagnostic> },
    /// The strategy found no plan, failed, panicked, or its plan failed the checker (exit code 1).
    Failed { trust: Option<String>, message: String },
}

pub struct TrustResult {
    pub path: PathBuf,
    pub outcome: Outcome,
}

/// Reads, validates, solves and checks one instance file. Never panics.
pub fn solve_file(path: &std::path::Path, strategy: &str, opts: &SolveOptions) -> TrustResult {
    let run = || -> Outcome {
        let loaded = io::load_instance(path);
        let Some(inst) = loaded.instance else {
            return Outcome::Invalid {
                diagnostics: loaded.diagnostics,
            };
        };
        let warnings = loaded.diagnostics;
        let Some(strat) = strategy::by_name(strategy) else {
            return Outcome::Failed {
                trust: Some(inst.trust_id.clone()),
                message: format!("unknown strategy '{strategy}'"),
            };
        };
        match strat.solve(&inst, opts) {
            Err(e) => Outcome::Failed {
                trust: Some(inst.trust_id.clone()),
                message: e.to_string(),
            },
            Ok(sol) => {
                let m = metrics::compute(&inst, &sol);
                let file = schedule::to_file(&inst, strat.name(), &sol, serde_json::to_value(&m).unwrap_or_default());
                let report = check::check(&inst, &file);
                if !report.is_ok() {
                    let first: Vec<String> = report
                        .violations
                        .iter()
                        .take(5)
                        .map(|v| format!("{}: {}", v.rule, v.message))
                        .collect();
                    return Outcome::Failed {
                        trust: Some(inst.trust_id.clone()),
                        message: format!(
                            "internal error: the {strategy} plan failed the independent checker ({} violations): {}",
                            report.violations.len(),
                            first.join("; ")
                        ),
                    };
                }
                Outcome::Solved {
                    instance: Box::new(inst),
                    schedule: Box::new(file),
                    warnings,
                }
            }
        }
    };
    let outcome = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(o) => o,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Outcome::Failed {
                trust: None,
                message: format!("internal error (panic): {msg}"),
            }
        }
    };
    TrustResult {
        path: path.to_path_buf(),
        outcome,
    }
}

/// Solves every file with `jobs` worker threads; results come back in the order of `paths`.
pub fn solve_batch(paths: &[PathBuf], strategy: &str, opts: &SolveOptions, jobs: usize) -> Vec<TrustResult> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build();
    match pool {
        Ok(pool) => pool.install(|| paths.par_iter().map(|p| solve_file(p, strategy, opts)).collect()),
        Err(_) => paths.iter().map(|p| solve_file(p, strategy, opts)).collect(),
    }
}
