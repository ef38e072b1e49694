#!/usr/bin/env bash
# Copies the front-end libraries the binary embeds from node_modules (installed from
# package-lock.json) into crates/web/assets/vendor. The copies are committed, so `cargo build`
# needs no Node; run this after changing package.json, then commit both.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
out=../crates/web/assets/vendor
mkdir -p "$out"
cp node_modules/rapidoc/dist/rapidoc-min.js "$out/rapidoc-min.js"
gzip -9 -n -c "$out/rapidoc-min.js" > "$out/rapidoc-min.js.gz"
cp node_modules/rapidoc/LICENSE.txt "$out/rapidoc-LICENSE.txt" 2>/dev/null || cp node_modules/rapidoc/LICENSE "$out/rapidoc-LICENSE.txt"
echo "vendored into $out:"; ls -l "$out"
