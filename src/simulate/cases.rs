//! New cancellations of a round: a seeded resample of the trust's own case mix.
//!
//! A round cancels `round(rate × strike days × scale)` more cases in each trust (`rate`: the
//! round's new cases per strike day for an average trust; `scale`: the trust's size against an
//! average trust). Each is a copy of a case of the trust's batch file drawn uniformly (with
//! replacement), given a new id (`sim-r<round>-<n>`) and a new patient, and cancelled on a strike
//! day drawn uniformly: every date of the copy (`referral`, `listed`, `earliest`, the patient's
//! `unavailable` dates) moves with its `original_date` onto that day, so waits since referral
//! and listing keep the batch's profile. It is announced ahead (`cancelled_on_day` false),
//! cancelled once, without a booking, and without a hard `deadline` (a deadline is a clinical
//! fact of one patient that a resampled copy cannot know; the priority carries the urgency).
//! `earliest` is at least the day after its strike day.
//!
//! The draws depend only on (seed, round, trust): the stream
//! `Rng::for_part(seed, "simulate/new-cases/<trust>/round-<k>")`, never on a strategy, so every
//! strategy meets the same new cases (common random numbers).

use super::calendar::shift;
use crate::generate::rng::Rng;
use crate::io::instance::{InstanceFile, ProcedureDto};
use crate::model::time::parse_date;
use chrono::NaiveDate;

/// How many cases a round cancels in a trust: `rate × days × scale`, rounded (a half up).
pub fn count(rate: f64, days: usize, scale: f64) -> usize {
    let n = rate * days as f64 * scale;
    if n.is_finite() && n > 0.0 {
        n.round() as usize
    } else {
        0
    }
}

/// The id of new case `n` (from 1) of round `round`.
pub fn new_id(round: usize, n: usize) -> String {
    format!("sim-r{round:02}-{n:04}")
}

/// The new cases of round `round` (from 1) in the trust of `source` (its batch file): `how_many`
/// copies of its cases, cancelled on `strike_dates`, drawn with `seed`.
pub fn new_cases(
    source: &InstanceFile,
    round: usize,
    strike_dates: &[NaiveDate],
    how_many: usize,
    seed: u64,
) -> Vec<ProcedureDto> {
    if source.procedures.is_empty() || strike_dates.is_empty() {
        return Vec::new();
    }
    let trust = &source.trust.id;
    let start = parse_date(&source.horizon.start);
    let mut rng = Rng::for_part(seed, &format!("simulate/new-cases/{trust}/round-{round}"));
    (1..=how_many)
        .map(|n| {
            let src = &source.procedures[rng.below(source.procedures.len() as u64) as usize];
            let day = strike_dates[rng.below(strike_dates.len() as u64) as usize];
            copy(src, trust, round, n, day, start)
        })
        .collect()
}

/// Case `src` cancelled on `day` as new case `n` of `round`: its dates moved by the days from its
/// own original date (else the day before its `earliest`, else before the batch's `start`) to
/// `day`.
fn copy(
    src: &ProcedureDto,
    trust: &str,
    round: usize,
    n: usize,
    day: NaiveDate,
    start: Option<NaiveDate>,
) -> ProcedureDto {
    let date = |s: &Option<String>| s.as_deref().and_then(parse_date);
    let own = (date(&src.original_date))
        .or_else(|| date(&src.earliest).map(|d| shift(d, -1)))
        .or_else(|| start.map(|d| shift(d, -1)))
        .unwrap_or(day);
    let by = (day - own).num_days();
    let moved = |s: &Option<String>| date(s).map(|d| shift(d, by).to_string());
    let after = shift(day, 1);
    let earliest = date(&src.earliest).map_or(after, |d| shift(d, by).max(after));
    ProcedureDto {
        id: new_id(round, n),
        patient: Some(format!("sim-patient-{trust}-r{round:02}-{n:04}")),
        specialty: src.specialty.clone(),
        name: src.name.clone(),
        duration: src.duration,
        surgeon: src.surgeon.clone(),
        priority: src.priority.clone(),
        referral: moved(&src.referral),
        listed: moved(&src.listed),
        original_date: Some(day.to_string()),
        cancelled_on_day: false,
        earliest: Some(earliest.to_string()),
        deadline: None,
        unavailable: (src.unavailable.iter())
            .filter_map(|d| parse_date(d))
            .map(|d| shift(d, by).to_string())
            .collect(),
        booked: None,
        times_cancelled: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_half_up_and_never_go_negative() {
        assert_eq!(count(37.5, 3, 1.0), 113);
        assert_eq!(count(37.5, 2, 1.0), 75);
        assert_eq!(count(0.5, 1, 1.0), 1);
        assert_eq!(count(-1.0, 3, 1.0), 0);
        assert_eq!(count(f64::NAN, 3, 1.0), 0);
    }
}
