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
source bench/server.sh
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
