//! Benchmark runners: a strategy run over a benchmark suite and compared with reference values.

pub mod ihtc;
