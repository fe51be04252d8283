#!/usr/bin/env bash
# Runs one libFuzzer target over its seed corpus, then on mutations of it.
# Usage: fuzz/run.sh FUZZER SEED_DIR (--runs N | --seconds S) [--artifacts DIR] [--keep DIR]
#   --runs N      stop after N mutated inputs (the ctest smoke run)
#   --seconds S   stop after S seconds (a long session: scripts/fuzz)
#   --artifacts   where a crashing input is saved (default: ./fuzz-artifacts)
#   --keep DIR    keep the inputs found to add coverage in DIR (default: thrown away;
#                 copy the useful ones into fuzz/corpus/<target>/ by hand)
# The seed corpus is only read. Exits non-zero when the target crashes, leaks, breaks a
# FUZZ_CHECK property or times out on one input; the input is then in the artifacts folder
# and libFuzzer's report says how to replay it.
set -euo pipefail
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
(($# >= 2)) || usage
fuzzer=$1 seeds=$2
shift 2
limit=() artifacts=$PWD/fuzz-artifacts keep=""
while (($#)); do
  case $1 in
    --runs) limit=(-runs="$2"); shift 2 ;;
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --artifacts) artifacts=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) usage ;;
  esac
done
((${#limit[@]})) || usage
[[ -x $fuzzer ]] || { echo "fuzz: $fuzzer is not built (scripts/fuzz builds it)" >&2; exit 1; }
[[ -d $seeds ]] || { echo "fuzz: no seed corpus at $seeds" >&2; exit 1; }

mkdir -p "$artifacts"
if [[ -n $keep ]]; then
  mkdir -p "$keep"
  work=$keep
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/reviewbot-fuzz.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
# New inputs go to the first folder ($work); the seeds are read from the second.
"$fuzzer" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$(basename "$fuzzer")-" "$work" "$seeds"
