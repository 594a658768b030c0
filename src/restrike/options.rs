//! What `rebook restrike` is asked to do ([`Options`], [`Notified`], [`Strike`]), what it made
//! ([`Restruck`], [`Summary`]) and why it refused ([`RestrikeError`]).

use crate::io::instance::{InstanceFile, ProcedureDto};
use crate::io::validate::Diagnostic;
use chrono::NaiveDate;

/// Which patients of the published plan have been told their date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notified {
    /// Every booking was announced (`--notified all`, the default).
    #[default]
    All,
    /// No booking was announced yet (`--notified none`).
    None,
    /// Only bookings dated before `today` + this many days were announced
    /// (`--notified-within DAYS`).
    Within(u32),
}

/// The strike that cancels lists of the published plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Strike {
    /// No list is lost (a re-plan for new cases or a later start only).
    #[default]
    None,
    /// These sessions are lost (`--lost FILE`: session ids). Each must be a session of the
    /// re-planning instance (dated today or later).
    Lost(Vec<String>),
    /// A seeded draw (`--strike-dates D1,D2 --share S --seed N`): on each date, `share` of the
    /// sessions of that date (rounded to the nearest whole list) are lost, drawn by
    /// [`crate::restrike::draw_lost`].
    Draw {
        /// The strike dates, each within the re-planning horizon.
        dates: Vec<NaiveDate>,
        /// The share of each date's lists lost, 0 to 1.
        share: f64,
        /// The seed of the draw.
        seed: u64,
    },
}

/// The options of one re-planning instance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// The morning of the announcement: the first date of the new horizon. Cases operated before
    /// it are gone, and so are the lists before it.
    pub today: NaiveDate,
    /// Weeks added after the published horizon's end (`--extend-weeks`, default 0): the last 7
    /// days' lists and fixed duties repeated week by week.
    pub extend_weeks: u32,
    /// Which bookings were announced (default: all).
    pub notified: Notified,
    /// `rules.keep_notified_days` of the new instance (`--keep-notified-days`); `None` keeps what
    /// the instance says (default: off).
    pub keep_notified_days: Option<i64>,
    /// The lists lost.
    pub strike: Strike,
    /// Newly cancelled cases to add (`--new-cases`), appended after the carried ones.
    pub new_cases: Vec<ProcedureDto>,
}

/// What the re-planning instance holds, in numbers (the one-line summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Cases carried with a live booking (their list is in the new instance).
    pub kept: usize,
    /// Of `kept`, the bookings the patient was told of.
    pub kept_notified: usize,
    /// Cases whose booked list was lost: void bookings, `times_cancelled` + 1.
    pub void: usize,
    /// Lists lost to the strike.
    pub lost_lists: usize,
    /// Cases operated before today, removed.
    pub removed: usize,
    /// Lists before today, removed.
    pub past_lists: usize,
    /// Cases the published plan left unscheduled, carried without a booking.
    pub unscheduled: usize,
    /// Newly cancelled cases added.
    pub added: usize,
    /// Fixed duties added for lists of the days before today (kind `theatre`).
    pub past_list_duties: usize,
    /// Lists added by `--extend-weeks`.
    pub extension_lists: usize,
}

/// A re-planning instance, validated.
#[derive(Debug, Clone)]
pub struct Restruck {
    /// The instance to write (`rebook-instance/1`); it validates without error.
    pub instance: InstanceFile,
    /// Its figures.
    pub summary: Summary,
    /// Validation's warnings on it (W204 for the void bookings, roster warnings).
    pub warnings: Vec<Diagnostic>,
}

/// Why no re-planning instance was made. Each names what to correct.
#[derive(Debug, thiserror::Error)]
pub enum RestrikeError {
    /// The instance the plan was made for does not validate.
    #[error("the instance is invalid ({} error(s))", .0.iter().filter(|d| d.is_error()).count())]
    InvalidInstance(Vec<Diagnostic>),
    /// `--today` outside the published horizon.
    #[error("--today {today} is outside the published horizon {start} to {end}")]
    TodayOutside {
        /// The date given.
        today: NaiveDate,
        /// The published horizon's first date.
        start: NaiveDate,
        /// The published horizon's last date.
        end: NaiveDate,
    },
    /// The plan is for another trust.
    #[error("the plan is for trust '{plan}', the instance for trust '{instance}'")]
    OtherTrust {
        /// The plan's `trust`.
        plan: String,
        /// The instance's `trust.id`.
        instance: String,
    },
    /// Entries of the plan that do not fit the instance, each naming its field.
    #[error("the plan does not fit the instance: {}", .0.join("; "))]
    Plan(Vec<String>),
    /// Strike options that name no list of the re-planning instance, each in words.
    #[error("{}", .0.join("; "))]
    Strike(Vec<String>),
    /// New cases whose ids are already used (by a case of the instance or another new case).
    #[error("new case id(s) already used: {}", shown(.0))]
    IdClash(Vec<String>),
    /// The re-planning instance would not validate: its diagnostics (errors first).
    #[error("the re-planning instance would be invalid ({} error(s))", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
}

/// The first 20 of `ids`, comma-separated, and how many more.
fn shown(ids: &[String]) -> String {
    let mut text = ids.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 20 {
        text.push_str(&format!(" and {} more", ids.len() - 20));
    }
    text
}
