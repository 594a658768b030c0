//! Every file format, and nothing else: the instance JSON ([`instance`]) and its collect-all
//! validation into the domain model ([`validate`](mod@validate)), the schedule JSON and its assignments CSV
//! ([`schedule`]), the CSV folder for spreadsheets ([`csv`]), the IHTC-2024 benchmark files
//! ([`ihtc`]), the one JSON reader with field paths ([`json`]), safe output names and
//! write-all-or-nothing file writes.

pub mod csv;
pub mod ihtc;
pub mod instance;
pub mod json;
pub mod schedule;
pub mod spreadsheet;
pub mod validate;

use crate::io::validate::{validate, Code, Diagnostic};
use crate::model::Instance;
use std::path::{Path, PathBuf};

/// An instance file that was read and validated.
pub struct Loaded {
    /// The file as given.
    pub path: PathBuf,
    /// `None` when the file has errors.
    pub instance: Option<Instance>,
    /// Every error and warning, errors first (one error when the file could not be read or parsed).
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// A file that could not be read or parsed: its one error.
    fn failed(path: &Path, code: Code, json_path: String, message: String, hint: &str) -> Loaded {
        Loaded {
            path: path.to_path_buf(),
            instance: None,
            diagnostics: vec![Diagnostic {
                code,
                path: json_path,
                message,
                hint: hint.to_string(),
            }],
        }
    }

    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Reads, parses and validates one instance file. Never panics, whatever the bytes.
pub fn load_instance(path: &Path) -> Loaded {
    match std::fs::read(path) {
        Ok(bytes) => load_instance_bytes(path, bytes),
        Err(e) => Loaded::failed(
            path,
            Code::E001Unreadable,
            String::new(),
            format!("cannot read the file: {e}"),
            "check the path and permissions",
        ),
    }
}

/// [`load_instance`] of a file's contents already read (`path` only names it): parses and
/// validates them. Never panics, whatever the bytes.
pub fn load_instance_bytes(path: &Path, bytes: Vec<u8>) -> Loaded {
    let fail = |code: Code, json_path: String, message: String, hint: &str| {
        Loaded::failed(path, code, json_path, message, hint)
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return fail(
                Code::E002Malformed,
                String::new(),
                format!("the file is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
                "save the instance as UTF-8 JSON",
            )
        }
    };
    match json::parse::<instance::InstanceFile>(&text) {
        Err(e) => fail(
            Code::E002Malformed,
            e.path,
            e.message,
            "fix the JSON at that place (see SPEC.md section 2 for the fields)",
        ),
        Ok(file) => {
            let v = validate(&file);
            let errors = v.diagnostics.iter().filter(|d| d.is_error()).count();
            tracing::info!(
                file = %path.display(),
                trust = %file.trust.id,
                procedures = file.procedures.len(),
                sessions = file.sessions.len(),
                surgeons = file.surgeons.len(),
                theatres = file.theatres.len(),
                errors,
                warnings = v.diagnostics.len() - errors,
                "instance read and validated"
            );
            Loaded {
                path: path.to_path_buf(),
                instance: v.instance,
                diagnostics: v.diagnostics,
            }
        }
    }
}

/// The instance files named by `paths`: files as given, directories' `*.json` files sorted by
/// name (not recursive).
pub fn instance_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list the directory: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "json"))
                // rebook's own outputs, when a batch is solved into its own directory.
                .filter(|f| {
                    !f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(".schedule.json") || n == "summary.json")
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: the directory holds no .json instance file", p.display()));
            }
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

/// A file-name stem derived from an id that cannot escape the output directory: letters,
/// digits, `-`, `_` and `.` are kept (no leading dot), everything else becomes `_`.
pub fn safe_stem(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push('_');
    }
    s.truncate(120);
    s
}

