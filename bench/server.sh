# Sourced by the benchmark scripts: builds the release binary, starts `orquestra serve` on a
# temporary database with every rate limit off, creates a user and a token through the CLI and
# uploads the IDL file "$IDL". Sets BIN, WORK, BASE, TOKEN, PROJECT and SERVER (the server's pid);
# the server is stopped and the temporary folder removed on exit.
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-target}/release/orquestra
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export ORQUESTRA_DATABASE_URL="sqlite://$WORK/bench.db" RUST_LOG=warn
# Measure the server, not the limiter: every rate-limit class unlimited.
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
