//! The comparison page: every strategy over a batch of trusts, totals first, then the charts,
//! then one table per trust.

use super::html::{Ids, Writer};
use super::page::{hours, nav, open_section, opt1, page_start, priority_legend, strategy_meaning, thousands};
use super::svg::{self, Series};
use crate::batch::summary::{Row, RunStatus};
use crate::model::Priority;
use crate::text::plural;
use std::collections::BTreeMap;

const SECTIONS: [(&str, &str); 5] = [
    ("totals", "Totals"),
    ("wait-distribution", "Waits"),
    ("targets", "Targets"),
    ("costs", "Cost by trust"),
    ("trusts", "Trust by trust"),
];

/// Columns of a results table after the strategy and status, cost included (for colspans).
const NUMBER_COLUMNS: usize = 20;

/// Widths of the columns of a results table (pixels; the table is laid out fixed, so the tables
/// of every trust line up).
const COLUMN_WIDTHS: [u32; NUMBER_COLUMNS + 2] = [
    84, 72, 62, 30, 30, 30, 30, 30, 30, 30, 30, 50, 58, 56, 42, 40, 40, 50, 66, 66, 44, 56,
];

/// The batch's rows, grouped for the page.
struct Batch<'a> {
    /// Strategy names in order of first appearance (rows, then the waits' keys).
    strategies: Vec<&'a str>,
    /// Each trust's rows in display order, trusts in order of first appearance.
    trusts: Vec<(String, Vec<&'a Row>)>,
    /// The total row of each strategy.
    totals: Vec<&'a Row>,
}

impl<'a> Batch<'a> {
    fn new(rows: &'a [Row], waits: &'a BTreeMap<String, Vec<(Priority, i64)>>) -> Batch<'a> {
        let mut strategies: Vec<&str> = Vec::new();
        for name in rows
            .iter()
            .map(|r| r.strategy.as_str())
            .chain(waits.keys().map(String::as_str))
        {
            if !strategies.contains(&name) {
                strategies.push(name);
            }
        }
        // One group per instance file, labelled with its trust id (and the file when two files
        // carry the same id).
        let mut by_file: Vec<(&str, Vec<&Row>)> = Vec::new();
        for r in rows.iter().filter(|r| !r.is_total()) {
            match by_file.iter_mut().find(|(f, _)| *f == r.file) {
                Some((_, list)) => list.push(r),
                None => by_file.push((&r.file, vec![r])),
            }
        }
        let label = |list: &[&Row]| list.first().map(|r| r.trust_or_file()).unwrap_or_default();
        let trusts: Vec<(String, Vec<&Row>)> = by_file
            .iter()
            .map(|(file, list)| {
                let l = label(list);
                let shared = by_file.iter().filter(|(_, other)| label(other) == l).count() > 1;
                (if shared { format!("{l} ({file})") } else { l }, list.clone())
            })
            .collect();
        Batch {
            strategies,
            trusts,
            totals: rows.iter().filter(|r| r.is_total()).collect(),
        }
    }

    /// Breaches of a strategy over the batch: its total row, or the sum of its solved rows.
    fn breaches(&self, strategy: &str) -> [usize; 3] {
        let of = |r: &Row| [r.breaches_28_day, r.breaches_priority, r.breaches_rtt];
        match self.totals.iter().find(|r| r.strategy == strategy) {
            Some(t) => of(t),
            None => self
                .trusts
                .iter()
                .flat_map(|(_, rows)| rows.iter())
                .filter(|r| r.strategy == strategy && r.status == RunStatus::Solved)
                .fold([0; 3], |acc, r| {
                    let b = of(r);
                    [acc[0] + b[0], acc[1] + b[1], acc[2] + b[2]]
                }),
        }
    }
}

