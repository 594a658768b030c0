//! Instances as a folder of CSV files, for people who keep theatre lists in a spreadsheet.
//!
//! | file | one row per | columns (* = required) |
//! |---|---|---|
//! | `settings.json` | — | `format`*, `trust`*, `timezone`, `horizon`*, `rules`, `objective` (as in the JSON instance) |
//! | `theatres.csv` | theatre | `id`*, `site`, `specialties`* |
//! | `surgeons.csv` | consultant | `id`*, `name`, `specialties`*, `unavailable`, `max_operating_minutes` |
//! | `duties.csv` (optional) | fixed duty | `surgeon`*, `date`*, `start`*, `end`*, `kind` |
//! | `sessions.csv` | theatre list | `id`*, `theatre`*, `date`*, `start`*, `end`*, `free_minutes`, `surgeon`, `specialty`, `shared`, `open_cost` |
//! | `procedures.csv` | cancelled case | `id`*, `patient`, `specialty`*, `name`, `duration`*, `surgeon`, `priority`*, `referral`, `listed`, `original_date`, `cancelled_on_day`, `earliest`, `deadline`, `unavailable`, `booked_session`, `booked_notified`, `times_cancelled` |
//!
//! Columns may come in any order; an unknown column is an error (a typo must not be ignored).
//! `booked_session` and `booked_notified` are the case's `booked` block of a re-planning instance
//! (SPEC.md section 8): an empty `booked_session` means no booking, and `booked_notified` needs a
//! session (empty = absent, which means notified). The same columns in a file of their own
//! ([`import_procedures`]) give the newly cancelled cases of `rebook restrike --new-cases`.
//! Lists (`specialties`, `unavailable`) are separated by `;`, caps by date are `DATE=MINUTES;…`,
//! booleans are `true`/`false` (also `yes`/`no`, `1`/`0`), an empty cell is an absent value.
//! Cells are trimmed. Text cells a spreadsheet would run as a formula are written with a `'` in
//! front and read back without it ([`super::spreadsheet`]), so ids like `=A1` or `-x` round-trip.
//! Every problem names the file, the line and the column.
//!
//! Each table is described once (a `Table`: its columns, each bound to a field of the item a row
//! holds); the reader and the writer both follow that description.

use crate::io::instance::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The folder's file of everything that is not a table (format, trust, horizon, rules, …).
pub const SETTINGS_FILE: &str = "settings.json";
/// The folder's table of theatres, one row a theatre.
pub const THEATRES_FILE: &str = "theatres.csv";
/// The folder's table of surgeons, one row a consultant.
pub const SURGEONS_FILE: &str = "surgeons.csv";
/// The folder's table of fixed duties, one row a duty joined to its surgeon by id; optional.
pub const DUTIES_FILE: &str = "duties.csv";
/// The folder's table of sessions, one row a theatre list.
pub const SESSIONS_FILE: &str = "sessions.csv";
/// The folder's table of procedures, one row a cancelled case.
pub const PROCEDURES_FILE: &str = "procedures.csv";

/// One CSV file: its name and its columns, in the order the exporter writes them.
struct Table<T: 'static> {
    file: &'static str,
    columns: &'static [Column<T>],
}

/// One column: its header name, whether the header must name it, and the field of the row's
/// item `T` that its cells read into and are written from.
struct Column<T> {
    name: &'static str,
    required: bool,
    field: Field<T>,
}

/// A field of `T` by the kind of its cell: a getter for the writer, a setter for the reader.
enum Field<T> {
    /// Text that must be given.
    Text(fn(&T) -> &String, fn(&mut T) -> &mut String),
    /// Text, absent when the cell is empty.
    OptText(fn(&T) -> &Option<String>, fn(&mut T) -> &mut Option<String>),
    /// A whole number that must be given.
    Int(fn(&T) -> &i64, fn(&mut T) -> &mut i64),
    /// A whole number, 0 when the cell is empty.
    IntOrZero(fn(&T) -> &i64, fn(&mut T) -> &mut i64),
    /// A whole number, absent when the cell is empty.
    OptInt(fn(&T) -> &Option<i64>, fn(&mut T) -> &mut Option<i64>),
    /// `true` or `false`, false when the cell is empty.
    Bool(fn(&T) -> &bool, fn(&mut T) -> &mut bool),
    /// Items separated by `;`.
    List(fn(&T) -> &Vec<String>, fn(&mut T) -> &mut Vec<String>),
    /// Text held in a part of the item that is not a plain field (absent when the cell is empty):
    /// a getter of its value, and a setter called only for a non-empty cell.
    OptTextVia(fn(&T) -> Option<&str>, fn(&mut T, String)),
    /// `true` or `false` held in a part of the item that is not a plain field (absent when the
    /// cell is empty): a getter, and a setter called only for a non-empty cell.
    OptBoolVia(fn(&T) -> Option<bool>, fn(&mut T, bool)),
    /// `DATE=MINUTES` pairs separated by `;`.
    Caps(
        fn(&T) -> &BTreeMap<String, i64>,
        fn(&mut T) -> &mut BTreeMap<String, i64>,
    ),
}

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

