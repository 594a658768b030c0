//! The crate's shape, enforced: calls run downward only.
//!
//! Reads `src/**/*.rs` as text and builds the graph of which module names which (`crate::a::b`
//! and `super::` paths in code, not in comments; `pub use` re-exports and `mod` declarations are
//! a folder's facade, not a dependency; unit-test modules are left out). Then, at every level of the tree, the rooms under one
//! folder (its files, its sub-folders and the folder's own `mod.rs`) must form no circle, and
//! `model/` must depend on nothing else in the crate. A failure names the circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path of a source file: `src/strategy/mip/mod.rs` → `["strategy", "mip"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line without its `//` comment (string literals holding `//` are rare enough in
/// this crate that a naive cut is fine for finding paths).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every module path a file names: `crate::x::y` (as far as the words go) and `super::` paths
/// resolved against the file's own module. A `use a::{b, c}` group is not expanded: naming its
/// prefix is enough to find the dependency.
fn references(module: &[String], is_mod_file: bool, text: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    // A path of identifier segments joined by `::`, starting at `crate` or `super`.
    for line in text.lines() {
        let line = code(line).trim_start();
        if line.starts_with("pub use")
            || line.starts_with("pub(crate) use")
            || line.starts_with("mod ")
            || line.starts_with("pub mod ")
        {
            continue;
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let starts_word =
                i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
            let root = if starts_word && rest.starts_with(b"crate::") {
                Some("crate")
            } else if starts_word && rest.starts_with(b"super::") {
                Some("super")
            } else {
                None
            };
            let Some(root) = root else {
                i += 1;
                continue;
            };
            let mut segments: Vec<String> = Vec::new();
            let mut j = i;
            let mut first = true;
            loop {
                let word_start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let word = &line[word_start..j];
                if word.is_empty() {
                    break;
                }
                if !first {
                    segments.push(word.to_string());
                }
                first = false;
                if bytes[j..].starts_with(b"::") {
                    j += 2;
                } else {
                    break;
                }
            }
            let mut path: Vec<String> = match root {
                "crate" => Vec::new(),
                _ => {
                    // `super` in `a/b.rs` (module a::b) is `a`; in `a/b/mod.rs` (module a::b) too.
                    let _ = is_mod_file;
                    let mut m = module.to_vec();
                    m.pop();
                    m
                }
            };
            let mut segs = segments.into_iter();
            // Further `super::super::`.
            let mut pending: Vec<String> = Vec::new();
            for s in segs.by_ref() {
                if s == "super" {
                    path.pop();
                } else {
                    pending.push(s);
                    break;
                }
            }
            pending.extend(segs);
            path.extend(pending);
            found.insert(path);
            i = j.max(i + 1);
        }
    }
    found
}

/// Whether code (not comments, not `mod`/`pub use` lines) names `child::` as a relative path.
fn names_child(text: &str, child: &str) -> bool {
    let needle = format!("{child}::");
    text.lines().any(|line| {
        let line = code(line).trim_start();
        if line.starts_with("pub use") || line.starts_with("mod ") || line.starts_with("pub mod ") {
            return false;
        }
        line.match_indices(&needle).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        })
    })
}

struct Crate {
    /// Every module path that is a file (or a folder's mod.rs).
    modules: BTreeSet<Vec<String>>,
    /// Module → the module paths it names (resolved to the longest existing module).
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn read_crate() -> Crate {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeSet::new();
    let mut raw = BTreeMap::new();
    for f in &files {
        let m = module_of(&src, f);
        if f.ends_with("main.rs") {
            continue; // the binary, not a module of the library
        }
        let mut text = std::fs::read_to_string(f).expect("read source");
        // Unit tests (`#[cfg(test)] mod tests { use super::*; … }`) are not part of the shape, and
        // their `super` is the file itself.
        if let Some(at) = text.find("#[cfg(test)]") {
            text.truncate(at);
        }
        let refs = references(&m, f.ends_with("mod.rs"), &text);
        modules.insert(m.clone());
        raw.insert(m, (refs, text));
    }
    // A folder's own file names its children without `crate::` or `super::` (`decompose::run`).
    let raw: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = raw
        .into_iter()
        .map(|(m, (mut refs, text))| {
            for child in modules
                .iter()
                .filter(|c| c.len() == m.len() + 1 && c[..m.len()] == m[..])
            {
                if names_child(&text, &child[m.len()]) {
                    refs.insert(child.clone());
                }
            }
            (m, refs)
        })
        .collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, refs) in raw {
        let mut targets = BTreeSet::new();
        for r in refs {
            // The longest prefix of the path that is a module (the rest names items in it).
            let mut p = r.clone();
            while !p.is_empty() && !modules.contains(&p) {
                p.pop();
            }
            if !p.is_empty() && p != m {
                targets.insert(p);
            }
        }
        edges.insert(m, targets);
    }
    Crate { modules, edges }
}

