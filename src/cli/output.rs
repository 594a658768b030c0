//! Standard output that survives a closed pipe: `rebook … | head` must not panic, and must not
//! stop a command before it has written its files and chosen its exit code.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output turned out to be a closed pipe.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes a line to standard output. When stdout is a closed pipe, the line and every later one
/// are dropped quietly instead of panicking, and the command goes on: its files are still written
/// and its exit code still says what happened.
pub fn stdout_line(args: std::fmt::Arguments) {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|_| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// Writes `text` as it is (no newline added) to standard output; a closed pipe is not an error,
/// as in [`stdout_line`].
pub fn stdout_text(text: &str) {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// `println!` through [`stdout_line`]: the only way the CLI writes a line to stdout.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout_line(format_args!($($arg)*))
    };
}
