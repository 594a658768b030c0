//! Chart primitives drawn as inline SVG, shared by the plan and the comparison pages.
//!
//! Every chart is a self-describing `<svg>` with its own id, a title, axis labels with units and,
//! where colours carry meaning, a legend. Sizes are in CSS pixels; the style sheet lets a chart
//! shrink to the page width (`max-width: 100%`), so they also fit A4 landscape in print.
//!
//! The high-level charts both pages draw — [`wait_chart`] (wait distribution against the 28-day
//! standard) and [`breaches_chart`] (target breaches per strategy) — are defined here once, so a
//! plan's charts and the comparison's look and read the same.

use super::html::{Attrs, Writer};
use crate::model::Priority;
use chrono::{Datelike, NaiveDate, Weekday};
use std::fmt;

/// Fill of each clinical priority, P1..P4 (red, orange, blue, grey).
pub const PRIORITY_FILL: [&str; 4] = ["#c62828", "#f08c1a", "#3b6db3", "#9a9a9a"];
/// Text colour that reads on [`PRIORITY_FILL`].
pub const PRIORITY_INK: [&str; 4] = ["#ffffff", "#1d1d1d", "#ffffff", "#1d1d1d"];
/// Fill of the part of a list already booked before the strike.
pub const BOOKED_FILL: &str = "#d4d4d4";
/// Outline of a case that keeps the booking a published plan gave it (SPEC.md section 8).
pub const KEPT_OUTLINE: &str = "#212b32";
/// The three breach kinds as shown in charts and tables, with their fills.
pub const BREACH_KINDS: [(&str, &str); 3] = [
    ("28-day rule", "#6a3d9a"),
    ("priority target", "#b15928"),
    ("18-week RTT", "#1b9e77"),
];
/// Fills of strategies (or any other series without a meaning of its own), in order.
pub const SERIES_FILL: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f",
];
const LIMIT_INK: &str = "#d5281b";
const AXIS_INK: &str = "#4c6272";
const GRID_INK: &str = "#e3e6e8";
/// Average glyph width of the page font, as a fraction of the font size (for fitting labels).
const GLYPH: f64 = 0.6;

/// A coordinate for SVG output: at most one decimal, no trailing `.0`.
#[derive(Clone, Copy)]
pub struct N(pub f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = (self.0 * 10.0).round() / 10.0;
        if r == r.trunc() {
            write!(f, "{}", r as i64)
        } else {
            write!(f, "{r:.1}")
        }
    }
}

/// `text` if it fits in `px` pixels at `size`, else shortened with an ellipsis, else nothing.
pub fn fit(text: &str, px: f64, size: f64) -> Option<String> {
    let room = (px / (size * GLYPH)).floor() as usize;
    let len = text.chars().count();
    if len <= room {
        Some(text.to_string())
    } else if room >= 4 {
        Some(text.chars().take(room - 1).collect::<String>() + "…")
    } else {
        None
    }
}

/// `text` if it fits whole in `px` pixels at `size`.
fn fits(text: &str, px: f64, size: f64) -> Option<String> {
    (text.chars().count() as f64 * size * GLYPH <= px).then(|| text.to_string())
}

/// `text` if it fits, else its end after an ellipsis (`…0064`), else nothing.
fn fit_tail(text: &str, px: f64, size: f64) -> Option<String> {
    let room = (px / (size * GLYPH)).floor() as usize;
    let len = text.chars().count();
    if len <= room {
        Some(text.to_string())
    } else if room >= 3 {
        Some(std::iter::once('…').chain(text.chars().skip(len + 1 - room)).collect())
    } else {
        None
    }
}

/// A "nice" axis for values up to `max`: (step, top) with step 1, 2 or 5 × 10ⁿ and about five
/// steps. Never zero.
pub fn nice_axis(max: f64) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0);
    (step, (max / step).ceil().max(1.0) * step)
}

