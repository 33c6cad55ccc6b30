# Shared by the bench scripts: start and stop the packaged watchdog, medians.
# The watchdog listens on loopback ports of its own so a dev-mode watchdog on 8080 does not get in the way.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
PORT=${BENCH_PORT:-18080}
METRICS_PORT=${BENCH_METRICS_PORT:-18081}
# The JVM flags of the container image (src/main/docker/Dockerfile.jvm), which bench/startup.sh measures: a small
# heap that starts at 8 MB and small stacks, for a small idle RSS.
IMAGE_JVM="-Xmx64m -Xms8m -Xss256k -XX:+UseSerialGC -XX:-UsePerfData"
# The flags the load benchmarks use, for throughput: the same heap limit, but a heap free to size itself (-Xms8m
# keeps the young generation at a few MB under load: about 4x the collections; bench/RESULTS.md says what that
# costs). Override with WATCHDOG_JVM, e.g. WATCHDOG_JVM="$IMAGE_JVM" to measure the image as shipped.
WATCHDOG_JVM=${WATCHDOG_JVM:--Xmx64m -XX:+UseSerialGC}
# The Java 25 the build uses (.mvn/java25 finds it as mvnw and .ci/run do); JAVA overrides it.
JAVA=${JAVA:-$("$ROOT/.mvn/java25")/bin/java}
mkdir -p "$OUT"

need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install $tool)" >&2; exit 1; }
  done
}

build_jar() {
  [ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
}

# build_image_app: the image's build (./mvnw package -Dimage, the aot-jar) into target/image-app
build_image_app() {
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Dimage)
}

# image_dir: lays out the JVM image's application directory in OUR_DIR (default bench/out/image) as the image does
# (src/main/docker/layout.sh, from the image's build), unless it is there already: delete it after a change
image_dir() {
  OUR_DIR=${OUR_DIR:-$OUT/image}
  [ -f "$ROOT/target/image-app/quarkus-run.jar" ] || build_image_app
  [ -x "$OUR_DIR/fwatchdog" ] || JAVA="$JAVA" APP="$ROOT/target/image-app" "$ROOT/src/main/docker/layout.sh" "$OUR_DIR"
}

# start_watchdog VAR=value... : runs the jar with those variables, waits for /_/health; sets WATCHDOG_PID.
# WATCHDOG_APP names another build's quarkus-app directory to run (bench/ab.sh).
# healthcheck_interval=0 so that stopping it (SIGTERM) does not wait 30 s; big transfers pass read/write timeouts.
start_watchdog() {
  env healthcheck_interval=0 read_timeout=10m write_timeout=10m "$@" port=$PORT metrics_port=$METRICS_PORT TMPDIR="$OUT" \
    "$JAVA" $WATCHDOG_JVM -jar "${WATCHDOG_APP:-$ROOT/target/quarkus-app}/quarkus-run.jar" >"$OUT/watchdog.out" 2>"$OUT/watchdog.err" &
  WATCHDOG_PID=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$PORT/_/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "the watchdog did not start:" >&2; cat "$OUT/watchdog.err" >&2; exit 1
}

stop_watchdog() {
  kill "$WATCHDOG_PID" 2>/dev/null; wait "$WATCHDOG_PID" 2>/dev/null || true
}

rss_mb() {
  awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# resources PID: "fds threads children rss_mb" of a running process
resources() {
  local children
  children=$(pgrep -P "$1" | wc -l)
  echo "$(ls "/proc/$1/fd" | wc -l) $(ls "/proc/$1/task" | wc -l) $children $(rss_mb "$1")"
}

peak_rss_mb() {
  awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# median of the numbers given as arguments
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'
}
