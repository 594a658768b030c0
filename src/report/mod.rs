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
pub mod html;
mod plan;
pub mod svg;

use crate::model::Priority;
use crate::text::thousands;
use html::Writer;
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

/// The style sheet of both pages (no `url(`, no external fonts).
const STYLE: &str = include_str!("style.css");

/// Starts a page: doctype, `<html lang="en-GB">`, the head with its title and style sheet, and
/// opens `<body>`. [`Writer::finish`] closes it.
fn page_start(title: &str) -> Writer {
    let mut w = Writer::new();
    w.trusted("<!DOCTYPE html>\n");
    w.open("html", &[("lang", &"en-GB")]);
    w.open("head", &[]);
    w.empty("meta", &[("charset", &"utf-8")]);
    w.empty(
        "meta",
        &[
            ("name", &"viewport"),
            ("content", &"width=device-width, initial-scale=1"),
        ],
    );
    w.elem("title", &[], title);
    w.open("style", &[]).trusted(STYLE).close();
    w.close();
    w.open("body", &[]);
    w
}

/// The page's table of contents (hidden in print).
fn nav(w: &mut Writer, links: &[(&str, &str)]) {
    w.open("nav", &[]);
    for (id, label) in links {
        w.elem("a", &[("href", &format!("#{id}"))], label);
    }
    w.close();
}

/// Opens a section of a page with its id (a navigation target) and its heading; the caller
/// closes it.
fn open_section(w: &mut Writer, id: &str, heading: impl std::fmt::Display) {
    w.open("section", &[("id", &id)]);
    w.elem("h2", &[], heading);
}

/// A small coloured square for HTML legends and tables.
fn swatch(w: &mut Writer, fill: &str) {
    w.elem(
        "span",
        &[("class", &"swatch"), ("style", &format!("background:{fill}"))],
        "",
    );
}

/// The colour legend of the clinical priorities, with their targets.
fn priority_legend(w: &mut Writer, extra: &[(&str, &str)]) {
    const MEANING: [&str; 4] = [
        "P1 – within 72 hours",
        "P2 – within 4 weeks",
        "P3 – within 3 months",
        "P4 – can wait longer",
    ];
    w.open("p", &[("class", &"legend")]);
    for p in Priority::ALL {
        w.open("span", &[("class", &"legend-item")]);
        swatch(w, svg::PRIORITY_FILL[p.index()]);
        w.text(MEANING[p.index()]).close();
    }
    for (label, fill) in extra {
        w.open("span", &[("class", &"legend-item")]);
        swatch(w, fill);
        w.text(label).close();
    }
    w.close();
}

/// A key figure: a big number with a label and an optional detail line.
fn card(w: &mut Writer, label: &str, value: &str, detail: &str) {
    w.open("div", &[("class", &"card")]);
    w.elem("div", &[("class", &"value")], value);
    w.elem("div", &[("class", &"label")], label);
    if !detail.is_empty() {
        w.elem("div", &[("class", &"detail")], detail);
    }
    w.close();
}

/// Minutes as hours and minutes: `750` → `12 h 30 min`, `780` → `13 h`.
fn minutes(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let m = m.abs();
    match (m / 60, m % 60) {
        (0, r) => format!("{sign}{r} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, r) => format!("{sign}{h} h {r} min"),
    }
}

/// Hours (fractional) as hours and minutes.
fn hours(h: f64) -> String {
    if h.is_finite() {
        minutes((h * 60.0).round() as i64)
    } else {
        "–".into()
    }
}

/// A date for people: `Tue 3 May 2016`.
fn day(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// An optional number with one decimal, or a dash.
fn opt1(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}"))
}

/// What each strategy does, in plain words.
fn strategy_meaning(name: &str) -> &'static str {
    match name {
        "fifo" => "treat in turn: cases in order of their original date, each to the earliest list that can take it",
        "priority" => "clinical priority first, then longest wait, each to the earliest list that can take it",
        "mip" => "optimised plan (integer programme) with the least priority-weighted wait",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(minutes(750), "12 h 30 min");
        assert_eq!(minutes(780), "13 h");
        assert_eq!(minutes(45), "45 min");
        assert_eq!(hours(61.5), "61 h 30 min");
    }

    #[test]
    fn style_sheet_is_safe_as_xml_text_and_self_contained() {
        for bad in ["<", "&", "url(", "http", "@import"] {
            assert!(!STYLE.contains(bad), "{bad}");
        }
    }
}
