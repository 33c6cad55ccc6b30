#!/usr/bin/env bash
# Start-up (issue: packaging): time from exec to the first 200 on /_/health, and RSS after 5 s idle, for the
# fast-jar with several JVM set-ups, in the same run. Target: ready < 0.8 s, idle RSS < 90 MB.
#   plain     java -jar, no flags
#   flags     the image's flags: small heap and stacks, serial GC
#   appcds    flags + an AppCDS archive made by a training start (-XX:ArchiveClassesAtExit), run from its directory:
#             what the image does
#   appcds-c1 appcds + C1 only (-XX:TieredStopAtLevel=1): a faster start, half the throughput under load
#   aot25     flags + JDK 25's AOT cache (-XX:AOTCacheOutput), when JAVA25 points at a JDK 25
# Usage: bench/startup.sh [rounds]   (default 5; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
ROUNDS=${1:-5}
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)/bin/java}
# The image's flags (src/main/docker/Dockerfile.jvm): small heap and stacks, serial GC.
FLAGS="$IMAGE_JVM"
build_jar
APP="$ROOT/target/quarkus-app"
export mode=static static_path="$ROOT/src/test/resources/static-root" healthcheck_interval=0 TMPDIR="$OUT" \
  port=$PORT metrics_port=$METRICS_PORT

# ready JAVA FLAGS...: prints "seconds_to_first_200 idle_rss_mb" for one start
ready() {
  local java=$1; shift
  local start end pid
  start=$(date +%s%N)
  (cd "$APP" && exec "$java" "$@" -jar quarkus-run.jar >/dev/null 2>"$OUT/startup.err") &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/_/health"; do
    kill -0 $pid 2>/dev/null || { cat "$OUT/startup.err" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  sleep 5
  echo "$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.3f", (a - b) / 1e9 }') $(rss_mb $pid)"
  # SIGTERM: a background job of a script ignores SIGINT
  kill -TERM $pid; wait $pid 2>/dev/null || true
}

# a training start that exits once up: Quarkus' AppCDS switch
(cd "$APP" && $JAVA17 $FLAGS -XX:ArchiveClassesAtExit=app-cds.jsa -Dquarkus.appcds.generate=true -jar quarkus-run.jar >/dev/null 2>&1 || true)
variants=(plain flags appcds appcds-c1)
if [ -x "$JAVA25" ]; then
  (cd "$APP" && "$JAVA25" $FLAGS -XX:AOTCacheOutput=app.aot -Dquarkus.appcds.generate=true -jar quarkus-run.jar >/dev/null 2>&1 || true)
  variants+=(aot25)
fi

echo "| variant | ready (median s) | idle RSS (median MB) | rounds |"
echo "|---|---|---|---|"
for variant in "${variants[@]}"; do
  times=(); rss=()
  for _ in $(seq 1 "$ROUNDS"); do
    case $variant in
      plain) r=$(ready "$JAVA17") ;;
      flags) r=$(ready "$JAVA17" $FLAGS) ;;
      appcds) r=$(ready "$JAVA17" $FLAGS -XX:SharedArchiveFile=app-cds.jsa) ;;
      appcds-c1) r=$(ready "$JAVA17" $FLAGS -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=app-cds.jsa) ;;
      aot25) r=$(ready "$JAVA25" $FLAGS -XX:AOTCache=app.aot) ;;
    esac
    times+=("${r% *}"); rss+=("${r#* }")
  done
  echo "$variant: ${times[*]} / ${rss[*]}" >&2
  echo "| $variant | $(median "${times[@]}") | $(median "${rss[@]}") | $ROUNDS |"
done
rm -f "$APP/app-cds.jsa" "$APP/app.aot"
