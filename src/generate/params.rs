//! What a generated batch is made of: [`Params`] (trusts, horizon, mixes, rosters, capacity),
//! their checks and defaults, the command-line [`Overrides`], and [`GenerateError`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Why a batch could not be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// `--scenario` names no known scenario.
    #[error("unknown scenario '{name}' (choose one of: {known})")]
    UnknownScenario {
        /// The name given.
        name: String,
        /// The known scenario names, comma-separated.
        known: String,
    },
    /// A parameter (from the file or an option) is out of range or inconsistent.
    #[error("parameter {field}: {message}")]
    BadParams {
        /// The parameter's name or path (`trusts[2].cases`) or the option (`--trusts`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A generated instance failed validation: a generator bug, not the user's fault.
    #[error("the instance generated for trust {trust} does not validate (a generator bug, please report it with the seed): {details}")]
    Invalid {
        /// The trust's id.
        trust: String,
        /// The validation errors and roster warnings, `; `-separated.
        details: String,
    },
    /// Creating the output directory or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl GenerateError {
    /// True when the user's input (scenario name or parameters) is at fault.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            GenerateError::UnknownScenario { .. } | GenerateError::BadParams { .. }
        )
    }
}

/// A hospital site of a trust.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Short code used in theatre ids (`KCH` → `KCH-T1`).
    pub code: String,
    /// Full name, written as each of its theatres' `site`.
    pub name: String,
}

/// A dedicated orthopaedic centre (laminar-flow theatres for orthopaedics only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrthopaedicCentre {
    /// Code of the site that holds it.
    pub site: String,
    /// Orthopaedic theatres at the centre, counted in the trust's `theatres` (at least 1, fewer
    /// than those; without a centre, 20 % of the theatres are orthopaedic, at the first site).
    pub theatres: u32,
}

/// One trust of a batch.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrustSpec {
    /// The instance's `trust.id`; also prefixes its consultants' ids (`RVV-S01`). Unique in the batch.
    pub id: String,
    /// The instance's `trust.name` (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// File name without `.json` (default: the trust id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_stem: Option<String>,
    /// The trust's hospitals (at least one); non-orthopaedic theatres are spread over them in turn.
    pub sites: Vec<Site>,
    /// Cancelled cases to rebook.
    pub cases: u32,
    /// Theatres modelled: those with post-strike free time or extra lists, not every theatre
    /// (1 to 250: the scaling benchmark's largest trusts need 213).
    pub theatres: u32,
    /// A dedicated orthopaedic centre (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orthopaedic_centre: Option<OrthopaedicCentre>,
    /// Consultants per specialty (default: cases of the specialty / `cases_per_surgeon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surgeons_per_specialty: Option<u32>,
}

/// A specialty and its share of the cancelled cases.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecialtyShare {
    /// Specialty name as written in the instance (`orthopaedics`, `ent`, ...).
    pub specialty: String,
    /// Relative share of the trust's cases (any scale; counts are exact shares by largest remainder).
    pub share: f64,
}

/// A procedure type: its typical theatre slot (including anaesthetic) and turnaround.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProcedureType {
    /// The specialty it belongs to.
    pub specialty: String,
    /// The procedure's name, written as the case's `name`.
    pub name: String,
    /// Typical slot range in minutes; the lognormal's mean is the midpoint.
    pub slot_min: u32,
    /// Upper end of the typical slot, in minutes (at most 480).
    pub slot_max: u32,
    /// Coefficient of variation of the lognormal duration.
    pub cv: f64,
    /// Turnaround range for this kind of case; what exceeds `turnaround_minutes` is added to
    /// the case's duration (the format has one turnaround per instance).
    pub turnaround_min: u32,
    /// Upper end of the turnaround range, in minutes (at most 120).
    pub turnaround_max: u32,
    /// Relative frequency within its specialty.
    pub weight: f64,
}

/// Shares of the clinical priorities P1–P4.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PriorityMix {
    /// Relative share of P1 cases (default 0: P1 cases are not cancelled for a strike).
    pub p1: f64,
    /// Relative share of P2 cases (default 0.15).
    pub p2: f64,
    /// Relative share of P3 cases (default 0.30).
    pub p3: f64,
    /// Relative share of P4 cases (default 0.55).
    pub p4: f64,
}