/// A column named after the field it reads and writes, e.g. `column!(id, Text, REQUIRED)`.
macro_rules! column {
    ($field:ident, $kind:ident, $required:expr) => {
        Column {
            name: stringify!($field),
            required: $required,
            field: Field::$kind(|item| &item.$field, |item| &mut item.$field),
        }
    };
}

const THEATRES: Table<TheatreDto> = Table {
    file: THEATRES_FILE,
    columns: &[
        column!(id, Text, REQUIRED),
        column!(site, OptText, OPTIONAL),
        column!(specialties, List, REQUIRED),
    ],
};

/// A surgeon's duties are a table of their own, joined to the surgeon by id.
const SURGEONS: Table<SurgeonDto> = Table {
    file: SURGEONS_FILE,
    columns: &[
        column!(id, Text, REQUIRED),
        column!(name, OptText, OPTIONAL),
        column!(specialties, List, REQUIRED),
        column!(unavailable, List, OPTIONAL),
        column!(max_operating_minutes, Caps, OPTIONAL),
    ],
};

const DUTIES: Table<DutyRow> = Table {
    file: DUTIES_FILE,
    columns: &[
        column!(surgeon, Text, REQUIRED),
        column!(date, Text, REQUIRED),
        column!(start, Text, REQUIRED),
        column!(end, Text, REQUIRED),
        column!(kind, OptText, OPTIONAL),
    ],
};

const SESSIONS: Table<SessionDto> = Table {
    file: SESSIONS_FILE,
    columns: &[
        column!(id, Text, REQUIRED),
        column!(theatre, Text, REQUIRED),
        column!(date, Text, REQUIRED),
        column!(start, Text, REQUIRED),
        column!(end, Text, REQUIRED),
        column!(free_minutes, OptInt, OPTIONAL),
        column!(surgeon, OptText, OPTIONAL),
        column!(specialty, OptText, OPTIONAL),
        column!(shared, Bool, OPTIONAL),
        column!(open_cost, IntOrZero, OPTIONAL),
    ],
};

const PROCEDURES: Table<ProcedureDto> = Table {
    file: PROCEDURES_FILE,
    columns: &[
        column!(id, Text, REQUIRED),
        column!(patient, OptText, OPTIONAL),
        column!(specialty, Text, REQUIRED),
        column!(name, OptText, OPTIONAL),
        column!(duration, Int, REQUIRED),
        column!(surgeon, OptText, OPTIONAL),
        column!(priority, Text, REQUIRED),
        column!(referral, OptText, OPTIONAL),
        column!(listed, OptText, OPTIONAL),
        column!(original_date, OptText, OPTIONAL),
        column!(cancelled_on_day, Bool, OPTIONAL),
        column!(earliest, OptText, OPTIONAL),
        column!(deadline, OptText, OPTIONAL),
        column!(unavailable, List, OPTIONAL),
        Column {
            name: "booked_session",
            required: OPTIONAL,
            field: Field::OptTextVia(
                |p| p.booked.as_ref().map(|b| b.session.as_str()),
                |p, session| p.booked.get_or_insert_with(BookedDto::default).session = session,
            ),
        },
        Column {
            name: "booked_notified",
            required: OPTIONAL,
            field: Field::OptBoolVia(
                |p| p.booked.as_ref().and_then(|b| b.notified),
                |p, notified| p.booked.get_or_insert_with(BookedDto::default).notified = Some(notified),
            ),
        },
        column!(times_cancelled, OptInt, OPTIONAL),
    ],
};

/// A row of `duties.csv`: a duty and the id of its surgeon.
#[derive(Debug, Clone, Default)]
struct DutyRow {
    surgeon: String,
    date: String,
    start: String,
    end: String,
    kind: Option<String>,
}

