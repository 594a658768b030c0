//! Ctrl-C (SIGINT) and SIGTERM (what Slurm and Kubernetes send before SIGKILL) during a batch.
//!
//! The first signal raises the run's [`StopFlag`]: no further trust starts, the solves under way
//! return within about a second, and the command writes what was finished and records the rest as
//! `interrupted` (exit code 130, `cli::INTERRUPTED`). A second signal quits at once:
//! the temporary file of a write under way is removed ([`crate::io::abandon_writes`]) and the
//! process exits with the same code, waiting for nothing.
//!
//! Only the command line installs handlers; the library never does (its users raise their own
//! [`StopFlag`]).

use crate::strategy::StopFlag;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// What to do on the first signal, besides raising the flag (say so on stderr).
type Notice = Box<dyn Fn() + Send>;

/// The signal handling of one command, installed by [`install`] for the rest of the process
/// (the handlers are never removed: a signal after the command's end still stops nothing
/// half-written).
pub struct Interrupts {
    stop: StopFlag,
    notice: Arc<Mutex<Option<Notice>>>,
}

impl Interrupts {
    /// The flag the first signal raises: give it to the run ([`crate::strategy::SolveOptions`]).
    pub fn stop(&self) -> StopFlag {
        self.stop.clone()
    }

    /// Sets what the first signal prints (replacing the previous notice).
    pub fn on_stop(&self, notice: impl Fn() + Send + 'static) {
        *self.notice.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(notice));
    }
}

/// Listens for SIGINT and SIGTERM on a thread of its own; a second signal exits with
/// `exit_code`. When the handlers cannot be installed (no signal support), says so and goes on
/// without them: a signal then stops the process the default way.
pub fn install(exit_code: u8) -> Interrupts {
    let stop = StopFlag::default();
    let notice: Arc<Mutex<Option<Notice>>> = Arc::new(Mutex::new(None));
    let interrupts = Interrupts {
        stop: stop.clone(),
        notice: notice.clone(),
    };
    let mut signals = match Signals::new([SIGINT, SIGTERM]) {
        Ok(s) => s,
        Err(e) => {
            unhandled(&e);
            return interrupts;
        }
    };
    let listener = std::thread::Builder::new()
        .name("rebook-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if !stop.is_raised() {
                    stop.raise();
                    // On a thread of its own: a blocked stderr must not delay a second signal.
                    let notice = notice.clone();
                    let _ = std::thread::Builder::new().spawn(move || {
                        if let Some(notice) = notice.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                            notice();
                        }
                    });
                } else {
                    quit_now(signal, exit_code);
                }
            }
        });
    if let Err(e) = listener {
        unhandled(&e);
    }
    interrupts
}

/// Says that signals will stop the process the default way.
fn unhandled(e: &std::io::Error) {
    eprintln!(
        "warning: cannot handle Ctrl-C and SIGTERM ({e}): a signal will stop rebook without writing what was finished"
    );
}

/// The second signal: removes what unfinished writes left and exits, without waiting for the
/// solves, the writes or the other threads (no destructors run).
fn quit_now(signal: i32, exit_code: u8) -> ! {
    let removed = crate::io::abandon_writes();
    let what = if signal == SIGTERM { "SIGTERM" } else { "Ctrl-C" };
    let note = if removed.is_empty() {
        String::new()
    } else {
        format!(" ({} unfinished file(s) removed)", removed.len())
    };
    // Not eprintln!, which panics when stderr is closed: the exit below must happen.
    let _ = writeln!(
        std::io::stderr(),
        "{what} again: quitting at once; nothing more is written{note}"
    );
    signal_hook::low_level::exit(i32::from(exit_code))
}
