#!/usr/bin/env bash
# Solves the bundled sample batch (instances/sample) and writes the plans to out/sample.
# Extra arguments go to `rebook solve` (e.g. --strategy fifo).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build --release --locked
./target/release/rebook validate instances/sample
./target/release/rebook solve instances/sample --out out/sample "$@"
