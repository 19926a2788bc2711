#!/usr/bin/env bash
# Builds the release SPA (dist/, pre-compressed) and the release server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step "SPA (Trunk, release)"
trunk build --release
node scripts/precompress.mjs dist

step "Server (release)"
cargo build --release --locked -p le-server
