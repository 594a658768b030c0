//! The one JSON reader of every format: serde with the field path of the first problem.
//!
//! Instance and schedule files, the CSV folder's `settings.json`, IHTC instances and solutions and
//! the generator's parameters all go through [`parse`], so a bad value is reported the same way
//! everywhere: `at procedures[0].duration: invalid type: …`, or `at top level: …` when the
//! problem is the document itself (empty, truncated at the start, a missing top-level field).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON text that does not fit the expected type: where, and what serde_json said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {}: {message}", self.place())]
pub struct JsonError {
    /// The field path of the problem (`sessions[2].end`), empty at the top level.
    pub path: String,
    /// serde_json's message, which ends with the line and column.
    pub message: String,
    /// The line of the problem, counted from 1 (0 when serde_json does not know it).
    pub line: usize,
}

impl JsonError {
    /// The field path, or `top level` for the document itself.
    pub fn place(&self) -> &str {
        if self.path.is_empty() {
            "top level"
        } else {
            &self.path
        }
    }
}

/// Parses `text` as a `T`; the error names the field path where it stopped.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        // serde_path_to_error writes the empty path as ".".
        let path = e.path().to_string();
        let inner = e.into_inner();
        JsonError {
            path: if path == "." { String::new() } else { path },
            message: inner.to_string(),
            line: inner.line(),
        }
    })
}

/// `value` as rebook writes a JSON file: pretty, with a final newline.
pub fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("rebook's file types always serialise");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        n: i64,
    }

    #[test]
    fn errors_name_the_field_path_or_the_top_level() {
        let e = parse::<Doc>("{\"items\": [{\"n\": 1}, {\"n\": \"two\"}]}").unwrap_err();
        assert_eq!(e.path, "items[1].n");
        assert_eq!(e.line, 1);
        assert!(
            e.to_string().starts_with("at items[1].n: invalid type: string \"two\""),
            "{e}"
        );
        let e = parse::<Doc>("{}").unwrap_err();
        assert_eq!(e.path, "");
        assert_eq!(e.to_string(), "at top level: missing field `items` at line 1 column 2");
        assert_eq!(parse::<Doc>("{\"items\": []}").unwrap().items.len(), 0);
    }
}
