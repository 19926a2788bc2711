#!/usr/bin/env bash
# Dependency audit, offline: advisories against the RustSec snapshot shipped in
# third_party/advisory-db (see its SNAPSHOT.txt), licences, bans and sources (deny.toml).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
# cargo-deny reads the database as a git repository in a folder named for its default URL.
db="target/advisory-dbs/advisory-db-3157b0e258782691"
snapshot="$(cat third_party/advisory-db/SNAPSHOT.txt)"
if [ ! -f "$db/SNAPSHOT.txt" ] || [ "$(cat "$db/SNAPSHOT.txt")" != "$snapshot" ]; then
  rm -rf "$db"
  mkdir -p "$db"
  cp -r third_party/advisory-db/. "$db/"
  git -C "$db" init -q
  git -C "$db" add -A
  GIT_AUTHOR_NAME=snapshot GIT_AUTHOR_EMAIL=snapshot@localhost GIT_COMMITTER_NAME=snapshot \
    GIT_COMMITTER_EMAIL=snapshot@localhost GIT_AUTHOR_DATE="2026-08-21T00:00:00Z" \
    GIT_COMMITTER_DATE="2026-08-21T00:00:00Z" git -C "$db" commit -qm "$snapshot"
fi
cargo deny --offline --locked check
