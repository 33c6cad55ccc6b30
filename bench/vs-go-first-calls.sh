#!/usr/bin/env bash
# A pod's first calls in a fork mode, side by side with the Go of-watchdog: each watchdog started fresh (ours as the
# JVM image runs it, src/main/docker/layout.sh into OUR_DIR), alternating (A B A B); once /_/ready answers 200 and
# GAP seconds have passed (default 0), ten POSTs of 5 bytes through `cat`, one after the other, each timed by curl.
# Prints the median per call number over the rounds, ours and Go's, and the start (exec to the first 200 on
# /_/health). Call 1 is what a scale-from-zero caller waits for.
# Usage: REF_WATCHDOG=/path/to/of-watchdog [MODE=serializing|streaming] [GAP=s] bench/vs-go-first-calls.sh [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
ROUNDS=${1:-5}
CALLS=10
source "$BENCH_DIR/vs-go-lib.sh"
trap stop EXIT

for round in $(seq 1 "$ROUNDS"); do
  for who in ours go; do
    start "$who" mode="${MODE:-serializing}" fprocess=cat
    sleep "${GAP:-0}"
    times=$(for _ in $(seq 1 $CALLS); do
      curl -sS -o /dev/null -w '%{time_total} ' --data-binary hello "http://127.0.0.1:$PORT/"
    done | awk '{ for (i = 1; i <= NF; i++) printf "%.1f ", $i * 1000 }')
    r[$who.start]+="$START_S|"
    r[$who.calls]+="$times|"
    stop
    echo "round $round $who: start ${START_S} s, calls ms: $times" >&2
  done
done

echo "$("$JAVA" -version 2>&1 | head -1); $(basename "$REF_WATCHDOG"); mode ${MODE:-serializing}, gap ${GAP:-0} s;" \
  "medians of $ROUNDS rounds"
echo
echo "| measure | ours | Go | ours / Go |"
echo "|---|---|---|---|"
row "start: exec to /_/health 200, s" start 1
for n in $(seq 1 $CALLS); do
  row "call $n, ms" calls "$n"
done
