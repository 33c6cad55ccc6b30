#!/usr/bin/env bash
# One 500 MB POST (Content-Length, as `curl -T file` sends it) streamed through `cat` in streaming mode, each watchdog
# started fresh for it, ours and the Go of-watchdog alternating (A B A B): MB/s, the watchdog's peak RSS (VmHWM) and
# the CPU seconds of its process tree; `cat big | cat` in the same rounds, the machine's ceiling. Then a second
# stream on each fresh watchdog, to show the first one's warm-up. Ours runs as the JVM image does
# (src/main/docker/layout.sh into OUR_DIR); REF_WATCHDOG names the Go program (bench/RESULTS.md says how to build it).
# Usage: REF_WATCHDOG=/path/to/of-watchdog bench/vs-go-stream.sh [rounds]   (default 5)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
ROUNDS=${1:-5}
source "$BENCH_DIR/vs-go-lib.sh"
trap stop EXIT
url=http://127.0.0.1:$PORT/

for round in $(seq 1 "$ROUNDS"); do
  for who in ours go; do
    start "$who" mode=streaming fprocess=cat read_timeout=10m write_timeout=10m exec_timeout=0
    r[$who.first]+="$(stream "$url")|"
    r[$who.second]+="$(stream "$url")|"
    stop
  done
  r[pipe]+="$(pipe_mb_s) "
  echo "round $round (MB/s peak-RSS-MB CPU-s): ours $(last ours.first), then $(last ours.second);" \
    "go $(last go.first), then $(last go.second); cat | cat $(last pipe)" >&2
done

echo "$("$JAVA" -version 2>&1 | head -1); $(basename "$REF_WATCHDOG"); medians of $ROUNDS rounds;" \
  "cat | cat $(median ${r[pipe]}) MB/s"
echo
echo "| measure | ours | Go | ours / Go |"
echo "|---|---|---|---|"
row "first stream after start: MB/s" first 1
row "first stream: peak RSS MB" first 2
row "first stream: CPU s" first 3
row "second stream: MB/s" second 1
row "second stream: CPU s" second 3
