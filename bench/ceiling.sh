#!/usr/bin/env bash
# Orquestra's routes against the machine's own ceiling, on loopback. Usage:
# bench/ceiling.sh [IDL_FILE] [SECONDS]   (defaults: testdata/idls/anchor/raydium_clmm.json, 5)
#
# Starts `orquestra serve` (bench/server.sh: rate limits off, the IDL uploaded) and the
# `static_baseline` example of orquestra-server, a bare axum server answering `/bytes/{n}` with
# n static bytes. For each route: one curl to warm the caches, check for a 2xx and measure the
# body, then wrk (same threads, connections, duration, method, body and headers) on the route and
# on the baseline's `/bytes/<size>`. Prints route | bytes | req/s | ceiling req/s | ratio | p99 |
# ceiling p99, then the server's RSS before and after the load. THREADS and CONNECTIONS override
# wrk's -t2 -c16.
set -euo pipefail
cd "$(dirname "$0")/.."
IDL=${1:-testdata/idls/anchor/raydium_clmm.json}
DURATION=${2:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
BLOCKHASH=4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
source bench/server.sh
[ -n "$BASE" ] || { echo "orquestra did not start: $(cat "$WORK/err")" >&2; exit 1; }

cargo build --release --locked -q -p orquestra-server --example static_baseline
target/release/examples/static_baseline >"$WORK/baseline.out" 2>"$WORK/baseline.err" &
BASELINE=$!
trap 'kill $SERVER $BASELINE 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/baseline.out" 2>/dev/null && break; sleep 0.1; done
CEILING=$(sed -n 's/^listening on //p' "$WORK/baseline.out")
[ -n "$CEILING" ] || { echo "static_baseline did not start: $(cat "$WORK/baseline.err")" >&2; exit 1; }

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
FIRST=$(curl -sf "$BASE/api/$PROJECT/instructions" | json 'd["instructions"][0]["name"]')
# The search indexes whole instruction names (`_` joins words) and matches words by prefix: the
# first word of the name finds the project.
WORD=$(python3 -c 'import re,sys; print([w for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", sys.argv[1]) if w][0])' "$FIRST")
DETAIL=$(curl -sf "$BASE/api/$PROJECT/instructions/$FIRST")

# Request bodies, one file per POST route.
python3 -c 'import json,sys; d=json.loads(sys.argv[1])["instruction"]["exampleRequest"]; d = d if isinstance(d, dict) else {"args": {}, "accounts": {}}; d["recentBlockhash"]=sys.argv[2]; print(json.dumps(d))' \
  "$DETAIL" "$BLOCKHASH" >"$WORK/build.json"
echo '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' >"$WORK/mcp.json"
# An instruction account that is a PDA whose seeds need account addresses only (or nothing).
curl -sf "$BASE/api/$PROJECT/pda" | python3 -c '
import json, sys
key = "SysvarRent111111111111111111111111111111111"
for e in json.load(sys.stdin)["pdaAccounts"]:
    if e.get("named") or not e.get("usedBy") or any(i["kind"] != "account" for i in e["inputs"]):
        continue
    use = e["usedBy"][0]
    print(json.dumps({"instruction": use["instruction"], "account": use["account"],
                      "accounts": {i["name"]: key for i in e["inputs"]}}))
    break
' >"$WORK/pda.json"

MCP_ACCEPT='application/json, text/event-stream'
# method|path|body file (POST)|Accept header (POST)
ROUTES=(
  "GET|/health||"
  "GET|/api/$PROJECT/instructions||"
  "GET|/api/$PROJECT/instructions/$FIRST||"
  "GET|/api/$PROJECT/accounts||"
  "GET|/api/$PROJECT/docs||"
  "GET|/api/$PROJECT/docs?format=md||"
  "GET|/project/$PROJECT/llms.txt||"
  "GET|/api/$PROJECT/idl||"
  "GET|/api/$PROJECT/openapi.json||"
  "GET|/api/projects?q=$WORD||"
)
SKIPPED=()
if [ -s "$WORK/pda.json" ]; then
  ROUTES+=("POST|/api/$PROJECT/pda/derive|$WORK/pda.json|")
else
  SKIPPED+=("POST /api/{project}/pda/derive: no PDA of an instruction account needs account seeds only")
fi
ROUTES+=(
  "POST|/api/$PROJECT/instructions/$FIRST/build|$WORK/build.json|"
  "POST|/mcp|$WORK/mcp.json|$MCP_ACCEPT"
)

# Check every route (warming the caches) and record its body size before any load.
declare -A SIZE LUA
n=0
for route in "${ROUTES[@]}"; do
  IFS='|' read -r method path body accept <<<"$route"
  args=(-s -o "$WORK/response" -w '%{http_code} %{size_download}\n')
  if [ "$method" = POST ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "@$body")
    [ -n "$accept" ] && args+=(-H "Accept: $accept")
    n=$((n + 1))
    LUA[$route]="$WORK/post-$n.lua"
    python3 - "$body" "$accept" >"${LUA[$route]}" <<'PY'
import sys
body = open(sys.argv[1]).read().strip()
level = next(n for n in range(1, 100) if "]" + "=" * n + "]" not in body)
print('wrk.method = "POST"')
print(f'wrk.body = [{"=" * level}[{body}]{"=" * level}]')
print('wrk.headers["Content-Type"] = "application/json"')
if sys.argv[2]:
    print(f'wrk.headers["Accept"] = "{sys.argv[2]}"')
PY
  fi
  read -r status size < <(curl "${args[@]}" -X "$method" "$BASE$path")
  if [[ $status != 2?? ]]; then
    echo "$method $path answered $status (expected 2xx):" >&2
    head -c 2000 "$WORK/response" >&2
    echo >&2
    exit 1
  fi
  SIZE[$route]=$size
  if [[ $path == /api/projects* ]] && ! grep -q "$PROJECT" "$WORK/response"; then
    echo "warning: GET $path does not find the project; its row measures an empty result" >&2
  fi
done

rss() { awk '/^VmRSS/ {print $2, $3}' "/proc/$SERVER/status"; }
RSS_BEFORE=$(rss)

# wrk on one URL: "req/s p99 non-2xx socket-errors".
load() {
  local url=$1 lua=$2 script=() out
  [ -n "$lua" ] && script=(-s "$lua")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${script[@]}" "$url")
  awk '/Requests\/sec/ {rps=$2} $1=="99%" {p99=$2} /Non-2xx or 3xx responses/ {bad=$NF}
       /Socket errors/ {err=$0} END {printf "%s %s %d %s\n", rps, p99, bad, (err ? "yes" : "no")}' <<<"$out"
}

echo "project $PROJECT ({project} below), wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on loopback"
format='%-52s %9s %10s %14s %7s %9s %12s\n'
printf "$format" route bytes req/s 'ceiling req/s' ratio p99 'ceiling p99'
WARNINGS=()
P={project}
for route in "${ROUTES[@]}"; do
  IFS='|' read -r method path body accept <<<"$route"
  size=${SIZE[$route]}
  lua=${LUA[$route]:-}
  read -r rps p99 bad err < <(load "$BASE$path" "$lua")
  read -r crps cp99 cbad cerr < <(load "$CEILING/bytes/$size" "$lua")
  label="$method ${path//"$PROJECT"/$P}"
  ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.3f}")' "$rps" "$crps")
  printf "$format" "$label" "$size" "$rps" "$crps" "$ratio" "$p99" "$cp99"
  [ "$bad" = 0 ] && [ "$cbad" = 0 ] || WARNINGS+=("$label: non-2xx responses under load ($bad, ceiling $cbad)")
  [ "$err" = no ] && [ "$cerr" = no ] || WARNINGS+=("$label: socket errors under load")
done
echo "server RSS before the load: $RSS_BEFORE, after: $(rss)"
for skipped in "${SKIPPED[@]}"; do echo "skipped $skipped"; done
for warning in "${WARNINGS[@]}"; do echo "WARNING $warning" >&2; done
[ ${#WARNINGS[@]} = 0 ]
