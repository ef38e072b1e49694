#!/usr/bin/env bash
# Where a route's time goes: a CPU profile of `orquestra serve` under load. Usage:
# bench/profile.sh PATH [IDL_FILE] [SECONDS]   e.g. bench/profile.sh '/api/{project}/accounts'
#
# Starts the server as bench/ceiling.sh does (bench/server.sh), replaces `{project}` in PATH with
# the uploaded project's id, loads the GET route with wrk (-t1 -c8) and records the server with
# `perf record --call-graph dwarf` for SECONDS (default 6). Prints the server's busiest functions,
# inclusive of what they call; the recording is kept as perf.data in the current directory for
# `perf report -i perf.data`.
set -euo pipefail
ROUTE=${1:?usage: bench/profile.sh PATH [IDL_FILE] [SECONDS]}
OUT=$PWD/perf.data
cd "$(dirname "$0")/.."
IDL=${2:-testdata/idls/anchor/raydium_clmm.json}
SECONDS_RECORDED=${3:-6}
command -v perf >/dev/null || { echo "perf is required (apt-get install linux-perf)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
source bench/server.sh
[ -n "$BASE" ] || { echo "orquestra did not start: $(cat "$WORK/err")" >&2; exit 1; }

URL="$BASE${ROUTE//\{project\}/$PROJECT}"
curl -sf -o /dev/null "$URL" || { echo "GET $URL did not answer 2xx" >&2; exit 1; }
wrk -t1 -c8 -d"$((SECONDS_RECORDED + 2))s" "$URL" >"$WORK/wrk.out" &
LOAD=$!
sleep 1
perf record -q -F 2000 -g --call-graph dwarf,16384 -p "$SERVER" -o "$OUT" -- sleep "$SECONDS_RECORDED" \
  >/dev/null 2>&1
wait "$LOAD"
grep 'Requests/sec' "$WORK/wrk.out"
perf report -i "$OUT" --children --sort symbol --stdio -g none 2>/dev/null \
  | grep -E 'orquestra|axum|hyper|moka|tower' | head -40
