#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, formatting, lints, every test.
# Everything uses the release profile so that HiGHS (compiled from source) is built once.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all -- --check
else
  echo "test: rustfmt not installed, skipping the format check" >&2
fi
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --release --all-targets --locked -- -D warnings
else
  echo "test: clippy not installed, skipping lints" >&2
fi
cargo test --release --locked "$@"