impl DutyRow {
    fn new(surgeon: &str, d: &DutyDto) -> Self {
        DutyRow {
            surgeon: surgeon.to_string(),
            date: d.date.clone(),
            start: d.start.clone(),
            end: d.end.clone(),
            kind: d.kind.clone(),
        }
    }

    fn into_duty(self) -> DutyDto {
        DutyDto {
            date: self.date,
            start: self.start,
            end: self.end,
            kind: self.kind,
        }
    }
}

impl<T> Table<T> {
    /// "the first line names the columns: id*, site, specialties*" (* = required).
    fn header_hint(&self) -> String {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                if c.required {
                    format!("{}*", c.name)
                } else {
                    c.name.to_string()
                }
            })
            .collect();
        format!("the first line names the columns: {}", names.join(", "))
    }

    /// Reads one row's cells (in column order) into an item, reporting each cell that does not
    /// fit its column.
    fn read_row(&self, row: &Row, problems: &mut Vec<Problem>) -> T
    where
        T: Default,
    {
        self.read_row_in(row, self.file, problems)
    }

    /// [`Table::read_row`] of a row of the file named `file` in problems.
    fn read_row_in(&self, row: &Row, file: &str, problems: &mut Vec<Problem>) -> T
    where
        T: Default,
    {
        let mut r = Reader {
            problems,
            file,
            line: row.line,
        };
        let mut item = T::default();
        for (column, cell) in self.columns.iter().zip(&row.cells) {
            let (name, cell) = (column.name, cell.as_str());
            match column.field {
                Field::Text(_, set) => *set(&mut item) = r.text(name, cell),
                Field::OptText(_, set) => *set(&mut item) = r.opt_text(cell),
                Field::Int(_, set) => *set(&mut item) = r.int(name, cell),
                Field::IntOrZero(_, set) => *set(&mut item) = r.opt_int(name, cell).unwrap_or(0),
                Field::OptInt(_, set) => *set(&mut item) = r.opt_int(name, cell),
                Field::Bool(_, set) => *set(&mut item) = r.boolean(name, cell),
                Field::List(_, set) => *set(&mut item) = r.list(cell),
                Field::OptTextVia(_, set) => {
                    if let Some(text) = r.opt_text(cell) {
                        set(&mut item, text);
                    }
                }
                Field::OptBoolVia(_, set) => {
                    if !cell.is_empty() {
                        set(&mut item, r.boolean(name, cell));
                    }
                }
                Field::Caps(_, set) => *set(&mut item) = r.caps(name, cell),
            }
        }
        item
    }

    /// The cells of one item, in column order, reporting each value a cell could not carry
    /// back unchanged.
    fn write_row(&self, item: &T, line: u64, problems: &mut Vec<Problem>) -> Vec<String> {
        let mut w = Writer {
            problems,
            file: self.file,
            line,
        };
        let cell = |column: &Column<T>, w: &mut Writer| match column.field {
            Field::Text(get, _) => w.text(column.name, get(item)),
            Field::OptText(get, _) => w.opt_text(column.name, get(item)),
            Field::Int(get, _) | Field::IntOrZero(get, _) => get(item).to_string(),
            Field::OptInt(get, _) => get(item).map(|m| m.to_string()).unwrap_or_default(),
            Field::Bool(get, _) => get(item).to_string(),
            Field::List(get, _) => w.list(column.name, get(item)),
            Field::OptTextVia(get, _) => w.opt_text(column.name, &get(item).map(str::to_string)),
            Field::OptBoolVia(get, _) => get(item).map(|b| b.to_string()).unwrap_or_default(),
            Field::Caps(get, _) => w.caps(column.name, get(item)),
        };
        self.columns.iter().map(|c| cell(c, &mut w)).collect()
    }

    /// The whole file: the header, then the rows.
    fn bytes(&self, rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = super::spreadsheet::CsvWriter::wrap(
            ::csv::WriterBuilder::new()
                .terminator(::csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        );
        w.write_record(self.columns.iter().map(|c| c.name))
            .expect("writing to memory");
        for r in rows {
            w.write_record(r).expect("writing to memory");
        }
        w.into_inner().expect("writing to memory")
    }
}