/// Formats an axis or bar value: integers plainly, with thousands separators.
pub fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        super::format::thousands(v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Opens a chart: `<svg>` with its id, size, accessible title and the visible title.
pub fn open_chart(w: &mut Writer, id: &str, title: &str, width: f64, height: f64) {
    let view = format!("0 0 {} {}", N(width), N(height));
    w.open(
        "svg",
        &[
            ("id", &id),
            ("class", &"chart"),
            ("viewBox", &view),
            ("width", &N(width)),
            ("height", &N(height)),
            ("role", &"img"),
        ],
    );
    w.elem("title", &[], title);
    w.elem("text", &[("x", &8), ("y", &18), ("class", &"chart-title")], title);
}

/// A legend row of coloured squares with labels, starting at (`x`, `y`).
fn legend(w: &mut Writer, x: f64, y: f64, entries: &[(&str, &str)]) {
    let mut x = x;
    for (label, fill) in entries {
        w.empty(
            "rect",
            &[
                ("x", &N(x)),
                ("y", &N(y - 9.0)),
                ("width", &10),
                ("height", &10),
                ("fill", fill),
            ],
        );
        w.elem("text", &[("x", &N(x + 14.0)), ("y", &N(y)), ("class", &"small")], label);
        x += 14.0 + label.chars().count() as f64 * 11.0 * GLYPH + 14.0;
    }
}

/// Width a [`legend`] takes.
fn legend_width(entries: &[(&str, &str)]) -> f64 {
    entries
        .iter()
        .map(|(label, _)| 28.0 + label.chars().count() as f64 * 11.0 * GLYPH)
        .sum::<f64>()
        - 14.0
}

/// The plot area of a chart and its value axis.
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    y_top: f64,
}

impl Plot {
    fn bottom(&self) -> f64 {
        self.top + self.height
    }
    fn right(&self) -> f64 {
        self.left + self.width
    }
    /// Vertical position of value `v`.
    fn y(&self, v: f64) -> f64 {
        self.bottom() - v.clamp(0.0, self.y_top) / self.y_top * self.height
    }

    /// Horizontal grid lines, value ticks and the rotated y-axis label.
    fn y_axis(&self, w: &mut Writer, step: f64, label: &str) {
        let mut v = 0.0;
        while v <= self.y_top + 1e-9 {
            let y = self.y(v);
            line(w, (self.left, y), (self.right(), y), GRID_INK);
            w.elem(
                "text",
                &[
                    ("x", &N(self.left - 5.0)),
                    ("y", &N(y + 4.0)),
                    ("class", &"tick"),
                    ("text-anchor", &"end"),
                ],
                num(v),
            );
            v += step;
        }
        let (x, y) = (12.0, self.top + self.height / 2.0);
        let rotate = format!("rotate(-90 {} {})", N(x), N(y));
        w.elem(
            "text",
            &[
                ("x", &N(x)),
                ("y", &N(y)),
                ("transform", &rotate),
                ("class", &"axis-label"),
                ("text-anchor", &"middle"),
            ],
            label,
        );
    }

    /// The x-axis base line and its label centred below.
    fn x_axis(&self, w: &mut Writer, label: &str) {
        line(w, (self.left, self.bottom()), (self.right(), self.bottom()), AXIS_INK);
        w.elem(
            "text",
            &[
                ("x", &N(self.left + self.width / 2.0)),
                ("y", &N(self.bottom() + 34.0)),
                ("class", &"axis-label"),
                ("text-anchor", &"middle"),
            ],
            label,
        );
    }
}

/// A straight line from `from` to `to` (x, y) in `stroke`: grid lines, axes, ticks.
fn line(w: &mut Writer, from: (f64, f64), to: (f64, f64), stroke: &str) {
    line_with(w, from, to, stroke, &[]);
}

/// A limit line: dashed and thicker, in the limit colour.
fn limit_line(w: &mut Writer, from: (f64, f64), to: (f64, f64)) {
    line_with(
        w,
        from,
        to,
        LIMIT_INK,
        &[("stroke-width", &1.5), ("stroke-dasharray", &"5 3")],
    );
}

