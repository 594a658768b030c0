//! A tiny well-formed markup writer shared by the HTML pages and their inline SVG charts.
//!
//! Every page is polyglot XHTML5: it parses both as HTML and as XML. The [`Writer`] guarantees the
//! XML half by construction: tags are opened and closed through a stack (so they always balance),
//! every attribute value is quoted, and every piece of text or attribute goes through [`escape`]
//! (instance ids may contain any character). The only unescaped input is `&'static str` written
//! by this module's callers at compile time (the doctype and the style sheet).

use std::collections::BTreeSet;
use std::fmt::{self, Display, Write as _};

/// Attributes of one element: `(name, value)`, values escaped on output.
pub type Attrs<'a> = &'a [(&'static str, &'a dyn Display)];

/// Escapes `&`, `<`, `>`, `"` and `'`, and replaces the characters XML 1.0 forbids (control
/// characters other than tab, newline and carriage return) with U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = Escaper(&mut out).write_str(text);
    out
}

/// A `fmt::Write` that escapes what is written through it into the wrapped string.
struct Escaper<'a>(&'a mut String);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                '\t' | '\n' | '\r' => self.0.push(c),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => self.0.push('\u{FFFD}'),
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// Elements after whose end tag a newline keeps the output readable (never inside text runs).
const BLOCK: &[&str] = &[
    "html", "head", "body", "header", "nav", "main", "section", "div", "p", "h1", "h2", "h3", "ul", "ol", "li", "dl",
    "table", "thead", "tbody", "tr", "figure", "details", "summary", "style", "title", "svg", "g",
];

/// Builds a document element by element. Dropping open elements is impossible: [`Writer::finish`]
/// closes whatever is still open.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    open: Vec<&'static str>,
}

impl Writer {
    /// An empty document.
    pub fn new() -> Self {
        Writer::default()
    }

    fn start_tag(&mut self, tag: &'static str, attrs: Attrs) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            let _ = write!(Escaper(&mut self.out), "{value}");
            self.out.push('"');
        }
    }

    /// `<tag attrs…>`; closed by the matching [`Writer::close`].
    pub fn open(&mut self, tag: &'static str, attrs: Attrs) -> &mut Self {
        self.start_tag(tag, attrs);
        self.out.push('>');
        self.open.push(tag);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(tag) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(tag);
            self.out.push('>');
            if BLOCK.contains(&tag) {
                self.out.push('\n');
            }
        }
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: impl Display) -> &mut Self {
        let _ = write!(Escaper(&mut self.out), "{text}");
        self
    }

    /// `<tag attrs…>text</tag>`.
    pub fn elem(&mut self, tag: &'static str, attrs: Attrs, text: impl Display) -> &mut Self {
        self.open(tag, attrs).text(text).close()
    }

    /// `<tag attrs…/>` (an empty element, e.g. `meta`, `br`, `rect`).
    pub fn empty(&mut self, tag: &'static str, attrs: Attrs) -> &mut Self {
        self.start_tag(tag, attrs);
        self.out.push_str("/>");
        self
    }

    /// Trusted markup written into the program (the doctype, the style sheet): never data.
    pub fn trusted(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Appends another writer's finished fragment (its open elements closed first).
    pub fn append(&mut self, other: Writer) -> &mut Self {
        self.out.push_str(&other.finish());
        self
    }

    /// The document, with every element still open closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Hands out element ids that are valid (ASCII letters, digits and `-`) and unique in a page,
/// whatever characters the instance's ids contain.
#[derive(Debug, Default)]
pub struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    /// Reserves a fixed id (a section's), so that generated ids never collide with it.
    pub fn reserve(&mut self, id: &str) -> String {
        self.used.insert(id.to_string());
        id.to_string()
    }

    /// `prefix-slug(name)`, with `-2`, `-3`… appended if that is taken.
    pub fn make(&mut self, prefix: &str, name: &str) -> String {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_matches('-');
        let base = if slug.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}-{slug}")
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

/// Starts a self-contained page: doctype, `<html lang="en-GB">`, the head with its title and the
/// given style sheet inline, and opens `<body>`. [`Writer::finish`] closes it.
pub fn page_start(title: &str, style: &'static str) -> Writer {
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
    w.open("style", &[]).trusted(style).close();
    w.close();
    w.open("body", &[]);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("x\u{1}y\tz"), "x\u{FFFD}y\tz");
    }

    #[test]
    fn writer_balances_and_escapes() {
        let mut w = Writer::new();
        w.open("div", &[("title", &"<&>")])
            .elem("p", &[], "1 < 2")
            .open("span", &[]);
        assert_eq!(
            w.finish(),
            "<div title=\"&lt;&amp;&gt;\"><p>1 &lt; 2</p>\n<span></span></div>\n"
        );
    }

    #[test]
    fn ids_are_clean_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.reserve("wait-distribution"), "wait-distribution");
        assert_eq!(ids.make("wait-distribution", ""), "wait-distribution-2");
        assert_eq!(ids.make("t", "KCH T3/<x>"), "t-kch-t3-x");
        assert_eq!(ids.make("t", "kch-t3 x"), "t-kch-t3-x-2");
    }
}
