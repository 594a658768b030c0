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
