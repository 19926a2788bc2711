#!/usr/bin/env bash
# Sets up, builds and starts LE-Portal on http://127.0.0.1:8080 with the embedded database in ./data,
# in demo mode (seeded, invented institutions and users).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
step "Starting LE-Portal (Ctrl-C stops it)"
# Demo mode: invented data and demo accounts (shown on the sign-in page). Never for real data.
exec target/release/le-server --listen "${LE_LISTEN:-127.0.0.1:8080}" --data-dir "${LE_DATA_DIR:-data}" --dist-dir dist --demo
