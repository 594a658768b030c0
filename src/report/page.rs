//! What both pages share: the page frame (head, style sheet, navigation, sections), legends,
//! cards and the number formats of the pages.

pub(super) use super::format::{day, hours, minutes, opt1, thousands};
use super::html::Writer;
use super::svg;
use crate::model::Priority;

/// The style sheet of both pages (no `url(`, no external fonts).
pub(super) const STYLE: &str = include_str!("style.css");

/// Starts a page: doctype, `<html lang="en-GB">`, the head with its title and style sheet, and
/// opens `<body>`. [`Writer::finish`] closes it.
pub(super) fn page_start(title: &str) -> Writer {
    super::html::page_start(title, STYLE)
}

/// The page's table of contents (hidden in print).
pub(super) fn nav(w: &mut Writer, links: &[(&str, &str)]) {
    w.open("nav", &[]);
    for (id, label) in links {
        w.elem("a", &[("href", &format!("#{id}"))], label);
    }
    w.close();
}

/// Opens a section of a page with its id (a navigation target) and its heading; the caller
/// closes it.
pub(super) fn open_section(w: &mut Writer, id: &str, heading: impl std::fmt::Display) {
    w.open("section", &[("id", &id)]);
    w.elem("h2", &[], heading);
}

/// A small coloured square for HTML legends and tables.
pub(super) fn swatch(w: &mut Writer, fill: &str) {
    w.elem(
        "span",
        &[("class", &"swatch"), ("style", &format!("background:{fill}"))],
        "",
    );
}

/// The colour legend of the clinical priorities, with their targets.
pub(super) fn priority_legend(w: &mut Writer, extra: &[(&str, &str)]) {
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
pub(super) fn card(w: &mut Writer, label: &str, value: &str, detail: &str) {
    w.open("div", &[("class", &"card")]);
    w.elem("div", &[("class", &"value")], value);
    w.elem("div", &[("class", &"label")], label);
    if !detail.is_empty() {
        w.elem("div", &[("class", &"detail")], detail);
    }
    w.close();
}

/// What each strategy does, in plain words.
pub(super) fn strategy_meaning(name: &str) -> &'static str {
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
    fn style_sheet_is_safe_as_xml_text_and_self_contained() {
        for bad in ["<", "&", "url(", "http", "@import"] {
            assert!(!STYLE.contains(bad), "{bad}");
        }
    }
}
