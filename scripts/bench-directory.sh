#!/usr/bin/env bash
# Directory benchmark (prints figures, never fails on targets): server side (bulk apply over
# 5,000, name-search p95) in-process, then the browser side (filter keystroke → repaint, select
# all + end date → preview) in Chromium against a release server seeded with 5,000 physicians
# and 200,000 registry people.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
cargo run --release --locked -q -p le-server --bin bench-directory
data="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
target/release/le-server --data-dir "$data" --dist-dir dist --demo seed-bench
target/release/le-server --listen 127.0.0.1:0 --data-dir "$data" --dist-dir dist --demo > "$data/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "listening on" "$data/server.log" 2>/dev/null && break; sleep 0.2; done
url="$(grep -o 'http://[0-9.:]*' "$data/server.log" | head -1)"
node scripts/bench-directory-browser.mjs "$url"
