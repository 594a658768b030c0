//! Instances as a folder of CSV files, for people who keep theatre lists in a spreadsheet.
//!
//! | file | one row per | columns (* = required) |
//! |---|---|---|
//! | `settings.json` | — | `format`*, `trust`*, `timezone`, `horizon`*, `rules`, `objective` (as in the JSON instance) |
//! | `theatres.csv` | theatre | `id`*, `site`, `specialties`* |
//! | `surgeons.csv` | consultant | `id`*, `name`, `specialties`*, `unavailable`, `max_operating_minutes` |
//! | `duties.csv` (optional) | fixed duty | `surgeon`*, `date`*, `start`*, `end`*, `kind` |
//! | `sessions.csv` | theatre list | `id`*, `theatre`*, `date`*, `start`*, `end`*, `free_minutes`, `surgeon`, `specialty`, `shared`, `open_cost` |
//! | `procedures.csv` | cancelled case | `id`*, `patient`, `specialty`*, `name`, `duration`*, `surgeon`, `priority`*, `referral`, `listed`, `original_date`, `cancelled_on_day`, `earliest`, `deadline`, `unavailable` |
//!
//! Columns may come in any order; an unknown column is an error (a typo must not be ignored).
//! Lists (`specialties`, `unavailable`) are separated by `;`, caps by date are `DATE=MINUTES;…`,
//! booleans are `true`/`false` (also `yes`/`no`, `1`/`0`), an empty cell is an absent value.
//! Cells are trimmed. Every problem names the file, the line and the column.

use crate::io::instance::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub const SETTINGS_FILE: &str = "settings.json";
pub const THEATRES_FILE: &str = "theatres.csv";
pub const SURGEONS_FILE: &str = "surgeons.csv";
pub const DUTIES_FILE: &str = "duties.csv";
pub const SESSIONS_FILE: &str = "sessions.csv";
pub const PROCEDURES_FILE: &str = "procedures.csv";

type Columns = &'static [(&'static str, bool)];

/// Each file's columns in the order the exporter writes them, and whether they are required.
pub const THEATRE_COLUMNS: Columns = &[("id", true), ("site", false), ("specialties", true)];
pub const SURGEON_COLUMNS: Columns = &[
    ("id", true),
    ("name", false),
    ("specialties", true),
    ("unavailable", false),
    ("max_operating_minutes", false),
];
pub const DUTY_COLUMNS: Columns = &[
    ("surgeon", true),
    ("date", true),
    ("start", true),
    ("end", true),
    ("kind", false),
];
pub const SESSION_COLUMNS: Columns = &[
    ("id", true),
    ("theatre", true),
    ("date", true),
    ("start", true),
    ("end", true),
    ("free_minutes", false),
    ("surgeon", false),
    ("specialty", false),
    ("shared", false),
    ("open_cost", false),
];
pub const PROCEDURE_COLUMNS: Columns = &[
    ("id", true),
    ("patient", false),
    ("specialty", true),
    ("name", false),
    ("duration", true),
    ("surgeon", false),
    ("priority", true),
    ("referral", false),
    ("listed", false),
    ("original_date", false),
    ("cancelled_on_day", false),
    ("earliest", false),
    ("deadline", false),
    ("unavailable", false),
];

/// `settings.json`: everything of an instance that is not a table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub format: String,
    pub trust: TrustDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub horizon: HorizonDto,
    #[serde(default, skip_serializing_if = "RulesDto::is_empty")]
    pub rules: RulesDto,
    #[serde(default, skip_serializing_if = "ObjectiveDto::is_empty")]
    pub objective: ObjectiveDto,
}

/// One problem with the CSV folder, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
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
    pub instance: InstanceFile,
    pub source: SourceMap,
}

struct Row {
    line: u64,
    cells: Vec<String>,
}

struct Table {
    columns: Columns,
    rows: Vec<Row>,
}

struct Reader<'a> {
    problems: &'a mut Vec<Problem>,
    file: &'static str,
    line: u64,
}

