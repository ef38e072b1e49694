#!/usr/bin/env bash
# The whole test suite: installs the Node test tooling the integration tests drive (LiteSVM behind
# JSON-RPC; @solana/web3.js and @coral-xyz/anchor as independent checkers; the official MCP
# TypeScript SDK client and MCP conformance runner, with the Node 22 binary the runner needs;
# Redocly, @hey-api/openapi-ts and TypeScript for the OpenAPI documents; playwright-core driving
# Debian's chromium for the pages) from its lock files, then runs every Rust test. Extra arguments
# go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tests/litesvm-rpc tests/node-verify tests/mcp-client tests/mcp-conformance tests/openapi-client tests/web-e2e; do
  # `npm ci` only when the installed tree is missing or older than the lock file.
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
exec cargo test --workspace --locked "$@"
