#!/usr/bin/env bash
# http mode side by side with the Go of-watchdog, in the same run, alternating ours and Go's (A B A B):
#  - cold: a fresh start, 2 s of unmeasured load, then 5 s measured (GET; then, after a fresh start again, POST
#    64 KiB echo); warm: the same instance after 30 s of load, 10 s measured (GET, then POST)
#  - requests/s, p50 and p99 (wrk --latency, 32 connections), CPU per request of the watchdog's own process (from
#    /proc: the function server is shared and not counted), RSS after the load
#  - start-up: exec to the first 200 on /_/health, median of 5 starts; RSS 1 s after start
#  - the function server hit directly in the same rounds: the ceiling
# The function server is bench/upstream.go (fast enough that the watchdogs' own cost shows), one instance for both;
# the watchdogs' fprocess is a sleep. Ours runs exactly as the JVM image does: src/main/docker/layout.sh lays out
# OUR_DIR (the launcher, the image's flags, the AOT cache) unless it is there already.
# REF_WATCHDOG names the Go program (of-watchdog 0.9.12: bench/RESULTS.md, "Side by side with the Go
# of-watchdog", says how to build it). Go's metrics port is
# fixed at 8081: it must be free.
# Usage: REF_WATCHDOG=/path/to/of-watchdog bench/vs-go.sh [rounds]   (default 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl go
ROUNDS=${1:-3}
UPSTREAM_PORT=${UPSTREAM_PORT:-18090}
go build -o "$OUT/upstream" "$BENCH_DIR/upstream.go"

source "$BENCH_DIR/vs-go-lib.sh"
HTTP_ENV=(mode=http upstream_url=http://127.0.0.1:$UPSTREAM_PORT fprocess="sleep 3600")

"$OUT/upstream" $UPSTREAM_PORT &
UPSTREAM_PID=$!
trap 'kill $UPSTREAM_PID 2>/dev/null; stop' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/"; do sleep 0.05; done

POST=(-s "$BENCH_DIR/post64k.lua")
get_url=http://127.0.0.1:$PORT/
post_url=http://127.0.0.1:$PORT/echo

measure() {
  local who=$1
  start "$who" "${HTTP_ENV[@]}"
  load 2 "$get_url" >/dev/null
  r[$who.cold_get]+="$(load 5 "$get_url")|"
  stop
  start "$who" "${HTTP_ENV[@]}"
  load 2 "$post_url" "${POST[@]}" >/dev/null
  r[$who.cold_post]+="$(load 5 "$post_url" "${POST[@]}")|"
  load 30 "$get_url" >/dev/null
  r[$who.warm_get]+="$(load 10 "$get_url")|"
  r[$who.warm_post]+="$(load 10 "$post_url" "${POST[@]}")|"
  r[$who.rss]+="$(rss_mb "$WD_PID") "
  stop
}

for round in $(seq 1 "$ROUNDS"); do
  for who in ours go; do
    measure "$who"
  done
  d=$(wrk -t2 -c32 -d5s "http://127.0.0.1:$UPSTREAM_PORT/" | awk '/^Requests\/sec/ { print $2 }')
  r[direct]+="$d "
  for key in cold_get cold_post warm_get warm_post; do
    echo "round $round $key (requests/s p50 p99 cpu-ms): ours $(last "ours.$key"), go $(last "go.$key")" >&2
  done
  echo "round $round: function server direct $d/s" >&2
done
for i in 1 2 3 4 5; do
  for who in ours go; do
    start "$who" "${HTTP_ENV[@]}"
    r[$who.start]+="$START_S "
    sleep 1
    r[$who.idle_rss]+="$(rss_mb "$WD_PID") "
    stop
  done
done

echo "$("$JAVA" -version 2>&1 | head -1); $(basename "$REF_WATCHDOG"); medians of $ROUNDS rounds; function server direct: $(median ${r[direct]})/s"
echo
echo "| measure | ours | Go | ours / Go |"
echo "|---|---|---|---|"
for phase in cold warm; do
  for kind in get post; do
    row "$phase $kind: requests/s" "${phase}_$kind" 1
    row "$phase $kind: p50 ms" "${phase}_$kind" 2
    row "$phase $kind: p99 ms" "${phase}_$kind" 3
    row "$phase $kind: CPU ms per request" "${phase}_$kind" 4
  done
done
echo "| RSS after the load, MB | $(median ${r[ours.rss]}) | $(median ${r[go.rss]}) | |"
echo "| exec to first 200 on /_/health, s | $(median ${r[ours.start]}) | $(median ${r[go.start]}) | |"
echo "| RSS 1 s after start, MB | $(median ${r[ours.idle_rss]}) | $(median ${r[go.idle_rss]}) | |"