/// `settings.json`: everything of an instance that is not a table. The same fields as the head of
/// [`InstanceFile`], spelled again because serde cannot `flatten` them under `deny_unknown_fields`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `format`: as [`InstanceFile::format`].
    pub format: String,
    /// `trust`: as [`InstanceFile::trust`].
    pub trust: TrustDto,
    /// `timezone`: as [`InstanceFile::timezone`] (default `Europe/London`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `horizon`: as [`InstanceFile::horizon`].
    pub horizon: HorizonDto,
    /// `rules`: as [`InstanceFile::rules`]; optional.
    #[serde(default, skip_serializing_if = "RulesDto::is_empty")]
    pub rules: RulesDto,
    /// `objective`: as [`InstanceFile::objective`]; optional.
    #[serde(default, skip_serializing_if = "ObjectiveDto::is_empty")]
    pub objective: ObjectiveDto,
}

/// One problem with the CSV folder, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's name in the folder (`procedures.csv`), or the folder's path when it is not a
    /// directory.
    pub file: String,
    /// The line in the file, counted from 1 (the header is line 1), when known.
    pub line: Option<u64>,
    /// The column's header name, or its number counted from 1 when it has none; `None` for a whole
    /// row or file.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ", line {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {} (hint: {})", self.message, self.hint)
    }
}

/// Where each item of an imported instance came from, to point validation messages (given as
/// JSON paths such as `procedures[3].duration`) at a file, line and column.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    items: HashMap<String, (&'static str, u64)>,
}

impl SourceMap {
    /// `procedures.csv, line 5, column duration` for `procedures[3].duration`; the JSON path
    /// itself when it names nothing from a table (settings.json fields).
    pub fn locate(&self, json_path: &str) -> String {
        // The longest prefix that is a known item: `surgeons[1].duties[2]` before `surgeons[1]`.
        let mut best: Option<(&str, &(&'static str, u64))> = None;
        for (prefix, loc) in &self.items {
            let hit = json_path == prefix
                || (json_path.starts_with(prefix.as_str())
                    && matches!(json_path.as_bytes().get(prefix.len()), Some(b'.') | Some(b'[')));
            if hit && best.is_none_or(|b| prefix.len() > b.0.len()) {
                best = Some((prefix, loc));
            }
        }
        match best {
            Some((prefix, (file, line))) => {
                let rest = json_path[prefix.len()..].trim_start_matches('.');
                let column: String = rest.chars().take_while(|c| *c != '.' && *c != '[').collect();
                if column.is_empty() {
                    format!("{file}, line {line}")
                } else {
                    format!("{file}, line {line}, column {column}")
                }
            }
            None if json_path.is_empty() => SETTINGS_FILE.to_string(),
            None => format!("{SETTINGS_FILE} at {json_path}"),
        }
    }
}

/// An instance read from a CSV folder, with where each item came from.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The instance, not yet validated.
    pub instance: InstanceFile,
    /// Where each of its items came from, to locate validation messages.
    pub source: SourceMap,
}

impl Problem {
    fn new(
        file: &str,
        line: Option<u64>,
        column: Option<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A data row of a CSV file, its cells in the table's column order (empty when not given).
struct Row {
    line: u64,
    cells: Vec<String>,
}

/// Reads the rows of `table`'s file in `dir`, matching its header to the table's columns. A file
/// that is `optional` may be missing. Every problem (unreadable file, bad header, a row of the
/// wrong length, a cell that is not UTF-8) is reported, and the rows that could be read returned.
fn read_rows<T>(folder: &Folder, table: &Table<T>, optional: bool, problems: &mut Vec<Problem>) -> Vec<Row> {
    let file = table.file;
    let path = folder.dir.join(file);
    let bytes = match (folder.read)(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && optional => return Vec::new(),
        Err(e) => {
            problems.push(Problem::new(
                file,
                None,
                None,
                format!("cannot read {}: {e}", path.display()),
                format!("put {file} in the folder; {}", table.header_hint()),
            ));
            return Vec::new();
        }
    };
    parse_rows(&bytes, file, table, problems)
}

/// The rows of the CSV text `bytes` of `table`, its problems named after the file `file`.
fn parse_rows<T>(bytes: &[u8], file: &str, table: &Table<T>, problems: &mut Vec<Problem>) -> Vec<Row> {
    let mut rows = Vec::new();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut index: Vec<Option<usize>> = Vec::new(); // file column -> table column
    for (n, record) in reader.byte_records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                problems.push(Problem::new(
                    file,
                    line,
                    None,
                    format!("not readable as CSV: {e}"),
                    "save the sheet as CSV (comma-separated, UTF-8)",
                ));
                return rows;
            }
        };
        let line = record.position().map_or(n as u64 + 1, |p| p.line());
        // A cell that is not UTF-8 is named by its column, or by its number in the header.
        let column_name = |k: usize| match index.get(k).copied().flatten() {
            Some(c) if n > 0 => table.columns[c].name.to_string(),
            _ => format!("{}", k + 1),
        };
        let mut cells: Vec<String> = Vec::with_capacity(record.len());
        let mut bad_utf8 = false;
        for (k, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                // Guarded by the writer against formula injection: read back as written.
                Ok(s) => cells.push(super::spreadsheet::unguard_cell(s.trim()).to_string()),
                Err(_) => {
                    problems.push(Problem::new(
                        file,
                        Some(line),
                        Some(column_name(k)),
                        "the cell is not UTF-8 text",
                        "save the sheet as CSV UTF-8",
                    ));
                    bad_utf8 = true;
                    cells.push(String::new());
                }
            }
        }
        if n == 0 {
            index = header_index(table, file, &cells, line, problems);
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if cells.len() != index.len() {
            problems.push(Problem::new(
                file,
                Some(line),
                None,
                format!("the row has {} cells but the header has {}", cells.len(), index.len()),
                "put quotes around cells that contain a comma, and give every row the header's columns",
            ));
            continue;
        }
        if bad_utf8 {
            continue;
        }
        let mut row = vec![String::new(); table.columns.len()];
        for (k, cell) in cells.into_iter().enumerate() {
            if let Some(c) = index[k] {
                row[c] = cell;
            }
        }
        rows.push(Row { line, cells: row });
    }
    if index.is_empty() {
        problems.push(Problem::new(
            file,
            Some(1),
            None,
            "the file is empty",
            table.header_hint(),
        ));
    }
    rows
}

