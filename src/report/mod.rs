//! Self-contained HTML reports: the plan of one trust ([`plan_html`]) and the comparison of
//! strategies over a batch ([`comparison_html`]).
//!
//! A page is one file with its style sheet inline and its charts as inline SVG: no scripts, no
//! external resources, nothing fetched, so it can be mailed, archived or opened offline. It is
//! polyglot XHTML5 (well-formed XML as well as HTML; see [`html`]), deterministic (the same input
//! gives the same bytes), and prints on A4 landscape (`@media print` rules; each operating list
//! stays on one page, each day's lists start a new page).
//!
//! Chart primitives live in [`svg`]; both pages draw their wait distributions and target breaches
//! with the same functions, so the charts compare at a glance.

mod compare;
mod format;
pub mod html;
mod page;
mod plan;
pub mod svg;

use crate::model::Priority;
use std::collections::BTreeMap;

/// The plan of one trust as one self-contained HTML page. `source` is a label for the header
/// (e.g. the instance and schedule file names). Runs [`crate::check::check`] itself and shows the
/// verdict. Assignments whose ids are not in the instance are flagged and left out of the charts.
pub fn plan_html(inst: &crate::model::Instance, schedule: &crate::io::schedule::ScheduleFile, source: &str) -> String {
    plan::page(inst, schedule, &crate::check::check(inst, schedule), source)
}

/// [`plan_html`] for a schedule the caller has already checked: `check` is
/// [`crate::check::check`]'s report on it, shown as the verdict.
pub fn plan_html_checked(
    inst: &crate::model::Instance,
    schedule: &crate::io::schedule::ScheduleFile,
    check: &crate::check::CheckReport,
    source: &str,
) -> String {
    plan::page(inst, schedule, check, source)
}

/// The comparison of strategies over a batch as one self-contained HTML page.
/// `rows`: every [`crate::batch::summary::Row`] (one per trust × strategy, plus one row with
/// [`crate::batch::summary::Row::is_total`] per strategy), in display order. `waits`: per strategy name, the
/// (priority, wait days) of every scheduled case of the batch.
pub fn comparison_html(
    batch: &str,
    rows: &[crate::batch::summary::Row],
    waits: &BTreeMap<String, Vec<(Priority, i64)>>,
) -> String {
    compare::page(batch, rows, waits)
}
