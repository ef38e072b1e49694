#!/usr/bin/env bash
# The whole test suite: installs the Node test tooling the integration tests drive (LiteSVM behind
# JSON-RPC; @solana/web3.js and @coral-xyz/anchor as independent checkers; the official MCP
# TypeScript SDK client and MCP conformance runner, with the Node 22 binary the runner needs;
# Redocly, @hey-api/openapi-ts and TypeScript for the OpenAPI documents; playwright-core driving
# Debian's chromium for the pages) from its lock files, starts a throwaway PostgreSQL cluster
# (scripts/postgres.sh), then runs every Rust test. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tests/litesvm-rpc tests/node-verify tests/mcp-client tests/mcp-conformance tests/openapi-client tests/web-e2e; do
  # `npm ci` only when the installed tree is missing or older than the lock file.
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
# One PostgreSQL cluster for every test binary (each test gets a database of its own in it; the
# binaries start their own when this is unset).
if [ -z "${ORQUESTRA_TEST_POSTGRES_URL:-}" ] && [ "${ORQUESTRA_SKIP_POSTGRES_TESTS:-}" != 1 ]; then
  PG_DIR=$(mktemp -d)
  trap 'scripts/postgres.sh stop "$PG_DIR/pg" || true; rm -rf "$PG_DIR"' EXIT
  ORQUESTRA_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$PG_DIR/pg")
  export ORQUESTRA_TEST_POSTGRES_URL
fi
cargo test --workspace --locked "$@"
