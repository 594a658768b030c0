//! Named scenarios. Sizes are derived from `../shared/DOMAIN.md` ("Strike volumes", "The Kent
//! trusts of the April 2016 strike"); the derivations are written out in `instances/README.md`
//! and `docs/GENERATOR.md`.

use super::params::{date, GenerateError, OrthopaedicCentre, Params, Site, TrustSpec};
use crate::generate::rng::apportion;

/// The named scenarios and what each is for.
pub const SCENARIOS: [(&str, &str); 5] = [
    (
        "kent-2016-04",
        "the four Kent trusts after the 26–27 April 2016 full walkout (bundled in instances/kent-2016-04)",
    ),
    (
        "national-2023-04",
        "about 140 acute trusts and 20,470 cancelled inpatient procedures after the April 2023 strike",
    ),
    (
        "national-2024-01",
        "the same 140 trusts and about 30,700 cancelled inpatient and day cases after the six-day January 2024 strike, over 8 weeks",
    ),
    ("small", "two small trusts over two weeks, for tests"),
    ("stress", "eight of the largest trusts (320 cases each), for benchmarks"),
];

/// The parameters of a named scenario.
pub fn scenario(name: &str) -> Result<Params, GenerateError> {
    match name {
        "kent-2016-04" => Ok(kent_2016_04()),
        "national-2023-04" => Ok(national_2023_04()),
        "national-2024-01" => Ok(national_2024_01()),
        "small" => Ok(small()),
        "stress" => Ok(stress()),
        _ => Err(GenerateError::UnknownScenario {
            name: name.to_string(),
            known: SCENARIOS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
        }),
    }
}

fn site(code: &str, name: &str) -> Site {
    Site {
        code: code.to_string(),
        name: name.to_string(),
    }
}

/// Operations postponed in the 26–27 April 2016 walkout (12,711) over about 140 acute trusts:
/// 90.8 for an average trust. DOMAIN.md lines 44 and 59.
const KENT_AVERAGE_TRUST_CASES: f64 = 12_711.0 / 140.0;

/// The four Kent trusts: East Kent ×2 (the largest, three sites, 25–35 theatres: the top of the
/// 1.5–2× DOMAIN gives the largest trusts), Maidstone and Tunbridge Wells ×1.5, Medway and
/// Dartford ×1 (10–14 theatres each). Theatres modelled: 45 % of the midpoint of DOMAIN's
/// estimate, rounded up (the rest are fully booked after the strike).
pub fn kent_2016_04() -> Params {
    let cases = |scale: f64| (KENT_AVERAGE_TRUST_CASES * scale).round() as u32;
    let theatres = |lo: f64, hi: f64| (0.45 * (lo + hi) / 2.0).ceil() as u32;
    Params {
        scenario: "kent-2016-04".to_string(),
        horizon_start: date(2016, 4, 28),
        horizon_weeks: 6,
        strike_dates: vec![date(2016, 4, 26), date(2016, 4, 27)],
        trusts: vec![
            TrustSpec {
                id: "RVV".into(),
                name: Some("East Kent Hospitals University NHS Foundation Trust".into()),
                file_stem: Some("east-kent-RVV".into()),
                sites: vec![
                    site("KCH", "Kent and Canterbury Hospital"),
                    site("WHH", "William Harvey Hospital, Ashford"),
                    site("QEQM", "Queen Elizabeth The Queen Mother Hospital, Margate"),
                ],
                cases: cases(2.0),
                theatres: theatres(25.0, 35.0),
                orthopaedic_centre: Some(OrthopaedicCentre {
                    site: "KCH".into(),
                    theatres: 4,
                }),
                surgeons_per_specialty: None,
            },
            TrustSpec {
                id: "RWF".into(),
                name: Some("Maidstone and Tunbridge Wells NHS Trust".into()),
                file_stem: Some("maidstone-tunbridge-wells-RWF".into()),
                sites: vec![
                    site("MGH", "Maidstone Hospital"),
                    site("TWH", "Tunbridge Wells Hospital, Pembury"),
                ],
                cases: cases(1.5),
                theatres: theatres(20.0, 25.0),
                orthopaedic_centre: Some(OrthopaedicCentre {
                    site: "MGH".into(),
                    theatres: 3,
                }),
                surgeons_per_specialty: None,
            },
            TrustSpec {
                id: "RPA".into(),
                name: Some("Medway NHS Foundation Trust".into()),
                file_stem: Some("medway-RPA".into()),
                sites: vec![site("MMH", "Medway Maritime Hospital, Gillingham")],
                cases: cases(1.0),
                theatres: theatres(10.0, 14.0),
                orthopaedic_centre: None,
                surgeons_per_specialty: None,
            },
            TrustSpec {
                id: "RN7".into(),
                name: Some("Dartford and Gravesham NHS Trust".into()),
                file_stem: Some("dartford-gravesham-RN7".into()),
                sites: vec![
                    site("DVH", "Darent Valley Hospital, Dartford"),
                    site("QMS", "Queen Mary's Hospital, Sidcup"),
                ],
                cases: cases(1.0),
                theatres: theatres(10.0, 14.0),
                orthopaedic_centre: None,
                surgeons_per_specialty: None,
            },
        ],
        ..Params::default()
    }
}

