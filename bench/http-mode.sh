#!/usr/bin/env bash
# http mode side by side with its baseline, in the same run (issue: http mode).
#  1. Saturated: wrk, 32 connections, small GET, on the Node function server directly and through the watchdog.
#  2. Fixed rate: hey -q 100 -c 10 (1,000 requests/s) for 10 s: p99 latency, direct and through the watchdog.
#  3. POST 64 KiB echo: wrk, 32 connections, to the function server's /echo, directly and through the watchdog.
#  4. The watchdog's RSS after the load (over a minute in all with the default rounds).
# Usage: bench/http-mode.sh [rounds]   (default 3; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk hey node curl
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
UPSTREAM_PORT=${UPSTREAM_PORT:-18090}
build_jar
start_watchdog mode=http fprocess="node $BENCH_DIR/upstream.js $UPSTREAM_PORT" upstream_url=http://127.0.0.1:$UPSTREAM_PORT
until curl -sf "http://127.0.0.1:$PORT/_/ready" >/dev/null; do sleep 0.1; done
direct=http://127.0.0.1:$UPSTREAM_PORT/
proxied=http://127.0.0.1:$PORT/
# Warm-up: let the JIT compile the proxy path, with both clients (hey's requests carry other headers than wrk's, and
# a first fixed-rate round right after a wrk-only warm-up measured 2 to 4 ms worse than every later one).
wrk -t2 -c32 -d15s "$proxied" >/dev/null
hey -z 10s -q 100 -c 10 "$proxied" >/dev/null
wrk -t2 -c32 -d5s "$direct" >/dev/null

rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" | awk '/Requests\/sec/ { print $2 }'; }
p99() { hey -z "${DURATION}s" -q 100 -c 10 "$1" | awk '/ 99% in / { print $3 * 1000 }'; }

declare -a d_rps w_rps d_p99 w_p99 d_post w_post
for round in $(seq 1 "$ROUNDS"); do
  d_rps+=("$(rps "$direct")"); w_rps+=("$(rps "$proxied")")
  d_p99+=("$(p99 "$direct")"); w_p99+=("$(p99 "$proxied")")
  d_post+=("$(rps -s "$BENCH_DIR/post64k.lua" "${direct}echo")"); w_post+=("$(rps -s "$BENCH_DIR/post64k.lua" "${proxied}echo")")
  echo "round $round: direct ${d_rps[-1]}/s p99 ${d_p99[-1]} ms post ${d_post[-1]}/s," \
    "watchdog ${w_rps[-1]}/s p99 ${w_p99[-1]} ms post ${w_post[-1]}/s" >&2
done
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$WATCHDOG_PID/status")
stop_watchdog

m_d=$(median "${d_rps[@]}"); m_w=$(median "${w_rps[@]}")
m_dp=$(median "${d_p99[@]}"); m_wp=$(median "${w_p99[@]}")
m_dpost=$(median "${d_post[@]}"); m_wpost=$(median "${w_post[@]}")
cat <<REPORT
| scenario | direct (median) | through the watchdog (median) | ratio / difference |
|---|---|---|---|
| wrk, 32 connections, small GET | $m_d/s | $m_w/s | $(ratio "$m_w" "$m_d") |
| hey -q 100 -c 10 (1,000/s), p99 | $m_dp ms | $m_wp ms | +$(awk -v a="$m_wp" -v b="$m_dp" 'BEGIN { printf "%.2f", a - b }') ms |
| wrk, 32 connections, POST 64 KiB echo | $m_dpost/s | $m_wpost/s | $(ratio "$m_wpost" "$m_dpost") |

Watchdog JVM flags: \`$WATCHDOG_JVM\`; RSS after the load: ${rss} MB. Rounds: $ROUNDS, ${DURATION} s each.
REPORT
