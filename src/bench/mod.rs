//! Benchmark runners: a strategy run over a benchmark suite and compared with reference values
//! ([`ihtc`]), and how the MIP's cost grows with the size of one trust ([`scale`]).

pub mod ihtc;
pub mod scale;
