#!/usr/bin/env bash
# Soak (issue: lifecycle and logs): mixed load for a while, with clients that hang up mid-call, then checks that the
# watchdog's file descriptors, threads, child processes and RSS did not grow.
# Load, all at once: wrk (4 connections) posting 1 KiB through the function; a loop of 64 KiB uploads cut off by
# curl --max-time after 50 ms; a loop of calls to a function that sleeps, abandoned after 100 ms; health probes.
# Usage: bench/soak.sh [mode] [seconds]   mode: streaming (default), serializing or http; seconds: default 600
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl
MODE=${1:-streaming}
SECONDS_TOTAL=${2:-600}
build_jar
head -c 65536 /dev/zero > "$OUT/64k.bin"

case $MODE in
  http)
    need node
    start_watchdog mode=http fprocess="node $BENCH_DIR/upstream.js 18082" upstream_url=http://127.0.0.1:18082 ;;
  *)
    start_watchdog mode="$MODE" fprocess="sh $ROOT/src/test/resources/functions/dispatch.sh" ;;
esac
url="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$url/_/ready" >/dev/null && break; sleep 0.1; done
wrk -t1 -c4 -d10s -s "$BENCH_DIR/post1k.lua" "$url/" >/dev/null   # warm-up
sleep 2
start=$(resources "$WATCHDOG_PID")
echo "start: fds threads children rss_mb = $start" >&2

wrk -t1 -c4 -d"${SECONDS_TOTAL}s" -s "$BENCH_DIR/post1k.lua" "$url/" > "$OUT/soak-wrk.txt" &
wrk_pid=$!
end_at=$(( $(date +%s) + SECONDS_TOTAL ))
cut=0
while [ "$(date +%s)" -lt "$end_at" ]; do
  curl -s -o /dev/null --max-time 0.05 -T "$OUT/64k.bin" -X POST "$url/upload" || true
  curl -s -o /dev/null --max-time 0.1 "$url/sleep" -H "X-Pid-File: /dev/null" || true
  curl -s -o /dev/null "$url/_/health" || true
  cut=$((cut + 2))
  if [ $((cut % 200)) -eq 0 ]; then echo "  $(date +%T) $(resources "$WATCHDOG_PID")" >&2; fi
done
wait "$wrk_pid"
sleep 5   # let the killed functions be reaped and idle threads time out
end=$(resources "$WATCHDOG_PID")
calls=$(awk '/requests in/ { print $1 }' "$OUT/soak-wrk.txt")
errors=$(awk '/Non-2xx/ { print $5 }' "$OUT/soak-wrk.txt")
stop_watchdog
echo "end:   fds threads children rss_mb = $end" >&2
echo "| $(date +%F) | $MODE | ${SECONDS_TOTAL}s | $calls calls, ${errors:-0} non-2xx, $cut cut off | $start | $end |"