pub fn page(batch: &str, rows: &[Row], waits: &BTreeMap<String, Vec<(Priority, i64)>>) -> String {
    let b = Batch::new(rows, waits);
    let mut w = page_start(&format!("Strategy comparison – {batch}"));
    let mut ids = Ids::default();
    for (id, _) in SECTIONS {
        ids.reserve(id);
    }
    for id in ["breaches-by-strategy", "objective-by-trust"] {
        ids.reserve(id);
    }

    w.open("header", &[("class", &"page")]);
    w.elem("h1", &[], format!("Strategy comparison: {batch}"));
    w.elem(
        "p",
        &[("class", &"subtitle")],
        format!(
            "{} trust{} rebooked with {} strateg{}. Lower is better in every column except ‘Rebooked’.",
            b.trusts.len(),
            plural(b.trusts.len()),
            b.strategies.len(),
            if b.strategies.len() == 1 { "y" } else { "ies" }
        ),
    );
    w.open("ul", &[("class", &"meta")]);
    for s in &b.strategies {
        let meaning = strategy_meaning(s);
        w.open("li", &[]).elem("strong", &[], s);
        if !meaning.is_empty() {
            w.text(format!(": {meaning}"));
        }
        w.close();
    }
    w.close();
    w.close();
    nav(&mut w, &SECTIONS);

    open_section(&mut w, "totals", "Totals over the batch");
    results_table(&mut w, &b.totals);
    w.elem(
        "p",
        &[("class", &"small-print")],
        "Cost: the objective, priority-weighted days of wait plus penalties for targets missed and cases not rebooked. Over target: cases rebooked past the 28-day rule (cancelled on the day), the clinical-priority target, or the 18-week referral-to-treatment target. Hours: the longest shift and the most duty hours in 7 days of any surgeon. Gap: how far the cost may be from the best possible (optimised plans only).",
    );
    w.close();

    waits_section(&mut w, &b, waits, &mut ids);

    open_section(&mut w, "targets", "Targets missed");
    let per_strategy: Vec<(String, [usize; 3])> = b.strategies.iter().map(|s| (s.to_string(), b.breaches(s))).collect();
    w.open("figure", &[]);
    svg::breaches_chart(
        &mut w,
        "breaches-by-strategy",
        "Rebooked cases over a target, by strategy",
        &per_strategy,
    );
    w.close();
    w.close();

    open_section(&mut w, "costs", "Cost by trust");
    let groups: Vec<String> = b.trusts.iter().map(|(label, _)| label.clone()).collect();
    let series: Vec<Series> = b
        .strategies
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: s,
            fill: svg::SERIES_FILL[i % svg::SERIES_FILL.len()],
        })
        .collect();
    let values: Vec<Vec<Option<f64>>> = b
        .trusts
        .iter()
        .map(|(_, rows)| {
            b.strategies
                .iter()
                .map(|s| {
                    rows.iter()
                        .find(|r| r.strategy == *s && r.status == RunStatus::Solved)
                        .and_then(|r| r.objective)
                        .map(|o| o as f64)
                })
                .collect()
        })
        .collect();
    w.open("figure", &[]);
    svg::grouped_bars(
        &mut w,
        "objective-by-trust",
        "Cost (objective) of each trust's plan, by strategy",
        "cost points",
        &groups,
        &series,
        &values,
    );
    w.close();
    w.close();

    open_section(&mut w, "trusts", "Trust by trust");
    if b.trusts.is_empty() {
        w.elem("p", &[("class", &"muted")], "No trust in this batch.");
    }
    for (label, rows) in &b.trusts {
        let file = rows
            .iter()
            .map(|r| r.file.as_str())
            .find(|f| !f.is_empty())
            .unwrap_or("");
        let heading = if file.is_empty() || file == label {
            label.clone()
        } else {
            format!("{label} ({file})")
        };
        w.elem("h3", &[], heading);
        results_table(&mut w, rows);
    }
    w.close();
    w.elem(
        "footer",
        &[("class", &"small-print")],
        format!("Produced by rebook from {batch}. Hover over a chart for details."),
    );
    w.finish()
}

/// One wait histogram per strategy on a common axis, so they compare directly.
fn waits_section(w: &mut Writer, b: &Batch, waits: &BTreeMap<String, Vec<(Priority, i64)>>, ids: &mut Ids) {
    open_section(w, "wait-distribution", "Waits");
    w.elem(
        "p",
        &[],
        "Days from each rebooked case's original date to its new date, by strategy, on the same scale. The dashed line is the 28-day rule for operations cancelled on the day.",
    );
    priority_legend(w, &[]);
    let sets: Vec<&[(Priority, i64)]> = b
        .strategies
        .iter()
        .map(|s| waits.get(*s).map_or(&[][..], Vec::as_slice))
        .collect();
    let axis = svg::wait_axis(&sets);
    w.open("div", &[("class", &"charts")]);
    for (s, set) in b.strategies.iter().zip(&sets) {
        let id = ids.make("wait-distribution", s);
        w.open("figure", &[]);
        svg::wait_chart(w, &id, &format!("{s}: wait from the original date"), &axis, set);
        let total = b.totals.iter().find(|r| r.strategy == *s);
        w.elem(
            "figcaption",
            &[],
            format!(
                "{} cases rebooked; mean wait {} days, 90 % within {} days, longest {} days.",
                set.len(),
                opt1(total.and_then(|t| t.wait_mean)),
                opt1(total.and_then(|t| t.wait_p90)),
                total
                    .and_then(|t| t.wait_max)
                    .map_or_else(|| "–".into(), |m| m.to_string())
            ),
        );
        w.close();
    }
    w.close();
    w.close();
}

