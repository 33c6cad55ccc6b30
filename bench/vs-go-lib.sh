# Shared by the bench/vs-go*.sh scripts: ours (as the JVM image runs it, laid out in OUR_DIR) and the Go of-watchdog
# named by REF_WATCHDOG started alike, loaded alike, measured alike. Sourced after lib.sh.
REF_WATCHDOG=${REF_WATCHDOG:?the Go of-watchdog binary to compare with (bench/RESULTS.md)}
TICKS=$(getconf CLK_TCK)
image_dir
WD_PID=
# start ours|go VAR=value...: a fresh watchdog with those settings; sets WD_PID, START_S
start() {
  local who=$1; shift
  local env=("$@" port=$PORT metrics_port=$METRICS_PORT healthcheck_interval=0 TMPDIR="$OUT")
  local t0 t1
  # A watchdog left on the port (one stopped by hand drains for healthcheck_interval) would be measured instead
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/_/health"; then
    echo "port $PORT is taken: stop what listens there first" >&2
    exit 1
  fi
  t0=$(date +%s%N)
  if [ "$who" = ours ]; then
    env "${env[@]}" "$OUR_DIR/fwatchdog" >"$OUT/wd.out" 2>"$OUT/wd.err" &
  else
    env "${env[@]}" "$REF_WATCHDOG" >"$OUT/wd.out" 2>"$OUT/wd.err" &
  fi
  WD_PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/_/health"; do
    kill -0 "$WD_PID" 2>/dev/null || { echo "$who exited before it listened: $(tail -n 1 "$OUT/wd.err")" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  START_S=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f", (a - b) / 1e9 }')
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/_/ready"; do sleep 0.01; done
}

# stop: SIGTERM, and SIGKILL if it has not exited 15 s later (Go's drain waits on connections wrk left open)
stop() {
  [ -n "$WD_PID" ] || return 0
  pkill -P "$WD_PID" 2>/dev/null || true
  kill "$WD_PID" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$WD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$WD_PID" 2>/dev/null || true
  wait "$WD_PID" 2>/dev/null || true
  WD_PID=
}

# CPU of a process and of its children it has reaped (a fork mode's functions), in clock ticks
cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
# CPU of the process alone, in clock ticks
own_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# load SECONDS URL [wrk args]: prints "requests/s p50_ms p99_ms cpu_ms_per_request own_cpu_ms_per_request" of the
# current watchdog and the functions it ran (own: the watchdog alone); CONNECTIONS (default 32) connections
load() {
  local seconds=$1 url=$2; shift 2
  local before after own_before own_after out
  before=$(cpu_ticks "$WD_PID"); own_before=$(own_ticks "$WD_PID")
  local connections=${CONNECTIONS:-32}
  out=$(wrk -t$((connections < 2 ? 1 : 2)) -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  after=$(cpu_ticks "$WD_PID"); own_after=$(own_ticks "$WD_PID")
  echo "$out" | awk -v cpu=$((after - before)) -v own=$((own_after - own_before)) -v tck="$TICKS" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec/ { rps = $2 } /requests in/ { n = $1 }
    END { printf "%s %.3f %.3f %.4f %.4f\n", rps, p50, p99, (n > 0 ? cpu * 1000 / tck / n : 0), (n > 0 ? own * 1000 / tck / n : 0) }'
}

declare -A r
# the latest sample of KEY
last() { local samples=${r[$1]%|}; echo "${samples##*|}"; }

# field N of each "a b c d|" sample of KEY: the median
med() { printf '%s' "${r[$1]}" | tr '|' '\n' | awk -v f="$2" 'NF { print $f }' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() {
  local label=$1 key=$2 field=$3
  local a b
  a=$(med "ours.$key" "$field"); b=$(med "go.$key" "$field")
  echo "| $label | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') |"
}

# stream URL: "MB/s peak_rss_mb cpu_s" of one 500 MB POST (Content-Length) through the running watchdog, its CPU
# including the functions it reaped; the file is made once, and read before each stream: these machines drop
# the page cache between runs, and a stream read off the disk measured the disk (150 to 370 MB/s in a run's first
# round, at half the CPU of the others)
stream() {
  [ -f "$OUT/500m.bin" ] || head -c 500000000 /dev/urandom > "$OUT/500m.bin"
  cat "$OUT/500m.bin" >/dev/null
  local t0 t1 before after
  before=$(cpu_ticks "$WD_PID")
  t0=$(date +%s%N)
  curl -sS --fail -T "$OUT/500m.bin" -X POST "$1" -o /dev/null
  t1=$(date +%s%N)
  after=$(cpu_ticks "$WD_PID")
  awk -v a="$t1" -v b="$t0" -v rss="$(peak_rss_mb "$WD_PID")" -v cpu=$((after - before)) -v tck="$TICKS" \
    'BEGIN { printf "%.0f %s %.2f\n", 500 / ((a - b) / 1e9), rss, cpu / tck }'
}

# pipe_mb_s: MB/s of `cat 500m.bin | cat`, the machine's own ceiling for a stream through one process
pipe_mb_s() {
  cat "$OUT/500m.bin" > /dev/null
  local t0 t1
  t0=$(date +%s%N); cat "$OUT/500m.bin" | cat > /dev/null; t1=$(date +%s%N)
  awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.0f", 500 / ((a - b) / 1e9) }'
}
