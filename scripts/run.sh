#!/usr/bin/env bash
# Sets up, builds and starts LE-Portal on http://127.0.0.1:8080 in demo mode (seeded, invented
# institutions and users) with its own embedded database in ./data-demo, never the ./data of a
# real installation (the server also refuses --demo on a database created for real use).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
data_dir="${LE_DEMO_DATA_DIR:-data-demo}"
step "Local SMTP sink for the demo's mail (never a real address): $data_dir/mail"
mkdir -p "$data_dir"
python3 scripts/smtp_sink.py "$data_dir/mail" > "$data_dir/smtp-sink.log" 2>&1 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$data_dir/smtp-sink.log" 2>/dev/null && break; sleep 0.1; done
smtp_port="$(grep -o '[0-9]*$' "$data_dir/smtp-sink.log" | head -1)"
step "Starting LE-Portal (Ctrl-C stops it)"
# Demo mode: invented data and demo accounts (shown on the sign-in page). Never for real data.
target/release/le-server --listen "${LE_LISTEN:-127.0.0.1:8080}" --data-dir "$data_dir" --dist-dir dist --demo \
  --smtp-url "smtp://127.0.0.1:$smtp_port" --care-mail-to datenannahme@demo.invalid
