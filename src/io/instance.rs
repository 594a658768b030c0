//! The `rebook-instance/1` JSON format (SPEC.md section 2) as serde types.
//!
//! These types mirror the file, not the domain: dates and times stay text and numbers stay wide
//! signed integers, so that [`crate::io::validate`] can report *every* bad value with its JSON
//! path instead of stopping at the first. Unknown fields are rejected (`deny_unknown_fields`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

pub const INSTANCE_FORMAT: &str = "rebook-instance/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    pub format: String,
    pub trust: TrustDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub horizon: HorizonDto,
    #[serde(default, skip_serializing_if = "RulesDto::is_empty")]
    pub rules: RulesDto,
    #[serde(default, skip_serializing_if = "ObjectiveDto::is_empty")]
    pub objective: ObjectiveDto,
    pub theatres: Vec<TheatreDto>,
    pub surgeons: Vec<SurgeonDto>,
    pub sessions: Vec<SessionDto>,
    pub procedures: Vec<ProcedureDto>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrustDto {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HorizonDto {
    pub start: String,
    pub end: String,
}

/// A rule that is absent (default), `null` (switched off) or set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Setting<T> {
    #[default]
    Default,
    Off,
    Set(T),
}

impl<T> Setting<T> {
    pub fn is_default(&self) -> bool {
        matches!(self, Setting::Default)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Setting<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only called when the field is present: absent fields take `Default` via #[serde(default)].
        Ok(match Option::<T>::deserialize(d)? {
            None => Setting::Off,
            Some(v) => Setting::Set(v),
        })
    }
}

impl<T: Serialize> Serialize for Setting<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Setting::Set(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RulesDto {
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_shift_hours: Setting<f64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub min_rest_hours: Setting<f64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_hours_per_7_days: Setting<f64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_average_weekly_hours: Setting<f64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_consecutive_days: Setting<i64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub max_operating_minutes_per_day: Setting<i64>,
    #[serde(default, skip_serializing_if = "Setting::is_default")]
    pub turnaround_minutes: Setting<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_overlapping_duties: Option<bool>,
}

impl RulesDto {
    pub fn is_empty(&self) -> bool {
        *self == RulesDto::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveDto {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub wait_per_day: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "BreachDto::is_empty")]
    pub breach: BreachDto,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unscheduled: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theatre_switch: Option<i64>,
}

impl ObjectiveDto {
    pub fn is_empty(&self) -> bool {
        *self == ObjectiveDto::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BreachDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_on_day: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt: Option<i64>,
}

impl BreachDto {
    pub fn is_empty(&self) -> bool {
        *self == BreachDto::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TheatreDto {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub specialties: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DutyDto {
    pub date: String,
    pub start: String,
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SurgeonDto {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub specialties: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<DutyDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max_operating_minutes: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionDto {
    pub id: String,
    pub theatre: String,
    pub date: String,
    pub start: String,
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surgeon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialty: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub open_cost: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDto {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    pub specialty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub duration: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surgeon: Option<String>,
    pub priority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_date: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cancelled_on_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &i64) -> bool {
    *n == 0
}
