//! `series.html`: the season compared across strategies, as one self-contained page (inline
//! style and SVG, no script, nothing fetched; well-formed XML like the report pages, written
//! with [`crate::report::html::Writer`]).
//!
//! Sections: the verdict (every season figure per strategy, mean and 95 % interval over the
//! seeds, the best marked), the backlog over time, the patients cancelled again over time, the
//! longest wait over time (one line per strategy, its interval as a band), the rounds on the
//! batch's calendar, and how the simulation works.

use super::tables::{self, Interval, Total, MEASURES};
use super::trajectory::Figures;
use super::Run;
use crate::report::html::Writer;
use crate::report::svg::{nice_axis, num, N, SERIES_FILL};
use chrono::NaiveDate;

/// The page's style sheet (no `url(`, no external font, nothing XML would have to escape).
const STYLE: &str = "
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 0 16px 40px; font-family: 'Segoe UI', 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif; font-size: 14px; line-height: 1.45; color: #1d1d1d; }
header.page { border-bottom: 4px solid #005eb8; padding: 16px 0 10px; }
h1 { font-size: 25px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #c8cdd0; }
p { margin: 6px 0; }
.muted { color: #4c6272; }
nav { position: sticky; top: 0; background: #f0f4f5; border-bottom: 1px solid #d8dde0; padding: 6px 8px; margin: 0 -8px; font-size: 13px; }
nav a { color: #005eb8; margin-right: 16px; text-decoration: none; white-space: nowrap; }
.verdict { border-left: 6px solid #005eb8; background: #eef4fb; padding: 8px 12px; margin: 12px 0; }
.verdict ul { margin: 4px 0; padding-left: 20px; }
.flag { color: #d5281b; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid #d8dde0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f0f4f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { font-weight: 700; background: #e9f5ee; }
.ci { color: #4c6272; font-size: 12px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
figure { margin: 8px 0; break-inside: avoid; }
figcaption { font-size: 13px; color: #333; }
svg.chart { max-width: 100%; height: auto; display: block; font-family: inherit; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #1d1d1d; }
svg .axis-label { font-size: 12px; fill: #4c6272; }
svg .tick { font-size: 11px; fill: #4c6272; }
ul.sources { font-size: 12px; color: #333; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  nav { display: none; }
  body { max-width: none; padding: 0; font-size: 11px; }
  section { break-inside: avoid-page; }
}
";

const AXIS_INK: &str = "#4c6272";
const GRID_INK: &str = "#e3e6e8";

/// The page of `run` (`totals` from [`tables::totals`]); `batch` names the batch (its paths).
pub fn html(run: &Run, totals: &[Total], batch: &str) -> String {
    let title = format!("Strike series: {}", run.series.name);
    let mut w = crate::report::html::page_start(&title, STYLE);
    header(&mut w, run, batch, &title);
    w.open("nav", &[]);
    for (id, label) in [
        ("verdict", "Verdict"),
        ("backlog-over-time", "Backlog"),
        ("cancelled-again-over-time", "Cancelled again"),
        ("longest-wait-over-time", "Longest wait"),
        ("rounds", "Rounds"),
        ("method", "How it works"),
    ] {
        w.elem("a", &[("href", &format!("#{id}"))], label);
    }
    w.close();
    verdict(&mut w, run);
    let lines = |of: &dyn Fn(&Figures) -> f64| tables::over_rounds(run, totals, of);
    chart_section(
        &mut w,
        run,
        "backlog-over-time",
        "Backlog over the season",
        "Cases cancelled and not yet operated at each re-plan (all trusts), after the round's lost lists and new cancellations.",
        "cases",
        &lines(&|f| f.backlog as f64),
    );
    let twice = lines(&|f| f.cancelled_twice as f64);
    let thrice = lines(&|f| f.cancelled_thrice as f64);
    w.open("section", &[("id", &"cancelled-again-over-time")]);
    w.elem("h2", &[], "Patients cancelled again");
    w.open("figure", &[]);
    line_chart(
        &mut w,
        run,
        "cancelled-twice-chart",
        "Patients cancelled twice or more, so far",
        "patients",
        &twice,
    );
    line_chart(
        &mut w,
        run,
        "cancelled-thrice-chart",
        "Patients cancelled three times or more, so far",
        "patients",
        &thrice,
    );
    w.elem(
        "figcaption",
        &[],
        "Every patient whose booked list a later strike took is cancelled once more; the counts include patients already operated.",
    );
    w.close();
    w.close();
    chart_section(
        &mut w,
        run,
        "longest-wait-over-time",
        "Longest wait",
        "Days since first cancellation of the longest-waiting case not yet operated, at each re-plan (the longest over the trusts).",
        "days",
        &lines(&|f| f.waiting_longest_days as f64),
    );
    rounds(&mut w, run, totals);
    method(&mut w, run);
    w.finish()
}

/// Title, what was run, failures.
fn header(w: &mut Writer, run: &Run, batch: &str, title: &str) {
    w.open("header", &[("class", &"page")]);
    w.elem("h1", &[], title);
    let trusts: Vec<&str> = run.trusts.iter().map(|t| t.id.as_str()).collect();
    w.elem(
        "p",
        &[("class", &"muted")],
        format!(
            "Batch {batch} ({} trust(s): {}); {} round(s); strategies {}; {} seed(s) from {}.",
            trusts.len(),
            trusts.join(", "),
            run.calendar.rounds.len(),
            run.strategies.join(", "),
            run.seeds.len(),
            run.seeds.first().copied().unwrap_or_default()
        ),
    );
    if !run.series.description.is_empty() {
        w.elem("p", &[], &run.series.description);
    }
    let failed: Vec<String> = (run.failed())
        .map(|walk| {
            let row = walk.rows.last();
            format!(
                "{} with {}, seed {}, round {}: {}",
                run.trusts[walk.trust].id,
                walk.strategy,
                walk.seed,
                row.map_or(1, |r| r.round),
                walk.failure.as_deref().unwrap_or_default()
            )
        })
        .collect();
    if !failed.is_empty() {
        w.open("div", &[("class", &"verdict"), ("id", &"failures")]);
        w.elem(
            "p",
            &[("class", &"flag")],
            format!(
                "{} walk(s) ended early; their seeds are left out of the season figures:",
                failed.len()
            ),
        );
        w.open("ul", &[]);
        for f in failed {
            w.elem("li", &[], f);
        }
        w.close();
        w.close();
    }
    w.close();
}

/// `mean` with its interval, for a table cell.
fn shown(i: &Interval) -> (String, String) {
    if !i.mean.is_finite() {
        return ("n/a".to_string(), String::new());
    }
    let m = one(i.mean);
    let ci = match (i.low, i.high) {
        (Some(l), Some(h)) => format!("{} – {}", one(l), one(h)),
        _ => String::new(),
    };
    (m, ci)
}

/// A number with one decimal unless it is whole.
fn one(v: f64) -> String {
    num((v * 10.0).round() / 10.0)
}

/// The season figures per strategy, the best marked, and the answer in words.
fn verdict(w: &mut Writer, run: &Run) {
    let summary = tables::summary(run);
    w.open("section", &[("id", &"verdict")]);
    w.elem("h2", &[], "Which strategy serves patients best over the season");
    let seeds = run.seeds.len();
    let how = if seeds >= 2 {
        format!("Mean over {seeds} seeds, with its 95 % interval (Student t over the seeds).")
    } else {
        "One seed: no interval (run with --seeds 2 or more for intervals).".to_string()
    };
    w.open("div", &[("class", &"verdict")]);
    w.elem("p", &[], &how);
    w.open("ul", &[]);
    for key in [
        "cancelled_twice",
        "cancelled_thrice",
        "wait_p90_days",
        "waited_over_18_weeks",
        "backlog_end",
    ] {
        let Some(m) = MEASURES.iter().position(|x| x.key == key) else {
            continue;
        };
        w.elem("li", &[], sentence(run, &summary, m));
    }
    w.close();
    w.close();
    w.open("table", &[("id", &"season")]);
    w.open("thead", &[]).open("tr", &[]);
    w.elem("th", &[], "over the season (all trusts)");
    for s in &run.strategies {
        w.elem("th", &[("class", &"num")], s);
    }
    w.close().close();
    w.open("tbody", &[]);
    for (m, measure) in MEASURES.iter().enumerate() {
        w.open("tr", &[]);
        w.elem("td", &[], measure.label);
        let best = best(&summary, m);
        for (s, row) in summary.iter().enumerate() {
            let (mean, ci) = shown(&row[m]);
            let class = if best == Some(s) { "num best" } else { "num" };
            w.open("td", &[("class", &class)]);
            w.text(mean);
            if !ci.is_empty() {
                w.elem("span", &[("class", &"ci")], format!(" [{ci}]"));
            }
            w.close();
        }
        w.close();
    }
    w.close();
    w.close();
    w.elem(
        "p",
        &[("class", &"muted")],
        "Lower is better for every figure but the cases operated. Bold: the lowest mean (the highest for cases operated).",
    );
    w.close();
}

/// The strategy with the best mean of measure `m` (the most for `operated`, else the least).
fn best(summary: &[Vec<Interval>], m: usize) -> Option<usize> {
    let most = MEASURES[m].key == "operated";
    let mut found: Option<(usize, f64)> = None;
    for (s, row) in summary.iter().enumerate() {
        let v = row[m].mean;
        if !v.is_finite() {
            continue;
        }
        let better = match found {
            None => true,
            Some((_, b)) => (most && v > b) || (!most && v < b),
        };
        if better {
            found = Some((s, v));
        }
    }
    found.map(|(s, _)| s)
}

/// "patients cancelled twice or more: lowest with mip (12 [10 – 14]); next priority (20
/// [18 – 22]); paired difference over the seeds −8 [−10 – −6]: mip is lower on these seeds."
fn sentence(run: &Run, summary: &[Vec<Interval>], m: usize) -> String {
    let label = MEASURES[m].label;
    let mut order: Vec<usize> = (0..summary.len()).filter(|&s| summary[s][m].mean.is_finite()).collect();
    order.sort_by(|&a, &b| summary[a][m].mean.total_cmp(&summary[b][m].mean).then(a.cmp(&b)));
    let Some(&first) = order.first() else {
        return format!("{label}: no value");
    };
    let said = |s: usize| {
        let (mean, ci) = shown(&summary[s][m]);
        if ci.is_empty() {
            format!("{} ({mean})", run.strategies[s])
        } else {
            format!("{} ({mean} [{ci}])", run.strategies[s])
        }
    };
    let mut text = format!("{label}: lowest with {}", said(first));
    if let Some(&second) = order.get(1) {
        text.push_str(&format!("; next {}", said(second)));
        let d = tables::paired(run, m, first, second);
        if let (Some(low), Some(high)) = (d.low, d.high) {
            let verdict = if high < 0.0 {
                format!("{} is lower on these seeds", run.strategies[first])
            } else {
                "not distinguishable on these seeds".to_string()
            };
            text.push_str(&format!(
                "; paired difference over the seeds {} [{} – {}]: {verdict}",
                one(d.mean),
                one(low),
                one(high)
            ));
        }
    }
    text.push('.');
    text
}

/// A section holding one chart and its caption.
fn chart_section(
    w: &mut Writer,
    run: &Run,
    id: &str,
    heading: &str,
    caption: &str,
    y_label: &str,
    lines: &[Vec<Option<Interval>>],
) {
    w.open("section", &[("id", &id)]);
    w.elem("h2", &[], heading);
    w.open("figure", &[]);
    line_chart(w, run, &format!("{id}-chart"), heading, y_label, lines);
    w.elem("figcaption", &[], caption);
    w.close();
    w.close();
}

/// One line per strategy over the rounds' re-plan dates, each with its interval as a band.
fn line_chart(w: &mut Writer, run: &Run, id: &str, title: &str, y_label: &str, lines: &[Vec<Option<Interval>>]) {
    let (width, height) = (960.0, 330.0);
    let (left, top, right, bottom) = (64.0, 56.0, 20.0, 58.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let dates: Vec<NaiveDate> = run.calendar.rounds.iter().map(|r| r.today).collect();
    let (Some(&d0), Some(&d1)) = (dates.first(), dates.last()) else {
        return;
    };
    let span = (d1 - d0).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - d0).num_days() as f64 / span * plot_w;
    let max = (lines.iter().flatten().flatten())
        .map(|i| i.high.unwrap_or(i.mean).max(i.mean))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (step, y_top) = nice_axis(max * 1.08);
    let y = |v: f64| top + plot_h - v.clamp(0.0, y_top) / y_top * plot_h;
    crate::report::svg::open_chart(w, id, title, width, height);
    // Legend.
    let mut lx = left;
    for (s, name) in run.strategies.iter().enumerate() {
        let fill = SERIES_FILL[s % SERIES_FILL.len()];
        w.empty(
            "rect",
            &[
                ("x", &N(lx)),
                ("y", &30),
                ("width", &12),
                ("height", &12),
                ("fill", &fill),
            ],
        );
        w.elem("text", &[("x", &N(lx + 16.0)), ("y", &40), ("class", &"tick")], name);
        lx += 30.0 + name.chars().count() as f64 * 7.0;
    }
    if run.seeds.len() >= 2 {
        w.elem(
            "text",
            &[("x", &N(lx + 8.0)), ("y", &40), ("class", &"tick")],
            "band: 95 % interval over the seeds",
        );
    }
    // Y axis and grid.
    let mut v = 0.0;
    while v <= y_top + 1e-9 {
        let yy = y(v);
        w.empty(
            "line",
            &[
                ("x1", &N(left)),
                ("x2", &N(left + plot_w)),
                ("y1", &N(yy)),
                ("y2", &N(yy)),
                ("stroke", &GRID_INK),
            ],
        );
        w.elem(
            "text",
            &[
                ("x", &N(left - 5.0)),
                ("y", &N(yy + 4.0)),
                ("class", &"tick"),
                ("text-anchor", &"end"),
            ],
            num(v),
        );
        v += step;
    }
    let (lx, ly) = (14.0, top + plot_h / 2.0);
    let rotate = format!("rotate(-90 {} {})", N(lx), N(ly));
    w.elem(
        "text",
        &[
            ("x", &N(lx)),
            ("y", &N(ly)),
            ("class", &"axis-label"),
            ("text-anchor", &"middle"),
            ("transform", &rotate),
        ],
        y_label,
    );
    // X axis: one tick per round at its re-plan date.
    let base = top + plot_h;
    w.empty(
        "line",
        &[
            ("x1", &N(left)),
            ("x2", &N(left + plot_w)),
            ("y1", &N(base)),
            ("y2", &N(base)),
            ("stroke", &AXIS_INK),
        ],
    );
    let mut last_label = f64::NEG_INFINITY;
    for r in &run.calendar.rounds {
        let xx = x(r.today);
        w.empty(
            "line",
            &[
                ("x1", &N(xx)),
                ("x2", &N(xx)),
                ("y1", &N(base)),
                ("y2", &N(base + 4.0)),
                ("stroke", &AXIS_INK),
            ],
        );
        if xx - last_label >= 22.0 {
            w.elem(
                "text",
                &[
                    ("x", &N(xx)),
                    ("y", &N(base + 16.0)),
                    ("class", &"tick"),
                    ("text-anchor", &"middle"),
                ],
                r.round,
            );
            last_label = xx;
        }
    }
    w.elem(
        "text",
        &[("x", &N(left)), ("y", &N(base + 34.0)), ("class", &"axis-label")],
        format!("round (re-plan date, batch calendar: {d0} to {d1})"),
    );
    // Bands, then lines and points.
    for (s, line) in lines.iter().enumerate() {
        let fill = SERIES_FILL[s % SERIES_FILL.len()];
        let pts: Vec<(f64, &Interval)> = (line.iter().zip(&run.calendar.rounds))
            .filter_map(|(i, r)| i.as_ref().map(|i| (x(r.today), i)))
            .filter(|(_, i)| i.mean.is_finite())
            .collect();
        let band: Vec<(f64, f64, f64)> = (pts.iter())
            .filter_map(|(xx, i)| Some((*xx, i.low?, i.high?)))
            .collect();
        if band.len() >= 2 {
            let mut path: Vec<String> = band
                .iter()
                .map(|(xx, _, h)| format!("{},{}", N(*xx), N(y(*h))))
                .collect();
            path.extend(band.iter().rev().map(|(xx, l, _)| format!("{},{}", N(*xx), N(y(*l)))));
            w.empty(
                "polygon",
                &[
                    ("points", &path.join(" ")),
                    ("fill", &fill),
                    ("fill-opacity", &"0.18"),
                    ("stroke", &"none"),
                ],
            );
        }
        if pts.len() >= 2 {
            let path: Vec<String> = pts
                .iter()
                .map(|(xx, i)| format!("{},{}", N(*xx), N(y(i.mean))))
                .collect();
            w.empty(
                "polyline",
                &[
                    ("points", &path.join(" ")),
                    ("fill", &"none"),
                    ("stroke", &fill),
                    ("stroke-width", &2),
                ],
            );
        }
        for (r, i) in run.calendar.rounds.iter().zip(line) {
            let Some(i) = i.as_ref().filter(|i| i.mean.is_finite()) else {
                continue;
            };
            let (mean, ci) = shown(i);
            let tip = if ci.is_empty() {
                format!("{}, round {} ({}): {mean}", run.strategies[s], r.round, r.today)
            } else {
                format!("{}, round {} ({}): {mean} [{ci}]", run.strategies[s], r.round, r.today)
            };
            w.open(
                "circle",
                &[
                    ("cx", &N(x(r.today))),
                    ("cy", &N(y(i.mean))),
                    ("r", &3),
                    ("fill", &fill),
                ],
            );
            w.elem("title", &[], tip);
            w.close();
        }
    }
    w.close();
}

/// The rounds on the batch's calendar, with what every strategy meets (the same lists lost and
/// new cases on a seed) and their backlog.
fn rounds(w: &mut Writer, run: &Run, totals: &[Total]) {
    w.open("section", &[("id", &"rounds")]);
    w.elem("h2", &[], "The rounds");
    w.elem(
        "p",
        &[],
        format!(
            "Round 1 is the batch's own strike (batch strike date {}); every date of the series moves by {} day(s) onto the batch's calendar. Each later round is re-planned {} day(s) before its first strike day. Lists lost and new cases are the same for every strategy on a seed (common random numbers); means over the seeds.",
            run.calendar.strike_date,
            run.calendar.shift_days,
            run.series.announce_days
        ),
    );
    let mean_of = |round: usize, strategy: usize, of: &dyn Fn(&Figures) -> f64| -> Option<f64> {
        let v: Vec<f64> = (totals.iter())
            .filter(|t| t.round == round && t.strategy == strategy && t.complete())
            .map(|t| of(&t.figures))
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let cell = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), one);
    w.open("table", &[]);
    w.open("thead", &[]).open("tr", &[]);
    for h in [
        "round",
        "who",
        "series dates",
        "batch dates",
        "re-plan",
        "share lost",
        "lists lost",
        "new cases",
    ] {
        w.elem("th", &[], h);
    }
    for s in &run.strategies {
        w.elem("th", &[("class", &"num")], format!("{s}: backlog / cancelled again"));
    }
    w.close().close();
    w.open("tbody", &[]);
    for (r, d) in run.series.rounds.iter().zip(&run.calendar.rounds) {
        w.open("tr", &[]);
        w.elem("td", &[("class", &"num")], d.round);
        w.elem("td", &[], &r.label);
        w.elem("td", &[], format!("{} to {}", r.first, r.last));
        w.elem("td", &[], format!("{} to {}", d.first, d.last));
        w.elem("td", &[], d.today);
        w.elem(
            "td",
            &[("class", &"num")],
            if d.round == 1 {
                "batch".to_string()
            } else {
                format!("{} %", one(r.share_lost * 100.0))
            },
        );
        w.elem(
            "td",
            &[("class", &"num")],
            cell(mean_of(d.round, 0, &|f| f.lists_lost as f64)),
        );
        w.elem(
            "td",
            &[("class", &"num")],
            cell(mean_of(d.round, 0, &|f| f.new_cases as f64)),
        );
        for s in 0..run.strategies.len() {
            w.elem(
                "td",
                &[("class", &"num")],
                format!(
                    "{} / {}",
                    cell(mean_of(d.round, s, &|f| f.backlog as f64)),
                    cell(mean_of(d.round, s, &|f| f.cancelled_again as f64))
                ),
            );
        }
        w.close();
    }
    w.close();
    w.close();
    let end = (run.walks.iter())
        .flat_map(|wk| wk.rows.iter())
        .filter_map(|r| r.period_end)
        .max();
    if let Some(end) = end {
        w.elem(
            "p",
            &[("class", &"muted")],
            format!("The season ends on {end}, the last day of the last round's plan; patients still waiting then count their wait to it."),
        );
    }
    w.close();
}

/// How the simulation works, and the sources of the series.
fn method(w: &mut Writer, run: &Run) {
    w.open("section", &[("id", &"method")]);
    w.elem("h2", &[], "How it works");
    for p in [
        "At each round every trust re-plans with each strategy through rebook's re-planning path (SPEC.md section 8): cases operated before the re-plan date leave; the previous plan's bookings are carried (notified within the notice period, binding within keep_notified_days); a share of the lists on the strike days is lost, drawn with the seed, and their patients are cancelled once more; new cancellations, resampled from the trust's own case mix, are added; the strategy re-plans and the independent checker passes every plan.",
        "Each strategy follows its own trajectory, but on a seed every strategy loses the same lists and meets the same new patients (common random numbers), so differences come from the strategies.",
        "Waits are days from a patient's first cancellation to the operation, or to the season's end for patients still waiting then. Breaches are counted when a case is operated.",
    ] {
        w.elem("p", &[], p);
    }
    w.elem(
        "p",
        &[("class", &"muted")],
        format!(
            "Settings: notified within {} days, bookings kept within {} days, re-plan {} days before a strike; MIP time limit {} s, gap {}.",
            run.series.notified_within_days,
            run.series.keep_notified_days,
            run.series.announce_days,
            num(run.solve.time_limit),
            run.solve.gap
        ),
    );
    if !run.series.sources.is_empty() {
        w.elem("h3", &[], "Sources of the series");
        w.open("ul", &[("class", &"sources")]);
        for s in &run.series.sources {
            // Addresses are shown without their scheme: the page references nothing outside it.
            w.elem("li", &[], strip_scheme(s));
        }
        w.close();
    }
    w.close();
}

/// `text` with every `http://` and `https://` removed (the page must name no address to fetch).
fn strip_scheme(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.to_ascii_lowercase().find("http") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let lower = tail.to_ascii_lowercase();
        let skip = ["https://", "http://"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map_or(4, |p| p.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}