/// April 2023: 20,470 inpatient procedures rescheduled (DOMAIN.md line 45) over about 140 acute
/// trusts (line 59): 146 a trust on average, i.e. 35–40 a strike day over the four-day strike
/// (line 58). Trust sizes spread from about 0.5× to 1.9× the average (line 59: 1.5–2× for the
/// largest), the same for every seed; theatres modelled = cases / 15 (as Medway in the Kent
/// batch), 4 to 16.
pub fn national_2023_04() -> Params {
    let trusts = national_trusts(NATIONAL_2023_04_CASES, |n| {
        let sites = if n < 120 {
            1
        } else if n < 220 {
            2
        } else {
            3
        };
        (sites, ((n as f64 / 15.0).round() as u32).clamp(4, 16))
    });
    Params {
        scenario: "national-2023-04".to_string(),
        // The strike ran from 07:00 on Tuesday 11 April to 07:00 on Saturday 15 April 2023; the
        // horizon is the six weeks from the following Monday.
        horizon_start: date(2023, 4, 17),
        horizon_weeks: 6,
        strike_dates: vec![
            date(2023, 4, 11),
            date(2023, 4, 12),
            date(2023, 4, 13),
            date(2023, 4, 14),
        ],
        trusts,
        ..Params::default()
    }
}

/// Acute trusts in England (DOMAIN.md line 59).
const NATIONAL_TRUSTS: usize = 140;

/// Inpatient procedures rescheduled after the four-day April 2023 strike (DOMAIN.md line 45).
const NATIONAL_2023_04_CASES: usize = 20_470;

/// The April 2023 strike lasted four days (07:00 Tuesday 11 to 07:00 Saturday 15 April).
const NATIONAL_2023_04_DAYS: usize = 4;

/// The January 2024 strike lasted six days (07:00 Wednesday 3 to 07:00 Tuesday 9 January;
/// DOMAIN.md lines 45 and 49).
const NATIONAL_2024_01_DAYS: usize = 6;

/// Cancelled inpatient and day cases of the January 2024 strike (est.). DOMAIN.md gives its
/// six days' 113,779 acute appointments (lines 45–46) but no count of operations, so April 2023's
/// daily rate (20,470 over four days = 5,117.5 a day) is carried over six days: 30,705, 27 % of
/// those appointments. The weekend of 6–7 January counts at the rate of the strike's weekdays,
/// so this is the upper end: the four weekdays alone would give 20,470 again.
pub const NATIONAL_2024_01_CASES: usize = NATIONAL_2023_04_CASES * NATIONAL_2024_01_DAYS / NATIONAL_2023_04_DAYS;

