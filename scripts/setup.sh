#!/usr/bin/env bash
# Installs everything the build and the checks need on a fresh Debian machine, and skips what is
# already there. Nothing is downloaded outside the package registries (crates.io, npm, Debian).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
started=$SECONDS

step "Rust: wasm32 target, rustfmt, clippy"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "Chromium (Debian) for the browser tests"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi

step "openssl and bc (care billing: the crypto tests, e2e PKI and scripts/bench-care-seal.sh)"
if ! command -v openssl >/dev/null || ! command -v bc >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl bc
fi

step "PostgreSQL server (Debian) for the tests of the PostgreSQL backend (scripts/postgres.sh)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

step "npm tools: Tailwind, binaryen (wasm-opt 132), Playwright, axe-core"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "Python: aiosmtpd (the local SMTP sink of the tests and the demo)"
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
fi

step "Python: moto (an S3-compatible server for the object-storage tests)"
if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.1.18"
fi

step "Python: openapi-spec-validator (an independent check of the generated OpenAPI document)"
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check "openapi-spec-validator==0.7.2"
fi

step "Cargo dependencies (Trunk builds offline)"
cargo fetch --locked

step "Trunk $TRUNK_VERSION"
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  # No LTO and more codegen units: the install takes about half as long and works the same.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

step "cargo-deny $DENY_VERSION (dependency audit, offline)"
if [ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny $DENY_VERSION" ]; then
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked cargo-deny --version "$DENY_VERSION"
fi

wb_version="$(lock_version wasm-bindgen)"
step "wasm-bindgen-cli $wb_version (the lockfile's wasm-bindgen)"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  # Without --locked: its own lockfile names a crate version the registry lacks.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$wb_version"
fi
step "wasm-split-cli $WASM_SPLIT_VERSION (splits the SPA into lazily loaded chunks)"
if ! wasm_split_installed; then
  # Pinned with wasm-bindgen (it relies on wasm-bindgen's internals). Without a network, the
  # second try builds from cargo's registry cache.
  for offline in "" "--offline"; do
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install $offline --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" \
      --features build-binary && break
  done
  wasm_split_installed || { echo "wasm-split-cli $WASM_SPLIT_VERSION could not be installed" >&2; exit 1; }
fi
if [ "$wb_version" != "$WASM_SPLIT_WASM_BINDGEN" ]; then
  echo "wasm-split-cli $WASM_SPLIT_VERSION is proven with wasm-bindgen $WASM_SPLIT_WASM_BINDGEN, the lockfile has $wb_version:" >&2
  echo "check the split build in a browser (e2e/lazy-areas.spec.mjs), then update scripts/env.sh." >&2
  exit 1
fi
if ! grep -q "wasm_bindgen = \"$wb_version\"" Trunk.toml; then
  echo "Trunk.toml pins another wasm-bindgen than Cargo.lock ($wb_version): update [tools] wasm_bindgen." >&2
  exit 1
fi

echo "setup done in $((SECONDS - started)) s"
