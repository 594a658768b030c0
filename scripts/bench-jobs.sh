#!/usr/bin/env bash
# Wall-clock time of a batch with --jobs 1 against --jobs 2 (or the values given in JOBS).
#   scripts/bench-jobs.sh [BATCH_DIR] [rebook subcommand and options...]
# Defaults: the Kent batch, `compare --strategies fifo,priority,mip`. REPEAT (default 3) runs each;
# the median is reported. Release build; run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
batch="${1:-instances/kent-2016-04}"
shift || true
if [ $# -eq 0 ]; then set -- compare --strategies fifo,priority,mip; fi
repeat="${REPEAT:-3}"
jobs_list="${JOBS:-1 2}"
cargo build --release --locked -q
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A median
for jobs in $jobs_list; do
  times=()
  for _ in $(seq "$repeat"); do
    start=$(date +%s.%N)
    ./target/release/rebook "$@" "$batch" --jobs "$jobs" --quiet --out "$out/j$jobs" >/dev/null 2>"$out/err" \
      || { cat "$out/err" >&2; exit 1; }
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -g))
  median[$jobs]=${sorted[$(( ${#sorted[@]} / 2 ))]}
  printf 'rebook %s %s --jobs %s: %s s (median of %s: %s)\n' "$*" "$batch" "$jobs" "${median[$jobs]}" \
    "$repeat" "${times[*]}"
done
first=$(echo "$jobs_list" | awk '{print $1}')
for jobs in $jobs_list; do
  [ "$jobs" = "$first" ] && continue
  echo "speed-up --jobs $jobs over --jobs $first: $(awk -v a="${median[$first]}" -v b="${median[$jobs]}" 'BEGIN { printf "%.2f", a / b }')x"
done
