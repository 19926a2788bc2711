#!/usr/bin/env bash
# Runs every check: formatting, clippy (host and wasm32), unit and API tests, and the browser tests
# against the real release build. Sets up what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32: SPA and domain crate)"
cargo clippy --locked --target wasm32-unknown-unknown -p le-portal-web -p le-domain -- -D warnings

step "dependency audit (cargo deny, offline advisory snapshot)"
bash scripts/deny.sh

step "PostgreSQL migrations in step with SQLite's (a throwaway server, scripts/postgres.sh)"
pg_dir="$(mktemp -d /tmp/le-pg.XXXXXX)"
chmod 755 "$pg_dir"
trap 'bash scripts/postgres.sh stop "$pg_dir/cluster"; rm -rf "$pg_dir"' EXIT
pg_url="$(bash scripts/postgres.sh start "$pg_dir/cluster")"
python3 scripts/schema_parity.py "$pg_url"

step "unit and API tests (API tests on the embedded SQLite)"
cargo test --workspace --locked

step "API tests again on PostgreSQL (the same suite, one fresh database per test)"
LE_TEST_POSTGRES_URL="$pg_url" cargo test --locked -p le-server --test api
bash scripts/postgres.sh stop "$pg_dir/cluster"

step "OpenAPI document: generated from the code, validated by openapi-spec-validator"
mkdir -p target
cargo run --quiet --locked -p le-server --bin le-server -- openapi > target/openapi.json
python3 -m openapi_spec_validator target/openapi.json

bash scripts/build.sh

step "size of the split SPA (first load within 250 KB brotli)"
node scripts/size-report.mjs dist

step "browser tests (Playwright, Debian Chromium)"
npx playwright test --config e2e/playwright.config.mjs