/// Writes every `(path, bytes)` pair atomically, in order, or none of them: when one fails, the
/// files this call already wrote are removed again. The error names the index of the file that
/// failed and why. [`abandon_writes`] also removes the files of a call it interrupts.
pub fn write_all_or_nothing<P: AsRef<Path>>(files: &[(P, Vec<u8>)]) -> Result<(), (usize, std::io::Error)> {
    let written: Vec<&Path> = files.iter().map(|(p, _)| p.as_ref()).collect();
    for (i, (path, bytes)) in files.iter().enumerate() {
        if let Err(e) = write_file(path.as_ref(), bytes, true) {
            let mut unfinished = unfinished();
            unfinished.forget(&written[..i]);
            for done in &written[..i] {
                let _ = std::fs::remove_file(done);
            }
            return Err((i, e));
        }
    }
    unfinished().forget(&written);
    for (path, bytes) in files {
        tracing::info!(file = %path.as_ref().display(), bytes = bytes.len(), "written");
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over the target, so a crash or Ctrl-C never leaves a half-written file.
/// [`abandon_writes`] removes the temporary file of a write it interrupts.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file(path, bytes, false)?;
    tracing::info!(file = %path.display(), bytes = bytes.len(), "written");
    Ok(())
}

/// The files unfinished writes have on disk: temporary files, and the files a
/// [`write_all_or_nothing`] still under way has renamed into place. Guarded by one lock, taken
/// only to create or rename a file, never while writing one.
struct Unfinished {
    paths: Vec<PathBuf>,
    /// Set by [`abandon_writes`]: no file is created or renamed into place any more.
    abandoned: bool,
}

static UNFINISHED: std::sync::Mutex<Unfinished> = std::sync::Mutex::new(Unfinished {
    paths: Vec::new(),
    abandoned: false,
});

fn unfinished() -> std::sync::MutexGuard<'static, Unfinished> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

impl Unfinished {
    fn forget(&mut self, done: &[&Path]) {
        self.paths.retain(|p| !done.contains(&p.as_path()));
    }

    fn refuse(&self) -> std::io::Result<()> {
        if self.abandoned {
            Err(std::io::Error::other("writing was abandoned: the process is stopping"))
        } else {
            Ok(())
        }
    }
}

/// Stops every write of this process for good, for a process about to exit at once (a second
/// Ctrl-C): removes the temporary file of every write under way and the files an unfinished
/// [`write_all_or_nothing`] has already put in place (all or nothing), and makes every later
/// [`write_atomic`] and [`write_all_or_nothing`] fail without touching the disk. Returns the
/// files it removed.
pub fn abandon_writes() -> Vec<PathBuf> {
    let mut unfinished = unfinished();
    unfinished.abandoned = true;
    let removed = std::mem::take(&mut unfinished.paths);
    for path in &removed {
        let _ = std::fs::remove_file(path);
    }
    removed
}

/// [`write_atomic`]; with `in_group`, the file stays recorded as unfinished once in place, until
/// its [`write_all_or_nothing`] ends.
fn write_file(path: &Path, bytes: &[u8], in_group: bool) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    // Created and recorded under the lock, so that abandon_writes never misses it.
    let mut file = {
        let mut unfinished = unfinished();
        unfinished.refuse()?;
        let file = std::fs::File::create(&tmp)?;
        unfinished.paths.push(tmp.clone());
        file
    };
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    drop(file);
    let mut unfinished = unfinished();
    unfinished.forget(&[&tmp]);
    let result = written
        .and_then(|_| unfinished.refuse())
        .and_then(|_| std::fs::rename(&tmp, path));
    match result {
        Ok(()) if in_group => unfinished.paths.push(path.to_path_buf()),
        Ok(()) => {}
        Err(_) => {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_never_escape() {
        for id in ["../../etc/passwd", "/abs", "..", ".", "", "a/b\\c", "RVV"] {
            let s = safe_stem(id);
            assert!(
                !s.contains('/') && !s.contains('\\') && !s.starts_with('.') && !s.is_empty(),
                "{id} -> {s}"
            );
        }
        assert_eq!(safe_stem("RVV"), "RVV");
    }
}