/// Under folder `parent`, the room a module belongs to: the next segment after the parent, or
/// `"mod.rs"` for the folder's own file. `None` when the module is not under the parent.
fn room(parent: &[String], module: &[String]) -> Option<String> {
    if module.len() < parent.len() || module[..parent.len()] != *parent {
        return None;
    }
    Some(
        module
            .get(parent.len())
            .cloned()
            .unwrap_or_else(|| "mod.rs".to_string()),
    )
}

/// A circle in a directed graph, if any (depth-first search, deterministic order).
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).expect("on stack");
                    let mut circle = stack[at..].to_vec();
                    circle.push(m.clone());
                    return Some(circle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_circle_at_any_level() {
    let krate = read_crate();
    // Every folder (module with children), the crate root included.
    let folders: BTreeSet<Vec<String>> = krate
        .modules
        .iter()
        .flat_map(|m| (0..m.len()).map(move |k| m[..k].to_vec()))
        .collect();
    let mut circles = Vec::new();
    for parent in &folders {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, targets) in &krate.edges {
            let Some(a) = room(parent, from) else { continue };
            graph.entry(a.clone()).or_default();
            for to in targets {
                if let Some(b) = room(parent, to) {
                    if a != b {
                        graph.entry(a.clone()).or_default().insert(b);
                    }
                }
            }
        }
        if let Some(c) = find_circle(&graph) {
            let name = if parent.is_empty() {
                "src".to_string()
            } else {
                format!("src/{}", parent.join("/"))
            };
            circles.push(format!("{name}: {}", c.join(" → ")));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles (calls must run downward only):\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_model_depends_on_nothing_else_in_the_crate() {
    let krate = read_crate();
    let outside: Vec<String> = krate
        .edges
        .iter()
        .filter(|(m, _)| m.first().is_some_and(|s| s == "model"))
        .flat_map(|(m, targets)| {
            targets
                .iter()
                .filter(|t| t.first().is_none_or(|s| s != "model"))
                .map(move |t| format!("{} → {}", m.join("::"), t.join("::")))
        })
        .collect();
    assert!(
        outside.is_empty(),
        "model/ must depend on nothing else in the crate: {outside:?}"
    );
}

#[test]
fn the_reader_finds_paths_and_skips_comments_and_reexports() {
    let m = vec!["strategy".to_string(), "mip".to_string(), "decompose".to_string()];
    let text = "use super::driver::optimise;\n// crate::report in a comment\npub use crate::io::x;\nlet a = crate::model::time::to_minute(1);\nuse super::super::greedy;\n";
    let refs = references(&m, false, text);
    let want: BTreeSet<Vec<String>> = [
        vec!["strategy", "mip", "driver", "optimise"],
        vec!["model", "time", "to_minute"],
        vec!["strategy", "greedy"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    assert_eq!(refs, want);
}

/// The rooms of `src/` in the order of the README's layout section (`  name/` or `  name.rs`).
fn readme_rooms() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md");
    let layout = readme.split("## Layout").nth(1).expect("a Layout section in README.md");
    let block = layout
        .split("```\nsrc/\n")
        .nth(1)
        .expect("a src/ tree in the Layout section");
    block
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.trim_end_matches('/').trim_end_matches(".rs").to_string())
        .collect()
}

#[test]
fn the_readme_layout_lists_every_room_top_down() {
    let krate = read_crate();
    let rooms = readme_rooms();
    let position = |name: &str| rooms.iter().position(|r| r == name);
    let tops: BTreeSet<String> = krate.modules.iter().filter_map(|m| m.first().cloned()).collect();
    let missing: Vec<&String> = tops.iter().filter(|t| position(t).is_none()).collect();
    assert!(
        missing.is_empty(),
        "rooms of src/ missing from the README layout: {missing:?}"
    );
    let mut upward = Vec::new();
    for (from, targets) in &krate.edges {
        let Some(a) = from.first() else { continue };
        for to in targets {
            let b = &to[0];
            if a != b && position(b) < position(a) {
                upward.push(format!("{a} → {b}"));
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "calls that run upward in the README's order: {upward:?}"
    );
}
