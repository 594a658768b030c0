//! rebook: reschedules elective surgery cancelled by a strike, without pushing any surgeon past
//! safe working hours.
#![forbid(unsafe_code)]

pub mod batch;
pub mod bench;
pub mod check;
pub mod cli;
pub mod generate;
pub mod io;
pub mod metrics;
pub mod model;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod stats;
pub mod strategy;
pub mod text;