/// The table column of each column of the header line (`None` for an unknown or repeated one),
/// reporting unknown, repeated and missing required columns.
fn header_index<T>(
    table: &Table<T>,
    file: &str,
    names: &[String],
    line: u64,
    problems: &mut Vec<Problem>,
) -> Vec<Option<usize>> {
    let mut index = Vec::with_capacity(names.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, name) in names.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        match table.columns.iter().position(|c| c.name == name) {
            Some(c) => {
                if let Some(first) = seen.insert(name.clone(), k) {
                    problems.push(Problem::new(
                        file,
                        Some(line),
                        Some(name.clone()),
                        format!("column '{name}' appears twice (columns {} and {})", first + 1, k + 1),
                        "keep one of them",
                    ));
                    index.push(None);
                } else {
                    index.push(Some(c));
                }
            }
            None => {
                let column = if name.is_empty() {
                    format!("{}", k + 1)
                } else {
                    name.clone()
                };
                problems.push(Problem::new(
                    file,
                    Some(line),
                    Some(column),
                    format!("unknown column '{name}'"),
                    table.header_hint(),
                ));
                index.push(None);
            }
        }
    }
    for c in table.columns {
        if c.required && !seen.contains_key(c.name) {
            problems.push(Problem::new(
                file,
                Some(line),
                Some(c.name.to_string()),
                format!("the required column '{}' is missing", c.name),
                table.header_hint(),
            ));
        }
    }
    index
}

fn read_settings(folder: &Folder, problems: &mut Vec<Problem>) -> Option<Settings> {
    let path = folder.dir.join(SETTINGS_FILE);
    let hint = "settings.json holds format, trust, horizon and optionally timezone, rules and objective, as in a JSON instance";
    let text = match (folder.read)(SETTINGS_FILE) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => {
                problems.push(Problem::new(
                    SETTINGS_FILE,
                    None,
                    None,
                    "the file is not UTF-8 text",
                    "save it as UTF-8 JSON",
                ));
                return None;
            }
        },
        Err(e) => {
            problems.push(Problem::new(
                SETTINGS_FILE,
                None,
                None,
                format!("cannot read {}: {e}", path.display()),
                hint,
            ));
            return None;
        }
    };
    match crate::io::json::parse::<Settings>(&text) {
        Ok(s) => Some(s),
        Err(e) => {
            // The problem's place, unless it is the whole file.
            let message = if e.path.is_empty() {
                e.message.clone()
            } else {
                e.to_string()
            };
            problems.push(Problem::new(SETTINGS_FILE, Some(e.line as u64), None, message, hint));
            None
        }
    }
}