impl Reader<'_> {
    fn problem(&mut self, column: &str, message: String, hint: &str) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: Some(self.line),
            column: Some(column.to_string()),
            message,
            hint: hint.to_string(),
        });
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

fn read_table(dir: &Path, file: &'static str, columns: Columns, optional: bool, problems: &mut Vec<Problem>) -> Table {
    let mut table = Table {
        columns,
        rows: Vec::new(),
    };
    let file_problem =
        |problems: &mut Vec<Problem>, line: Option<u64>, column: Option<String>, message: String, hint: String| {
            problems.push(Problem {
                file: file.to_string(),
                line,
                column,
                message,
                hint,
            })
        };
    let header_hint = || {
        format!(
            "the first line names the columns: {}",
            columns
                .iter()
                .map(|(c, req)| if *req { format!("{c}*") } else { c.to_string() })
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let bytes = match std::fs::read(dir.join(file)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && optional => return table,
        Err(e) => {
            file_problem(
                problems,
                None,
                None,
                format!("cannot read {}: {e}", dir.join(file).display()),
                format!("put {file} in the folder; {}", header_hint()),
            );
            return table;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut index: Vec<Option<usize>> = Vec::new(); // file column -> spec column
    let mut header_len = 0;
    for (n, record) in reader.byte_records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                file_problem(
                    problems,
                    line,
                    None,
                    format!("not readable as CSV: {e}"),
                    "save the sheet as CSV (comma-separated, UTF-8)".into(),
                );
                return table;
            }
        };
        let line = record.position().map_or(n as u64 + 1, |p| p.line());
        let mut cells: Vec<String> = Vec::with_capacity(record.len());
        let mut bad_utf8 = false;
        for (k, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => cells.push(s.trim().to_string()),
                Err(_) => {
                    let column = if n == 0 {
                        format!("{}", k + 1)
                    } else {
                        index
                            .get(k)
                            .copied()
                            .flatten()
                            .map_or(format!("{}", k + 1), |c| columns[c].0.to_string())
                    };
                    file_problem(
                        problems,
                        Some(line),
                        Some(column),
                        "the cell is not UTF-8 text".into(),
                        "save the sheet as CSV UTF-8".into(),
                    );
                    bad_utf8 = true;
                    cells.push(String::new());
                }
            }
        }
        if n == 0 {
            header_len = cells.len();
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (k, name) in cells.iter().enumerate() {
                let name = name.to_ascii_lowercase();
                match columns.iter().position(|(c, _)| *c == name) {
                    Some(c) => {
                        if let Some(first) = seen.insert(name.clone(), k) {
                            file_problem(
                                problems,
                                Some(line),
                                Some(name.clone()),
                                format!("column '{name}' appears twice (columns {} and {})", first + 1, k + 1),
                                "keep one of them".into(),
                            );
                            index.push(None);
                        } else {
                            index.push(Some(c));
                        }
                    }
                    None => {
                        file_problem(
                            problems,
                            Some(line),
                            Some(if name.is_empty() {
                                format!("{}", k + 1)
                            } else {
                                name.clone()
                            }),
                            format!("unknown column '{name}'"),
                            header_hint(),
                        );
                        index.push(None);
                    }
                }
            }
            for (c, required) in columns {
                if *required && !seen.contains_key(*c) {
                    file_problem(
                        problems,
                        Some(line),
                        Some(c.to_string()),
                        format!("the required column '{c}' is missing"),
                        header_hint(),
                    );
                }
            }
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if cells.len() != header_len {
            file_problem(
                problems,
                Some(line),
                None,
                format!("the row has {} cells but the header has {header_len}", cells.len()),
                "put quotes around cells that contain a comma, and give every row the header's columns".into(),
            );
            continue;
        }
        if bad_utf8 {
            continue;
        }
        let mut row = vec![String::new(); columns.len()];
        for (k, cell) in cells.into_iter().enumerate() {
            if let Some(c) = index[k] {
                row[c] = cell;
            }
        }
        table.rows.push(Row { line, cells: row });
    }
    if index.is_empty() {
        file_problem(problems, Some(1), None, "the file is empty".into(), header_hint());
    }
    table
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.columns.iter().position(|(c, _)| *c == name).expect("known column")
    }
}

