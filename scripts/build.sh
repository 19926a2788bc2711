#!/usr/bin/env bash
# Builds the release SPA (dist/, split into a main module and lazily loaded chunks, all
# content-hashed and pre-compressed) and the release server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

# A browser that still runs the previous release's main module fetches that release's chunks:
# keep them (and only them: spa-files.txt lists one release) next to the new release.
previous="$(mktemp -d "${TMPDIR:-/tmp}/le-portal-previous.XXXXXX")"
trap 'rm -rf "$previous"' EXIT
if [ -f dist/spa-files.txt ]; then
  while IFS= read -r file; do
    for variant in "$file" "$file.br" "$file.gz"; do
      [ -f "dist/$variant" ] && cp -p "dist/$variant" "$previous/"
    done
  done < dist/spa-files.txt
fi

step "SPA (Trunk, then the wasm split in its post-build hook; release)"
trunk build --release
node scripts/precompress.mjs dist
kept=0
for file in "$previous"/*; do
  [ -e "$file" ] || continue
  if [ ! -e "dist/$(basename "$file")" ]; then
    cp -p "$file" dist/
    kept=$((kept + 1))
  fi
done
echo "kept $kept files of the previous release for browsers still running it"

step "Server (release)"
cargo build --release --locked -p le-server
