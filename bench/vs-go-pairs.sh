#!/usr/bin/env bash
# Many short alternating pairs of fresh starts, ours then Go's, for effects smaller than the machine's noise between
# rounds: each pair is a fresh start of each, 2 s of unmeasured load, then 5 s measured (wrk, 8 connections, one
# POST body through `cat` in one fork mode), and spawn.c, the machine's own spawn rate, after every pair. Prints each
# pair, then the medians of each side and the median of the pairs' ratios (a pair's two runs share the machine's
# mood, so its ratio is steadier than a ratio of medians).
# REF_WATCHDOG names the Go program, or another image's fwatchdog launcher for an A/B of two builds (OUR_DIR is
# ours, as in the other vs-go scripts).
# Usage: REF_WATCHDOG=/path/to/of-watchdog bench/vs-go-pairs.sh [pairs] [serializing|streaming] [post1k|post64k]
#   defaults: 10 pairs, streaming, post1k
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl gcc
PAIRS=${1:-10}
MODE=${2:-streaming}
BODY=${3:-post1k}
CONNECTIONS=8
gcc -O2 -pthread -o "$OUT/spawn" "$BENCH_DIR/spawn.c"
source "$BENCH_DIR/vs-go-lib.sh"
trap stop EXIT
url=http://127.0.0.1:$PORT/

for pair in $(seq 1 "$PAIRS"); do
  for who in ours go; do
    start "$who" mode="$MODE" fprocess=cat
    load 2 "$url" -s "$BENCH_DIR/$BODY.lua" >/dev/null
    r[$who]+="$(load 5 "$url" -s "$BENCH_DIR/$BODY.lua")|"
    stop
  done
  r[spawn]+="$("$OUT/spawn" 8 5)|"
  echo "pair $pair (calls/s p50 p99 cpu-ms own-cpu-ms): ours $(last ours), go $(last go); spawn.c $(last spawn)" >&2
done

# pair_median FIELD: the median over the pairs of ours / Go's in that field
pair_median() {
  local ratios
  ratios=$(paste -d' ' <(printf '%s' "${r[ours]}" | tr '|' '\n' | awk -v f="$1" 'NF { print $f }') \
    <(printf '%s' "${r[go]}" | tr '|' '\n' | awk -v f="$1" 'NF { print $f }') | awk '$2 > 0 { print $1 / $2 }')
  printf '%.2f' "$(median $ratios)"
}

echo "$MODE, $BODY, $PAIRS pairs; $("$JAVA" -version 2>&1 | head -1); $(basename "$REF_WATCHDOG");" \
  "spawn.c $(med spawn 1) calls/s"
echo
echo "| measure | ours | Go | ours / Go, median of pairs |"
echo "|---|---|---|---|"
field=1
for label in calls/s "p50 ms" "p99 ms" "CPU ms per call" "the watchdog's own CPU ms per call"; do
  echo "| $label | $(med ours $field) | $(med go $field) | $(pair_median $field) |"
  field=$((field + 1))
done