fn line_with(w: &mut Writer, from: (f64, f64), to: (f64, f64), stroke: &str, extra: Attrs) {
    let (x1, x2, y1, y2) = (N(from.0), N(to.0), N(from.1), N(to.1));
    let mut attrs: Vec<(&'static str, &dyn fmt::Display)> =
        vec![("x1", &x1), ("x2", &x2), ("y1", &y1), ("y2", &y2), ("stroke", &stroke)];
    attrs.extend_from_slice(extra);
    w.empty("line", &attrs);
}

/// A dashed vertical line at `x` with a label to its right at the top of the plot.
fn vertical_marker(w: &mut Writer, plot: &Plot, x: f64, label: &str) {
    limit_line(w, (x, plot.top - 4.0), (x, plot.bottom()));
    let (anchor, tx) = if x > plot.left + plot.width * 0.7 {
        ("end", x - 4.0)
    } else {
        ("start", x + 4.0)
    };
    w.elem(
        "text",
        &[
            ("x", &N(tx)),
            ("y", &N(plot.top + 8.0)),
            ("class", &"limit"),
            ("text-anchor", &anchor),
        ],
        label,
    );
}

/// A dashed horizontal limit line at value `v` with a label at its right end.
fn horizontal_limit(w: &mut Writer, plot: &Plot, v: f64, label: &str) {
    let y = plot.y(v);
    limit_line(w, (plot.left, y), (plot.right(), y));
    w.elem(
        "text",
        &[
            ("x", &N(plot.right() - 2.0)),
            ("y", &N(y - 4.0)),
            ("class", &"limit"),
            ("text-anchor", &"end"),
        ],
        label,
    );
}

// ---------------------------------------------------------------------------------------------
// Histograms of waits, stacked by clinical priority.

/// The bins of a histogram of whole days. Bins are `width` days wide and *right-closed* around the
/// target: one bin ends exactly at the target (e.g. 22–28 days), the next starts after it (29–35),
/// so the marker separates the cases within the target from those over it. Several histograms
/// drawn with the same axis compare directly (same bins, same scale).
#[derive(Debug, Clone, PartialEq)]
pub struct HistAxis {
    /// First value of bin 0.
    first: i64,
    /// Days per bin.
    width: i64,
    bins: usize,
    /// Days per unit shown on the axis (1: days, 7: weeks).
    divisor: i64,
    /// The target, in days (the marker stands just after it).
    target: i64,
    /// Largest number of cases in one bin over every histogram drawn with this axis.
    y_max: usize,
}

/// Most bins a histogram gets (bins widen to stay below).
const MAX_BINS: i64 = 36;

impl HistAxis {
    /// An axis for every set of `(priority, days)` values in `sets`, with its marker after `target`
    /// days, bins of the first of `widths` (days) that keeps the bins few, labels in units of
    /// `divisor` days. The range always shows the target and at least one bin after it.
    pub fn fit(sets: &[&[(Priority, i64)]], target: i64, widths: &[i64], divisor: i64) -> HistAxis {
        let values = sets.iter().flat_map(|s| s.iter().map(|&(_, v)| v));
        let lo = values.clone().min().unwrap_or(0).min(0);
        let hi = values.max().unwrap_or(0);
        // The candidate widths, then (for extreme ranges) the widest one times whatever keeps
        // the bins below the maximum.
        let widest = widths.iter().copied().max().unwrap_or(1).max(1);
        let span = hi.max(target) - lo.min(target) + 2 * widest;
        let last_resort = widest * ((span + widest * MAX_BINS - 1) / (widest * MAX_BINS)).max(1);
        let mut axis = HistAxis {
            first: 0,
            width: 1,
            bins: 1,
            divisor: divisor.max(1),
            target,
            y_max: 0,
        };
        for width in widths.iter().map(|w| (*w).max(1)).chain([last_resort]) {
            let hi = hi.max(target + width);
            // The first bin starts at target + 1 − k·width ≤ lo.
            let k = (target + 1 - lo + width - 1).div_euclid(width);
            let first = target + 1 - k * width;
            let bins = (hi - first).div_euclid(width) + 1;
            axis.first = first;
            axis.width = width;
            axis.bins = bins.max(1) as usize;
            if bins <= MAX_BINS {
                break;
            }
        }
        axis.y_max = sets
            .iter()
            .flat_map(|s| axis.counts(s))
            .map(|c| c.iter().sum::<usize>())
            .max()
            .unwrap_or(0);
        axis
    }

    fn bin(&self, v: i64) -> usize {
        ((v - self.first).div_euclid(self.width).max(0) as usize).min(self.bins - 1)
    }

    /// Cases per bin and priority.
    pub fn counts(&self, values: &[(Priority, i64)]) -> Vec<[usize; 4]> {
        let mut counts = vec![[0usize; 4]; self.bins];
        for &(p, v) in values {
            counts[self.bin(v)][p.index()] += 1;
        }
        counts
    }

    /// The values bin `i` holds, in axis units, as a label ("8–14").
    fn bin_label(&self, i: usize) -> String {
        let a = self.first + i as i64 * self.width;
        let b = a + self.width - 1;
        if self.divisor == 1 {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        } else {
            format!("{}–{}", a.div_euclid(self.divisor), b.div_euclid(self.divisor))
        }
    }
}

/// A histogram of `values` (days) stacked by priority, with a dashed marker just after the
/// axis's target, the region over it tinted, and a priority legend.
pub fn histogram(
    w: &mut Writer,
    id: &str,
    title: &str,
    x_label: &str,
    marker_label: &str,
    axis: &HistAxis,
    values: &[(Priority, i64)],
) {
    let (width, height) = (500.0, 260.0);
    open_chart(w, id, title, width, height);
    let entries: Vec<(&str, &str)> = Priority::ALL
        .iter()
        .map(|p| (p.as_str(), PRIORITY_FILL[p.index()]))
        .collect();
    legend(w, width - legend_width(&entries) - 10.0, 36.0, &entries);
    let (step, y_top) = nice_axis(axis.y_max.max(1) as f64);
    let plot = Plot {
        left: 52.0,
        top: 50.0,
        width: width - 52.0 - 14.0,
        height: height - 50.0 - 48.0,
        y_top,
    };
    let bin_w = plot.width / axis.bins as f64;
    let x_of = |boundary: i64| plot.left + boundary as f64 * bin_w;

    // The region over the target, tinted.
    let over = (axis.target + 1 - axis.first).div_euclid(axis.width);
    if (0..axis.bins as i64).contains(&over) {
        w.empty(
            "rect",
            &[
                ("x", &N(x_of(over))),
                ("y", &N(plot.top)),
                ("width", &N(plot.right() - x_of(over))),
                ("height", &N(plot.height)),
                ("fill", &"#fbe9e7"),
            ],
        );
    }
    plot.y_axis(w, step, "Cases");

    let counts = axis.counts(values);
    for (i, c) in counts.iter().enumerate() {
        let mut base = 0usize;
        for p in Priority::ALL {
            let n = c[p.index()];
            if n == 0 {
                continue;
            }
            let (y0, y1) = (plot.y(base as f64), plot.y((base + n) as f64));
            w.open(
                "rect",
                &[
                    ("x", &N(x_of(i as i64) + 0.5)),
                    ("y", &N(y1)),
                    ("width", &N((bin_w - 1.0).max(0.5))),
                    ("height", &N(y0 - y1)),
                    ("fill", &PRIORITY_FILL[p.index()]),
                ],
            );
            w.elem(
                "title",
                &[],
                format!("{p}: {n} cases, {} {}", axis.bin_label(i), x_label),
            );
            w.close();
            base += n;
        }
    }
    if values.is_empty() {
        w.elem(
            "text",
            &[
                ("x", &N(plot.left + plot.width / 2.0)),
                ("y", &N(plot.top + plot.height / 2.0)),
                ("class", &"note"),
                ("text-anchor", &"middle"),
            ],
            "No cases to show",
        );
    }

    // Boundary ticks every `step` days (a multiple of the bin width that divides the target, so
    // the target is labelled), far enough apart to read.
    let min_px = 34.0;
    let step = (1..=64)
        .map(|m| m * axis.width)
        .find(|&s| s as f64 / axis.width as f64 * bin_w >= min_px && axis.target % s == 0 && s % axis.divisor == 0)
        .unwrap_or_else(|| axis.width * ((min_px / bin_w).ceil() as i64).max(1));
    for k in 0..=axis.bins as i64 {
        let value = axis.first + k * axis.width - 1;
        if (value - axis.target) % step != 0 {
            continue;
        }
        let x = x_of(k);
        line(w, (x, plot.bottom()), (x, plot.bottom() + 4.0), AXIS_INK);
        w.elem(
            "text",
            &[
                ("x", &N(x)),
                ("y", &N(plot.bottom() + 16.0)),
                ("class", &"tick"),
                ("text-anchor", &"middle"),
            ],
            value.div_euclid(axis.divisor),
        );
    }
    plot.x_axis(w, x_label);
    if (0..=axis.bins as i64).contains(&over) {
        vertical_marker(w, &plot, x_of(over), marker_label);
    }
    w.close();
}

/// The axis of wait charts: days from the original date to the new date, marker at 28 days.
pub fn wait_axis(sets: &[&[(Priority, i64)]]) -> HistAxis {
    HistAxis::fit(sets, 28, &[1, 2, 4, 7, 14, 28, 56], 1)
}

/// The wait distribution of one plan against the 28-day standard (both pages draw it; pass the
/// same [`wait_axis`] to charts that should compare).
pub fn wait_chart(w: &mut Writer, id: &str, title: &str, axis: &HistAxis, waits: &[(Priority, i64)]) {
    histogram(
        w,
        id,
        title,
        "days waited (original date to new date)",
        "28 days",
        axis,
        waits,
    );
}

// ---------------------------------------------------------------------------------------------
// Grouped bar charts.

/// One series of a grouped bar chart (one bar per group).
pub struct Series<'a> {
    /// Its name, in the legend and the bars' tooltips.
    pub name: &'a str,
    /// Its bars' fill colour (CSS colour).
    pub fill: &'a str,
}

