//! CSV cells a spreadsheet cannot run: the one guard against formula injection, used by every CSV
//! file rebook writes ([`CsvWriter`]) and undone by the one CSV reader ([`unguard_cell`]).
//!
//! Excel and LibreOffice evaluate a cell that starts with `=`, `+`, `-` or `@` (or a tab or a
//! carriage return before one) as a formula, and ids, names, file names and messages in rebook's
//! CSV files come from users' files. A text cell that starts with one of those characters (or
//! their full-width forms, which some spreadsheets also take) gets a single quote `'` in front:
//! the spreadsheet shows it as text, quote hidden (OWASP's advice). Plain numbers such as `-5`
//! or `+1.5e3` are data and stay as they are: a spreadsheet reads them as numbers, never as
//! formulas; so does a lone `-` or `+` (text in a spreadsheet; rebook's tables write `-` for "no
//! value").
//!
//! Ids must still round-trip through rebook itself, so the guard is reversible: a cell that
//! already starts with `'` followed by one of those characters or by another `'` gets a quote
//! too, and the CSV instance reader removes exactly one leading quote from such a cell and from
//! no other (docs/DECISIONS.md, decision on formula injection). A value is never changed in
//! JSON, only in CSV cells.

use std::borrow::Cow;

/// The quote put in front of a cell a spreadsheet would evaluate.
pub const GUARD: char = '\'';

/// First characters that make a spreadsheet evaluate a cell: OWASP's `=`, `+`, `-`, `@`, tab,
/// carriage return, and the full-width `＝`, `＋`, `－`, `＠`.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

fn starts_formula(c: char) -> bool {
    FORMULA_STARTS.contains(&c)
}

/// A plain decimal number: an optional sign, digits with at most one decimal point, an optional
/// exponent (`-5`, `+0.25`, `-.5`, `1e-3`). `inf`, `NaN` and anything with letters are not.
fn is_plain_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let (mut digits, mut point) = (0, false);
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits += 1,
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Whether a spreadsheet would evaluate `cell` as a formula: it starts with a formula character
/// and is not a plain number, nor a lone sign (`-` or `+`, which spreadsheets keep as text and
/// rebook's tables write for "no value").
pub fn is_formula(cell: &str) -> bool {
    cell.chars().next().is_some_and(starts_formula) && !is_plain_number(cell) && !matches!(cell, "-" | "+")
}

/// Whether `cell` is in the guarded form: a quote, then a formula character or another quote.
fn is_guarded(cell: &str) -> bool {
    let mut chars = cell.chars();
    chars.next() == Some(GUARD) && chars.next().is_some_and(|c| c == GUARD || starts_formula(c))
}

/// The cell as written to CSV: `'` in front when a spreadsheet would evaluate it, or when it
/// would otherwise be read back by [`unguard_cell`] as something else; unchanged otherwise.
pub fn guard_cell(cell: &str) -> Cow<'_, str> {
    if is_formula(cell) || is_guarded(cell) {
        Cow::Owned(format!("{GUARD}{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value of a cell [`guard_cell`] wrote: one leading quote removed when a formula character
/// or another quote follows it. `unguard_cell(&guard_cell(s)) == s` for every `s`.
pub fn unguard_cell(cell: &str) -> &str {
    if is_guarded(cell) {
        &cell[GUARD.len_utf8()..]
    } else {
        cell
    }
}

/// A [`csv::Writer`] whose every cell goes through [`guard_cell`]: the only way rebook writes a
/// CSV file.
pub struct CsvWriter<W: std::io::Write> {
    inner: csv::Writer<W>,
}

impl CsvWriter<Vec<u8>> {
    /// A writer into memory with the `csv` crate's defaults (comma, `\n`, quotes as needed).
    pub fn in_memory() -> Self {
        Self::wrap(csv::Writer::from_writer(Vec::new()))
    }
}

impl<W: std::io::Write> CsvWriter<W> {
    /// Guards the cells of a writer built with other settings.
    pub fn wrap(inner: csv::Writer<W>) -> Self {
        CsvWriter { inner }
    }

    /// Writes one record, each cell guarded.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner
            .write_record(record.into_iter().map(|cell| guard_cell(cell.as_ref()).into_owned()))
    }

    /// Flushes and returns the underlying writer, as [`csv::Writer::into_inner`].
    // The csv crate's own error type, large as it is: every writer handles it as before.
    #[allow(clippy::result_large_err)]
    pub fn into_inner(self) -> Result<W, csv::IntoInnerError<csv::Writer<W>>> {
        self.inner.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_and_numbers_do_not() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+44 20", "'+44 20"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=cmd", "'\t=cmd"),
            ("\r=cmd", "'\r=cmd"),
            ("＝1+1", "'＝1+1"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("-", "-"),
            ("+", "+"),
            ("=", "'="),
            ("@", "'@"),
            ("--", "'--"),
            ("-inf", "'-inf"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("-5", "-5"),
            ("+3", "+3"),
            ("-0.25", "-0.25"),
            ("-.5", "-.5"),
            ("1e-3", "1e-3"),
            ("-2E+4", "-2E+4"),
            ("RVV", "RVV"),
            ("", ""),
            ("'", "'"),
            ("'quoted", "'quoted"),
            ("2016-05-03", "2016-05-03"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(guard_cell(cell), written, "{cell:?}");
        }
        for not_number in ["-", "+", "-.", "-1e", "-1e+", "--1", "-1.2.3", "-1 ", "-0x10", "-1_000"] {
            assert!(!is_plain_number(not_number), "{not_number:?}");
        }
    }

    #[test]
    fn every_cell_reads_back_as_written() {
        let starts = [
            "", "=", "+", "-", "@", "\t", "\r", "'", "''", "＝", "5", "a", "-5", "'-", "'a",
        ];
        let rests = ["", "x", "5", "=", "'", "1+1", ".5e3", "＠"];
        for a in starts {
            for b in rests {
                let cell = format!("{a}{b}");
                let written = guard_cell(&cell);
                assert_eq!(unguard_cell(&written), cell, "{cell:?} written as {written:?}");
                assert!(!is_formula(&written), "{cell:?} written as {written:?}");
            }
        }
    }

    #[test]
    fn the_writer_guards_every_cell() {
        let mut w = CsvWriter::in_memory();
        w.write_record(["id", "minutes"]).unwrap();
        w.write_record(["=HYPERLINK(\"x\")", "-5"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "id,minutes\n\"'=HYPERLINK(\"\"x\"\")\",-5\n");
    }
}
