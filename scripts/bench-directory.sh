#!/usr/bin/env bash
# Directory benchmark (prints figures, never fails on targets): server side in-process (list,
# bulk apply and undo over 5,000 and 50,000 physicians, name-search p95 against 200,000 registry
# people), then the browser side in Chromium against a release server, once seeded with 5,000
# physicians and once with 50,000: sign-in → open the directory → first rows, filter keystroke →
# repaint, select all + end date → preview, apply (with its progress) and undo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
cargo run --release --locked -q -p le-server --bin bench-directory
data="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
for physicians in 5000 50000; do
  echo "== browser, ${physicians} physicians in the hospital =="
  rm -rf "$data/db" && mkdir -p "$data/db"
  target/release/le-server --data-dir "$data/db" --dist-dir dist --demo seed-bench --physicians "$physicians" >/dev/null
  target/release/le-server --listen 127.0.0.1:0 --data-dir "$data/db" --dist-dir dist --demo > "$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do grep -q "listening on" "$data/server.log" 2>/dev/null && break; sleep 0.2; done
  url="$(grep -o 'http://[0-9.:]*' "$data/server.log" | head -1)"
  node scripts/bench-directory-browser.mjs "$url"
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done