/// Grouped vertical bars: `values[g][s]` is the bar of series `s` in group `g` (`None`: no value,
/// shown as "n/a"). Values are labelled above the bars when they fit.
pub fn grouped_bars(
    w: &mut Writer,
    id: &str,
    title: &str,
    y_label: &str,
    groups: &[String],
    series: &[Series],
    values: &[Vec<Option<f64>>],
) {
    let n_series = series.len().max(1);
    let per_group = (n_series as f64 * 40.0 + 30.0).max(90.0);
    let width = (70.0 + groups.len().max(1) as f64 * per_group).clamp(500.0, 1040.0);
    let height = 280.0;
    open_chart(w, id, title, width, height);
    let entries: Vec<(&str, &str)> = series.iter().map(|s| (s.name, s.fill)).collect();
    legend(w, (width - legend_width(&entries) - 10.0).max(8.0), 38.0, &entries);
    let max = values.iter().flatten().flatten().copied().fold(0.0, f64::max);
    let (step, y_top) = nice_axis(max * 1.08);
    let plot = Plot {
        left: 64.0,
        top: 54.0,
        width: width - 64.0 - 14.0,
        height: height - 54.0 - 48.0,
        y_top,
    };
    plot.y_axis(w, step, y_label);
    let group_w = plot.width / groups.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / n_series as f64).min(56.0);
    for (g, name) in groups.iter().enumerate() {
        let x0 = plot.left + g as f64 * group_w + (group_w - bar_w * n_series as f64) / 2.0;
        for (s, ser) in series.iter().enumerate() {
            let x = x0 + s as f64 * bar_w;
            let centre = N(x + bar_w / 2.0);
            match values.get(g).and_then(|v| v.get(s)).copied().flatten() {
                Some(v) => {
                    let y = plot.y(v);
                    w.open(
                        "rect",
                        &[
                            ("x", &N(x + 1.0)),
                            ("y", &N(y)),
                            ("width", &N((bar_w - 2.0).max(1.0))),
                            ("height", &N(plot.bottom() - y)),
                            ("fill", &ser.fill),
                        ],
                    );
                    w.elem("title", &[], format!("{name}, {}: {}", ser.name, num(v)));
                    w.close();
                    if let Some(label) = fit(&num(v), bar_w + 8.0, 10.0) {
                        w.elem(
                            "text",
                            &[
                                ("x", &centre),
                                ("y", &N(y - 3.0)),
                                ("class", &"value"),
                                ("text-anchor", &"middle"),
                            ],
                            label,
                        );
                    }
                }
                None => {
                    w.elem(
                        "text",
                        &[
                            ("x", &centre),
                            ("y", &N(plot.bottom() - 3.0)),
                            ("class", &"value"),
                            ("text-anchor", &"middle"),
                        ],
                        "n/a",
                    );
                }
            }
        }
        if let Some(label) = fit(name, group_w - 4.0, 12.0) {
            w.elem(
                "text",
                &[
                    ("x", &N(plot.left + (g as f64 + 0.5) * group_w)),
                    ("y", &N(plot.bottom() + 16.0)),
                    ("class", &"tick"),
                    ("text-anchor", &"middle"),
                ],
                label,
            );
        }
    }
    plot.x_axis(w, "");
    w.close();
}