/// Everything that shapes a generated batch. Every field has a default (see [`Params::default`]);
/// `rebook generate --scenario NAME --show-params` prints a scenario's values as JSON, and
/// `--params FILE` reads such a file back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Scenario name, for messages.
    pub scenario: String,
    /// First date of the horizon (default 2016-04-28).
    pub horizon_start: NaiveDate,
    /// Length of the horizon in weeks, 1 to 52 (default 6).
    pub horizon_weeks: u32,
    /// The strike's dates: the cancelled cases' original dates. Lists and clinics do not run on
    /// them; some consultants cover the walkout instead.
    pub strike_dates: Vec<NaiveDate>,
    /// Hours of the strike cover duty (`HH:MM`).
    pub strike_cover_start: String,
    /// End of the strike cover duty (`HH:MM`, default `17:00`).
    pub strike_cover_end: String,
    /// Chance that a consultant covers the walkout on each strike date (default 0.5).
    pub strike_cover_share: f64,
    /// Dates without elective lists besides the bank holidays of England and Wales.
    pub closed_dates: Vec<NaiveDate>,
    /// The trusts of the batch, one instance file each (default: three synthetic trusts of 91
    /// cases and 7 theatres).
    pub trusts: Vec<TrustSpec>,
    /// Shares of the cancelled cases by specialty.
    pub specialty_mix: Vec<SpecialtyShare>,
    /// Procedure types; each specialty with a share needs at least one of positive weight.
    pub procedures: Vec<ProcedureType>,
    /// Shares of the priorities P1–P4.
    pub priority_mix: PriorityMix,
    /// The instance's `rules.turnaround_minutes`.
    pub turnaround_minutes: u32,
    /// Default consultants per specialty = cases of the specialty / this (at least 1).
    pub cases_per_surgeon: f64,
    /// Relative frequency of 2, 3 and 4 own lists a week.
    pub lists_per_week_weights: [f64; 3],
    /// Chance that one of a consultant's lists is an all-day list (orthopaedics, others).
    pub all_day_share_orthopaedics: f64,
    /// Chance of an all-day list for a consultant of any other specialty (default 0.15).
    pub all_day_share_other: f64,
    /// Clinics a week (inclusive range).
    pub clinics_per_week: [u32; 2],
    /// Share of consultants with a heavy roster (a consultant-of-the-week block, a pair of
    /// nights, a 1-in-4 on-call rota with evenings to 21:30).
    pub heavy_surgeon_share: f64,
    /// On-call rota: one on-call every N days (ordinary, heavy).
    pub on_call_every_days: u32,
    /// On-call rota of a heavy-roster consultant: one on-call every N days (default 4).
    pub heavy_on_call_every_days: u32,
    /// Share of consultants with a week of leave inside the horizon.
    pub leave_share: f64,
    /// Share of cases with no named consultant (any consultant of the specialty).
    pub pooled_share: f64,
    /// Share of cases cancelled on the day (`cancelled_on_day`, the 28-day rule; default 0.1).
    pub cancelled_on_day_share: f64,
    /// Shares of cases whose referral-to-treatment clock is past 18 and past 52 weeks at the
    /// horizon start.
    pub past_18_weeks_share: f64,
    /// Share of cases past 52 weeks (part of `past_18_weeks_share`; default 0.02).
    pub past_52_weeks_share: f64,
    /// Share of P2 cases whose 4-week target falls in the first three weeks of the horizon (the
    /// others have passed it already).
    pub p2_target_near_share: f64,
    /// Share of named P2 cases with a hard deadline (8 weeks after listing).
    pub p2_deadline_share: f64,
    /// Share of cases that cannot be rebooked at once (`earliest` 2–14 days into the horizon).
    pub later_earliest_share: f64,
    /// Share of patients with unavailable dates: a 3–10-day holiday or 1–3 single dates
    /// (default 0.15).
    pub patient_unavailable_share: f64,
    /// Free minutes in consultants' own lists over the first 14 days, as a multiple of the
    /// minutes their cases need (duration + turnaround); and over the whole horizon.
    pub early_capacity_ratio: f64,
    /// Free minutes of consultants' own lists over the whole horizon, as a multiple of what
    /// their cases need (default 1.9).
    pub capacity_ratio: f64,
    /// Largest free share of an ordinary list (the rest was booked before the strike).
    pub max_free_share: f64,
    /// Extra (unstaffed) lists per modelled theatre and week.
    pub evening_lists_per_theatre_week: f64,
    /// Extra weekend lists (08:30–15:30) per modelled theatre and week (default 0.15).
    pub weekend_lists_per_theatre_week: f64,
    /// `open_cost` of an extra evening list, in cost points (default 90).
    pub evening_open_cost: i64,
    /// `open_cost` of an extra weekend list, in cost points (default 210).
    pub weekend_open_cost: i64,
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

