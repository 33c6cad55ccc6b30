#!/usr/bin/env bash
# Two builds of the watchdog side by side in the same run, alternating A B A B: a change's before and after.
#  - serializing calls/s: wrk, 8 connections, 1 KiB POST through `cat` (beside spawn.c, the C spawn rate)
#  - http requests/s: wrk, 32 connections, small GET through the Node function server (bench/upstream.js)
# Each watchdog is started fresh and warmed up (WARMUP seconds) before DURATION seconds are measured.
# Usage: A_APP=dir A_JAVA=java B_APP=dir B_JAVA=java bench/ab.sh [rounds]
#   *_APP: a quarkus-app directory (the build's target/quarkus-app); *_JAVA: the java to run it with.
#   Defaults: B is this tree's build; both run on the Java 25 that .mvn/java25 finds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk node curl gcc
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-20}
UPSTREAM_PORT=${UPSTREAM_PORT:-18090}
A_APP=${A_APP:?a quarkus-app directory to compare with}
A_JAVA=${A_JAVA:-$JAVA}
B_APP=${B_APP:-$ROOT/target/quarkus-app}
B_JAVA=${B_JAVA:-$JAVA}
gcc -O2 -pthread -o "$OUT/spawn" "$BENCH_DIR/spawn.c"

# run APP JAVA VAR=value...: starts that build, waits for /_/ready
run() {
  WATCHDOG_APP=$1 JAVA=$2
  shift 2
  start_watchdog "$@"
  until curl -sf "http://127.0.0.1:$PORT/_/ready" >/dev/null; do sleep 0.05; done
}

rate() { wrk "$@" | awk '/Requests\/sec/ { print $2 }'; }

# measure SIDE: serializing, then http, for that side's build
measure() {
  local app=${1}_APP java=${1}_JAVA
  run "${!app}" "${!java}" mode=serializing fprocess=cat
  wrk -t2 -c8 -d"${WARMUP}s" -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/" >/dev/null
  echo -n "$(rate -t2 -c8 -d"${DURATION}s" -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/") "
  stop_watchdog
  run "${!app}" "${!java}" mode=http fprocess="node $BENCH_DIR/upstream.js $UPSTREAM_PORT" \
    upstream_url=http://127.0.0.1:$UPSTREAM_PORT
  wrk -t2 -c32 -d"${WARMUP}s" "http://127.0.0.1:$PORT/" >/dev/null
  rate -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$PORT/"
  stop_watchdog
}

declare -a c a_ser a_http b_ser b_http
for round in $(seq 1 "$ROUNDS"); do
  c+=("$("$OUT/spawn" 8 "$DURATION")")
  read -r s h <<<"$(measure A)"; a_ser+=("$s"); a_http+=("$h")
  read -r s h <<<"$(measure B)"; b_ser+=("$s"); b_http+=("$h")
  echo "round $round: C spawn ${c[-1]}/s; A serializing ${a_ser[-1]}/s http ${a_http[-1]}/s;" \
    "B serializing ${b_ser[-1]}/s http ${b_http[-1]}/s" >&2
done
m_c=$(median "${c[@]}")
echo "| measure | A | B | B / A |"
echo "|---|---|---|---|"
echo "| serializing calls/s (C spawn $m_c/s) | $(median "${a_ser[@]}") | $(median "${b_ser[@]}") | $(ratio "$(median "${b_ser[@]}")" "$(median "${a_ser[@]}")") |"
echo "| http requests/s | $(median "${a_http[@]}") | $(median "${b_http[@]}") | $(ratio "$(median "${b_http[@]}")" "$(median "${a_http[@]}")") |"
