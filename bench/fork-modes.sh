#!/usr/bin/env bash
# Fork modes side by side with their baselines, in the same run (issue: serializing and streaming modes).
#  1. Calls per second: wrk, 8 connections, 1 KiB POST through `cat`, serializing and streaming, beside the raw spawn
#     rate of spawn.c (8 threads spawning cat, writing 1 KiB, reading it back), and of SpawnLoop.java, the same loop
#     through the JDK's ProcessBuilder with no HTTP around it: holding no extra fds, and holding 40 (about what the
#     watchdog holds), the JDK's ceiling.
#  2. Streaming 1 GiB through `cat` with curl, beside `cat big | cat > /dev/null`, and beside StreamRelay.java, the
#     least a JVM can do for it (blocking copies, no HTTP framework): the JDK's ceiling. The watchdog's peak RSS.
# Each watchdog is warmed up first (WARMUP seconds of calls, STREAM_WARMUP 1 GiB streams): on 2 busy cores the JIT
# is still compiling after 20 s of calls (-XX:+PrintCompilation: ~1,500 methods compiled between 15 and 20 s, C2 at
# 13% of the CPU from 17 to 25 s, 3% from 37 s on), so the rate keeps rising for about 30 s.
# Usage: bench/fork-modes.sh [rounds]   (default 3; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl gcc
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30}
# Two warm-up streams left C2 compiling through the timed one (0.2-0.3 CPU-s of it, on 2 cores); after six it is quiet.
STREAM_WARMUP=${STREAM_WARMUP:-6}
build_jar
gcc -O2 -pthread -o "$OUT/spawn" "$BENCH_DIR/spawn.c"
[ -f "$OUT/big.bin" ] || head -c 1073741824 /dev/urandom > "$OUT/big.bin"

RELAY_PORT=$((PORT + 10))

# stream_seconds PORT: STREAM_WARMUP 1 GiB POSTs to warm up, then the time of one more
stream_seconds() {
  for _ in $(seq 1 "$STREAM_WARMUP"); do curl -s -T "$OUT/big.bin" -X POST "http://127.0.0.1:$1/" -o /dev/null; done
  local start end
  start=$(date +%s.%N)
  curl -sS --fail -T "$OUT/big.bin" -X POST "http://127.0.0.1:$1/" -o /dev/null
  end=$(date +%s.%N)
  awk -v a="$end" -v b="$start" "BEGIN { printf \"%.3f\", a - b }"
}

declare -a raw jdk0 jdk40 ser str pipe_s relay_s wd_s
rss=0
for round in $(seq 1 "$ROUNDS"); do
  raw+=("$("$OUT/spawn" 8 "$DURATION")")
  for fds in 0 40; do
    rate=$("$JAVA" $WATCHDOG_JVM -Djdk.lang.Process.launchMechanism=VFORK "$BENCH_DIR/SpawnLoop.java" 8 "$DURATION" $fds)
    if [ $fds = 0 ]; then jdk0+=("$rate"); else jdk40+=("$rate"); fi
  done
  for mode in serializing streaming; do
    start_watchdog mode=$mode fprocess=cat
    wrk -t2 -c8 -d"${WARMUP}s" -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/" >/dev/null
    rate=$(wrk -t2 -c8 -d"${DURATION}s" -s "$BENCH_DIR/post1k.lua" "http://127.0.0.1:$PORT/" | awk '/Requests\/sec/ { print $2 }')
    stop_watchdog
    if [ $mode = serializing ]; then ser+=("$rate"); else str+=("$rate"); fi
  done

  cat "$OUT/big.bin" > /dev/null   # from the page cache, as the timed runs read it
  start=$(date +%s.%N); cat "$OUT/big.bin" | cat > /dev/null; end=$(date +%s.%N)
  pipe_s+=("$(awk -v a="$end" -v b="$start" "BEGIN { printf \"%.3f\", a - b }")")
  "$JAVA" $WATCHDOG_JVM "$BENCH_DIR/StreamRelay.java" $RELAY_PORT &
  relay=$!
  until curl -s -o /dev/null "http://127.0.0.1:$RELAY_PORT/" 2>/dev/null; do sleep 0.2; done
  relay_s+=("$(stream_seconds $RELAY_PORT)")
  kill $relay; wait $relay 2>/dev/null || true
  start_watchdog mode=streaming fprocess=cat exec_timeout=0
  wd_s+=("$(stream_seconds $PORT)")
  r=$(peak_rss_mb "$WATCHDOG_PID"); [ "$r" -gt "$rss" ] && rss=$r
  stop_watchdog
  echo "round $round: spawn ${raw[-1]}/s, JDK ${jdk0[-1]}/s and ${jdk40[-1]}/s, serializing ${ser[-1]}/s, streaming ${str[-1]}/s, pipe ${pipe_s[-1]}s, relay ${relay_s[-1]}s, watchdog ${wd_s[-1]}s" >&2
done

m_raw=$(median "${raw[@]}"); m_jdk0=$(median "${jdk0[@]}"); m_jdk40=$(median "${jdk40[@]}"); m_ser=$(median "${ser[@]}"); m_str=$(median "${str[@]}")
m_pipe=$(median "${pipe_s[@]}"); m_relay=$(median "${relay_s[@]}"); m_wd=$(median "${wd_s[@]}")
cat <<REPORT
| scenario | baseline (median) | watchdog (median) | ratio |
|---|---|---|---|
| 1 KiB POST through cat, 8 conns, serializing | raw spawn $m_raw/s | $m_ser/s | $(ratio "$m_ser" "$m_raw") |
| 1 KiB POST through cat, 8 conns, streaming | raw spawn $m_raw/s | $m_str/s | $(ratio "$m_str" "$m_raw") |
| JDK ceiling: SpawnLoop.java, 8 threads, no extra fds | raw spawn $m_raw/s | $m_jdk0/s | $(ratio "$m_jdk0" "$m_raw") |
| JDK ceiling: SpawnLoop.java, 8 threads, 40 fds held | raw spawn $m_raw/s | $m_jdk40/s | $(ratio "$m_jdk40" "$m_raw") |
| 1 GiB POST through cat (curl), streaming | pipe $(printf %.2f "$m_pipe") s | $(printf %.2f "$m_wd") s | $(ratio "$m_pipe" "$m_wd") of pipe speed |
| JDK ceiling: 1 GiB through StreamRelay.java (curl) | pipe $(printf %.2f "$m_pipe") s | $(printf %.2f "$m_relay") s | $(ratio "$m_pipe" "$m_relay") of pipe speed |

Watchdog JVM flags: \`$WATCHDOG_JVM\`; warm-up ${WARMUP} s of calls, ${STREAM_WARMUP} 1 GiB streams; peak RSS over the 1 GiB runs: ${rss} MB. Rounds: $ROUNDS, ${DURATION} s each.
REPORT