impl Default for Params {
    /// The defaults of DOMAIN.md (line numbers in `docs/GENERATOR.md`), on a custom three-trust
    /// batch after the 26–27 April 2016 walkout.
    fn default() -> Self {
        let proc_ =
            |specialty: &str, name: &str, lo: u32, hi: u32, cv: f64, ta: (u32, u32), weight: f64| ProcedureType {
                specialty: specialty.to_string(),
                name: name.to_string(),
                slot_min: lo,
                slot_max: hi,
                cv,
                turnaround_min: ta.0,
                turnaround_max: ta.1,
                weight,
            };
        // Turnaround (DOMAIN.md "Theatres"): local anaesthetic 15–20, general 25–35,
        // arthroplasty 30–45 minutes.
        let la = (15, 20);
        let ga = (25, 35);
        let arthro = (30, 45);
        Params {
            scenario: "custom".to_string(),
            horizon_start: date(2016, 4, 28),
            horizon_weeks: 6,
            strike_dates: vec![date(2016, 4, 26), date(2016, 4, 27)],
            strike_cover_start: "08:00".to_string(),
            strike_cover_end: "17:00".to_string(),
            strike_cover_share: 0.5,
            closed_dates: Vec::new(),
            trusts: (1..=3)
                .map(|i| TrustSpec {
                    id: format!("TR{i}"),
                    name: Some(format!("Synthetic acute trust {i}")),
                    file_stem: None,
                    sites: vec![Site {
                        code: format!("TR{i}A"),
                        name: format!("Synthetic hospital {i}"),
                    }],
                    cases: 91,
                    theatres: 7,
                    orthopaedic_centre: None,
                    surgeons_per_specialty: None,
                })
                .collect(),
            specialty_mix: [
                ("orthopaedics", 0.20),
                ("urology", 0.15),
                ("general_surgery", 0.15),
                ("ophthalmology", 0.14),
                ("gynaecology", 0.11),
                ("ent", 0.10),
                ("plastic_surgery", 0.15),
            ]
            .iter()
            .map(|(s, x)| SpecialtyShare {
                specialty: s.to_string(),
                share: *x,
            })
            .collect(),
            procedures: vec![
                proc_("ophthalmology", "Cataract extraction", 25, 35, 0.30, la, 1.0),
                proc_("orthopaedics", "Total hip replacement", 100, 130, 0.30, arthro, 0.3),
                proc_("orthopaedics", "Total knee replacement", 100, 130, 0.30, arthro, 0.3),
                proc_("orthopaedics", "Knee arthroscopy", 45, 60, 0.35, ga, 0.4),
                proc_("general_surgery", "Laparoscopic cholecystectomy", 75, 90, 0.35, ga, 0.5),
                proc_("general_surgery", "Inguinal hernia repair", 50, 70, 0.35, ga, 0.5),
                proc_("urology", "TURP", 75, 90, 0.35, ga, 1.0),
                proc_("gynaecology", "Gynaecological laparoscopy", 60, 150, 0.45, ga, 1.0),
                proc_("ent", "Tonsillectomy", 40, 50, 0.30, ga, 1.0),
                proc_("plastic_surgery", "Carpal tunnel release", 20, 25, 0.30, la, 1.0),
            ],
            priority_mix: PriorityMix {
                p1: 0.0,
                p2: 0.15,
                p3: 0.30,
                p4: 0.55,
            },
            turnaround_minutes: 15,
            cases_per_surgeon: 9.0,
            lists_per_week_weights: [0.3, 0.45, 0.25],
            all_day_share_orthopaedics: 0.7,
            all_day_share_other: 0.15,
            clinics_per_week: [2, 3],
            heavy_surgeon_share: 0.25,
            on_call_every_days: 8,
            heavy_on_call_every_days: 4,
            leave_share: 0.3,
            pooled_share: 0.2,
            cancelled_on_day_share: 0.1,
            past_18_weeks_share: 0.40,
            past_52_weeks_share: 0.02,
            p2_target_near_share: 0.9,
            p2_deadline_share: 0.25,
            later_earliest_share: 0.1,
            patient_unavailable_share: 0.15,
            early_capacity_ratio: 0.55,
            capacity_ratio: 1.9,
            max_free_share: 0.8,
            evening_lists_per_theatre_week: 0.2,
            weekend_lists_per_theatre_week: 0.15,
            evening_open_cost: 90,
            weekend_open_cost: 210,
        }
    }
}

