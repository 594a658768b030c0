//! Benchmark runners: a strategy run over a benchmark suite and compared with reference values
//! ([`ihtc`]), how the MIP's cost grows with the size of one trust ([`scale`]), and what a solved
//! national batch adds up to, on one machine and split into shards ([`national`]).

pub mod ihtc;
pub mod national;
pub mod scale;
