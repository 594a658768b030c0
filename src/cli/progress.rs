//! Progress of a batch on stderr: an indicatif bar on a terminal (done, running and failed trusts),
//! one plain line per finished trust otherwise (logs, CI, pipes). When the run is stopped (Ctrl-C,
//! SIGTERM) it says so at once, even with `--quiet`: the user pressed a key and waits for an answer.

use crate::batch::{Event, Outcome};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A bar (stderr is a terminal).
    Bar,
    /// One line per finished task.
    Lines,
    /// Nothing.
    Quiet,
}

impl Mode {
    /// A bar on a terminal, plain lines otherwise, nothing when `quiet`.
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

#[derive(Default)]
struct State {
    /// Running tasks: index → label.
    running: BTreeMap<usize, String>,
    done: usize,
    failed: usize,
    interrupted: usize,
}

/// Reports the [`Event`]s of [`crate::batch::run`]: pass `|e| progress.observe(e)` as the observer.
pub struct Progress {
    total: usize,
    mode: Mode,
    with_strategy: bool,
    bar: Option<ProgressBar>,
    state: Mutex<State>,
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Progress {
    /// `total` tasks; `with_strategy` names the strategy in each label (comparisons).
    pub fn new(total: usize, mode: Mode, with_strategy: bool) -> Self {
        let bar = (mode == Mode::Bar).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            super::logging::show_bar(&bar);
            bar
        });
        Progress {
            total,
            mode,
            with_strategy,
            bar,
            state: Mutex::new(State::default()),
        }
    }

    fn label(&self, path: &std::path::Path, strategy: &str) -> String {
        if self.with_strategy {
            format!("{} {strategy}", stem(path))
        } else {
            stem(path)
        }
    }

    fn message(st: &State) -> String {
        let running: Vec<&str> = st.running.values().map(String::as_str).collect();
        let failed = if st.failed > 0 {
            format!(", {} failed", st.failed)
        } else {
            String::new()
        };
        let interrupted = if st.interrupted > 0 {
            format!(", {} interrupted", st.interrupted)
        } else {
            String::new()
        };
        format!("done{failed}{interrupted}; running: {}", running.join(", "))
    }

    /// Records one event (called from the worker threads).
    pub fn observe(&self, event: Event<'_>) {
        super::logging::batch_event(&event);
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::Started { index, task } => {
                st.running.insert(index, self.label(task.path, task.strategy.name()));
            }
            Event::Finished { index, result } => {
                st.running.remove(&index);
                st.done += 1;
                let what = match &result.outcome {
                    Outcome::Solved { schedule, .. } => format!("solved, objective {}", schedule.objective),
                    Outcome::Invalid { .. } => {
                        st.failed += 1;
                        "INVALID input".to_string()
                    }
                    Outcome::Failed { .. } => {
                        st.failed += 1;
                        "FAILED".to_string()
                    }
                    Outcome::Interrupted { .. } => {
                        st.interrupted += 1;
                        "interrupted".to_string()
                    }
                };
                if self.mode == Mode::Lines {
                    eprintln!(
                        "[{}/{}] {}: {what} ({:.1} s)",
                        st.done,
                        self.total,
                        self.label(&result.path, &result.strategy),
                        result.seconds
                    );
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
        }
        if let Some(bar) = &self.bar {
            bar.set_message(Self::message(&st));
        }
    }

    /// Says the run is stopping (the first Ctrl-C or SIGTERM): how many runs finished and are
    /// being written, and how to quit at once.
    pub fn stopping(&self) {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let finished = st.done - st.interrupted;
        drop(st);
        let what = if self.with_strategy { "run(s)" } else { "trust(s)" };
        let line = format!(
            "stopping: {finished} of {} {what} finished are being written, the others recorded as interrupted; Ctrl-C again to quit at once",
            self.total
        );
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bar (before the final report is printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            super::logging::hide_bar();
            bar.finish_and_clear();
        }
    }
}