impl Params {
    /// Checks the parameters before anything is generated.
    pub fn check(&self) -> Result<(), GenerateError> {
        let bad = |field: &str, message: String| {
            Err(GenerateError::BadParams {
                field: field.to_string(),
                message,
            })
        };
        if !(1..=52).contains(&self.horizon_weeks) {
            return bad("horizon_weeks", format!("{} is not 1 to 52 weeks", self.horizon_weeks));
        }
        if self.trusts.is_empty() {
            return bad("trusts", "the batch has no trust".into());
        }
        let mut ids = std::collections::BTreeSet::new();
        let mut stems = std::collections::BTreeSet::new();
        for (i, t) in self.trusts.iter().enumerate() {
            if t.id.trim().is_empty() {
                return bad(&format!("trusts[{i}].id"), "the id is empty".into());
            }
            if !ids.insert(t.id.clone()) {
                return bad(&format!("trusts[{i}].id"), format!("trust id '{}' is used twice", t.id));
            }
            let stem = crate::io::safe_stem(t.file_stem.as_deref().unwrap_or(&t.id));
            if !stems.insert(stem.clone()) {
                return bad(
                    &format!("trusts[{i}].file_stem"),
                    format!("file name '{stem}.json' is used twice"),
                );
            }
            if t.sites.is_empty() {
                return bad(&format!("trusts[{i}].sites"), "a trust needs at least one site".into());
            }
            if t.cases > 5000 {
                return bad(
                    &format!("trusts[{i}].cases"),
                    format!("{} cases is more than 5000 per trust", t.cases),
                );
            }
            if !(1..=250).contains(&t.theatres) {
                return bad(
                    &format!("trusts[{i}].theatres"),
                    format!("{} is not 1 to 250 theatres", t.theatres),
                );
            }
            if let Some(c) = &t.orthopaedic_centre {
                if !t.sites.iter().any(|s| s.code == c.site) {
                    return bad(
                        &format!("trusts[{i}].orthopaedic_centre.site"),
                        format!("no site has code '{}'", c.site),
                    );
                }
                if c.theatres == 0 || c.theatres >= t.theatres {
                    return bad(
                        &format!("trusts[{i}].orthopaedic_centre.theatres"),
                        "give at least one, and fewer than the trust's theatres".into(),
                    );
                }
            }
            if t.surgeons_per_specialty == Some(0) || t.surgeons_per_specialty.is_some_and(|n| n > 50) {
                return bad(&format!("trusts[{i}].surgeons_per_specialty"), "give 1 to 50".into());
            }
        }
        let share_ok = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
        for (name, x) in [
            ("strike_cover_share", self.strike_cover_share),
            ("all_day_share_orthopaedics", self.all_day_share_orthopaedics),
            ("all_day_share_other", self.all_day_share_other),
            ("heavy_surgeon_share", self.heavy_surgeon_share),
            ("leave_share", self.leave_share),
            ("pooled_share", self.pooled_share),
            ("cancelled_on_day_share", self.cancelled_on_day_share),
            ("past_18_weeks_share", self.past_18_weeks_share),
            ("past_52_weeks_share", self.past_52_weeks_share),
            ("p2_target_near_share", self.p2_target_near_share),
            ("p2_deadline_share", self.p2_deadline_share),
            ("later_earliest_share", self.later_earliest_share),
            ("patient_unavailable_share", self.patient_unavailable_share),
            ("max_free_share", self.max_free_share),
        ] {
            if !share_ok(x) {
                return bad(name, format!("{x} is not a share from 0 to 1"));
            }
        }
        if self.past_52_weeks_share > self.past_18_weeks_share {
            return bad("past_52_weeks_share", "cannot exceed past_18_weeks_share".into());
        }
        for (name, x) in [
            ("early_capacity_ratio", self.early_capacity_ratio),
            ("capacity_ratio", self.capacity_ratio),
            ("evening_lists_per_theatre_week", self.evening_lists_per_theatre_week),
            ("weekend_lists_per_theatre_week", self.weekend_lists_per_theatre_week),
        ] {
            if !(x.is_finite() && (0.0..=20.0).contains(&x)) {
                return bad(name, format!("{x} is not a number from 0 to 20"));
            }
        }
        if !(self.cases_per_surgeon.is_finite() && self.cases_per_surgeon >= 1.0) {
            return bad("cases_per_surgeon", "give a number of at least 1".into());
        }
        let m = &self.priority_mix;
        let pm = [m.p1, m.p2, m.p3, m.p4];
        if pm.iter().any(|x| !(x.is_finite() && *x >= 0.0)) || pm.iter().sum::<f64>() <= 0.0 {
            return bad("priority_mix", "give non-negative shares, not all zero".into());
        }
        if self.specialty_mix.is_empty()
            || self
                .specialty_mix
                .iter()
                .any(|s| !(s.share.is_finite() && s.share >= 0.0))
            || self.specialty_mix.iter().map(|s| s.share).sum::<f64>() <= 0.0
        {
            return bad("specialty_mix", "give non-negative shares, not all zero".into());
        }
        for s in &self.specialty_mix {
            if s.share > 0.0
                && !self
                    .procedures
                    .iter()
                    .any(|p| p.specialty == s.specialty && p.weight > 0.0)
            {
                return bad(
                    "procedures",
                    format!("specialty '{}' has a share but no procedure type", s.specialty),
                );
            }
        }
        for (i, p) in self.procedures.iter().enumerate() {
            if p.slot_min == 0 || p.slot_max < p.slot_min || p.slot_max > 480 {
                return bad(
                    &format!("procedures[{i}]"),
                    "need 0 < slot_min <= slot_max <= 480".into(),
                );
            }
            if p.turnaround_max < p.turnaround_min || p.turnaround_max > 120 {
                return bad(
                    &format!("procedures[{i}]"),
                    "need turnaround_min <= turnaround_max <= 120".into(),
                );
            }
            if !(p.cv.is_finite() && (0.0..=2.0).contains(&p.cv) && p.weight.is_finite() && p.weight >= 0.0) {
                return bad(
                    &format!("procedures[{i}]"),
                    "cv must be 0 to 2 and weight non-negative".into(),
                );
            }
        }
        if self.turnaround_minutes > 120 {
            return bad("turnaround_minutes", "give 0 to 120 minutes".into());
        }
        if self
            .lists_per_week_weights
            .iter()
            .any(|x| !(x.is_finite() && *x >= 0.0))
            || self.lists_per_week_weights.iter().sum::<f64>() <= 0.0
        {
            return bad(
                "lists_per_week_weights",
                "give non-negative weights, not all zero".into(),
            );
        }
        if self.clinics_per_week[0] > self.clinics_per_week[1] || self.clinics_per_week[1] > 6 {
            return bad("clinics_per_week", "give [min, max] with min <= max <= 6".into());
        }
        if self.on_call_every_days == 0 || self.heavy_on_call_every_days == 0 {
            return bad("on_call_every_days", "give at least 1".into());
        }
        if self.evening_open_cost < 0 || self.weekend_open_cost < 0 {
            return bad("evening_open_cost", "costs are non-negative".into());
        }
        for (name, t) in [
            ("strike_cover_start", &self.strike_cover_start),
            ("strike_cover_end", &self.strike_cover_end),
        ] {
            if crate::model::time::parse_clock(t).is_none() {
                return bad(name, format!("'{t}' is not HH:MM"));
            }
        }
        Ok(())
    }

