//! Small number formats shared by the tables, summaries and reports.

/// An integer with thousands separators: `22832` → `22,832`, `-1500` → `-1,500`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Rounded to two decimals.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Minutes as compact hours: `781` → `13h01`.
pub fn hours_minutes(m: i64) -> String {
    format!("{}h{:02}", m / 60, m % 60)
}

/// The plural ending of a count: `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(22832), "22,832");
        assert_eq!(thousands(-1500), "-1,500");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(round2(15.045_1), 15.05);
        assert_eq!(hours_minutes(781), "13h01");
        assert_eq!((plural(1), plural(0), plural(2)), ("", "s", "s"));
    }
}
