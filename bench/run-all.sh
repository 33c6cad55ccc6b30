#!/usr/bin/env bash
# Every benchmark, one after the other, each beside its baseline in the same run; the tables they print replace the
# "Latest full run" section of bench/RESULTS.md (the rest of that file, the notes and earlier figures, is kept).
# About 25 minutes on 2 cores. Needs: wrk, hey, curl, gcc, node, nginx, jcmd (apt-get install wrk hey curl gcc
# nodejs nginx-light; jcmd comes with the JDK).
# Usage: bench/run-all.sh [rounds]   (default 3)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${1:-3}
(cd "$BENCH_DIR/.." && ./mvnw -B -q package -DskipTests)
report=$(mktemp)
trap 'rm -f "$report"' EXIT
{
  echo "<!-- run-all:begin (written by bench/run-all.sh; do not edit by hand) -->"
  echo "## Latest full run"
  echo
  echo "$(date -u +%F), \`bench/run-all.sh $ROUNDS\`, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"
  echo "$("$JAVA" -version 2>&1 | head -1). Medians of $ROUNDS rounds; ratios are watchdog / baseline in the same run."
  for scenario in http-mode fork-modes afterburn static-mode jwt startup stress; do
    echo
    echo "### $scenario (\`bench/$scenario.sh\`)"
    echo
    case $scenario in
      startup) bash "$BENCH_DIR/startup.sh" 5 ;;
      stress) bash "$BENCH_DIR/stress.sh" || echo "(stress: a check failed, see the verdicts)" ;;
      *) bash "$BENCH_DIR/$scenario.sh" "$ROUNDS" ;;
    esac
  done
  echo "<!-- run-all:end -->"
} | tee "$report"
results="$BENCH_DIR/RESULTS.md"
if grep -q '<!-- run-all:begin' "$results"; then
  # replace the old section
  awk -v new="$report" '
    /<!-- run-all:begin/ { while ((getline line < new) > 0) print line; skip = 1; next }
    /<!-- run-all:end -->/ { skip = 0; next }
    !skip { print }' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
else
  { echo; cat "$report"; } >> "$results"
fi
echo "bench/RESULTS.md updated" >&2
