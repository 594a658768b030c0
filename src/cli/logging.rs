//! Log lines on stderr with `tracing`: how much is shown (`-v`, `-q`, `RUST_LOG`), where it goes
//! (stderr only, never stdout or an output file), and the batch events every command that solves
//! trusts logs. While a progress bar is drawn, each log line is written with the bar hidden for
//! the moment, so a line and the bar never share a row of the terminal.

use crate::batch::{summary, Event};
use crate::strategy::SolverLog;
use indicatif::ProgressBar;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

/// The progress bar drawn on stderr now, if any: log lines are written around it.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// The filter of `-v`/`-q`: errors only with `quiet`; otherwise warnings, and with each `-v` one
/// level more of rebook's own events (info, debug, trace). Other crates stay at warnings.
pub fn directives(verbose: u8, quiet: bool) -> String {
    if quiet {
        return "error".into();
    }
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    format!("warn,rebook={level}")
}

/// Starts logging to stderr. `RUST_LOG`, when set and not empty, wins over `-v`/`-q` (an
/// invalid one is named on stderr and the flags are used instead). Called once, before the
/// command runs; a second call changes nothing.
pub fn init(verbose: u8, quiet: bool) {
    let from_flags = || EnvFilter::new(directives(verbose, quiet));
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::try_new(&spec).unwrap_or_else(|e| {
            eprintln!("warning: RUST_LOG={spec:?} is not a log filter ({e}); using -v/-q instead");
            from_flags()
        }),
        _ => from_flags(),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| BelowBar)
        .with_ansi(false)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .try_init();
}

/// Writes log lines around the progress bar shown now: `bar` is hidden while each line is
/// written, then drawn again below it. Until [`hide_bar`], every log line goes through it.
pub fn show_bar(bar: &ProgressBar) {
    *BAR.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
}

/// The bar of [`show_bar`] is gone: log lines go straight to stderr again.
pub fn hide_bar() {
    *BAR.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Stderr, with the progress bar (if one is shown) suspended while a line is written. The fmt
/// layer writes each event with one `write_all`, so a line is never split around a redraw.
struct BelowBar;

impl Write for BelowBar {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A clone, so the lock is not held while indicatif redraws.
        let bar = BAR.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match bar {
            Some(bar) => bar.suspend(|| std::io::stderr().lock().write_all(buf))?,
            None => std::io::stderr().lock().write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// `--solver-log FILE`: creates (or empties) the file HiGHS's own log goes to, when the command
/// line is read, so a path that cannot be written is a usage error naming it before any work.
pub fn solver_log_file(path: &str) -> Result<SolverLog, String> {
    SolverLog::create(Path::new(path)).map_err(|e| format!("cannot create the solver log {path}: {e}"))
}

/// Logs one event of a batch: a trust started (debug), a trust finished with its strategy,
/// status, solver status, objective, gap and seconds (info).
pub fn batch_event(event: &Event<'_>) {
    match event {
        Event::Started { task, .. } => {
            tracing::debug!(file = %task.path.display(), strategy = %task.strategy.name(), "trust started");
        }
        Event::Finished { result, .. } => {
            if !tracing::enabled!(tracing::Level::INFO) {
                return;
            }
            let row = summary::row(result);
            tracing::info!(
                file = %result.path.display(),
                trust = %row.trust,
                strategy = %row.strategy,
                status = %row.status.as_str(),
                solver_status = %row.solver_status,
                objective = %row.objective.map_or_else(String::new, |o| o.to_string()),
                gap = %row.gap.map_or_else(String::new, |g| format!("{g:.4}")),
                seconds = %format_args!("{:.2}", result.seconds),
                "trust finished"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_flag_is_one_level() {
        assert_eq!(directives(0, false), "warn,rebook=warn");
        assert_eq!(directives(1, false), "warn,rebook=info");
        assert_eq!(directives(2, false), "warn,rebook=debug");
        assert_eq!(directives(3, false), "warn,rebook=trace");
        assert_eq!(directives(9, false), "warn,rebook=trace");
        assert_eq!(directives(0, true), "error");
        for v in 0..4 {
            assert!(EnvFilter::try_new(directives(v, false)).is_ok());
        }
    }
}