fn read_settings(dir: &Path, problems: &mut Vec<Problem>) -> Option<Settings> {
    let path = dir.join(SETTINGS_FILE);
    let hint = "settings.json holds format, trust, horizon and optionally timezone, rules and objective, as in a JSON instance";
    let text = match std::fs::read(&path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => {
                problems.push(Problem {
                    file: SETTINGS_FILE.into(),
                    line: None,
                    column: None,
                    message: "the file is not UTF-8 text".into(),
                    hint: "save it as UTF-8 JSON".into(),
                });
                return None;
            }
        },
        Err(e) => {
            problems.push(Problem {
                file: SETTINGS_FILE.into(),
                line: None,
                column: None,
                message: format!("cannot read {}: {e}", path.display()),
                hint: hint.into(),
            });
            return None;
        }
    };
    match crate::io::json::parse::<Settings>(&text) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.push(Problem {
                file: SETTINGS_FILE.into(),
                line: Some(e.line as u64),
                column: None,
                // The problem's place, unless it is the whole file.
                message: if e.path.is_empty() { e.message } else { e.to_string() },
                hint: hint.into(),
            });
            None
        }
    }
}

/// Reads a CSV folder into an instance. Every problem found is returned at once; the instance is
/// not validated here (see [`crate::io::validate`], and [`SourceMap::locate`] for its paths).
pub fn import_dir(dir: &Path) -> Result<Imported, Vec<Problem>> {
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return Err(vec![Problem {
            file: dir.display().to_string(),
            line: None,
            column: None,
            message: "not a directory".into(),
            hint: "give the folder that holds settings.json and the CSV files".into(),
        }]);
    }
    let settings = read_settings(dir, &mut problems);
    let theatres_t = read_table(dir, THEATRES_FILE, THEATRE_COLUMNS, false, &mut problems);
    let surgeons_t = read_table(dir, SURGEONS_FILE, SURGEON_COLUMNS, false, &mut problems);
    let duties_t = read_table(dir, DUTIES_FILE, DUTY_COLUMNS, true, &mut problems);
    let sessions_t = read_table(dir, SESSIONS_FILE, SESSION_COLUMNS, false, &mut problems);
    let procedures_t = read_table(dir, PROCEDURES_FILE, PROCEDURE_COLUMNS, false, &mut problems);
    let mut source = SourceMap::default();

    let mut theatres = Vec::new();
    for row in &theatres_t.rows {
        let mut r = Reader {
            problems: &mut problems,
            file: THEATRES_FILE,
            line: row.line,
        };
        let c = |n: &str| row.cells[theatres_t.col(n)].as_str();
        source
            .items
            .insert(format!("theatres[{}]", theatres.len()), (THEATRES_FILE, row.line));
        theatres.push(TheatreDto {
            id: r.text("id", c("id")),
            site: r.opt_text(c("site")),
            specialties: r.list(c("specialties")),
        });
    }

    let mut surgeons: Vec<SurgeonDto> = Vec::new();
    let mut surgeon_ix: HashMap<String, usize> = HashMap::new();
    for row in &surgeons_t.rows {
        let mut r = Reader {
            problems: &mut problems,
            file: SURGEONS_FILE,
            line: row.line,
        };
        let c = |n: &str| row.cells[surgeons_t.col(n)].as_str();
        let id = r.text("id", c("id"));
        surgeon_ix.entry(id.clone()).or_insert(surgeons.len());
        source
            .items
            .insert(format!("surgeons[{}]", surgeons.len()), (SURGEONS_FILE, row.line));
        surgeons.push(SurgeonDto {
            id,
            name: r.opt_text(c("name")),
            specialties: r.list(c("specialties")),
            duties: Vec::new(),
            unavailable: r.list(c("unavailable")),
            max_operating_minutes: r.caps("max_operating_minutes", c("max_operating_minutes")),
        });
    }
    for row in &duties_t.rows {
        let mut r = Reader {
            problems: &mut problems,
            file: DUTIES_FILE,
            line: row.line,
        };
        let c = |n: &str| row.cells[duties_t.col(n)].as_str();
        let who = r.text("surgeon", c("surgeon"));
        let duty = DutyDto {
            date: r.text("date", c("date")),
            start: r.text("start", c("start")),
            end: r.text("end", c("end")),
            kind: r.opt_text(c("kind")),
        };
        match surgeon_ix.get(&who) {
            Some(&s) => {
                let path = format!("surgeons[{s}].duties[{}]", surgeons[s].duties.len());
                source.items.insert(path, (DUTIES_FILE, row.line));
                surgeons[s].duties.push(duty);
            }
            None if who.is_empty() => {}
            None => r.problem(
                "surgeon",
                format!("no surgeon '{who}' in {SURGEONS_FILE}"),
                "add the surgeon to surgeons.csv or correct the id",
            ),
        }
    }

    let mut sessions = Vec::new();
    for row in &sessions_t.rows {
        let mut r = Reader {
            problems: &mut problems,
            file: SESSIONS_FILE,
            line: row.line,
        };
        let c = |n: &str| row.cells[sessions_t.col(n)].as_str();
        source
            .items
            .insert(format!("sessions[{}]", sessions.len()), (SESSIONS_FILE, row.line));
        sessions.push(SessionDto {
            id: r.text("id", c("id")),
            theatre: r.text("theatre", c("theatre")),
            date: r.text("date", c("date")),
            start: r.text("start", c("start")),
            end: r.text("end", c("end")),
            free_minutes: r.opt_int("free_minutes", c("free_minutes")),
            surgeon: r.opt_text(c("surgeon")),
            specialty: r.opt_text(c("specialty")),
            shared: r.boolean("shared", c("shared")),
            open_cost: r.opt_int("open_cost", c("open_cost")).unwrap_or(0),
        });
    }

    let mut procedures = Vec::new();
    for row in &procedures_t.rows {
        let mut r = Reader {
            problems: &mut problems,
            file: PROCEDURES_FILE,
            line: row.line,
        };
        let c = |n: &str| row.cells[procedures_t.col(n)].as_str();
        source
            .items
            .insert(format!("procedures[{}]", procedures.len()), (PROCEDURES_FILE, row.line));
        procedures.push(ProcedureDto {
            id: r.text("id", c("id")),
            patient: r.opt_text(c("patient")),
            specialty: r.text("specialty", c("specialty")),
            name: r.opt_text(c("name")),
            duration: r.int("duration", c("duration")),
            surgeon: r.opt_text(c("surgeon")),
            priority: r.text("priority", c("priority")),
            referral: r.opt_text(c("referral")),
            listed: r.opt_text(c("listed")),
            original_date: r.opt_text(c("original_date")),
            cancelled_on_day: r.boolean("cancelled_on_day", c("cancelled_on_day")),
            earliest: r.opt_text(c("earliest")),
            deadline: r.opt_text(c("deadline")),
            unavailable: r.list(c("unavailable")),
        });
    }

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

