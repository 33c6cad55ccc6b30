#!/usr/bin/env bash
# afterburn mode beside the two ways it replaces, in the same run (issue: afterburn mode): a 1 KiB POST echoed,
# wrk with 8 connections, through
#   - afterburn: bench/afterburn-worker.js, afterburn_workers=2;
#   - serializing: `cat`, a fork per call;
#   - http: bench/echo-server.js, a Node HTTP server doing the same work.
# Each round starts each watchdog fresh, warms it up for WARMUP seconds, then measures DURATION seconds: requests/s,
# p99, and the watchdog's peak RSS (VmHWM). Rounds alternate the three; medians are reported.
# Usage: bench/afterburn.sh [rounds]   (default 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl node
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
UPSTREAM_PORT=$((PORT + 20))
build_jar

# measure: "requests/s p99_ms peak_rss_mb" of the running watchdog
measure() {
  wrk -t2 -c8 -d"${WARMUP}s" -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/" >/dev/null
  local out
  out=$(wrk -t2 -c8 -d"${DURATION}s" --latency -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/")
  local rps p99
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms/, "", v); else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; print v }' <<<"$out")
  echo "$rps $p99 $(peak_rss_mb "$WATCHDOG_PID")"
}

declare -a ab_rps ab_p99 ab_rss ser_rps ser_p99 ser_rss http_rps http_p99 http_rss
for round in $(seq 1 "$ROUNDS"); do
  start_watchdog mode=afterburn fprocess="node $BENCH_DIR/afterburn-worker.js" afterburn_workers=2
  read -r r p m <<<"$(measure)"; stop_watchdog
  ab_rps+=("$r"); ab_p99+=("$p"); ab_rss+=("$m")

  start_watchdog mode=serializing fprocess=cat
  read -r r p m <<<"$(measure)"; stop_watchdog
  ser_rps+=("$r"); ser_p99+=("$p"); ser_rss+=("$m")

  start_watchdog mode=http fprocess="node $BENCH_DIR/echo-server.js $UPSTREAM_PORT" upstream_url="http://127.0.0.1:$UPSTREAM_PORT"
  read -r r p m <<<"$(measure)"; stop_watchdog
  http_rps+=("$r"); http_p99+=("$p"); http_rss+=("$m")
  echo "round $round: afterburn ${ab_rps[-1]}/s p99 ${ab_p99[-1]} ms ${ab_rss[-1]} MB;" \
    "serializing ${ser_rps[-1]}/s p99 ${ser_p99[-1]} ms ${ser_rss[-1]} MB;" \
    "http ${http_rps[-1]}/s p99 ${http_p99[-1]} ms ${http_rss[-1]} MB" >&2
done

a=$(median "${ab_rps[@]}"); s=$(median "${ser_rps[@]}"); h=$(median "${http_rps[@]}")
echo "| mode | requests/s | p99 ms | watchdog peak RSS MB |"
echo "|---|---|---|---|"
echo "| afterburn (2 Node workers) | $a | $(median "${ab_p99[@]}") | $(median "${ab_rss[@]}") |"
echo "| serializing (cat) | $s | $(median "${ser_p99[@]}") | $(median "${ser_rss[@]}") |"
echo "| http (Node server) | $h | $(median "${http_p99[@]}") | $(median "${http_rss[@]}") |"
echo "afterburn / serializing: $(ratio "$a" "$s"); afterburn / http: $(ratio "$a" "$h")"
