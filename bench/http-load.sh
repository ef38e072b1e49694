#!/usr/bin/env bash
# Load benchmark on loopback: requests per second for cached program views against /health on the
# same server, with wrk (Debian package `wrk`). Usage: bench/http-load.sh [IDL_FILE] [SECONDS]
#
# Builds the release binary, starts `orquestra serve` on a temporary database, creates a user and
# a token through the CLI, uploads the IDL, warms the caches, then runs wrk on each route.
set -euo pipefail
cd "$(dirname "$0")/.."
IDL=${1:-testdata/idls/anchor/raydium_clmm.json}
DURATION=${2:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -q
BIN=target/release/orquestra
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export ORQUESTRA_DATABASE_URL="sqlite://$WORK/bench.db" RUST_LOG=warn
# Measure throughput, not the limiter: every rate-limit class unlimited.
export ORQUESTRA_RATE_LIMIT_API=0 ORQUESTRA_RATE_LIMIT_BUILD=0 ORQUESTRA_RATE_LIMIT_SIMULATE=0 \
  ORQUESTRA_RATE_LIMIT_UPLOAD=0 ORQUESTRA_RATE_LIMIT_MCP=0

$BIN serve --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 50); do grep -q listening "$WORK/out" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/^listening on //p' "$WORK/out")
$BIN user create --username bench --email bench@example.com >/dev/null
TOKEN=$($BIN token issue --user bench | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
PROGRAM_ID=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("address") or d.get("metadata",{}).get("address") or d.get("program",{}).get("publicKey") or "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya")' "$IDL")
PROJECT=$(python3 - "$IDL" "$PROGRAM_ID" <<'PY' | curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' --data-binary @- "$BASE/api/idl/upload" | python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["id"])'
import json, sys
print(json.dumps({"name": "bench", "programId": sys.argv[2], "idl": json.load(open(sys.argv[1]))}))
PY
)
for path in /health "/api/$PROJECT/instructions" "/api/$PROJECT/docs"; do curl -sf -o /dev/null "$BASE$path"; done

declare -A RPS
for path in /health "/api/$PROJECT/instructions" "/api/$PROJECT/docs"; do
  rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$BASE$path" | awk '/Requests\/sec/ {print $2}')
  RPS[$path]=$rps
  printf '%-52s %10s req/s\n' "$path" "$rps"
done
health=${RPS[/health]}
for path in "/api/$PROJECT/instructions" "/api/$PROJECT/docs"; do
  python3 -c "import sys; print(f'{sys.argv[1]:<52} {float(sys.argv[2])/float(sys.argv[3]):10.2f} x /health')" "$path" "${RPS[$path]}" "$health"
done
