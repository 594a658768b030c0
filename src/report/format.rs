//! The number and date formats of the pages (charts and tables alike).

pub(super) use crate::text::thousands;

/// Minutes as hours and minutes: `750` → `12 h 30 min`, `780` → `13 h`.
pub(super) fn minutes(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let m = m.abs();
    match (m / 60, m % 60) {
        (0, r) => format!("{sign}{r} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, r) => format!("{sign}{h} h {r} min"),
    }
}

/// Hours (fractional) as hours and minutes.
pub(super) fn hours(h: f64) -> String {
    if h.is_finite() {
        minutes((h * 60.0).round() as i64)
    } else {
        "–".into()
    }
}

/// A date for people: `Tue 3 May 2016`.
pub(super) fn day(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// An optional number with one decimal, or a dash.
pub(super) fn opt1(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(minutes(750), "12 h 30 min");
        assert_eq!(minutes(780), "13 h");
        assert_eq!(minutes(45), "45 min");
        assert_eq!(hours(61.5), "61 h 30 min");
    }
}
