#!/usr/bin/env bash
# Builds the release SPA and prints its first load (main module, JS, chunk loader, CSS, index)
# and the extra bytes of each area's first visit (raw, gzip, brotli). Fails when the first load
# is over the 250 KB brotli budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
if [ "${1:-}" != "--no-build" ]; then
  trunk build --release
fi
node scripts/size-report.mjs dist
