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
# Figures of 2026-12-01, later (load average 7–12 from other builds: absolute times 2–4× the
# ones above; before → after the first screen from `GET /physicians/table?limit=100`, sent beside
# the whole table; "whole table" = filters and select-all ready):
#   5,000:  first rows 1,301 → 693 ms; whole table 1,323 → 828 ms; filter keystroke 43.9 → 37.0
#           ms; select all + preview 21.4 → 15.6 ms; apply 1,737 → 1,135 ms; undo 1,560 → 1,438 ms
#   50,000: first rows 6,057 → 911 ms; whole table 6,067 → 2,951 ms; filter keystroke 38.7 →
#           35.3 ms; select all + preview 127.7 → 165.5 ms (max 225 → 223, same code: noise);
#           apply 9,445 → 11,327 ms; undo 13,104 → 14,470 ms (server side unchanged: noise)
#   server, 50,000: GET /physicians 3,961 ms (22.1 MB), GET /physicians/table 3,170 ms (7.5 MB);
#           ?limit=100: 11 ms of SQL, 1.7 KB brotli, but answered after ~460 ms beside the whole
#           table's request (its parse and serialisation hold a runtime worker)
# Figures of 2026-12-01, evening (load average 4.5–7 from other builds; before → after the
# preview fix: a click on "Vorschau" with the preview shown no longer reruns the rules, and the
# rules allocate less per record; the preview is now timed as a whole preview per run, the end
# date changing before each click, with the old figure, a click with nothing changed, beside it):
#   5,000:  first rows 1,114 → 1,242 ms; filter keystroke 42.6 → 43.7 ms; whole preview 52.7 →
#           47.3 ms; "Vorschau" again 23.5 → 12.8 ms (one frame)
#   50,000: first rows 1,574 → 1,827 ms; filter keystroke 51.9 → 58.8 ms (code not touched: noise, 53.4 → 47.9 in the second run);
#           whole preview 210 → 196 ms in this script, 292 → 144 ms in a second run (the date
#           changed with the preview shown); "Vorschau" again 190 → 12.8 ms
# Figures of 2026-12-01, 20:51 (quiet machine, load average < 1.5; one file per area, the table
# packed off the runtime's workers, the preview fix; all from one run of this script):
#   split build against all code at start-up, sign-in → first rows, 5,000: split 328 / 463 / 542
#           ms, all at start-up 454 / 477 / 407 ms (rounds 1–3)
#   5,000:  first rows 356 ms; whole table 402 ms; filter keystroke 35.1 ms (max 56.9); whole
#           preview 35.3 ms; "Vorschau" again 13.1 ms; apply 926 ms; undo 878 ms
#   50,000: first rows 366 ms; whole table 1,197 ms; filter keystroke 40.0 ms (max 51.4); whole
#           preview 101.8 ms (max 291.5); "Vorschau" again 13.8 ms; apply 6,076 ms; undo 6,840 ms
#   server, 50,000: GET /physicians 570 ms (22.1 MB), GET /physicians/table 471 ms (7.5 MB; br
#           0.45 MB in 510 ms); ?limit=100 while 2 whole tables load p50 14.3 ms, max 28.3 ms
#           (the old way, work on the runtime's workers: max 412.7 ms)
set -euo pipefail
# Figures of 2026-12-01, 23:45 (quiet machine; a filter keystroke updates the rows on screen in
# place and writes the URL after a pause in typing; all from one run of this script):
#   split build against all code at start-up, sign-in → first rows, 5,000: split 451 / 418 / 366
#           ms, all at start-up 424 / 406 / 469 ms (rounds 1–3)
#   5,000:  first rows 368 ms; whole table 390 ms; filter keystroke 16.3 ms (max 23.5; was 35.1);
#           whole preview 41.8 ms; "Vorschau" again 12.2 ms; apply 928 ms; undo 891 ms
#   50,000: first rows 450 ms; whole table 1,334 ms; filter keystroke 15.6 ms (max 30.8; was
#           40.0); whole preview 190.3 ms (max 220.1; unchanged code: the same build as at 20:51
#           gave 144–200 ms in runs beside this one); apply 6,323 ms; undo 6,770 ms
# Figures of 2026-12-02, 02:20 (quiet machine; the preview counts outcome kinds only, without the
# texts of the changes, which are written for the shown rows; a bulk edit of sites checks its
# result without a copy of the whole record; browser part only):
#   5,000:  first rows 486 ms; filter keystroke 16.4 ms; whole preview 33.8 ms (was 41.8);
#           apply 939 ms; undo 890 ms
#   50,000: first rows 444 ms; whole table 1,281 ms; filter keystroke 18.3 ms; whole preview
#           110.4 ms (max 171.0; was 190.3, AG Grid's select-all + set: 153 ms); apply 7,070 ms;
#           undo 6,488 ms
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
cargo run --release --locked -q -p le-server --bin bench-directory
data="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
# The cost of the split on the directory's first visit: the same build, once as built and once with
# all lazily loaded code in one file compiled at start-up (scripts/single-variant.mjs), sign-in →
# first rows right after sign-in, alternating, three times each, same database (5,000 physicians).
cargo build --release --locked -q -p le-wasm-merge
LE_WASM_MERGE=target/release/le-wasm-merge node scripts/single-variant.mjs dist "$data/single"
echo "== browser, 5000 physicians: split build against all code at start-up =="
mkdir -p "$data/db"
target/release/le-server --data-dir "$data/db" --dist-dir dist --demo seed-bench --physicians 5000 >/dev/null
for round in 1 2 3; do
  for variant in split single; do
    dir=dist
    [ "$variant" = single ] && dir="$data/single"
    target/release/le-server --listen 127.0.0.1:0 --data-dir "$data/db" --dist-dir "$dir" --demo > "$data/server.log" 2>&1 &
    server=$!
    for _ in $(seq 50); do grep -q "listening on" "$data/server.log" 2>/dev/null && break; sleep 0.2; done
    url="$(grep -o 'http://[0-9.:]*' "$data/server.log" | head -1)"
    node scripts/bench-directory-browser.mjs "$url" --first-rows-only "$variant (round $round)"
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  done
done
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
