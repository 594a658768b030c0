#!/usr/bin/env bash
# Solves the bundled Kent batch (instances/kent-2016-04: the four Kent trusts after the 26–27 April
# 2016 walkout) and writes the plans, summary and HTML reports to out/kent-2016-04.
# Extra arguments go to `rebook solve` (e.g. --strategy fifo).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build --release --locked
./target/release/rebook validate instances/kent-2016-04
./target/release/rebook stats instances/kent-2016-04
./target/release/rebook solve instances/kent-2016-04 --out out/kent-2016-04 --report "$@"
