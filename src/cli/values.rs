//! Parsers of option values that several commands share (clap's `value_parser`), each with the
//! wording of its usage error.

use crate::strategy;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// A number of seconds, 0 or more (`--time-limit`).
pub fn non_negative_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds (0 or more)")),
    }
}

/// Seconds of the time limit: the one given, or 30 s, or with a work limit of `W` units
/// `3 W + 10` s, a safety net above what the work normally takes even on a busy machine.
pub fn time_limit(given: Option<f64>, work_limit: Option<f64>) -> f64 {
    given.unwrap_or_else(|| work_limit.map_or(30.0, |w| 3.0 * w + 10.0))
}

/// A fraction between 0 and 1 (`--gap`).
pub fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a fraction between 0 and 1 (0.005 = 0.5 %)")),
    }
}

/// A strategy name from the registry ([`strategy::NAMES`]), blanks around it ignored
/// (`--strategies "fifo, mip"`); anything else is clap's usage error, which lists the names.
#[derive(Clone)]
pub struct StrategyName;

impl TypedValueParser for StrategyName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let trimmed = value.to_str().map_or(value, |v| std::ffi::OsStr::new(v.trim()));
        PossibleValuesParser::new(strategy::NAMES).parse_ref(cmd, arg, trimmed)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(strategy::NAMES.iter().map(PossibleValue::new)))
    }
}
