#!/usr/bin/env bash
# static mode side by side with nginx serving the same files, in the same run (issue: static mode).
# wrk, 32 connections, a 4 KiB file and a 1 MiB file, on nginx and on the watchdog.
# Usage: bench/static-mode.sh [rounds]   (default 3; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
NGINX_PORT=${NGINX_PORT:-18096}
build_jar
mkdir -p "$OUT/static"
head -c 4096 /dev/urandom > "$OUT/static/4k.bin"
head -c 1048576 /dev/urandom > "$OUT/static/1m.bin"
cat > "$OUT/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/octet-stream bin; }
  server { listen 127.0.0.1:$NGINX_PORT; root $OUT/static; }
}
CONF
nginx -c "$OUT/nginx.conf" -p "$OUT" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true' EXIT
start_watchdog mode=static static_path="$OUT/static"
until curl -sf "http://127.0.0.1:$NGINX_PORT/4k.bin" >/dev/null; do sleep 0.1; done

rps() { wrk -t2 -c32 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ { print $2 }'; }
for file in 4k.bin 1m.bin; do   # warm-up
  wrk -t2 -c32 -d5s "http://127.0.0.1:$PORT/$file" >/dev/null
done

declare -a n4 w4 n1 w1
for round in $(seq 1 "$ROUNDS"); do
  n4+=("$(rps "http://127.0.0.1:$NGINX_PORT/4k.bin")"); w4+=("$(rps "http://127.0.0.1:$PORT/4k.bin")")
  n1+=("$(rps "http://127.0.0.1:$NGINX_PORT/1m.bin")"); w1+=("$(rps "http://127.0.0.1:$PORT/1m.bin")")
  echo "round $round: 4k nginx ${n4[-1]}/s watchdog ${w4[-1]}/s; 1m nginx ${n1[-1]}/s watchdog ${w1[-1]}/s" >&2
done
stop_watchdog

m_n4=$(median "${n4[@]}"); m_w4=$(median "${w4[@]}"); m_n1=$(median "${n1[@]}"); m_w1=$(median "${w1[@]}")
cat <<REPORT
| file | nginx (median) | watchdog (median) | ratio |
|---|---|---|---|
| 4 KiB | $m_n4/s | $m_w4/s | $(ratio "$m_w4" "$m_n4") |
| 1 MiB | $m_n1/s | $m_w1/s | $(ratio "$m_w1" "$m_n1") |

wrk -t2 -c32, ${DURATION} s per measurement, $ROUNDS rounds; nginx 2 workers, sendfile on, access log off.
Watchdog JVM flags: \`$WATCHDOG_JVM\`.
REPORT
