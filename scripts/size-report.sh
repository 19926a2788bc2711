#!/usr/bin/env bash
# Builds the release SPA and prints its first-load transfer (raw, gzip, brotli). Prints only:
# the budget is a figure to watch, not a test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
trunk build --release
node scripts/size-report.mjs dist
