#!/usr/bin/env bash
# Directory benchmark (prints figures, never fails on targets): server side in-process (list,
# bulk apply and undo over 5,000 and 50,000 physicians, name-search p95 against 200,000 registry
# people), then the browser side in Chromium against a release server, once seeded with 5,000
# physicians and once with 50,000: sign-in → open the directory → first rows, filter keystroke →
# repaint, select all + end date → preview, apply (with its progress) and undo.
#
# Figures of 2026-12-01 (2 cores shared with other builds, load average 2–8; before → after the
# packed table, the one-row list query and the cheaper preview path):
#   5,000:  first rows 837 → 450 ms; filter keystroke 22.6 → 21.7 ms; select all + preview
#           12.8 → 10.9 ms; apply 523 → 579 ms; undo 1,154 → 945 ms
#   50,000: first rows 3,109 → 1,845 ms; filter keystroke 29.0 → 23.6 ms; select all + preview
#           174 → 97 ms; apply 6,184 → 5,869 ms; undo 9,821 → 6,406 ms
#   server, 50,000: GET /physicians 741 ms (22.1 MB), GET /physicians/table 631 ms (7.5 MB)
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
