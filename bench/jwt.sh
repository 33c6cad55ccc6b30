#!/usr/bin/env bash
# JWT auth's cost (issue: JWT auth): the http-mode saturated benchmark (wrk, 32 connections, small GET to a Node
# function server) through the watchdog without JWT and with jwt_auth=true and a valid RS256 token on every call,
# alternating in the same run. Target: with JWT >= 80% of without.
# Usage: bench/jwt.sh [rounds]   (default 3; medians are reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk node curl
ROUNDS=${1:-3}
DURATION=${DURATION:-10}
UPSTREAM_PORT=18090
ISSUER_PORT=18095
build_jar
node "$BENCH_DIR/issuer.js" $ISSUER_PORT "$OUT/token.txt" & issuer_pid=$!
trap 'kill $issuer_pid 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$ISSUER_PORT/jwks" >/dev/null; do sleep 0.1; done
token=$(cat "$OUT/token.txt")
base=http://127.0.0.1:$PORT
url=$base/

# run_watchdog jwt|plain: starts the watchdog, warms it up, prints requests/s
run_watchdog() {
  local auth=()
  if [ "$1" = jwt ]; then
    auth=(jwt_auth=true jwt_auth_issuer_url=http://127.0.0.1:$ISSUER_PORT OPENFAAS_NAME=bench OPENFAAS_NAMESPACE=openfaas-fn)
  fi
  start_watchdog mode=http fprocess="node $BENCH_DIR/upstream.js $UPSTREAM_PORT" \
    upstream_url=http://127.0.0.1:$UPSTREAM_PORT "${auth[@]}"
  until curl -sf "$base/_/ready" >/dev/null; do sleep 0.1; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")" = 200 ] \
    || { echo "a call with the token failed" >&2; exit 1; }
  wrk -t2 -c32 -d15s -H "Authorization: Bearer $token" "$url" >/dev/null
  wrk -t2 -c32 -d"${DURATION}s" -H "Authorization: Bearer $token" "$url" | awk '/Requests\/sec/ { print $2 }'
  stop_watchdog
}

declare -a plain jwt
for round in $(seq 1 "$ROUNDS"); do
  plain+=("$(run_watchdog plain)"); jwt+=("$(run_watchdog jwt)")
  echo "round $round: without JWT ${plain[-1]}/s, with JWT ${jwt[-1]}/s" >&2
done
m_p=$(median "${plain[@]}"); m_j=$(median "${jwt[@]}")
cat <<REPORT
| scenario | without JWT (median) | with JWT (median) | ratio |
|---|---|---|---|
| wrk, 32 connections, small GET, RS256 token | $m_p/s | $m_j/s | $(ratio "$m_j" "$m_p") |

Watchdog JVM flags: \`$WATCHDOG_JVM\`. Rounds: $ROUNDS, ${DURATION} s each after 15 s of warm-up.
REPORT
