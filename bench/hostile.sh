#!/usr/bin/env bash
# Worst response times for hostile IDLs (huge arrays, fan-out, 20,000-type chains, recursion,
# 100,000-deep nesting, huge names, control characters, thousands of large examples, wide
# structs): runs the end-to-end hostile test on a release build, with the server's address space
# limited to 2 GiB, and prints each case's slowest request. The goal is under 200 ms per request.
#
# Usage: bench/hostile.sh        (builds the release test binary first; takes a few minutes cold)
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTILE_REPORT=1 cargo test --release --locked -q -p orquestra --test hostile -- --nocapture 2>&1 |
  grep -E 'slowest|test result'