/// Target breaches per strategy: one group per `(strategy, [28-day, priority, RTT])` (both pages
/// draw it; the plan page has one group).
pub fn breaches_chart(w: &mut Writer, id: &str, title: &str, per_strategy: &[(String, [usize; 3])]) {
    let groups: Vec<String> = per_strategy.iter().map(|(s, _)| s.clone()).collect();
    let series: Vec<Series> = BREACH_KINDS.iter().map(|&(name, fill)| Series { name, fill }).collect();
    let values: Vec<Vec<Option<f64>>> = per_strategy
        .iter()
        .map(|(_, b)| b.iter().map(|&n| Some(n as f64)).collect())
        .collect();
    grouped_bars(w, id, title, "Cases over target", &groups, &series, &values);
}

// ---------------------------------------------------------------------------------------------
// Daily series (a surgeon's shifts and hours).

/// How a [`daily`] chart draws its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyStyle {
    /// One bar per date (`emphasis` picks the strong fill).
    Bars,
    /// A line through the dates' values.
    Line,
}

/// A value per date (hours), with an optional dashed limit line.
pub struct Daily<'a> {
    /// The `<svg>` element's `id` (unique in the page).
    pub id: &'a str,
    /// The chart's title, shown and as its accessible `<title>`.
    pub title: &'a str,
    /// Label of the y axis (the values' unit, e.g. `hours`).
    pub y_label: &'a str,
    /// The dates along the x axis, in order.
    pub dates: &'a [NaiveDate],
    /// The value of each date (same length as `dates`), in hours.
    pub values: &'a [f64],
    /// Per date: draw the bar in the strong fill (e.g. the shift holds rebooked cases).
    pub emphasis: &'a [bool],
    /// Bars or a line.
    pub style: DailyStyle,
    /// `(value, label)` of the limit line.
    pub limit: Option<(f64, String)>,
    /// The strong fill (emphasised bars, the line) and the light one (other bars).
    pub fills: [&'a str; 2],
    /// `(label, fill)` entries of the legend (none when empty).
    pub legend: &'a [(&'a str, &'a str)],
}

