#!/usr/bin/env bash
# Benchmark (prints figures): the inbox list with an API token at 64 connections, one instance
# and two instances, on SQLite and on a throwaway PostgreSQL (scripts/postgres.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
cargo build --release --locked -p le-server --bin bench-instances
target/release/bench-instances
pg_dir="$(mktemp -d /tmp/le-bench-pg.XXXXXX)"
chmod 755 "$pg_dir"
trap 'bash scripts/postgres.sh stop "$pg_dir/cluster"; rm -rf "$pg_dir"' EXIT
pg_url="$(bash scripts/postgres.sh start "$pg_dir/cluster")"
target/release/bench-instances "$pg_url"
