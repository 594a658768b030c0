#!/usr/bin/env bash
# How far each trust's wall time exceeds --time-limit (issue 14): the Kent batch, the IHTC-2024
# instances (imported into rebook's format, so reading, validation, every solver phase and the
# checker all count) and a generated 1,600-case trust, each solved with the MIP by `rebook compare
# --strategies mip` and timed per trust by the batch itself (comparison.csv's `seconds`: read,
# validate, solve, check).
#
#   scripts/overrun.sh [OUT] [IHTC_LIMITS]     # OUT default out/overrun; IHTC_LIMITS default "10"
#
# Needs a release build (cargo build --release). The IHTC instances are read from
# $IHTC_DIR (default ../shared/benchmarks/ihtc2024/instances) and skipped when absent. Prints one
# table (source, trust, limit, seconds, overrun) and the worst overrun per source; writes
# OUT/overrun.csv. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/rebook
OUT=${1:-out/overrun}
IHTC_LIMITS=${2:-10}
IHTC_DIR=${IHTC_DIR:-../shared/benchmarks/ihtc2024/instances}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"

run() { # source limit jobs out inputs...
    local source=$1 limit=$2 jobs=$3 out=$4; shift 4
    "$BIN" compare --strategies mip --time-limit "$limit" --jobs "$jobs" -q --out "$out" "$@" >/dev/null 2>&1 || true
    echo "$source $limit $out" >> "$OUT/runs.txt"
}

for limit in 2 5 30; do
    run kent "$limit" 2 "$OUT/kent-$limit" instances/kent-2016-04
done

"$BIN" bench scale --sizes 1600 --time-limits 0.1 --no-full-model --out "$OUT/scale" -q >/dev/null 2>&1 || true
for limit in 10 30 60; do
    run trust-1600 "$limit" 1 "$OUT/t1600-$limit" "$OUT/scale/instances/scale-1600.json"
done

if [ -d "$IHTC_DIR" ]; then
    "$BIN" import ihtc "$IHTC_DIR" --out "$OUT/ihtc-instances" -q
    for limit in $IHTC_LIMITS; do
        run ihtc "$limit" 2 "$OUT/ihtc-$limit" "$OUT/ihtc-instances"
    done
else
    echo "skipped: IHTC instances not found in $IHTC_DIR" >&2
fi

python3 - "$OUT" <<'EOF'
import csv, json, sys
out = sys.argv[1]
rows = []
for line in open(f"{out}/runs.txt"):
    source, limit, folder = line.split()
    limit = float(limit)
    for r in csv.DictReader(open(f"{folder}/comparison.csv")):
        if r["trust"] == "total":
            continue
        if r["status"] != "solved":
            print(f"{source} {r['trust']}: {r['status']} {r['message']}", file=sys.stderr)
            continue
        seconds = float(r["seconds"])
        over = seconds - limit
        rows.append((source, r["trust"], limit, seconds, over, over / limit if limit else 0.0, r["solver_status"]))
with open(f"{out}/overrun.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["source", "trust", "limit_s", "seconds", "overrun_s", "overrun_pct", "status"])
    for r in rows:
        w.writerow([r[0], r[1], r[2], f"{r[3]:.3f}", f"{r[4]:.3f}", f"{100 * r[5]:.2f}", r[6]])
print(f"{'source':<11} {'limit':>5} {'trusts':>6} {'at limit':>8} {'worst s':>8} {'worst over':>10} {'target':>7}  worst trust")
for source in dict.fromkeys(r[0] for r in rows):
    for limit in sorted({r[2] for r in rows if r[0] == source}):
        sel = [r for r in rows if r[0] == source and r[2] == limit]
        worst = max(sel, key=lambda r: r[4])
        at_limit = sum(1 for r in sel if r[6] == "time_limit")
        allowed = max(0.10 * limit, 2.0)
        ok = "ok" if worst[4] <= allowed else "OVER"
        print(f"{source:<11} {limit:>5.0f} {len(sel):>6} {at_limit:>8} {worst[3]:>8.2f} {worst[4]:>+9.2f}s {ok:>7}  {worst[1]}")
EOF