/// Draws a [`Daily`] chart.
pub fn daily(w: &mut Writer, d: &Daily) {
    let (width, height) = (500.0, 170.0);
    open_chart(w, d.id, d.title, width, height);
    let [strong, light] = d.fills;
    if !d.legend.is_empty() {
        legend(w, width - legend_width(d.legend) - 10.0, 36.0, d.legend);
    }
    let max = d.values.iter().copied().fold(0.0, f64::max);
    let limit = d.limit.as_ref().map(|(v, _)| *v).unwrap_or(0.0);
    let (step, y_top) = nice_axis(max.max(limit) * 1.12);
    let plot = Plot {
        left: 44.0,
        top: 46.0,
        width: width - 44.0 - 12.0,
        height: height - 46.0 - 42.0,
        y_top,
    };
    plot.y_axis(w, step, d.y_label);
    let n = d.dates.len().max(1) as f64;
    let day_w = plot.width / n;
    let centre = |i: usize| plot.left + (i as f64 + 0.5) * day_w;
    // Week starts: a faint line and the date.
    for (i, date) in d.dates.iter().enumerate() {
        if date.weekday() == Weekday::Mon || i == 0 {
            let x = plot.left + i as f64 * day_w;
            line(w, (x, plot.top), (x, plot.bottom() + 4.0), GRID_INK);
            if i == 0 && date.weekday() != Weekday::Mon && d.dates.len() > 1 && day_w * 3.0 < 30.0 {
                continue; // too close to the first Monday's label
            }
            w.elem(
                "text",
                &[("x", &N(x + 1.0)), ("y", &N(plot.bottom() + 16.0)), ("class", &"tick")],
                date.format("%-d %b"),
            );
        }
    }
    match d.style {
        DailyStyle::Bars => {
            for (i, (&v, date)) in d.values.iter().zip(d.dates).enumerate() {
                if v <= 0.0 {
                    continue;
                }
                let y = plot.y(v);
                let fill = if d.emphasis.get(i).copied().unwrap_or(false) {
                    strong
                } else {
                    light
                };
                w.open(
                    "rect",
                    &[
                        ("x", &N(plot.left + i as f64 * day_w + day_w * 0.12)),
                        ("y", &N(y)),
                        ("width", &N(day_w * 0.76)),
                        ("height", &N(plot.bottom() - y)),
                        ("fill", &fill),
                    ],
                );
                w.elem(
                    "title",
                    &[],
                    format!("{}: {}", date.format("%a %-d %b %Y"), super::format::hours(v)),
                );
                w.close();
            }
        }
        DailyStyle::Line => {
            let points: Vec<String> = d
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| format!("{},{}", N(centre(i)), N(plot.y(v))))
                .collect();
            w.empty(
                "polyline",
                &[
                    ("points", &points.join(" ")),
                    ("fill", &"none"),
                    ("stroke", &strong),
                    ("stroke-width", &2),
                ],
            );
            for (i, (&v, date)) in d.values.iter().zip(d.dates).enumerate() {
                w.open(
                    "circle",
                    &[
                        ("cx", &N(centre(i))),
                        ("cy", &N(plot.y(v))),
                        ("r", &N((day_w / 4.0).clamp(1.2, 3.0))),
                        ("fill", &strong),
                    ],
                );
                w.elem(
                    "title",
                    &[],
                    format!("7 days to {}: {}", date.format("%a %-d %b %Y"), super::format::hours(v)),
                );
                w.close();
            }
        }
    }
    plot.x_axis(w, "");
    if let Some((v, label)) = &d.limit {
        horizontal_limit(w, &plot, *v, label);
    }
    w.close();
}

