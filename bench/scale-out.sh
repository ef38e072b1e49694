#!/usr/bin/env bash
# Scale-out on loopback: one instance on SQLite (embedded KV) against two instances sharing one
# PostgreSQL and one Redis, on the same routes in one run. Usage:
# bench/scale-out.sh [IDL_FILE] [SECONDS]   (defaults: testdata/idls/anchor/raydium_clmm.json, 5)
#
# Routes: a cached program view, the project row (a database read on every request) and an
# instruction build with an offline blockhash. One instance gets wrk -tT -cC; the pair gets two
# wrk processes at once, each with half the threads and connections, one per instance, and their
# req/s are summed. PostgreSQL runs with fsync on (scripts/postgres.sh, PG_DURABLE=1). Prints
# req/s and p99 per setup and the ratio pair / single. Rate limits are on with limits no run
# reaches, so the pair's decisions go through Redis as they would in production.
set -euo pipefail
cd "$(dirname "$0")/.."
IDL=${1:-testdata/idls/anchor/raydium_clmm.json}
DURATION=${2:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
BLOCKHASH=4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM

for tool in wrk redis-server; do
  command -v $tool >/dev/null || { echo "$tool is required (apt-get install $tool)" >&2; exit 1; }
done
cargo build --release --locked -q -p orquestra
BIN=${CARGO_TARGET_DIR:-target}/release/orquestra
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  # Warnings (a Redis call that timed out, a pool that ran dry) explain odd numbers.
  grep -h -m3 -E "WARN|ERROR" "$WORK"/*.err 2>/dev/null >&2 || true
  kill "${PIDS[@]}" 2>/dev/null || true
  scripts/postgres.sh stop "$WORK/pg" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export RUST_LOG=warn ORQUESTRA_JWT_SECRET=bench-secret-bench-secret-bench-secret
export ORQUESTRA_RATE_LIMIT_API=100000000 ORQUESTRA_RATE_LIMIT_BUILD=100000000

ADMIN_URL=$(PG_DURABLE=1 scripts/postgres.sh start "$WORK/pg")
psql -q "$ADMIN_URL" -c "CREATE DATABASE bench"
PG_URL=${ADMIN_URL%/postgres}/bench
REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
SQLITE_URL="sqlite://$WORK/bench.db"

# serve DATABASE KV NAME: starts an instance, prints its base URL.
serve() {
  $BIN --database "$1" serve --listen 127.0.0.1:0 --kv "$2" >"$WORK/$3.out" 2>"$WORK/$3.err" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q listening "$WORK/$3.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^listening on //p' "$WORK/$3.out"
}
SINGLE=$(serve "$SQLITE_URL" memory single)
A=$(serve "$PG_URL" "redis://127.0.0.1:$REDIS_PORT/" a)
B=$(serve "$PG_URL" "redis://127.0.0.1:$REDIS_PORT/" b)
for base in "$SINGLE" "$A" "$B"; do
  [ -n "$base" ] || { echo "an instance did not start:" >&2; cat "$WORK"/*.err >&2; exit 1; }
done

# upload DATABASE BASE: a user, a token and the IDL; prints the project id.
upload() {
  $BIN --database "$1" user create --username bench --email bench@example.com >/dev/null
  local token
  token=$($BIN --database "$1" token issue --user bench | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  python3 - "$IDL" <<'PY' | curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' --data-binary @- "$2/api/idl/upload" | python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["id"])'
import json, sys
idl = json.load(open(sys.argv[1]))
address = idl.get("address") or idl.get("metadata", {}).get("address") or "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya"
print(json.dumps({"name": "bench", "programId": address, "idl": idl}))
PY
}
SINGLE_PROJECT=$(upload "$SQLITE_URL" "$SINGLE")
PAIR_PROJECT=$(upload "$PG_URL" "$A")

FIRST=$(curl -sf "$SINGLE/api/$SINGLE_PROJECT/instructions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instructions"][0]["name"])')
curl -sf "$SINGLE/api/$SINGLE_PROJECT/instructions/$FIRST" | python3 -c '
import json, sys
d = json.load(sys.stdin)["instruction"]["exampleRequest"]
d = d if isinstance(d, dict) else {"args": {}, "accounts": {}}
d["recentBlockhash"] = sys.argv[1]
body = json.dumps(d)
print("wrk.method = \"POST\"")
print("wrk.body = [==[" + body + "]==]")
print("wrk.headers[\"Content-Type\"] = \"application/json\"")
' "$BLOCKHASH" >"$WORK/build.lua"

# load URL [LUA] THREADS CONNECTIONS: "req/s p99".
load() {
  local url=$1 lua=$2 script=()
  [ -n "$lua" ] && script=(-s "$lua")
  wrk -t"$3" -c"$4" -d"${DURATION}s" --latency "${script[@]}" "$url" |
    awk '/Requests\/sec/ {rps=$2} $1=="99%" {p99=$2} /Non-2xx or 3xx/ {bad=$NF}
         END {if (bad) {print "non-2xx answers: " bad > "/dev/stderr"; exit 1}; print rps, p99}'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on loopback; pair: two wrk -t$((THREADS / 2 > 0 ? THREADS / 2 : 1)) -c$((CONNECTIONS / 2)) at once"
format='%-44s %12s %9s %12s %9s %7s\n'
printf "$format" route 'single req/s' p99 'pair req/s' p99 ratio
HALF_T=$((THREADS / 2 > 0 ? THREADS / 2 : 1))
HALF_C=$((CONNECTIONS / 2))
for route in "GET|/api/{p}/instructions|" "GET|/api/projects/{p}|" "POST|/api/{p}/instructions/$FIRST/build|$WORK/build.lua"; do
  IFS='|' read -r method path lua <<<"$route"
  single_path=${path//\{p\}/$SINGLE_PROJECT}
  pair_path=${path//\{p\}/$PAIR_PROJECT}
  # Warm every instance's caches first.
  for base in "$SINGLE|$single_path" "$A|$pair_path" "$B|$pair_path"; do
    url=${base%%|*}${base#*|}
    if [ "$method" = POST ]; then
      curl -sf -o /dev/null -H 'content-type: application/json' --data-binary "$(python3 -c 'import re,sys; print(re.search(r"\[==\[(.*)\]==\]", open(sys.argv[1]).read()).group(1))' "$lua")" "$url"
    else
      curl -sf -o /dev/null "$url"
    fi
  done
  read -r s_rps s_p99 < <(load "$SINGLE$single_path" "$lua" "$THREADS" "$CONNECTIONS")
  load "$A$pair_path" "$lua" "$HALF_T" "$HALF_C" >"$WORK/a.load" &
  first=$!
  load "$B$pair_path" "$lua" "$HALF_T" "$HALF_C" >"$WORK/b.load"
  wait $first
  read -r a_rps a_p99 <"$WORK/a.load"
  read -r b_rps b_p99 <"$WORK/b.load"
  python3 - "$method $path" "$s_rps" "$s_p99" "$a_rps" "$b_rps" "$a_p99" "$b_p99" "$format" <<'PY'
import sys
label, s_rps, s_p99, a_rps, b_rps, a_p99, b_p99, fmt = sys.argv[1:]
pair = float(a_rps) + float(b_rps)
worst = max((a_p99, b_p99), key=lambda t: float(t.rstrip("mus")) * {"s": 1e6, "ms": 1e3, "us": 1}[next(u for u in ("ms", "us", "s") if t.endswith(u))])
print(fmt.replace("\\n", "\n") % (label, f"{float(s_rps):,.0f}", s_p99, f"{pair:,.0f}", worst, f"{pair / float(s_rps):.2f}"), end="")
PY
done
