//! Solver time on the bundled instances (the Kent batch, and the re-planning example whose kept
//! bookings shrink its model): MIP model building, the full MIP solve, and the two heuristics.
//! `cargo bench --bench solve` (release profile; HiGHS single-threaded, seed 2016).
//!
//! The MIP solves take seconds, so they use flat sampling with the minimum of 10 samples.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use rebook::io::load_instance;
use rebook::model::Instance;
use rebook::strategy::{self, SolveOptions};
use std::path::PathBuf;
use std::time::Duration;

fn bundled() -> Vec<(String, Instance)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("instances");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("instances/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for path in rebook::io::instance_paths(&dirs).expect("bundled instances") {
        let loaded = load_instance(&path);
        if let Some(inst) = loaded.instance {
            let name = format!(
                "{}/{}",
                path.parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .unwrap_or(""),
                inst.trust_id
            );
            out.push((name, inst));
        }
    }
    out
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("mip_build");
    for (name, inst) in bundled() {
        g.bench_with_input(BenchmarkId::from_parameter(&name), &inst, |b, inst| {
            b.iter(|| rebook::strategy::mip::build_only(inst))
        });
    }
    g.finish();
}

fn solve(c: &mut Criterion) {
    let opts = SolveOptions::default();
    let mut g = c.benchmark_group("solve");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, inst) in bundled() {
        for strat in strategy::NAMES {
            let s = strategy::by_name(strat).expect("registered");
            g.bench_with_input(BenchmarkId::new(strat, &name), &inst, |b, inst| {
                b.iter(|| s.solve(inst, &opts).expect("solves"))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, build, solve);
criterion_main!(benches);
