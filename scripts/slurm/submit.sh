#!/usr/bin/env bash
# Solves a rebook batch on a Slurm cluster: a job array of N shards, then a merge job that
# depends on it. The merged result (OUT/merged) is what `rebook solve|compare` writes on one
# machine. See docs/CLUSTER.md.
#
#   scripts/slurm/submit.sh [options] -- solve|compare PATH... [rebook options]
#
# Options:
#   -n, --shards N       shards = array tasks 0..N-1 (default 4)
#   --only LIST          submit only these shards again (a Slurm index list: 5, or 2,5, or 2-3),
#                        into the same OUT, then merge all N again
#   -o, --out DIR        OUT: OUT/shard-K per shard, OUT/merged, OUT/logs (default out/slurm)
#   -c, --cpus N         CPUs per shard, passed to rebook as --jobs (default 1)
#   -t, --time T         Slurm time limit per shard, e.g. 30:00 (default: the partition's)
#   -p, --partition P    Slurm partition (default: the cluster's default)
#   --rebook PATH        the rebook binary every node runs (default: rebook on PATH)
#   --sbatch ARG         one more argument for both sbatch calls (repeat it for several)
#   --wait               wait for the merge job and exit with its code
#
# Do not pass --shard, --out, --jobs or --quiet to rebook: each shard gets them from here. Paths are
# read on the nodes from the directory you submit from (sbatch's working directory), so give the
# same paths to a one-machine run to compare the two byte for byte.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=4
out=out/slurm
cpus=1
time_limit=
partition=
rebook=${REBOOK:-rebook}
extra=()
wait=
only=
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -n | --shards) shards=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -o | --out) out=$2; shift 2 ;;
    -c | --cpus) cpus=$2; shift 2 ;;
    -t | --time) time_limit=$2; shift 2 ;;
    -p | --partition) partition=$2; shift 2 ;;
    --rebook) rebook=$2; shift 2 ;;
    --sbatch) extra+=("$2"); shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; break ;;
    -h | --help) usage ;;
    *) echo "submit.sh: unknown option $1 (rebook's command and options go after --)" >&2; usage ;;
  esac
done
[ $# -ge 2 ] || usage
case $1 in solve | compare) ;; *) echo "submit.sh: the command is solve or compare, not $1" >&2; exit 2 ;; esac
case $shards in '' | *[!0-9]* | 0) echo "submit.sh: --shards wants a whole number ≥ 1" >&2; exit 2 ;; esac
for arg in "$@"; do
  case $arg in --shard | --shard=* | --out | --out=* | -o | --jobs | --jobs=* | -j | --quiet | -q)
    echo "submit.sh: do not pass $arg to rebook: each shard gets it from submit.sh" >&2; exit 2 ;;
  esac
done

# The log folder must exist before Slurm opens the logs in it.
mkdir -p "${out}/logs"
common=(--parsable)
[ -n "$partition" ] && common+=(--partition "$partition")
common+=(${extra[@]+"${extra[@]}"})
shard_opts=(--array "${only:-0-$((shards - 1))}" --cpus-per-task "$cpus" --output "${out}/logs/shard-%A_%a.out")
[ -n "$time_limit" ] && shard_opts+=(--time "$time_limit")

# Every node runs the same binary: export its path to the jobs, and the number of shards (which
# an array of only some shards, --only, does not tell).
export REBOOK="$rebook"
export REBOOK_SHARD_COUNT="$shards"
array=$(sbatch "${common[@]}" "${shard_opts[@]}" --export=ALL "${here}/shard.sbatch" "$out" "$@")
array=${array%%;*}
echo "submit.sh: job array ${array}: shard(s) ${only:-all} of ${shards} of rebook $1 into ${out}/shard-K" >&2
merge_opts=(--dependency "afterany:${array}" --cpus-per-task 1 --output "${out}/logs/merge-%j.out")
if [ -n "$wait" ]; then
  echo "submit.sh: waiting for the merge into ${out}/merged" >&2
  set +e
  merge=$(sbatch "${common[@]}" "${merge_opts[@]}" --export=ALL --wait "${here}/merge.sbatch" "$out" "$shards")
  code=$?
  set -e
  echo "submit.sh: merge job ${merge%%;*} ended with exit code ${code}; log ${out}/logs/merge-${merge%%;*}.out" >&2
  exit "$code"
fi
merge=$(sbatch "${common[@]}" "${merge_opts[@]}" --export=ALL "${here}/merge.sbatch" "$out" "$shards")
echo "submit.sh: merge job ${merge%%;*} after it, into ${out}/merged" >&2
echo "${array} ${merge%%;*}"