    /// The horizon's last date.
    pub fn horizon_end(&self) -> NaiveDate {
        self.horizon_start + chrono::Days::new(7 * self.horizon_weeks as u64 - 1)
    }
}

/// Command-line adjustments on top of a scenario's (or the default) parameters.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replace the trusts by this many synthetic ones (custom batches only).
    pub trusts: Option<u32>,
    /// Sites per synthetic trust (custom batches only).
    pub sites: Option<u32>,
    /// `--cases`: cancelled cases of every trust.
    pub cases: Option<u32>,
    /// `--theatres`: theatres modelled in every trust (drops an orthopaedic centre that no
    /// longer fits).
    pub theatres: Option<u32>,
    /// `--surgeons-per-specialty`: consultants per specialty in every trust.
    pub surgeons_per_specialty: Option<u32>,
    /// `--weeks`: the horizon's length in weeks.
    pub weeks: Option<u32>,
    /// `--start`: the horizon's first date.
    pub start: Option<NaiveDate>,
    /// `--turnaround`: the instance's `turnaround_minutes`, in minutes.
    pub turnaround: Option<u32>,
    /// `P2=15,P3=30,P4=55` (shares, any scale).
    pub priority_mix: Option<String>,
    /// `orthopaedics=20,urology=15,...`
    pub specialty_mix: Option<String>,
}

