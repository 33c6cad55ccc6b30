#!/usr/bin/env bash
# The floor under issue 20's figures: bench/floor, a Quarkus application with the watchdog's four extensions and
# nothing but a bare Vert.x proxy to upstream_url (no timeouts, limits, metrics or log lines), built as the image's
# application is (the aot-jar), with the image's JVM flags and an AOT cache from a short training run of its own,
# measured by bench/vs-go.sh in the place of the Go program (the "Go" column), beside the watchdog's image. What
# this application cannot do, the watchdog cannot either on this JVM: its start-up, its RSS, its cold requests/s.
# Usage: bench/floor.sh [rounds]   (default 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl go
ROUNDS=${1:-3}
FLOOR=$OUT/floor
FLAGS=$(sed -n 's/^FLAGS="\(.*\)"$/\1/p' "$ROOT/src/main/docker/layout.sh")

if [ ! -x "$FLOOR/floor" ]; then
  (cd "$BENCH_DIR/floor" && "$ROOT/mvnw" -B -q package -DskipTests)
  rm -rf "$FLOOR" && mkdir -p "$FLOOR"
  cp -r "$BENCH_DIR/floor/target/quarkus-app/." "$FLOOR/"
  rm -rf "$BENCH_DIR/floor/target"
  cat > "$FLOOR/floor" <<LAUNCHER
#!/bin/sh
exec "$JAVA" $FLAGS -XX:AOTCache="$FLOOR/app.aot" -jar "$FLOOR/quarkus-run.jar" "\$@"
LAUNCHER
  chmod +x "$FLOOR/floor"
  # Training, as layout.sh trains the watchdog: start, health, metrics, calls; the JVM writes the cache at exit.
  go build -o "$OUT/upstream" "$BENCH_DIR/upstream.go"
  "$OUT/upstream" "${UPSTREAM_PORT:-18090}" &
  upstream=$!
  env port=$PORT upstream_url="http://127.0.0.1:${UPSTREAM_PORT:-18090}" "$JAVA" $FLAGS -XX:AOTCacheOutput="$FLOOR/app.aot" -jar "$FLOOR/quarkus-run.jar" \
    >"$OUT/floor-training.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/_/health"; do sleep 0.05; done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health"
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/metrics"
  wrk -t2 -c8 -d3s "http://127.0.0.1:$PORT/" >/dev/null
  wrk -t2 -c8 -d2s -s "$BENCH_DIR/post64k.lua" "http://127.0.0.1:$PORT/echo" >/dev/null
  kill "$pid" "$upstream"; wait "$pid" || true
  test -f "$FLOOR/app.aot" || { cat "$OUT/floor-training.log" >&2; exit 1; }
fi

REF_WATCHDOG=$FLOOR/floor exec "$BENCH_DIR/vs-go.sh" "$ROUNDS"
