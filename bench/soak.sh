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

source bench/server.sh
python3 bench/soak.py "$BASE" "$TOKEN" "$PROJECT" "$SERVER" "$IDL" "$SECONDS_TOTAL" "$RATE"
