//! An independent scorer of the **surgical** cost of an IHTC-2024 solution, written from the
//! competition's specification, not from rebook's model: it reads the IHTC files directly.
//!
//! Surgical cost = `patient_delay` × Σ (admission day − release day)
//!              + `unscheduled_optional` × optional patients not admitted
//!              + `open_operating_theater` × (theatre, day) pairs with at least one surgery
//!              + `surgeon_transfer` × Σ over (surgeon, day) of (theatres used − 1).
//!
//! The transfer term follows SPEC.md section 7 (`theatre_switch`: distinct theatres − 1). The
//! competition's validator counts the same quantity; we also report the number of (surgeon, day)
//! pairs with any transfer, so a reading that charges once per pair can be compared.
//!
//! Surgical feasibility is checked too: every mandatory patient admitted by its due day, no
//! admission before release or after the horizon, theatre and surgeon minutes within their
//! availability, known ids, each patient once. Rooms and nurses are not checked.

use super::{IhtcInstance, IhtcSolution};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The surgical cost of an IHTC solution, term by term in cost points, with the counts behind
/// them and the surgical constraints it breaks.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Score {
    /// `patient_delay` × [`Score::delay_days`].
    pub delay: i64,
    /// `unscheduled_optional` × [`Score::unscheduled_count`].
    pub unscheduled_optional: i64,
    /// `open_operating_theater` × [`Score::open_count`].
    pub open_theaters: i64,
    /// `surgeon_transfer` × [`Score::transfer_count`].
    pub surgeon_transfers: i64,
    /// Weighted total of the four terms.
    pub total: i64,
    /// Σ (admission day − release day) over admitted patients, in days (unweighted).
    pub delay_days: i64,
    /// Optional patients not admitted.
    pub unscheduled_count: i64,
    /// (theatre, day) pairs with at least one surgery.
    pub open_count: i64,
    /// Σ over (surgeon, day) of (theatres used − 1).
    pub transfer_count: i64,
    /// (surgeon, day) pairs with more than one theatre.
    pub transfer_pairs: i64,
    /// Surgical hard constraints broken (empty for a feasible solution).
    pub violations: Vec<String>,
}

/// Each item's position in `items`, by its id.
fn positions<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a String) -> HashMap<&'a str, usize> {
    items.iter().enumerate().map(|(i, x)| (id(x).as_str(), i)).collect()
}

/// The surgical cost of `sol` on `inst`, term by term, and the hard constraints it breaks.
pub fn score(inst: &IhtcInstance, sol: &IhtcSolution) -> Score {
    let mut s = Score::default();
    let patients = positions(&inst.patients, |p| &p.id);
    let theaters = positions(&inst.operating_theaters, |t| &t.id);
    let surgeons = positions(&inst.surgeons, |x| &x.id);
    let mut admitted: Vec<Option<(i64, usize)>> = vec![None; inst.patients.len()];
    let mut seen = vec![false; inst.patients.len()];
    for d in &sol.patients {
        let Some(&p) = patients.get(d.id.as_str()) else {
            s.violations.push(format!("unknown patient {}", d.id));
            continue;
        };
        if std::mem::replace(&mut seen[p], true) {
            s.violations.push(format!("patient {} appears twice", d.id));
            continue;
        }
        let day = match d.day() {
            Ok(day) => day,
            Err(e) => {
                s.violations.push(e);
                continue;
            }
        };
        let Some(day) = day else { continue };
        let Some(t) = d.operating_theater.as_deref() else {
            s.violations.push(format!(
                "patient {} admitted on day {day} without an operating theater",
                d.id
            ));
            continue;
        };
        let Some(&t) = theaters.get(t) else {
            s.violations
                .push(format!("patient {}: unknown operating theater {t}", d.id));
            continue;
        };
        admitted[p] = Some((day, t));
    }
    let mut ot_load: BTreeMap<(usize, i64), i64> = BTreeMap::new();
    let mut surgeon_load: BTreeMap<(usize, i64), i64> = BTreeMap::new();
    let mut surgeon_ots: BTreeMap<(usize, i64), BTreeSet<usize>> = BTreeMap::new();
    for (p, pat) in inst.patients.iter().enumerate() {
        let Some((day, t)) = admitted[p] else {
            if pat.mandatory {
                s.violations
                    .push(format!("mandatory patient {} is not admitted", pat.id));
            } else {
                s.unscheduled_count += 1;
            }
            continue;
        };
        if day < pat.surgery_release_day {
            s.violations.push(format!(
                "patient {} admitted on day {day}, before release day {}",
                pat.id, pat.surgery_release_day
            ));
        }
        if day >= inst.days || day < 0 {
            s.violations.push(format!(
                "patient {} admitted on day {day}, outside 0..{}",
                pat.id, inst.days
            ));
            continue;
        }
        if pat.mandatory {
            if let Some(due) = pat.surgery_due_day {
                if day > due {
                    s.violations.push(format!(
                        "mandatory patient {} admitted on day {day}, after due day {due}",
                        pat.id
                    ));
                }
            }
        }
        s.delay_days += (day - pat.surgery_release_day).max(0);
        let surgeon = surgeons[pat.surgeon_id.as_str()];
        *ot_load.entry((t, day)).or_default() += pat.surgery_duration;
        *surgeon_load.entry((surgeon, day)).or_default() += pat.surgery_duration;
        surgeon_ots.entry((surgeon, day)).or_default().insert(t);
    }
    for (&(t, day), &load) in &ot_load {
        let cap = inst.operating_theaters[t].availability[day as usize];
        if load > cap {
            s.violations.push(format!(
                "operating theater {} on day {day}: {load} minutes of surgery, {cap} available",
                inst.operating_theaters[t].id
            ));
        }
    }
    for (&(x, day), &load) in &surgeon_load {
        let cap = inst.surgeons[x].max_surgery_time[day as usize];
        if load > cap {
            s.violations.push(format!(
                "surgeon {} on day {day}: {load} minutes of surgery, at most {cap}",
                inst.surgeons[x].id
            ));
        }
    }
    s.open_count = ot_load.len() as i64;
    for ots in surgeon_ots.values() {
        if ots.len() > 1 {
            s.transfer_count += ots.len() as i64 - 1;
            s.transfer_pairs += 1;
        }
    }
    let w = &inst.weights;
    s.delay = s.delay_days * w.patient_delay;
    s.unscheduled_optional = s.unscheduled_count * w.unscheduled_optional;
    s.open_theaters = s.open_count * w.open_operating_theater;
    s.surgeon_transfers = s.transfer_count * w.surgeon_transfer;
    s.total = s.delay + s.unscheduled_optional + s.open_theaters + s.surgeon_transfers;
    s
}