/// Reads a CSV folder into an instance. Every problem found is returned at once; the instance is
/// not validated here (see [`crate::io::validate`](mod@crate::io::validate), and [`SourceMap::locate`] for its paths).
pub fn import_dir(dir: &Path) -> Result<Imported, Vec<Problem>> {
    if !dir.is_dir() {
        return Err(vec![Problem::new(
            &dir.display().to_string(),
            None,
            None,
            "not a directory",
            "give the folder that holds settings.json and the CSV files",
        )]);
    }
    import_files(dir, &|file| std::fs::read(dir.join(file)))
}

/// A CSV folder as its files are read: `dir` names them in problems, `read` gives the contents of
/// the file of that name (an error of kind `NotFound` when it is missing).
struct Folder<'a> {
    dir: &'a Path,
    read: &'a dyn Fn(&str) -> std::io::Result<Vec<u8>>,
}

/// [`import_dir`] of a folder's files read by `read` (file name → contents, `NotFound` when
/// missing); `dir` only names them in problems. The fuzzer reads the folder from memory this way.
pub fn import_files(dir: &Path, read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>) -> Result<Imported, Vec<Problem>> {
    let mut problems = Vec::new();
    let folder = Folder { dir, read };
    let settings = read_settings(&folder, &mut problems);
    let theatre_rows = read_rows(&folder, &THEATRES, false, &mut problems);
    let surgeon_rows = read_rows(&folder, &SURGEONS, false, &mut problems);
    let duty_rows = read_rows(&folder, &DUTIES, true, &mut problems);
    let session_rows = read_rows(&folder, &SESSIONS, false, &mut problems);
    let procedure_rows = read_rows(&folder, &PROCEDURES, false, &mut problems);
    let mut source = SourceMap::default();
    let mut items = |kind: &str, table_file: &'static str, rows: &[Row]| {
        for (i, row) in rows.iter().enumerate() {
            source.items.insert(format!("{kind}[{i}]"), (table_file, row.line));
        }
    };
    items("theatres", THEATRES_FILE, &theatre_rows);
    items("surgeons", SURGEONS_FILE, &surgeon_rows);
    items("sessions", SESSIONS_FILE, &session_rows);
    items("procedures", PROCEDURES_FILE, &procedure_rows);

    let theatres: Vec<TheatreDto> = theatre_rows
        .iter()
        .map(|r| THEATRES.read_row(r, &mut problems))
        .collect();
    let mut surgeons: Vec<SurgeonDto> = Vec::new();
    let mut surgeon_ix: HashMap<String, usize> = HashMap::new();
    for row in &surgeon_rows {
        let surgeon = SURGEONS.read_row(row, &mut problems);
        surgeon_ix.entry(surgeon.id.clone()).or_insert(surgeons.len());
        surgeons.push(surgeon);
    }
    for row in &duty_rows {
        let duty = DUTIES.read_row(row, &mut problems);
        match surgeon_ix.get(&duty.surgeon) {
            Some(&s) => {
                let path = format!("surgeons[{s}].duties[{}]", surgeons[s].duties.len());
                source.items.insert(path, (DUTIES_FILE, row.line));
                surgeons[s].duties.push(duty.into_duty());
            }
            None if duty.surgeon.is_empty() => {}
            None => problems.push(Problem::new(
                DUTIES_FILE,
                Some(row.line),
                Some("surgeon".into()),
                format!("no surgeon '{}' in {SURGEONS_FILE}", duty.surgeon),
                "add the surgeon to surgeons.csv or correct the id",
            )),
        }
    }
    let sessions: Vec<SessionDto> = session_rows
        .iter()
        .map(|r| SESSIONS.read_row(r, &mut problems))
        .collect();
    let procedures = read_procedures(&procedure_rows, PROCEDURES_FILE, &mut problems);

    match settings {
        Some(s) if problems.is_empty() => Ok(Imported {
            instance: InstanceFile {
                format: s.format,
                trust: s.trust,
                timezone: s.timezone,
                horizon: s.horizon,
                rules: s.rules,
                objective: s.objective,
                theatres,
                surgeons,
                sessions,
                procedures,
            },
            source,
        }),
        _ => Err(problems),
    }
}

