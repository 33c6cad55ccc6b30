#!/usr/bin/env bash
# Stress (benchmarks issue): in each mode, 20,000 requests at concurrency 64 with 1% of the clients hanging up
# half-way, then checks: every completed answer correct (echoes equal what was sent, files equal the file), no
# failed requests, and no leaked child processes, file descriptors or threads; RSS after a full GC near its idle
# value. Exits 1 when a check fails.
# Usage: bench/stress.sh [total] [concurrency] [abandon_percent]   (defaults 20000 64 1)
#        STRESS_MODES="serializing http" bench/stress.sh   (some modes only)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need node curl jcmd
TOTAL=${1:-20000}
CONCURRENCY=${2:-64}
ABANDON=${3:-1}
UPSTREAM_PORT=18090
build_jar
mkdir -p "$OUT/static"
head -c 4096 /dev/urandom > "$OUT/static/file.bin"
status=0

full_gc_rss() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  sleep 1
  rss_mb "$1"
}

echo "| mode | ok / wrong / failed / abandoned | idle: fds thr chld RSS | after: fds thr chld RSS (RSS after a full GC) | verdict |"
echo "|---|---|---|---|---|"
for mode in ${STRESS_MODES:-serializing streaming http static}; do
  case $mode in
    http) start_watchdog mode=http fprocess="node $BENCH_DIR/upstream.js $UPSTREAM_PORT" \
            upstream_url=http://127.0.0.1:$UPSTREAM_PORT max_inflight=0
          path=/echo kind=echo ;;
    static) start_watchdog mode=static static_path="$OUT/static"; path=/file.bin kind=file ;;
    *) start_watchdog mode=$mode fprocess=cat; path=/ kind=echo ;;
  esac
  until curl -sf "http://127.0.0.1:$PORT/_/ready" >/dev/null; do sleep 0.1; done
  node "$BENCH_DIR/stress-client.js" "http://127.0.0.1:$PORT$path" 500 8 0 $kind "$OUT/static/file.bin" >/dev/null
  sleep 2
  read -r fds0 thr0 chld0 _ <<<"$(resources "$WATCHDOG_PID")"
  rss0=$(full_gc_rss "$WATCHDOG_PID")
  result=$(node "$BENCH_DIR/stress-client.js" "http://127.0.0.1:$PORT$path" "$TOTAL" "$CONCURRENCY" "$ABANDON" $kind "$OUT/static/file.bin")
  # http mode's idle upstream connections close after 4 s, swept each second
  sleep 7
  read -r fds1 thr1 chld1 rss_peakish <<<"$(resources "$WATCHDOG_PID")"
  rss1=$(full_gc_rss "$WATCHDOG_PID")
  stop_watchdog
  ok=$(node -e "const c=$result; console.log(c.ok, c.wrong, c.failed, c.abandoned)")
  read -r n_ok n_wrong n_failed n_abandoned <<<"$ok"
  verdict=pass
  [ "$n_wrong" -eq 0 ] && [ "$n_failed" -eq 0 ] && [ $((n_ok + n_abandoned)) -eq "$TOTAL" ] || verdict="FAIL: answers $result"
  [ "$chld1" -le "$chld0" ] || verdict="FAIL: children $chld0 -> $chld1"
  [ "$fds1" -le $((fds0 + 4)) ] || verdict="FAIL: fds $fds0 -> $fds1"
  [ "$thr1" -le $((thr0 + 3 * CONCURRENCY)) ] || verdict="FAIL: threads $thr0 -> $thr1"
  [ "$rss1" -le $((rss0 * 3 / 2 + 16)) ] || verdict="FAIL: RSS $rss0 -> $rss1 MB after GC"
  [ "$verdict" = pass ] || status=1
  echo "| $mode | $n_ok / $n_wrong / $n_failed / $n_abandoned | $fds0 $thr0 $chld0 ${rss0} MB | $fds1 $thr1 $chld1 ${rss_peakish} MB (${rss1} MB) | $verdict |"
done
exit $status
