//! The instance generator: realistic post-strike rebooking problems, deterministic from a seed.
//!
//! A [`Params`] value describes a batch (the trusts and their sizes, the horizon, the mixes of
//! specialty, procedure and priority, the shape of consultants' rosters and of the capacity left
//! after the strike); [`generate`] turns it and a seed into one `rebook-instance/1` file per trust,
//! and [`write_batch`] writes them. Named scenarios (the Kent trusts of the April 2016 walkout, the
//! national April 2023 strike, a small and a stress batch) are in [`scenarios`]. Every number of
//! the defaults comes from `../shared/DOMAIN.md`; `docs/GENERATOR.md` says which line.
//!
//! Determinism: each trust draws from its own stream ([`rng::Rng::for_part`]) of a generator
//! implemented here (xoshiro256**), so the same seed gives byte-identical files on every machine
//! and thread count, and adding a trust to a batch does not change the others.
//!
//! Validity: every consultant's roster is built item by item and keeps every safe-hours rule
//! ([`roster`]); every case has at least one session that could take it; cases with a hard
//! deadline can meet it in their surgeon's own lists. [`generate`] then runs the full validation
//! and refuses to return a file with any error or roster warning.

pub mod calendar;
mod params;
pub mod rng;
pub mod roster;
pub mod scenarios;
mod trust;

pub use params::{
    apply_overrides, GenerateError, OrthopaedicCentre, Overrides, Params, PriorityMix, ProcedureType, Site,
    SpecialtyShare, TrustSpec,
};

use crate::io::instance::InstanceFile;
use crate::io::validate::{validate, Code};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One generated instance file.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// `<stem>.json`
    pub file_name: String,
    /// The instance (`rebook-instance/1`), validated.
    pub instance: InstanceFile,
    /// The exact bytes written.
    pub json: Vec<u8>,
}

/// Generates the batch described by `params` from `seed`. Nothing is written; every file is
/// validated (no error, no roster warning) before it is returned.
pub fn generate(params: &Params, seed: u64) -> Result<Vec<GeneratedFile>, GenerateError> {
    params.check()?;
    params
        .trusts
        .par_iter()
        .map(|t| {
            let instance = trust::build(params, t, seed);
            let v = validate(&instance);
            let problems: Vec<String> = v
                .diagnostics
                .iter()
                .filter(|d| d.is_error() || d.code == Code::W201RosterBreach)
                .map(|d| d.to_string())
                .collect();
            if !problems.is_empty() {
                return Err(GenerateError::Invalid {
                    trust: t.id.clone(),
                    details: problems.join("; "),
                });
            }
            let stem = crate::io::safe_stem(t.file_stem.as_deref().unwrap_or(&t.id));
            Ok(GeneratedFile {
                file_name: format!("{stem}.json"),
                json: crate::io::json::pretty(&instance),
                instance,
            })
        })
        .collect()
}

/// Writes a generated batch into `dir` (created if missing), each file atomically. If a write
/// fails, the files this call already wrote are removed again, so no partial batch is left.
pub fn write_batch(dir: &Path, files: &[GeneratedFile]) -> Result<(), GenerateError> {
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let pairs: Vec<(PathBuf, Vec<u8>)> = files.iter().map(|f| (dir.join(&f.file_name), f.json.clone())).collect();
    crate::io::write_all_or_nothing(&pairs).map_err(|(i, source)| GenerateError::Io {
        path: pairs[i].0.clone(),
        source,
    })
}