/// The synthetic trusts `NT001`… of the national scenarios: `cases` spread over
/// [`NATIONAL_TRUSTS`] by a fixed low-discrepancy spread (the same for every seed and every
/// scenario, so trust *i* has the same share of every national strike), with `shape(cases)` =
/// (sites, theatres modelled).
fn national_trusts(cases: usize, shape: impl Fn(usize) -> (usize, u32)) -> Vec<TrustSpec> {
    // A fixed low-discrepancy spread (golden-ratio sequence), skewed towards smaller trusts.
    let golden = 0.618_033_988_749_894_9_f64;
    let weights: Vec<f64> = (0..NATIONAL_TRUSTS)
        .map(|i| 0.5 + 1.5 * ((i as f64 + 1.0) * golden).fract().powf(1.6))
        .collect();
    let sizes = apportion(cases, &weights);
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let id = format!("NT{:03}", i + 1);
            let (n_sites, theatres) = shape(n);
            TrustSpec {
                id: id.clone(),
                name: Some(format!("Synthetic acute trust {:03}", i + 1)),
                file_stem: None,
                sites: (0..n_sites)
                    .map(|k| {
                        let letter = (b'A' + k as u8) as char;
                        site(
                            &format!("{id}{letter}"),
                            &format!("Synthetic hospital {:03}{letter}", i + 1),
                        )
                    })
                    .collect(),
                cases: n as u32,
                theatres,
                orthopaedic_centre: None,
                surgeons_per_specialty: None,
            }
        })
        .collect()
}

/// January 2024: the six-day strike of resident doctors (07:00 Wednesday 3 to 07:00 Tuesday
/// 9 January; DOMAIN.md line 49), [`NATIONAL_2024_01_CASES`] = 30,705 cancelled cases (est., the
/// April 2023 daily rate over six days) over the same 140 trusts with the same spread: each trust
/// has 1.5× its April 2023 cases (about 100 to 410; 219 on average). Theatres modelled = cases / 15
/// as in April 2023, 4 to 28 (est.: East Kent's 25–35 theatres, line 64, bound the largest);
/// 1 site below 150 cases, 2 below 300, else 3. Horizon (est.): eight weeks from Wednesday
/// 10 January, two more than in April for half as many cases again; it runs past the next strike
/// (24–28 February, lines 49–51), which the plan made in January does not know of (re-planning,
/// SPEC.md section 8, is how it meets it). No bank holiday falls in it.
pub fn national_2024_01() -> Params {
    let trusts = national_trusts(NATIONAL_2024_01_CASES, |n| {
        let sites = 1 + usize::from(n >= 150) + usize::from(n >= 300);
        (sites, ((n as f64 / 15.0).round() as u32).clamp(4, 28))
    });
    Params {
        scenario: "national-2024-01".to_string(),
        horizon_start: date(2024, 1, 10),
        horizon_weeks: 8,
        // The strike's weekdays: the original dates of the cancelled lists (the generator's
        // elective lists run on weekdays; 6–7 January was a weekend).
        strike_dates: vec![date(2024, 1, 3), date(2024, 1, 4), date(2024, 1, 5), date(2024, 1, 8)],
        trusts,
        ..Params::default()
    }
}

/// Two small trusts over the fortnight after the 2016 walkout (NHS England's stated aim is
/// rebooking within 2 weeks, DOMAIN.md line 22): fast enough for property tests.
pub fn small() -> Params {
    Params {
        scenario: "small".to_string(),
        horizon_weeks: 2,
        trusts: vec![
            TrustSpec {
                id: "SM1".into(),
                name: Some("Small synthetic trust 1".into()),
                file_stem: None,
                sites: vec![site("SMA", "Small hospital A")],
                cases: 24,
                theatres: 3,
                orthopaedic_centre: None,
                surgeons_per_specialty: Some(1),
            },
            TrustSpec {
                id: "SM2".into(),
                name: Some("Small synthetic trust 2".into()),
                file_stem: None,
                sites: vec![site("SMB", "Small hospital B"), site("SMC", "Small hospital C")],
                cases: 36,
                theatres: 4,
                orthopaedic_centre: None,
                surgeons_per_specialty: None,
            },
        ],
        ..Params::default()
    }
}

