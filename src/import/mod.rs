//! Importers: instances written by people (a folder of CSV files), and the matching exporter.
//!
//! [`csv`] reads and writes the CSV layout of `docs/GENERATOR.md`: `theatres.csv`,
//! `surgeons.csv`, `duties.csv`, `sessions.csv`, `procedures.csv` and a small `settings.json`
//! for the trust, horizon, rules and objective weights. The round trip instance → CSV → instance
//! gives back the same [`crate::io::instance::InstanceFile`].

pub mod csv;
