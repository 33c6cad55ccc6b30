#!/usr/bin/env bash
# Start-up (issue: packaging): time from exec to the first 200 on /_/health, RSS after 5 s idle, and the file
# descriptors the JVM holds (each one costs every fork-mode call about 9 us: the JDK's child closes them one by one),
# for several JVM set-ups, in the same run. Target: ready < 0.8 s, idle RSS < 90 MB.
#   plain       java -jar, no flags
#   flags       the image's flags: small heap and stacks, serial GC
#   appcds      flags + an AppCDS archive made by a training start (-XX:ArchiveClassesAtExit): what the image does
#   appcds-c1   appcds + C1 only (-XX:TieredStopAtLevel=1): a faster start, half the throughput under load
#   aot25       flags + JDK 25's AOT cache (-XX:AOTCacheOutput)
#   aot25-c1    aot25 + C1 only
#   aotjar25    Quarkus' aot-jar packaging (every jar on the JDK's class path, so the AOT cache holds all classes
#               linked) + JDK 25's AOT cache, as the image has it; aotjar25-c1 with C1 only. Built into target/image-app.
# Variants take turns within each round, so a machine that speeds up or slows down affects them alike.
# Usage: bench/startup.sh [rounds]   (default 5; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-5}
# The build targets Java 25: every variant runs on it (the JDK 17 rows of bench/RESULTS.md are history).
JAVA25=$JAVA
# The image's flags (src/main/docker/Dockerfile.jvm): small heap and stacks, serial GC.
FLAGS="$IMAGE_JVM"
build_jar
APP="$ROOT/target/quarkus-app"
AOT_APP="$ROOT/target/image-app"
export mode=static static_path="$ROOT/src/test/resources/static-root" healthcheck_interval=0 TMPDIR="$OUT" \
  port=$PORT metrics_port=$METRICS_PORT

# One GET /_/health without starting a process: a curl every 5 ms would take CPU from the start it measures on a
# two-core machine (about 7% of the time here), which a kubelet's probes do not.
healthy() {
  { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /_/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
  local status=""
  read -r -t 2 status <&3 || true
  exec 3<&-
  [[ $status == *" 200 "* ]]
}

# ready DIR JAVA FLAGS...: prints "seconds_to_first_200 idle_rss_mb fds" for one start of DIR/quarkus-run.jar
ready() {
  local dir=$1 java=$2; shift 2
  local start end pid
  start=$(date +%s%N)
  (cd "$dir" && exec "$java" "$@" -jar quarkus-run.jar >/dev/null 2>"$OUT/startup.err") &
  pid=$!
  until healthy; do
    kill -0 $pid 2>/dev/null || { cat "$OUT/startup.err" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  sleep 5
  echo "$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.3f", (a - b) / 1e9 }') $(rss_mb $pid) $(ls "/proc/$pid/fd" | wc -l)"
  # SIGTERM: a background job of a script ignores SIGINT
  kill -TERM $pid; wait $pid 2>/dev/null || true
}

# train DIR JAVA FLAGS...: a training start that exits once up (Quarkus' AppCDS switch)
train() {
  local dir=$1 java=$2; shift 2
  (cd "$dir" && "$java" $FLAGS "$@" -Dfwatchdog.train=true -jar quarkus-run.jar >/dev/null 2>&1 || true)
}

train "$APP" "$JAVA25" -XX:ArchiveClassesAtExit=app-cds.jsa
train "$APP" "$JAVA25" -XX:AOTCacheOutput=app.aot
build_image_app
train "$AOT_APP" "$JAVA25" -XX:AOTCacheOutput=app.aot
variants=(plain flags appcds appcds-c1 aot25 aot25-c1 aotjar25 aotjar25-c1)

declare -A times rss fds
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${variants[@]}"; do
    case $variant in
      plain) r=$(ready "$APP" "$JAVA25") ;;
      flags) r=$(ready "$APP" "$JAVA25" $FLAGS) ;;
      appcds) r=$(ready "$APP" "$JAVA25" $FLAGS -XX:SharedArchiveFile=app-cds.jsa) ;;
      appcds-c1) r=$(ready "$APP" "$JAVA25" $FLAGS -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=app-cds.jsa) ;;
      aot25) r=$(ready "$APP" "$JAVA25" $FLAGS -XX:AOTCache=app.aot) ;;
      aot25-c1) r=$(ready "$APP" "$JAVA25" $FLAGS -XX:TieredStopAtLevel=1 -XX:AOTCache=app.aot) ;;
      aotjar25) r=$(ready "$AOT_APP" "$JAVA25" $FLAGS -XX:AOTCache=app.aot) ;;
      aotjar25-c1) r=$(ready "$AOT_APP" "$JAVA25" $FLAGS -XX:TieredStopAtLevel=1 -XX:AOTCache=app.aot) ;;
    esac
    read -r t m f <<<"$r"
    times[$variant]+="$t "; rss[$variant]+="$m "; fds[$variant]=$f
  done
  echo "round $round done" >&2
done

echo "| variant | ready (median s) | idle RSS (median MB) | fds held | rounds |"
echo "|---|---|---|---|---|"
for variant in "${variants[@]}"; do
  echo "$variant: ${times[$variant]}/ ${rss[$variant]}" >&2
  # shellcheck disable=SC2086 # word splitting of the lists is meant
  echo "| $variant | $(median ${times[$variant]}) | $(median ${rss[$variant]}) | ${fds[$variant]} | $ROUNDS |"
done
rm -rf "$APP/app-cds.jsa" "$APP/app.aot" "$AOT_APP/app.aot"
