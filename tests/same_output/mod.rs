//! "Byte-identical except the seconds fields": compares two output directories of rebook (a
//! one-machine run and a merge of its shards) file by file, after masking exactly the wall-clock
//! fields — `"seconds"` in JSON, the `seconds` column of `comparison.csv` and `comparison.md`, the
//! "Time (s)" cells of `comparison.html` and the seconds of a plan page's solver line — and
//! nothing else.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every file under `dir`, as paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

const MASK: &str = "<seconds>";

/// JSON written pretty, one field a line: the value of every `"seconds"` field masked.
fn mask_json(text: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("\"seconds\":") {
                let indent = &line[..line.len() - trimmed.len()];
                let comma = if trimmed.ends_with(',') { "," } else { "" };
                format!("{indent}\"seconds\": {MASK}{comma}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A CSV with a `seconds` column: that column masked (the file must have it).
fn mask_csv(bytes: &[u8]) -> String {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let column = records[0]
        .iter()
        .position(|h| h == "seconds")
        .expect("a seconds column");
    records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(c, f)| if c == column && i > 0 { MASK } else { f })
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Markdown comparison: the `seconds` cell of each row of its table masked.
fn mask_markdown(text: &str) -> String {
    let mut column = None;
    text.lines()
        .map(|line| {
            if !line.starts_with('|') {
                return line.to_string();
            }
            let cells: Vec<&str> = line.split(" | ").collect();
            if column.is_none() {
                column = cells.iter().position(|c| *c == "seconds");
                assert!(column.is_some(), "the table's head has no seconds: {line}");
                return line.to_string();
            }
            let c = column.unwrap();
            if cells.len() > c && !line.starts_with("|---") {
                let mut cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
                cells[c] = MASK.into();
                cells.join(" | ")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML comparison: in its results tables, the "Time (s)" cell of each full row (the one
/// before the gap, the last cell) masked. Rows of unsolved runs and message rows have no such
/// cell (fewer than 5 cells).
fn mask_comparison_html(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<tr") {
        let end = start + rest[start..].find("</tr>").expect("a closed row") + "</tr>".len();
        out.push_str(&rest[..start]);
        let row = &rest[start..end];
        let cells: Vec<usize> = row.match_indices("<td").map(|(i, _)| i).collect();
        if cells.len() >= 5 {
            let at = cells[cells.len() - 2];
            let open_end = at + row[at..].find('>').unwrap() + 1;
            let close = open_end + row[open_end..].find("</td>").unwrap();
            out.push_str(&row[..open_end]);
            out.push_str(MASK);
            out.push_str(&row[close..]);
        } else {
            out.push_str(row);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A plan page: the seconds at the end of its "Solver: …, 4.2 s" line masked.
fn mask_plan_html(text: &str) -> String {
    let Some(at) = text.find("Solver: ") else {
        return text.to_string();
    };
    let end = at + text[at..].find('<').unwrap();
    let line = &text[at..end];
    match line.rfind(", ") {
        Some(comma) if line.ends_with(" s") => format!("{}{}, {MASK}{}", &text[..at], &line[..comma], &text[end..]),
        _ => text.to_string(),
    }
}

/// A file's text with its wall-clock fields masked, by its name.
pub fn masked(name: &Path, bytes: &[u8]) -> String {
    let file = name.file_name().unwrap().to_string_lossy();
    let text = String::from_utf8_lossy(bytes);
    if file == "comparison.csv" {
        mask_csv(bytes)
    } else if file == "comparison.md" {
        mask_markdown(&text)
    } else if file == "comparison.html" {
        mask_comparison_html(&text)
    } else if file.ends_with(".report.html") {
        mask_plan_html(&text)
    } else if file.ends_with(".json") {
        mask_json(&text)
    } else {
        text.into_owned()
    }
}

/// Fails unless `merged` holds the same files as `one` with the same bytes, the seconds fields
/// apart; the message names the first file and line that differ.
pub fn assert_same_outputs(one: &Path, merged: &Path) {
    let (a, b) = (files_under(one), files_under(merged));
    assert_eq!(
        a,
        b,
        "the merged output ({}) holds other files than the one-machine run ({})",
        merged.display(),
        one.display()
    );
    assert!(!a.is_empty(), "{} is empty", one.display());
    for name in &a {
        let (x, y) = (
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(merged.join(name)).unwrap(),
        );
        if x == y {
            continue;
        }
        let (mx, my) = (masked(name, &x), masked(name, &y));
        if mx != my {
            let line = mx
                .lines()
                .zip(my.lines())
                .enumerate()
                .find(|(_, (l, r))| l != r)
                .map(|(i, (l, r))| format!("line {}:\n  one machine: {l}\n  merged:      {r}", i + 1))
                .unwrap_or_else(|| "one is longer".into());
            panic!("{} differs beyond its seconds: {line}", name.display());
        }
    }
}

#[test]
fn masks_only_the_seconds() {
    let json = "{\n  \"solver\": {\n    \"gap\": 0.1,\n    \"seconds\": 4.2\n  },\n  \"seconds\": 1.0,\n}";
    let other = json.replace("4.2", "9.9").replace("1.0,", "2.5,");
    assert_eq!(mask_json(json), mask_json(&other));
    assert_ne!(mask_json(json), mask_json(&json.replace("0.1", "0.2")));

    let csv = "file,seconds,gap\na.json,1.20,0.1\n,total,2.00\n";
    assert_eq!(
        mask_csv(csv.as_bytes()),
        mask_csv(csv.replace("1.20", "3.40").as_bytes())
    );
    assert_ne!(mask_csv(csv.as_bytes()), mask_csv(csv.replace("0.1", "0.3").as_bytes()));

    let md = "# t\n\n| trust | objective | seconds | gap |\n|---|---:|---:|---:|\n| A | 5 | 1.2 | - |\n";
    assert_eq!(mask_markdown(md), mask_markdown(&md.replace("1.2", "7.7")));
    assert_ne!(mask_markdown(md), mask_markdown(&md.replace("| 5 |", "| 6 |")));

    let row = |secs: &str, gap: &str| {
        format!(
            "<table class=\"results\"><tr><td>mip</td><td>optimal</td><td>5</td><td>1</td><td>{secs}</td><td>{gap}</td></tr>\
             <tr class=\"message\"><td></td><td colspan=\"20\">x</td></tr></table>"
        )
    };
    assert_eq!(
        mask_comparison_html(&row("1.2", "0 %")),
        mask_comparison_html(&row("3.4", "0 %"))
    );
    assert_ne!(
        mask_comparison_html(&row("1.2", "0 %")),
        mask_comparison_html(&row("1.2", "1 %"))
    );

    let page = |s: &str| format!("<p>Solver: optimal, gap 0.00 %, bound 5, {s} s</p>");
    assert_eq!(mask_plan_html(&page("4.2")), mask_plan_html(&page("0.1")));
    assert_ne!(
        mask_plan_html(&page("4.2")),
        mask_plan_html(&page("4.2").replace("bound 5", "bound 6"))
    );
}