impl Overrides {
    /// True when no option was given.
    pub fn is_empty(&self) -> bool {
        self.trusts.is_none()
            && self.sites.is_none()
            && self.cases.is_none()
            && self.theatres.is_none()
            && self.surgeons_per_specialty.is_none()
            && self.weeks.is_none()
            && self.start.is_none()
            && self.turnaround.is_none()
            && self.priority_mix.is_none()
            && self.specialty_mix.is_none()
    }
}

fn parse_mix(field: &str, text: &str) -> Result<Vec<(String, f64)>, GenerateError> {
    let bad = |message: String| GenerateError::BadParams {
        field: field.to_string(),
        message,
    };
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| bad(format!("'{part}' is not NAME=SHARE (e.g. P2=15)")))?;
        let v: f64 = v
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| bad(format!("'{v}' in '{part}' is not a non-negative number")))?;
        out.push((k.trim().to_string(), v));
    }
    if out.is_empty() {
        return Err(bad("give at least one NAME=SHARE".into()));
    }
    Ok(out)
}

/// Applies command-line adjustments. `custom` is true when no scenario or parameter file was
/// given (only then may the trusts themselves be replaced).
pub fn apply_overrides(params: &mut Params, o: &Overrides, custom: bool) -> Result<(), GenerateError> {
    if (o.trusts.is_some() || o.sites.is_some()) && !custom {
        return Err(GenerateError::BadParams {
            field: "--trusts/--sites".into(),
            message: "only a custom batch (no --scenario, no --params) can change its trusts or sites".into(),
        });
    }
    if o.trusts.is_some() || o.sites.is_some() {
        let n = o.trusts.unwrap_or(params.trusts.len() as u32);
        if !(1..=500).contains(&n) {
            return Err(GenerateError::BadParams {
                field: "--trusts".into(),
                message: format!("{n} is not 1 to 500"),
            });
        }
        let sites = o.sites.unwrap_or(1).clamp(1, 26);
        let template = params.trusts[0].clone();
        params.trusts = (1..=n)
            .map(|i| TrustSpec {
                id: format!("TR{i}"),
                name: Some(format!("Synthetic acute trust {i}")),
                file_stem: None,
                sites: (0..sites)
                    .map(|k| {
                        let letter = (b'A' + k as u8) as char;
                        Site {
                            code: format!("TR{i}{letter}"),
                            name: format!("Synthetic hospital {i}{letter}"),
                        }
                    })
                    .collect(),
                ..template.clone()
            })
            .collect();
    }
    for t in &mut params.trusts {
        if let Some(c) = o.cases {
            t.cases = c;
        }
        if let Some(n) = o.theatres {
            t.theatres = n;
            if t.orthopaedic_centre.as_ref().is_some_and(|c| c.theatres >= n) {
                t.orthopaedic_centre = None;
            }
        }
        if let Some(k) = o.surgeons_per_specialty {
            t.surgeons_per_specialty = Some(k);
        }
    }
    if let Some(w) = o.weeks {
        params.horizon_weeks = w;
    }
    if let Some(d) = o.start {
        params.horizon_start = d;
    }
    if let Some(m) = o.turnaround {
        params.turnaround_minutes = m;
    }
    if let Some(text) = &o.priority_mix {
        let mut mix = PriorityMix {
            p1: 0.0,
            p2: 0.0,
            p3: 0.0,
            p4: 0.0,
        };
        for (k, v) in parse_mix("--priority-mix", text)? {
            match k.as_str() {
                "P1" => mix.p1 = v,
                "P2" => mix.p2 = v,
                "P3" => mix.p3 = v,
                "P4" => mix.p4 = v,
                _ => {
                    return Err(GenerateError::BadParams {
                        field: "--priority-mix".into(),
                        message: format!("'{k}' is not a priority: use P1, P2, P3, P4"),
                    })
                }
            }
        }
        params.priority_mix = mix;
    }
    if let Some(text) = &o.specialty_mix {
        params.specialty_mix = parse_mix("--specialty-mix", text)?
            .into_iter()
            .map(|(specialty, share)| SpecialtyShare { specialty, share })
            .collect();
    }
    params.check()
}
