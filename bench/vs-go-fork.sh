#!/usr/bin/env bash
# The fork modes side by side with the Go of-watchdog, in the same run, alternating ours and Go's (A B A B):
#  - serializing and streaming: cold (a fresh start, 2 s of unmeasured load, 5 s measured) and warm (30 s of load,
#    10 s measured). wrk, 8 connections, 1 KiB POST through `cat`; requests/s, p50, p99, and the CPU per call of
#    the watchdog's process tree (its own and its reaped children's, from /proc); serializing cold also at 1 and 4
#    connections (a fresh start each), where the JIT has fewer calls to learn from;
#  - 64 KiB answers: a 64 KiB POST through `cat`, serializing and streaming, cold (a fresh start each);
#  - one 500 MB POST streamed through `cat` on a fresh start: MB/s and the watchdog's peak RSS (VmHWM);
#  - in the same rounds, the machine's own ceilings: spawn.c (8 threads spawning cat, 1 KiB in and out) and
#    `cat big | cat`.
# Ours runs as the JVM image does (src/main/docker/layout.sh into OUR_DIR). REF_WATCHDOG names the Go program
# (bench/RESULTS.md, "Side by side with the Go of-watchdog", says how to build it); its metrics port 8081 must be free.
# Usage: REF_WATCHDOG=/path/to/of-watchdog bench/vs-go-fork.sh [rounds]   (default 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl gcc
ROUNDS=${1:-3}
CONNECTIONS=8
gcc -O2 -pthread -o "$OUT/spawn" "$BENCH_DIR/spawn.c"
source "$BENCH_DIR/vs-go-lib.sh"
trap stop EXIT

POST=(-s "$BENCH_DIR/post1k.lua")
POST64=(-s "$BENCH_DIR/post64k.lua")
url=http://127.0.0.1:$PORT/

# cold WHO KEY MODE [wrk args]: a fresh start in MODE, 2 s of unmeasured load, then 5 s measured into KEY; the
# watchdog is left running
cold() {
  local who=$1 key=$2 mode=$3; shift 3
  start "$who" mode="$mode" fprocess=cat
  load 2 "$url" "$@" >/dev/null
  r[$who.$key]+="$(load 5 "$url" "$@")|"
}

# cold_then_warm WHO MODE: the cold figures of 1 KiB calls, then, after 30 s more, the warm ones
cold_then_warm() {
  local who=$1 mode=$2
  cold "$who" "${mode:0:3}_cold" "$mode" "${POST[@]}"
  load 30 "$url" "${POST[@]}" >/dev/null
  r[$who.${mode:0:3}_warm]+="$(load 10 "$url" "${POST[@]}")|"
  stop
}

measure() {
  local who=$1 c mode
  cold_then_warm "$who" serializing
  for c in 1 4; do
    CONNECTIONS=$c cold "$who" "ser_cold_c$c" serializing "${POST[@]}"
    stop
  done
  cold_then_warm "$who" streaming
  for mode in serializing streaming; do
    cold "$who" "${mode:0:3}_cold_64k" "$mode" "${POST64[@]}"
    stop
  done
  start "$who" mode=streaming fprocess=cat
  r[$who.stream]+="$(stream "$url")|"
  stop
}

KEYS=(ser_cold ser_cold_c1 ser_cold_c4 ser_warm str_cold str_warm ser_cold_64k str_cold_64k)
for round in $(seq 1 "$ROUNDS"); do
  for who in ours go; do
    measure "$who"
  done
  r[spawn]+="$("$OUT/spawn" 8 5) "
  r[pipe]+="$(pipe_mb_s) "
  for key in "${KEYS[@]}"; do
    echo "round $round $key (calls/s p50 p99 cpu-ms): ours $(last "ours.$key"), go $(last "go.$key")" >&2
  done
  echo "round $round stream (MB/s peak-RSS-MB CPU-s): ours $(last ours.stream), go $(last go.stream)" >&2
done

echo "$("$JAVA" -version 2>&1 | head -1); $(basename "$REF_WATCHDOG"); medians of $ROUNDS rounds;" \
  "spawn.c $(median ${r[spawn]}) calls/s; cat | cat $(median ${r[pipe]}) MB/s"
echo
echo "| measure | ours | Go | ours / Go |"
echo "|---|---|---|---|"
for key in "${KEYS[@]}"; do
  row "$key: calls/s" "$key" 1
  row "$key: p50 ms" "$key" 2
  row "$key: p99 ms" "$key" 3
  row "$key: CPU ms per call" "$key" 4
  row "$key: the watchdog's own CPU ms per call" "$key" 5
done
row "500 MB stream: MB/s" stream 1
row "500 MB stream: peak RSS MB" stream 2
row "500 MB stream: CPU s" stream 3