/// Collects the values a CSV cell cannot carry back unchanged.
struct Writer<'a> {
    problems: &'a mut Vec<Problem>,
    file: &'static str,
    line: u64,
}

impl Writer<'_> {
    fn refuse(&mut self, column: &str, message: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: Some(self.line),
            column: Some(column.to_string()),
            message,
            hint: "edit the instance: this value would not read back the same from CSV".into(),
        });
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

fn csv_bytes(columns: Columns, rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(columns.iter().map(|(c, _)| *c))
        .expect("writing to memory");
    for r in rows {
        w.write_record(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
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
    let mut settings_json = serde_json::to_vec_pretty(&settings).expect("settings serialise");
    settings_json.push(b'\n');

    let line = |i: usize| i as u64 + 2;
    let mut rows = Vec::new();
    for (i, t) in inst.theatres.iter().enumerate() {
        let mut w = Writer {
            problems: &mut problems,
            file: THEATRES_FILE,
            line: line(i),
        };
        rows.push(vec![
            w.text("id", &t.id),
            w.opt_text("site", &t.site),
            w.list("specialties", &t.specialties),
        ]);
    }
    let theatres = csv_bytes(THEATRE_COLUMNS, &rows);

    let mut rows = Vec::new();
    let mut duty_rows = Vec::new();
    for (i, s) in inst.surgeons.iter().enumerate() {
        let mut w = Writer {
            problems: &mut problems,
            file: SURGEONS_FILE,
            line: line(i),
        };
        rows.push(vec![
            w.text("id", &s.id),
            w.opt_text("name", &s.name),
            w.list("specialties", &s.specialties),
            w.list("unavailable", &s.unavailable),
            w.caps("max_operating_minutes", &s.max_operating_minutes),
        ]);
        for d in &s.duties {
            let mut w = Writer {
                problems: &mut problems,
                file: DUTIES_FILE,
                line: line(duty_rows.len()),
            };
            duty_rows.push(vec![
                w.text("surgeon", &s.id),
                w.text("date", &d.date),
                w.text("start", &d.start),
                w.text("end", &d.end),
                w.opt_text("kind", &d.kind),
            ]);
        }
    }
    let surgeons = csv_bytes(SURGEON_COLUMNS, &rows);
    let duties = csv_bytes(DUTY_COLUMNS, &duty_rows);
    // Duties are matched to surgeons by id: with a repeated id they would all go to the first.
    let mut seen = std::collections::HashSet::new();
    for (i, s) in inst.surgeons.iter().enumerate() {
        if !seen.insert(s.id.as_str()) && !s.duties.is_empty() {
            problems.push(Problem {
                file: SURGEONS_FILE.into(),
                line: Some(line(i)),
                column: Some("id".into()),
                message: format!("surgeon id '{}' is used twice and this one has duties", s.id),
                hint: "make surgeon ids unique (rebook validate reports E101)".into(),
            });
        }
    }

    let mut rows = Vec::new();
    for (i, k) in inst.sessions.iter().enumerate() {
        let mut w = Writer {
            problems: &mut problems,
            file: SESSIONS_FILE,
            line: line(i),
        };
        rows.push(vec![
            w.text("id", &k.id),
            w.text("theatre", &k.theatre),
            w.text("date", &k.date),
            w.text("start", &k.start),
            w.text("end", &k.end),
            k.free_minutes.map(|m| m.to_string()).unwrap_or_default(),
            w.opt_text("surgeon", &k.surgeon),
            w.opt_text("specialty", &k.specialty),
            k.shared.to_string(),
            k.open_cost.to_string(),
        ]);
    }
    let sessions = csv_bytes(SESSION_COLUMNS, &rows);

    let mut rows = Vec::new();
    for (i, p) in inst.procedures.iter().enumerate() {
        let mut w = Writer {
            problems: &mut problems,
            file: PROCEDURES_FILE,
            line: line(i),
        };
        rows.push(vec![
            w.text("id", &p.id),
            w.opt_text("patient", &p.patient),
            w.text("specialty", &p.specialty),
            w.opt_text("name", &p.name),
            p.duration.to_string(),
            w.opt_text("surgeon", &p.surgeon),
            w.text("priority", &p.priority),
            w.opt_text("referral", &p.referral),
            w.opt_text("listed", &p.listed),
            w.opt_text("original_date", &p.original_date),
            p.cancelled_on_day.to_string(),
            w.opt_text("earliest", &p.earliest),
            w.opt_text("deadline", &p.deadline),
            w.list("unavailable", &p.unavailable),
        ]);
    }
    let procedures = csv_bytes(PROCEDURE_COLUMNS, &rows);

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(vec![
        (SETTINGS_FILE, settings_json),
        (THEATRES_FILE, theatres),
        (SURGEONS_FILE, surgeons),
        (DUTIES_FILE, duties),
        (SESSIONS_FILE, sessions),
        (PROCEDURES_FILE, procedures),
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
    #[error("{} value(s) cannot be written to CSV unchanged", .0.len())]
    Unrepresentable(Vec<Problem>),
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
}
