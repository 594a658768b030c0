//! rebook: reschedules elective surgery cancelled by a strike, without pushing any surgeon past
//! safe working hours.
//!
//! The contract is `SPEC.md` (instance and schedule formats, every hard rule, the objective); the
//! `rebook` binary is a thin layer over this library ([`cli`]). One trust, start to finish:
//!
//! ```
//! use rebook::{check, io, metrics, strategy};
//!
//! // 1. Load: read, parse and validate an instance file. Every problem comes back at once as a
//! //    coded diagnostic; `instance` is `None` when any of them is an error.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/kent-2016-04/medway-RPA.json");
//! let loaded = io::load_instance(std::path::Path::new(path));
//! assert_eq!(loaded.errors().count(), 0);
//! let instance = loaded.instance.expect("a valid instance");
//!
//! // 2. Solve: strategies are looked up by name (`fifo`, `priority`, `mip`).
//! let options = strategy::SolveOptions { time_limit: 10.0, ..Default::default() };
//! let priority = strategy::by_name("priority").expect("a registered strategy");
//! let solution = priority.solve(&instance, &options).expect("a plan");
//!
//! // 3. Write it as the schedule format (SPEC.md section 5), with its metrics.
//! let figures = metrics::compute(&instance, &solution);
//! let schedule = io::schedule::to_file(&instance, "priority", &solution, serde_json::to_value(&figures)?);
//!
//! // 4. Check: the independent checker re-verifies every rule and recomputes the objective.
//! let verdict = check::check(&instance, &schedule);
//! assert!(verdict.is_ok(), "{:?}", verdict.violations);
//! assert_eq!(verdict.recomputed_objective, schedule.objective);
//!
//! // 5. Write the plan and its CSV together, all or nothing.
//! let out = std::env::temp_dir().join(format!("rebook-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&out)?;
//! let files = [
//!     (out.join("RPA.schedule.json"), io::json::pretty(&schedule)),
//!     (out.join("RPA.assignments.csv"), io::schedule::assignments_csv(&instance, &schedule)?),
//! ];
//! io::write_all_or_nothing(&files).map_err(|(_, e)| e)?;
//! # std::fs::remove_dir_all(&out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A batch of trusts runs the same steps side by side with every failure kept to its trust
//! ([`batch`]); the MIP ([`strategy::mip`]) is the optimiser, `fifo` and `priority` the booking
//! office's ways ([`strategy::greedy`]).
//!
//! ## The rooms (calls run downward only; `tests/architecture.rs` enforces it)
//! - [`cli`]: the command line, one file per command family, exit codes in one place.
//! - [`simulate`]: a season of strikes: a batch run forward through a strike series, every round
//!   re-planned with each strategy ([`restrike`], [`strategy`]), compared with intervals.
//! - [`restrike`]: the re-planning instance after a further strike (SPEC.md section 8).
//! - [`batch`]: many trusts × strategies in parallel, summary rows and files; [`bench`](mod@bench):
//!   benchmark runners.
//! - [`report`]: self-contained HTML pages; [`metrics`]: one definition of every number;
//!   [`stats`]: profiles of instances.
//! - [`strategy`]: the trait, the registry, the greedy strategies and the MIP.
//! - [`check`]: the independent checker (shares no code with any strategy).
//! - [`schedule`]: a solution, its packing into lists and its objective; [`rules`]: the
//!   safe-hours arithmetic the strategies and metrics share.
//! - [`io`]: every format (instance and schedule JSON with their validation, the CSV instance
//!   folder, IHTC-2024) and atomic writes.
//! - [`generate`]: realistic instances from a seed.
//! - [`model`]: the domain types; depends on nothing else in the crate. [`text`]: number formats.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod bench;
pub mod check;
pub mod cli;
/// The fuzz targets' harnesses (docs/FUZZING.md); not part of the library's interface.
#[doc(hidden)]
pub mod fuzz;
pub mod generate;
pub mod io;
pub mod metrics;
pub mod model;
pub mod report;
pub mod restrike;
pub mod rules;
pub mod schedule;
pub mod simulate;
pub mod stats;
pub mod strategy;
pub mod text;
