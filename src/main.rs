//! The `rebook` command line: a thin binary over the library (see [`rebook::cli`]).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    rebook::cli::main()
}