// ---------------------------------------------------------------------------------------------
// Lanes on a clock-time axis (the theatre timeline).

/// A coloured stretch inside a [`LaneBox`] (a booked part, a case).
pub struct Block {
    /// Minutes after midnight.
    pub from: i64,
    /// End, in minutes after midnight.
    pub to: i64,
    /// Fill colour of the stretch (CSS colour).
    pub fill: &'static str,
    /// Colour of its label, to read on `fill`.
    pub ink: &'static str,
    /// Text inside the stretch, when it fits.
    pub label: String,
    /// What to show when `label` does not fit: its end is kept (`…0064`).
    pub short: String,
    /// Text shown on hover (the SVG `<title>`).
    pub tooltip: String,
    /// Outlined in [`KEPT_OUTLINE`]: a case that keeps its published booking.
    pub kept: bool,
}

/// An outlined box on a lane (a theatre list) with its label and blocks.
pub struct LaneBox {
    /// Start, in minutes after midnight.
    pub from: i64,
    /// End, in minutes after midnight.
    pub to: i64,
    /// Text at the box's top left, when it fits.
    pub label: String,
    /// Text shown on hover (the SVG `<title>`).
    pub tooltip: String,
    /// The stretches drawn inside it.
    pub blocks: Vec<Block>,
}

/// One row of a timeline (a theatre).
pub struct Lane {
    /// The lane's name at its left (a theatre's id).
    pub label: String,
    /// A smaller line under it (the theatre's site).
    pub sublabel: String,
    /// The boxes on the lane.
    pub boxes: Vec<LaneBox>,
}

