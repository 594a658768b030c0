#!/usr/bin/env bash
# Coverage-guided fuzzing (AFL++ through cargo-afl) of every reader of user files; see
# docs/FUZZING.md.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      default: all targets, 300 s each, one after another
#
# TARGET is one of instance_json, schedule_json, csv_folder, ihtc_instance. Installs cargo-afl and
# builds its AFL++ runtime when missing, builds the fuzz crate (fuzz/, its own target dir
# fuzz/target), seeds each target's corpus from the repository's files (and the IHTC-2024
# instances under $IHTC_DIR when present; they are read, never copied into the repository), then
# runs afl-fuzz on one core. Runs resume where the last one stopped (fuzz/target/afl/<target>).
# Prints each target's numbers; exits 1 when a crash or hang was found, naming the files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGETS=(instance_json schedule_json csv_folder ihtc_instance)
target=${1:-all}
seconds=${2:-300}
IHTC_DIR=${IHTC_DIR:-/work/shared/benchmarks/ihtc2024/instances}
# Seeds larger than this (bytes) are left out: they slow every mutation and add no new shape
# (the bundled Kent instances, 100-220 KB, and the larger IHTC ones).
MAX_SEED=${MAX_SEED:-65536}
# The CSV target reads 5 CSV files and may export and import them again: smaller seeds only.
MAX_CSV_SEED=${MAX_CSV_SEED:-16384}
# An input slower than this (ms) is a hang: a slow input is a bug too.
TIMEOUT_MS=${TIMEOUT_MS:-1000}

if [[ $target == all ]]; then
    selected=("${TARGETS[@]}")
elif [[ " ${TARGETS[*]} " == *" $target "* ]]; then
    selected=("$target")
else
    echo "unknown target '$target': expected all or one of ${TARGETS[*]}" >&2
    exit 2
fi
[[ $seconds =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }

# --- the fuzzer -------------------------------------------------------------------------------
if ! cargo afl --version >/dev/null 2>&1; then
    cargo install --locked cargo-afl@0.18.2
fi
# Builds AFL++ for this rustc once; says so (and fails) when it is already built.
if ! config=$(cargo afl config --build 2>&1) && [[ $config != *"already built"* ]]; then
    echo "$config" >&2
    echo "cargo afl config --build failed (it needs a C compiler and make)" >&2
    exit 1
fi

# --- the build (HiGHS compiles once for fuzz/target, ~5 min on 2 cores) -------------------------
# NO_BUILD=1 fuzzes the binaries already built (e.g. while others edit the tree).
[[ ${NO_BUILD:-0} == 1 ]] || (cd fuzz && cargo afl build --release --bins)
BIN=$ROOT/fuzz/target/release
WORK=$ROOT/fuzz/target/afl

# --- seeds ------------------------------------------------------------------------------------
add_seed() { # add_seed DIR FILE: a copy named after its path, when small enough
    local size
    size=$(stat -c %s "$2")
    ((size <= MAX_SEED)) || return 0
    cp "$2" "$1/$(echo "${2#"$ROOT"/}" | tr '/' '_')"
}

seed_instance_json() {
    local f
    for f in tests/invalid/*.json tests/fixtures/*/instance.json instances/*/*.json \
        instances/replan-example/published/*.json tests/fuzz_regressions/instance_json/*; do
        [[ -f $f ]] && add_seed "$1" "$f"
    done
}

seed_schedule_json() {
    local f
    for f in tests/fixtures/*/*.json tests/fuzz_regressions/schedule_json/*; do
        [[ -f $f && $f != */instance.json ]] && add_seed "$1" "$f"
    done
}

seed_csv_folder() { # each instance exported as a CSV folder, its files joined by the separator
    local rebook=$ROOT/target/release/rebook f tmp part seed
    [[ -x $rebook ]] || cargo build --release
    tmp=$(mktemp -d)
    for f in tests/fixtures/*/instance.json instances/*/*.json; do
        rm -rf "$tmp/csv"
        "$rebook" export csv "$f" --out "$tmp/csv" >/dev/null 2>&1 || continue
        seed=$1/$(echo "$f" | tr '/' '_').folder
        for part in settings.json theatres.csv surgeons.csv duties.csv sessions.csv procedures.csv; do
            cat "$tmp/csv/$part"
            [[ $part == procedures.csv ]] || printf -- '--8<--\n'
        done >"$seed"
        (($(stat -c %s "$seed") <= MAX_CSV_SEED)) || rm "$seed"
    done
    rm -rf "$tmp"
    for f in tests/fuzz_regressions/csv_folder/*; do
        [[ -f $f ]] && add_seed "$1" "$f"
    done
}

seed_ihtc_instance() {
    local f
    for f in tests/ihtc/*.json "$IHTC_DIR"/*.json tests/fuzz_regressions/ihtc_instance/*; do
        [[ -f $f && $f != *solution* ]] && add_seed "$1" "$f"
    done
}

# --- runs -------------------------------------------------------------------------------------
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_AUTORESUME=1 AFL_NO_UI=1 AFL_QUIET=1
found=0
for t in "${selected[@]}"; do
    seeds=$WORK/$t/seeds
    out=$WORK/$t/out
    rm -rf "$seeds"
    mkdir -p "$seeds" "$out"
    "seed_$t" "$seeds"
    echo "== $t: $(find "$seeds" -type f | wc -l) seeds, $seconds s"
    cargo afl fuzz -i "$seeds" -o "$out" -V "$seconds" -t "$TIMEOUT_MS" -x fuzz/rebook.dict \
        -- "$BIN/$t" >"$WORK/$t/afl.log" 2>&1 || {
        tail -20 "$WORK/$t/afl.log" >&2
        echo "$t: afl-fuzz failed (log: $WORK/$t/afl.log)" >&2
        exit 1
    }
    stats=$out/default/fuzzer_stats
    value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    echo "$t: execs $(value execs_done), execs/s $(value execs_per_sec), edges $(value edges_found) of $(value total_edges) ($(value bitmap_cvg)), corpus $(value corpus_count), crashes $(value saved_crashes), hangs $(value saved_hangs), run time $(value run_time) s"
    for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
        [[ -f $f ]] || continue
        echo "  found: $f" >&2
        found=1
    done
done
if ((found)); then
    echo "minimise one with: cargo afl tmin -i FILE -o min -- fuzz/target/release/TARGET;" \
        "then put it under tests/fuzz_regressions/TARGET/ (docs/FUZZING.md)" >&2
    exit 1
fi