/// A table of results, one row per strategy (or per total).
fn results_table(w: &mut Writer, rows: &[&Row]) {
    if rows.is_empty() {
        w.elem("p", &[("class", &"muted")], "No results.");
        return;
    }
    let best = rows
        .iter()
        .filter(|r| r.status == RunStatus::Solved)
        .filter_map(|r| r.objective)
        .min();
    w.open("table", &[("class", &"results")]);
    w.open("colgroup", &[]);
    for width in COLUMN_WIDTHS {
        w.empty("col", &[("style", &format!("width:{width}px"))]);
    }
    w.close();
    w.open("thead", &[]);
    w.open("tr", &[]);
    for label in ["Strategy", "Status", "Cost"] {
        w.elem("th", &[("rowspan", &2)], label);
    }
    for (label, span) in [
        ("Rebooked", 4),
        ("Not rebooked", 4),
        ("Over target", 3),
        ("Wait (days)", 3),
    ] {
        w.elem("th", &[("colspan", &span), ("class", &"group")], label);
    }
    for label in [
        "Extra lists",
        "Longest shift",
        "Most hours in 7 days",
        "Time (s)",
        "Gap",
    ] {
        w.elem("th", &[("rowspan", &2), ("class", &"num")], label);
    }
    w.close();
    w.open("tr", &[]);
    for _ in 0..2 {
        for p in Priority::ALL {
            w.elem("th", &[("class", &"num sub")], p);
        }
    }
    for label in ["28-day", "priority", "18-week", "mean", "p90", "max"] {
        w.elem("th", &[("class", &"num sub")], label);
    }
    w.close();
    w.close();
    w.open("tbody", &[]);
    for r in rows {
        w.open("tr", &[]);
        w.elem("td", &[("class", &"nowrap")], &r.strategy);
        let solved = r.status == RunStatus::Solved;
        let status = if solved {
            r.solver_status.replace('_', " ")
        } else {
            r.status.as_str().to_string()
        };
        w.elem(
            "td",
            &[("class", &if solved { "nowrap" } else { "nowrap flag" })],
            status,
        );
        let Some(objective) = r.objective else {
            w.elem("td", &[("colspan", &NUMBER_COLUMNS), ("class", &"flag")], &r.message);
            w.close();
            continue;
        };
        let class = if Some(objective) == best { "num best" } else { "num" };
        w.elem("td", &[("class", &class)], thousands(objective));
        for n in r.scheduled_by_priority.iter().chain(&r.unscheduled_by_priority) {
            w.elem("td", &[("class", &"num")], n);
        }
        for n in [r.breaches_28_day, r.breaches_priority, r.breaches_rtt] {
            w.elem("td", &[("class", &"num")], n);
        }
        w.elem("td", &[("class", &"num")], opt1(r.wait_mean));
        w.elem("td", &[("class", &"num")], opt1(r.wait_p90));
        w.elem(
            "td",
            &[("class", &"num")],
            r.wait_max.map_or_else(|| "–".into(), |m| m.to_string()),
        );
        w.elem("td", &[("class", &"num")], r.lists_opened);
        w.elem("td", &[("class", &"num")], hours(r.longest_shift_hours));
        w.elem("td", &[("class", &"num")], hours(r.max_hours_in_7_days));
        w.elem("td", &[("class", &"num")], format!("{:.1}", r.seconds));
        w.elem(
            "td",
            &[("class", &"num")],
            r.gap.map_or_else(|| "–".into(), |g| format!("{:.2} %", g * 100.0)),
        );
        w.close();
        if !r.message.is_empty() {
            w.open("tr", &[("class", &"message")]);
            w.elem("td", &[], "");
            w.elem("td", &[("colspan", &(NUMBER_COLUMNS + 1))], &r.message);
            w.close();
        }
    }
    w.close();
    w.close();
}
