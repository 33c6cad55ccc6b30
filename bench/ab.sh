#!/usr/bin/env bash
# Two builds of the watchdog side by side in the same run, alternating A B A B: a change's before and after.
#  - serializing calls/s: wrk, 8 connections, 1 KiB POST through `cat` (beside spawn.c, the C spawn rate)
#  - http requests/s and the watchdog's CPU per request: wrk, 32 connections, small GET through bench/upstream.go (one
#    instance for both sides, fast enough that the proxy's own cost shows)
# Each watchdog is started fresh and warmed up (WARMUP seconds) before DURATION seconds are measured.
# Usage: A_APP=dir A_JAVA=java B_APP=dir B_JAVA=java bench/ab.sh [rounds]
#   *_APP: a quarkus-app directory (the build's target/quarkus-app); *_JAVA: the java to run it with.
#   Defaults: B is this tree's build; both run on the Java 25 that .mvn/java25 finds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl gcc go
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-20}
UPSTREAM_PORT=${UPSTREAM_PORT:-18090}
A_APP=${A_APP:?a quarkus-app directory to compare with}
A_JAVA=${A_JAVA:-$JAVA}
B_APP=${B_APP:-$ROOT/target/quarkus-app}
B_JAVA=${B_JAVA:-$JAVA}
gcc -O2 -pthread -o "$OUT/spawn" "$BENCH_DIR/spawn.c"
go build -o "$OUT/upstream" "$BENCH_DIR/upstream.go"
"$OUT/upstream" $UPSTREAM_PORT &
UPSTREAM_PID=$!
trap 'kill $UPSTREAM_PID 2>/dev/null' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/"; do sleep 0.05; done
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

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
  run "${!app}" "${!java}" mode=http fprocess="sleep 3600" upstream_url=http://127.0.0.1:$UPSTREAM_PORT
  wrk -t2 -c32 -d"${WARMUP}s" "http://127.0.0.1:$PORT/" >/dev/null
  local before after rps
  before=$(cpu_ticks "$WATCHDOG_PID")
  rps=$(rate -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$PORT/")
  after=$(cpu_ticks "$WATCHDOG_PID")
  # microseconds of the watchdog's CPU per request
  echo "$rps $(awk -v t=$((after - before)) -v hz="$TICKS" -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%.1f", t / hz * 1e6 / (r * d) }')"
  stop_watchdog
}

declare -a c a_ser a_http a_cpu b_ser b_http b_cpu
for round in $(seq 1 "$ROUNDS"); do
  c+=("$("$OUT/spawn" 8 "$DURATION")")
  read -r s h u <<<"$(measure A)"; a_ser+=("$s"); a_http+=("$h"); a_cpu+=("$u")
  read -r s h u <<<"$(measure B)"; b_ser+=("$s"); b_http+=("$h"); b_cpu+=("$u")
  echo "round $round: C spawn ${c[-1]}/s; A serializing ${a_ser[-1]}/s http ${a_http[-1]}/s ${a_cpu[-1]} us/req;" \
    "B serializing ${b_ser[-1]}/s http ${b_http[-1]}/s ${b_cpu[-1]} us/req" >&2
done
m_c=$(median "${c[@]}")
echo "| measure | A | B | B / A |"
echo "|---|---|---|---|"
echo "| serializing calls/s (C spawn $m_c/s) | $(median "${a_ser[@]}") | $(median "${b_ser[@]}") | $(ratio "$(median "${b_ser[@]}")" "$(median "${a_ser[@]}")") |"
echo "| http requests/s | $(median "${a_http[@]}") | $(median "${b_http[@]}") | $(ratio "$(median "${b_http[@]}")" "$(median "${a_http[@]}")") |"
echo "| http: the watchdog's CPU per request, us | $(median "${a_cpu[@]}") | $(median "${b_cpu[@]}") | $(ratio "$(median "${b_cpu[@]}")" "$(median "${a_cpu[@]}")") |"
