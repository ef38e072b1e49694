#!/usr/bin/env bash
# Soak: ten minutes (by default) of mixed reads (views, docs, llms.txt, OpenAPI, the IDL), builds
# (with a given blockhash) and new-version uploads at a steady rate against a release server on
# loopback. Prints the server's RSS at the start, every minute and at the end, and the responses
# by status class; exits non-zero on any 5xx. The goal: flat memory and zero 5xx.
#
# Usage: bench/soak.sh [IDL_FILE] [SECONDS] [REQUESTS_PER_SECOND]
#        bench/soak.sh testdata/idls/anchor/pump.json 600 100
set -euo pipefail
cd "$(dirname "$0")/.."
IDL=${1:-testdata/idls/anchor/pump.json}
SECONDS_TOTAL=${2:-600}
RATE=${3:-100}

cargo build --release --locked -q
BIN=target/release/orquestra
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export ORQUESTRA_DATABASE_URL="sqlite://$WORK/soak.db" RUST_LOG=warn
export ORQUESTRA_RATE_LIMIT_API=0 ORQUESTRA_RATE_LIMIT_BUILD=0 ORQUESTRA_RATE_LIMIT_SIMULATE=0 \
  ORQUESTRA_RATE_LIMIT_UPLOAD=0 ORQUESTRA_RATE_LIMIT_MCP=0

$BIN serve --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 50); do grep -q listening "$WORK/out" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/^listening on //p' "$WORK/out")
$BIN user create --username soak --email soak@example.com >/dev/null
TOKEN=$($BIN token issue --user soak | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
PROGRAM_ID=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("address") or d.get("metadata",{}).get("address") or d.get("program",{}).get("publicKey") or "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya")' "$IDL")
PROJECT=$(python3 - "$IDL" "$PROGRAM_ID" <<'PY' | curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' --data-binary @- "$BASE/api/idl/upload" | python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["id"])'
import json, sys
print(json.dumps({"name": "soak", "programId": sys.argv[2], "idl": json.load(open(sys.argv[1]))}))
PY
)
python3 bench/soak.py "$BASE" "$TOKEN" "$PROJECT" "$SERVER" "$IDL" "$SECONDS_TOTAL" "$RATE"