/// The cases of the rows of a procedures table (`file` names it in problems). A
/// `booked_notified` without a `booked_session` is a problem: a booking names its list.
fn read_procedures(rows: &[Row], file: &str, problems: &mut Vec<Problem>) -> Vec<ProcedureDto> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let p = PROCEDURES.read_row_in(row, file, problems);
        if p.booked.as_ref().is_some_and(|b| b.session.is_empty()) {
            problems.push(Problem::new(
                file,
                Some(row.line),
                Some("booked_notified".into()),
                "booked_notified is given but booked_session is empty",
                "name the list the case is booked into in booked_session, or leave both empty",
            ));
        }
        out.push(p);
    }
    out
}

/// Reads a CSV file of cases with the columns of the folder's `procedures.csv` (any order, the
/// same cells), e.g. the newly cancelled cases of `rebook restrike --new-cases`. Every problem
/// names the file by `path`, the line and the column.
pub fn import_procedures(path: &Path) -> Result<Vec<ProcedureDto>, Vec<Problem>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Problem::new(
            &name,
            None,
            None,
            format!("cannot read the file: {e}"),
            PROCEDURES.header_hint(),
        )]
    })?;
    let mut problems = Vec::new();
    let rows = parse_rows(&bytes, &name, &PROCEDURES, &mut problems);
    let procedures = read_procedures(&rows, &name, &mut problems);
    if problems.is_empty() {
        Ok(procedures)
    } else {
        Err(problems)
    }
}

struct Reader<'a> {
    problems: &'a mut Vec<Problem>,
    file: &'a str,
    line: u64,
}

impl Reader<'_> {
    fn problem(&mut self, column: &str, message: String, hint: &str) {
        let at = Some(column.to_string());
        self.problems
            .push(Problem::new(self.file, Some(self.line), at, message, hint));
    }

    fn text(&mut self, column: &str, cell: &str) -> String {
        if cell.is_empty() {
            self.problem(
                column,
                "the cell is empty".into(),
                "this column is required: fill it in",
            );
        }
        cell.to_string()
    }

    fn opt_text(&mut self, cell: &str) -> Option<String> {
        (!cell.is_empty()).then(|| cell.to_string())
    }

    fn int(&mut self, column: &str, cell: &str) -> i64 {
        match cell.parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                if cell.is_empty() {
                    self.problem(
                        column,
                        "the cell is empty".into(),
                        "give a whole number of minutes, e.g. 75",
                    );
                } else {
                    self.problem(
                        column,
                        format!("'{cell}' is not a whole number"),
                        "give a whole number without units or decimals, e.g. 75",
                    );
                }
                0
            }
        }
    }

    fn opt_int(&mut self, column: &str, cell: &str) -> Option<i64> {
        if cell.is_empty() {
            None
        } else {
            Some(self.int(column, cell))
        }
    }

    fn boolean(&mut self, column: &str, cell: &str) -> bool {
        match cell.to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "0" => false,
            "true" | "yes" | "1" => true,
            _ => {
                self.problem(
                    column,
                    format!("'{cell}' is not true or false"),
                    "write true or false (or leave the cell empty for false)",
                );
                false
            }
        }
    }

    fn list(&mut self, cell: &str) -> Vec<String> {
        cell.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn caps(&mut self, column: &str, cell: &str) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for part in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            match part.split_once('=') {
                Some((d, m)) => {
                    let minutes = self.int(column, m.trim());
                    out.insert(d.trim().to_string(), minutes);
                }
                None => self.problem(
                    column,
                    format!("'{part}' is not DATE=MINUTES"),
                    "write caps as 2016-05-03=300;2016-05-04=0",
                ),
            }
        }
        out
    }
}

/// Collects the values a CSV cell cannot carry back unchanged.
struct Writer<'a> {
    problems: &'a mut Vec<Problem>,
    file: &'static str,
    line: u64,
}

