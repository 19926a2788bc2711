#!/usr/bin/env bash
# Sets up, builds and starts LE-Portal on http://127.0.0.1:8080 in demo mode (seeded, invented
# institutions and users) with its own embedded database in ./data-demo, never the ./data of a
# real installation (the server also refuses --demo on a database created for real use).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
step "Starting LE-Portal (Ctrl-C stops it)"
# Demo mode: invented data and demo accounts (shown on the sign-in page). Never for real data.
exec target/release/le-server --listen "${LE_LISTEN:-127.0.0.1:8080}" --data-dir "${LE_DEMO_DATA_DIR:-data-demo}" --dist-dir dist --demo
