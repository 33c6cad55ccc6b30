#!/bin/sh
# Lays out the JVM image's application directory in DIR from target/image-app (`./mvnw package -Dimage`: Quarkus'
# aot-jar, whose jars are all on the JDK's class path, so the cache below holds their classes loaded and linked; the
# fast-jar's class loader defines them one by one at every start): the application, the launcher DIR/fwatchdog
# with the image's JVM flags, and a JDK 25 AOT cache (JEP 483/514/515: classes loaded, linked and profiled ahead
# of time) made by a training run that does what a pod does. The Dockerfile runs it, and so does
# bench/vs-go.sh, so that the benchmark measures what the image ships.
#   src/main/docker/layout.sh DIR      (JAVA names the java to train with; default: java on PATH)
# DIR/fwatchdog then starts the watchdog as the image does, from any working directory. The cache records the
# jar's path, so DIR is where the watchdog runs from (the image: /opt/fwatchdog).
set -eu
DIR=${1:?usage: layout.sh DIR}
APP=${APP:-$(dirname "$0")/../../../target/image-app}
JAVA=${JAVA:-java}
# The image's JVM flags: a small heap and small stacks, serial GC (bench/RESULTS.md: what each costs).
FLAGS="-Xmx64m -Xms8m -Xss256k -XX:+UseSerialGC -XX:-UsePerfData"
PORT=${TRAINING_PORT:-18180}

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
cp -r "$APP/." "$DIR/"
cat > "$DIR/fwatchdog" <<LAUNCHER
#!/bin/sh
# The fwatchdog command of the JVM image: the application with the image's JVM flags (JAVA_OPTS replaces them) and
# the AOT cache its training run made (the JVM ignores a cache that does not fit, and says so). The fork modes
# (streaming is the default) run C1 only: their calls are mostly the kernel's work, and C2's compiling took the
# CPU a pod's first calls and streams needed (bench/RESULTS.md, session 15).
flags="$FLAGS"
case "\${mode:-streaming}" in
  serializing|streaming) flags="\$flags -XX:TieredStopAtLevel=1" ;;
esac
exec "\${JAVA:-$JAVA}" \${JAVA_OPTS:-\$flags} -XX:AOTCache="$DIR/app.aot" -jar "$DIR/quarkus-run.jar" "\$@"
LAUNCHER
chmod +x "$DIR/fwatchdog"

# The training run: http mode in front of a second watchdog serving files (the function server a pod would have),
# while lifecycle.TrainingRun calls health, ready, metrics and a few thousand function calls, starts fork-mode
# processes, then exits; the JVM writes the cache as it exits.
rm -f "$DIR/app.aot"
mkdir -p "$DIR/training"
echo "trained" > "$DIR/training/index.html"
env mode=http port=$PORT metrics_port=$((PORT + 1)) upstream_url=http://127.0.0.1:$((PORT + 2)) \
  fprocess="env mode=static port=$((PORT + 2)) metrics_port=$((PORT + 3)) static_path=$DIR/training suppress_lock=true $JAVA $FLAGS -jar $DIR/quarkus-run.jar" \
  healthcheck_interval=0 suppress_lock=true \
  "$JAVA" $FLAGS -XX:AOTCacheOutput="$DIR/app.aot" -Dfwatchdog.train=true -jar "$DIR/quarkus-run.jar" \
  >"$DIR/training/log" 2>&1 || { tail -50 "$DIR/training/log" >&2; exit 1; }
rm -rf "$DIR/training"
test -f "$DIR/app.aot"
