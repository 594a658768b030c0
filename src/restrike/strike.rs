//! The lists a strike takes: named in a file, or drawn with a seed.
//!
//! The draw: for each strike date, the sessions of the re-planning instance on that date, sorted
//! by id, are shuffled (Fisher–Yates) by the generator's own random stream
//! ([`crate::generate::rng::Rng::for_part`]) for the part `restrike/<trust id>/<date>` of the
//! seed, and the first `round(share × n)` are lost (a half rounds up). So the same seed gives the
//! same lists on every machine, each trust and date draws independently (adding a date or a
//! trust to a run does not change the others), and every kind of list may be lost: owned lists
//! and extra lists alike.

use super::options::{RestrikeError, Strike};
use crate::generate::rng::Rng;
use crate::io::instance::{InstanceFile, SessionDto};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The ids of the sessions the strike takes among `sessions` (the re-planning instance's, dated
/// from `today` to `end`). `past` maps the ids of the published sessions before `today` to their
/// dates, to say why such an id cannot be lost.
pub fn lost(
    trust: &str,
    sessions: &[SessionDto],
    past: &BTreeMap<String, String>,
    strike: &Strike,
    today: NaiveDate,
    end: NaiveDate,
) -> Result<BTreeSet<String>, RestrikeError> {
    let mut problems = Vec::new();
    let lost = match strike {
        Strike::None => BTreeSet::new(),
        Strike::Lost(ids) => {
            let known: BTreeSet<&str> = sessions.iter().map(|k| k.id.as_str()).collect();
            let mut lost = BTreeSet::new();
            for id in ids {
                if known.contains(id.as_str()) {
                    lost.insert(id.clone());
                } else if let Some(date) = past.get(id) {
                    problems.push(format!(
                        "lost session '{id}' is on {date}, before --today {today}: it cannot be lost any more"
                    ));
                } else {
                    problems.push(format!("lost session '{id}' is not a session of trust {trust}"));
                }
            }
            lost
        }
        Strike::Draw { dates, share, seed } => {
            if !(0.0..=1.0).contains(share) {
                problems.push(format!("--share {share} is not a fraction between 0 and 1"));
            }
            for d in dates {
                if *d < today || *d > end {
                    problems.push(format!(
                        "strike date {d} is outside the re-planning horizon {today} to {end}"
                    ));
                }
            }
            if problems.is_empty() {
                draw_lost(trust, sessions, dates, *share, *seed)
            } else {
                BTreeSet::new()
            }
        }
    };
    if problems.is_empty() {
        Ok(lost)
    } else {
        Err(RestrikeError::Strike(problems))
    }
}

/// The seeded draw of the module documentation: on each of `dates`, `round(share × n)` of the
/// `n` sessions of that date are lost. Deterministic in (`trust`, each date, `share`, `seed`).
pub fn draw_lost(trust: &str, sessions: &[SessionDto], dates: &[NaiveDate], share: f64, seed: u64) -> BTreeSet<String> {
    let dates: BTreeSet<NaiveDate> = dates.iter().copied().collect();
    let mut lost = BTreeSet::new();
    for date in dates {
        let day = date.to_string();
        let mut ids: Vec<&str> = (sessions.iter())
            .filter(|k| k.date == day)
            .map(|k| k.id.as_str())
            .collect();
        ids.sort_unstable();
        let take = (share.clamp(0.0, 1.0) * ids.len() as f64).round() as usize;
        let mut rng = Rng::for_part(seed, &format!("restrike/{trust}/{day}"));
        rng.shuffle(&mut ids);
        lost.extend(ids.into_iter().take(take).map(str::to_string));
    }
    lost
}

/// Splits the lost session ids of a batch (`--lost` with a folder) by trust: each id must be a
/// session of exactly one of `files` (by id; whether it is dated before today is checked per
/// trust). The result has one list per file, in the order of `files`.
pub fn lost_by_trust(files: &[&InstanceFile], ids: &[String]) -> Result<Vec<Vec<String>>, RestrikeError> {
    let mut out = vec![Vec::new(); files.len()];
    let mut problems = Vec::new();
    for id in ids {
        let holders: Vec<usize> = (0..files.len())
            .filter(|&f| files[f].sessions.iter().any(|k| k.id == *id))
            .collect();
        match holders.as_slice() {
            [] => problems.push(format!("lost session '{id}' is not a session of any trust of the batch")),
            [f] => out[*f].push(id.clone()),
            many => problems.push(format!(
                "lost session '{id}' is a session of several trusts ({}): give each trust's lost lists in a run of its own",
                many.iter()
                    .map(|&f| files[f].trust.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(RestrikeError::Strike(problems))
    }
}
