#!/usr/bin/env bash
# Writes every user-visible output of a rebook binary into one folder, so that a change meant to
# keep behaviour (a refactor) can be checked with a plain `diff -r` of two runs:
#   scripts/outputs.sh BIN OUT_DIR
# Timings are masked (`seconds` fields and columns, times printed by commands), nothing else.
# Covers: validate (bundled, invalid and warning corpora), check, solve (fifo, priority, mip, with
# reports), compare, report, generate, stats, CSV export/import, IHTC import/bench/export/score.
set -uo pipefail
bin="$(realpath "$1")"; out="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
ihtc="$root/../shared/benchmarks/ihtc2024"
rm -rf "$out"; mkdir -p "$out"; out="$(realpath "$out")"
cd "$root"
run() { # NAME CMD...: stdout, stderr and exit code of one command
  local name="$1"; shift
  "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"; echo "$?" >"$out/$name.code"
}
kent=instances/kent-2016-04
run validate "$bin" validate $kent tests/invalid tests/warnings
run validate-missing "$bin" validate no/such/file.json
run stats "$bin" stats $kent
run stats-json "$bin" stats $kent --json
for s in fifo priority mip; do
  run solve-$s "$bin" solve $kent --strategy $s --jobs 2 --quiet --report --out "$out/solve-$s"
done
run solve-unknown "$bin" solve $kent --strategy nope --out "$out/solve-nope"
run compare "$bin" compare $kent --strategies fifo,priority,mip --jobs 2 --quiet --out "$out/compare"
for f in "$out"/solve-mip/*.schedule.json; do
  n=$(basename "$f" .schedule.json)
  inst=$(ls $kent/*-"$n".json)
  run check-$n "$bin" check "$inst" "$f"
  run report-$n "$bin" report "$inst" "$f" --out "$out/report-$n.html"
done
run generate-kent "$bin" generate --scenario kent-2016-04 --seed 3 --out "$out/gen-kent"
run generate-custom "$bin" generate --trusts 2 --cases 60 --seed 5 --out "$out/gen-custom"
run generate-params "$bin" generate --scenario small --show-params
run export-csv "$bin" export csv $kent/medway-RPA.json --out "$out/csv-medway"
run import-csv "$bin" import csv "$out/csv-medway" --out "$out/csv-medway.json"
if [ -d "$ihtc" ]; then
  mkdir -p "$out/ihtc-in"; cp "$ihtc"/instances/small0{1,2,3}.json "$ihtc"/instances/i01.json "$out/ihtc-in/"
  run import-ihtc "$bin" import ihtc "$out/ihtc-in" --out "$out/ihtc-imported"
  run bench-ihtc "$bin" bench ihtc "$out/ihtc-in" --solutions "$ihtc/solutions" --reference "$ihtc/README.md" \
    --time-limit 20 --csv "$out/bench-ihtc.csv"
  run solve-ihtc "$bin" solve "$out/ihtc-imported/i01.json" --quiet --out "$out/ihtc-solved"
  run export-ihtc "$bin" export ihtc "$out/ihtc-imported/i01.json" "$out/ihtc-solved/i01.schedule.json" \
    --out "$out/i01.solution.json"
  run score-ihtc "$bin" score ihtc "$ihtc/instances/i01.json" "$out/i01.solution.json"
  rm -rf "$out/ihtc-in"
fi
# Mask the output folder's path and timings: JSON "seconds", CSV columns named seconds, "in 1.23 s" and "N.NN s" in text.
python3 - "$out" <<'PY'
import csv, io, os, re, sys
for dirpath, _, names in os.walk(sys.argv[1]):
    for n in names:
        p = os.path.join(dirpath, n)
        try:
            text = open(p, encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        new = text.replace(sys.argv[1], 'OUT')
        new = re.sub(r'("seconds":\s*)[0-9.eE+-]+', r'\1"T"', new)
        new = re.sub(r'\b\d+(\.\d+)?(\s?)s\b', r'T\2s', new)
        if n.endswith(".csv") and new:
            rows = list(csv.reader(io.StringIO(new)))
            if rows and "seconds" in rows[0]:
                i = rows[0].index("seconds")
                for r in rows[1:]:
                    if i < len(r): r[i] = "T"
                buf = io.StringIO(); csv.writer(buf, lineterminator="\n").writerows(rows); new = buf.getvalue()
        if new != text:
            open(p, "w", encoding="utf-8").write(new)
PY
echo "outputs written to $out"