/// Eight of the largest trusts: 40 procedures a strike day over a four-day strike, ×2 for the
/// largest trusts (DOMAIN.md lines 58–59) = 320 cases each, 16 theatres on three sites.
pub fn stress() -> Params {
    Params {
        scenario: "stress".to_string(),
        trusts: (1..=8)
            .map(|i| {
                let id = format!("ST{i}");
                TrustSpec {
                    id: id.clone(),
                    name: Some(format!("Large synthetic trust {i}")),
                    file_stem: None,
                    sites: ["A", "B", "C"]
                        .iter()
                        .map(|l| site(&format!("{id}{l}"), &format!("Large hospital {i}{l}")))
                        .collect(),
                    cases: 320,
                    theatres: 16,
                    orthopaedic_centre: Some(OrthopaedicCentre {
                        site: format!("{id}A"),
                        theatres: 4,
                    }),
                    surgeons_per_specialty: None,
                }
            })
            .collect(),
        ..Params::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_derivations() {
        let kent = kent_2016_04();
        let sizes: Vec<(u32, u32)> = kent.trusts.iter().map(|t| (t.cases, t.theatres)).collect();
        assert_eq!(sizes, vec![(182, 14), (136, 11), (91, 6), (91, 6)]);
        assert_eq!(kent.horizon_end(), date(2016, 6, 8));
        let national = national_2023_04();
        assert_eq!(national.trusts.len(), 140);
        assert_eq!(national.trusts.iter().map(|t| t.cases).sum::<u32>(), 20_470);
        let max = national.trusts.iter().map(|t| t.cases).max().unwrap();
        let min = national.trusts.iter().map(|t| t.cases).min().unwrap();
        assert!(max <= 2 * 147 && min >= 60, "{min}..{max}");
        let january = national_2024_01();
        assert_eq!(january.trusts.len(), 140);
        assert_eq!(NATIONAL_2024_01_CASES, 30_705);
        assert_eq!(january.trusts.iter().map(|t| t.cases).sum::<u32>(), 30_705);
        assert_eq!(january.horizon_end(), date(2024, 3, 5));
        // The same trusts, each with 1.5× its April 2023 cases (to one case of rounding).
        for (a, j) in national.trusts.iter().zip(&january.trusts) {
            assert_eq!(a.id, j.id);
            assert!(
                (j.cases as f64 - 1.5 * a.cases as f64).abs() <= 1.0,
                "{}: {} {}",
                a.id,
                a.cases,
                j.cases
            );
        }
        let max = january.trusts.iter().map(|t| t.cases).max().unwrap();
        let min = january.trusts.iter().map(|t| t.cases).min().unwrap();
        assert!(max <= 2 * 220 && min >= 90, "{min}..{max}");
        assert!(january.trusts.iter().all(|t| (4..=28).contains(&t.theatres)));
        for (name, _) in SCENARIOS {
            scenario(name).unwrap().check().unwrap();
        }
        assert!(scenario("nope").is_err());
    }

    #[test]
    fn every_trust_of_january_2024_validates_without_a_warning() {
        let files = crate::generate::generate(&national_2024_01(), 2024).unwrap();
        assert_eq!(files.len(), 140);
        let mut cases = 0;
        for f in &files {
            let v = crate::io::validate::validate(&f.instance);
            assert!(v.instance.is_some(), "{}", f.file_name);
            assert!(v.diagnostics.is_empty(), "{}: {:?}", f.file_name, v.diagnostics);
            assert_eq!(f.instance.horizon.start, "2024-01-10");
            assert_eq!(f.instance.horizon.end, "2024-03-05");
            cases += f.instance.procedures.len();
        }
        assert_eq!(cases, 30_705);
    }
}