/// Lanes against clock time from `from` to `to` minutes after midnight (whole hours shown).
pub fn timeline(w: &mut Writer, id: &str, title: &str, from: i64, to: i64, lanes: &[Lane]) {
    let from = from.div_euclid(60) * 60;
    let to = (to.max(from + 60) + 59).div_euclid(60) * 60;
    let (label_w, lane_h, top) = (150.0, 58.0, 44.0);
    let width = 1040.0;
    let height = top + lane_h * lanes.len().max(1) as f64 + 8.0;
    open_chart(w, id, title, width, height);
    let plot_w = width - label_w - 24.0;
    let px = plot_w / (to - from) as f64;
    let x_of = |m: i64| label_w + (m.clamp(from, to) - from) as f64 * px;
    for hour in (from..=to).step_by(60) {
        let x = x_of(hour);
        line(w, (x, top - 6.0), (x, height - 8.0), GRID_INK);
        w.elem(
            "text",
            &[
                ("x", &N(x)),
                ("y", &N(top - 10.0)),
                ("class", &"tick"),
                ("text-anchor", &"middle"),
            ],
            format!("{:02}:00", hour.div_euclid(60).rem_euclid(24)),
        );
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y = top + i as f64 * lane_h;
        if i > 0 {
            line(w, (0.0, y), (width, y), GRID_INK);
        }
        if let Some(label) = fit(&lane.label, label_w - 10.0, 13.0) {
            w.elem("text", &[("x", &4), ("y", &N(y + 24.0)), ("class", &"lane")], label);
        }
        if let Some(sub) = fit(&lane.sublabel, label_w - 10.0, 11.0) {
            w.elem("text", &[("x", &4), ("y", &N(y + 40.0)), ("class", &"small")], sub);
        }
        for b in &lane.boxes {
            let (x0, x1) = (x_of(b.from), x_of(b.to));
            w.open(
                "rect",
                &[
                    ("x", &N(x0)),
                    ("y", &N(y + 4.0)),
                    ("width", &N((x1 - x0).max(1.0))),
                    ("height", &N(lane_h - 8.0)),
                    ("fill", &"#f7f9fa"),
                    ("stroke", &AXIS_INK),
                    ("rx", &3),
                ],
            );
            w.elem("title", &[], &b.tooltip);
            w.close();
            if let Some(label) = fit(&b.label, x1 - x0 - 8.0, 11.0) {
                w.elem(
                    "text",
                    &[("x", &N(x0 + 4.0)), ("y", &N(y + 17.0)), ("class", &"small")],
                    label,
                );
            }
            for blk in &b.blocks {
                let (bx0, bx1) = (x_of(blk.from), x_of(blk.to));
                let (x, y0, width, height) = (N(bx0), N(y + 23.0), N((bx1 - bx0).max(1.0)), N(lane_h - 31.0));
                let mut attrs: Vec<(&'static str, &dyn fmt::Display)> = vec![
                    ("x", &x),
                    ("y", &y0),
                    ("width", &width),
                    ("height", &height),
                    ("fill", &blk.fill),
                ];
                if blk.kept {
                    attrs.extend([
                        ("stroke", &KEPT_OUTLINE as &dyn fmt::Display),
                        ("stroke-width", &2),
                        ("class", &"kept"),
                    ]);
                }
                w.open("rect", &attrs);
                w.elem("title", &[], &blk.tooltip);
                w.close();
                let room = bx1 - bx0 - 4.0;
                let label = [(10.0, &blk.label), (8.5, &blk.label), (8.5, &blk.short)]
                    .into_iter()
                    .enumerate()
                    .find_map(|(i, (size, text))| {
                        let fitted = if i < 2 {
                            fits(text, room, size)
                        } else {
                            fit_tail(text, room, size)
                        };
                        fitted.map(|t| (size, t))
                    });
                if let Some((size, label)) = label {
                    w.elem(
                        "text",
                        &[
                            ("x", &N((bx0 + bx1) / 2.0)),
                            ("y", &N(y + 23.0 + (lane_h - 31.0) / 2.0 + size * 0.35)),
                            ("class", &"block"),
                            ("font-size", &size),
                            ("fill", &blk.ink),
                            ("text-anchor", &"middle"),
                        ],
                        label,
                    );
                }
            }
        }
    }
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_bins_split_at_the_target() {
        let waits = [(Priority::P2, 28), (Priority::P2, 29), (Priority::P1, 0)];
        let axis = wait_axis(&[&waits]);
        assert_eq!(axis.width, 1);
        let counts = axis.counts(&waits);
        assert_ne!(axis.bin(28), axis.bin(29));
        assert_eq!(counts.iter().map(|c| c.iter().sum::<usize>()).sum::<usize>(), 3);
        // Wide ranges widen the bins, still split at the target.
        let long: Vec<(Priority, i64)> = (0..400).map(|d| (Priority::P4, d)).collect();
        let axis = wait_axis(&[&long]);
        assert!(axis.bins as i64 <= MAX_BINS, "{axis:?}");
        assert_ne!(axis.bin(28), axis.bin(29));
        assert_eq!(axis.bin(-1000), 0);
        assert_eq!(axis.bin(10_000), axis.bins - 1);
        // Referrals decades ago still give a few bins.
        let old = [(Priority::P3, 40_000), (Priority::P3, -5)];
        let axis = HistAxis::fit(&[&old], 126, &[7, 14, 42], 7);
        assert!(axis.bins as i64 <= MAX_BINS + 1, "{axis:?}");
        assert_eq!(axis.width % 42, 0);
    }

    #[test]
    fn empty_inputs_draw() {
        let axis = wait_axis(&[]);
        let mut w = Writer::new();
        wait_chart(&mut w, "x", "t", &axis, &[]);
        grouped_bars(&mut w, "y", "t", "n", &[], &[], &[]);
        timeline(&mut w, "z", "t", 0, 0, &[]);
        assert!(w.finish().contains("No cases to show"));
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice_axis(0.0), (1.0, 1.0));
        assert_eq!(nice_axis(13.0 * 1.12), (5.0, 15.0));
        assert_eq!(nice_axis(72.0), (20.0, 80.0));
        assert_eq!(N(3.0).to_string(), "3");
        assert_eq!(N(2.25).to_string(), "2.3");
        assert_eq!(fit("abcdefghij", 30.0, 10.0).as_deref(), Some("abcd…"));
        assert_eq!(fit_tail("RPA-C0064", 30.0, 10.0).as_deref(), Some("…0064"));
        assert_eq!(fits("RPA-C0064", 30.0, 10.0), None);
    }
}