impl Writer<'_> {
    fn refuse(&mut self, column: &str, message: String) {
        let hint = "edit the instance: this value would not read back the same from CSV";
        let at = Some(column.to_string());
        self.problems
            .push(Problem::new(self.file, Some(self.line), at, message, hint));
    }

    fn text(&mut self, column: &str, v: &str) -> String {
        if v.trim() != v {
            self.refuse(column, format!("'{v}' starts or ends with spaces"));
        }
        v.to_string()
    }

    fn opt_text(&mut self, column: &str, v: &Option<String>) -> String {
        match v {
            Some(s) if s.is_empty() => {
                self.refuse(column, "an empty text (not the same as an absent value)".into());
                String::new()
            }
            Some(s) => self.text(column, s),
            None => String::new(),
        }
    }

    fn list(&mut self, column: &str, items: &[String]) -> String {
        for s in items {
            if s.is_empty() || s.contains(';') || s.trim() != s {
                self.refuse(
                    column,
                    format!("list item '{s}' is empty, holds ';' or has spaces at an end"),
                );
            }
        }
        items.join(";")
    }

    fn caps(&mut self, column: &str, caps: &BTreeMap<String, i64>) -> String {
        caps.iter()
            .map(|(d, m)| {
                if d.is_empty() || d.contains(';') || d.contains('=') || d.trim() != d {
                    self.refuse(
                        column,
                        format!("date key '{d}' is empty, holds ';' or '=' or has spaces"),
                    );
                }
                format!("{d}={m}")
            })
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// The CSV folder of an instance as (file name, bytes), or the values CSV could not carry back
/// unchanged.
pub fn export_files(inst: &InstanceFile) -> Result<Vec<(&'static str, Vec<u8>)>, Vec<Problem>> {
    let mut problems = Vec::new();
    let settings = Settings {
        format: inst.format.clone(),
        trust: inst.trust.clone(),
        timezone: inst.timezone.clone(),
        horizon: inst.horizon.clone(),
        rules: inst.rules.clone(),
        objective: inst.objective.clone(),
    };
    let settings_json = crate::io::json::pretty(&settings);

    // The line of the i-th data row, after the header.
    let line = |i: usize| i as u64 + 2;
    let theatre_rows: Vec<Vec<String>> = (inst.theatres.iter().enumerate())
        .map(|(i, t)| THEATRES.write_row(t, line(i), &mut problems))
        .collect();
    let mut surgeon_rows = Vec::new();
    let mut duty_rows = Vec::new();
    for (i, s) in inst.surgeons.iter().enumerate() {
        surgeon_rows.push(SURGEONS.write_row(s, line(i), &mut problems));
        for d in &s.duties {
            let row = DUTIES.write_row(&DutyRow::new(&s.id, d), line(duty_rows.len()), &mut problems);
            duty_rows.push(row);
        }
    }
    // Duties are matched to surgeons by id: with a repeated id they would all go to the first.
    let mut seen = std::collections::HashSet::new();
    for (i, s) in inst.surgeons.iter().enumerate() {
        if !seen.insert(s.id.as_str()) && !s.duties.is_empty() {
            problems.push(Problem::new(
                SURGEONS_FILE,
                Some(line(i)),
                Some("id".into()),
                format!("surgeon id '{}' is used twice and this one has duties", s.id),
                "make surgeon ids unique (rebook validate reports E101)",
            ));
        }
    }
    let session_rows: Vec<Vec<String>> = (inst.sessions.iter().enumerate())
        .map(|(i, k)| SESSIONS.write_row(k, line(i), &mut problems))
        .collect();
    let procedure_rows: Vec<Vec<String>> = (inst.procedures.iter().enumerate())
        .map(|(i, p)| PROCEDURES.write_row(p, line(i), &mut problems))
        .collect();

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(vec![
        (SETTINGS_FILE, settings_json),
        (THEATRES_FILE, THEATRES.bytes(&theatre_rows)),
        (SURGEONS_FILE, SURGEONS.bytes(&surgeon_rows)),
        (DUTIES_FILE, DUTIES.bytes(&duty_rows)),
        (SESSIONS_FILE, SESSIONS.bytes(&session_rows)),
        (PROCEDURES_FILE, PROCEDURES.bytes(&procedure_rows)),
    ])
}

/// Writes the CSV folder of `inst` into `dir` (created if missing), each file atomically; a
/// file this call wrote is removed again if a later one fails.
pub fn export_dir(inst: &InstanceFile, dir: &Path) -> Result<(), ExportError> {
    let files = export_files(inst).map_err(ExportError::Unrepresentable)?;
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Io(dir.display().to_string(), e))?;
    let pairs: Vec<(PathBuf, Vec<u8>)> = files.into_iter().map(|(name, bytes)| (dir.join(name), bytes)).collect();
    crate::io::write_all_or_nothing(&pairs).map_err(|(i, e)| ExportError::Io(pairs[i].0.display().to_string(), e))
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Values CSV cannot carry back unchanged; nothing was written.
    #[error("{} value(s) cannot be written to CSV unchanged", .0.len())]
    Unrepresentable(Vec<Problem>),
    /// A file or the folder, named by its path, could not be written; the files this export had
    /// already written were removed again.
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
}
