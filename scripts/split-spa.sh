#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): cuts the SPA's wasm into the main module and one chunk per
# lazily loaded area, then replaces Trunk's single module in the staging directory.
#
# Trunk 0.21 cannot split (trunk#1022): it builds the wasm (with --emit-relocs, .cargo/config.toml),
# the CSS and the assets; this hook takes the linked wasm from cargo's target directory and runs
#   wasm-split-cli -> wasm-bindgen --keep-lld-exports -> scripts/merge-chunks.mjs (one file per
#   area instead of ~300 small shared chunks; crates/wasm_merge) -> wasm-opt -Oz (release) on every
#   file,
# then scripts/split-spa.mjs gives every file a content hash, rewrites the references and checks
# that every chunk the loader names is there. The tools' versions are pinned together in
# scripts/env.sh and installed by scripts/setup.sh: the split relies on wasm-bindgen internals.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

: "${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook (see Trunk.toml)}"
profile="${TRUNK_PROFILE:-debug}"
case "$profile" in
  release) cargo_profile_dir="wasm-release" ;; # index.html: data-cargo-profile-release
  *) cargo_profile_dir="debug" ;;
esac
target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
input="$target_dir/wasm32-unknown-unknown/$cargo_profile_dir/le-portal-web.wasm"
[ -f "$input" ] || { echo "split-spa: $input is missing (did the wasm32 build run?)" >&2; exit 1; }

wb_version="$(lock_version wasm-bindgen)"
[ "$(wasm-bindgen --version)" = "wasm-bindgen $wb_version" ] \
  || { echo "split-spa: wasm-bindgen-cli must be $wb_version (run scripts/setup.sh)" >&2; exit 1; }
wasm_split_installed \
  || { echo "split-spa: wasm-split-cli must be $WASM_SPLIT_VERSION (run scripts/setup.sh)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/le-portal-split.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/split" "$work/out"

wasm-split-cli --target web --out-name le-portal-web "$input" "$work/split"
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
  --out-dir "$work/out" --out-name le-portal-web "$work/split/le-portal-web.wasm"
mv "$work/split/__wasm_split.js" "$work/out/"
for chunk in "$work"/split/*.wasm; do
  [ "$(basename "$chunk")" = "le-portal-web.wasm" ] || mv "$chunk" "$work/out/"
done
# The merge tool is a crate of this workspace (built for the host; a no-op when up to date).
cargo build --release --locked -q -p le-wasm-merge
LE_WASM_MERGE="$target_dir/release/le-wasm-merge" \
  node scripts/merge-chunks.mjs "$work/split/le-portal-web.wasm" "$work/out"

if [ "$profile" = "release" ]; then
  # The features the Rust toolchain emits; without them wasm-opt rejects the modules.
  opt=(wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int
       --enable-reference-types --enable-sign-ext --enable-mutable-globals)
  # LE_WASM_NAMES=1 keeps the functions' names (a build for the browser's profiler).
  [ "${LE_WASM_NAMES:-}" = 1 ] && opt+=(-g)
  # Chunks in the background while the main module (the long one) runs in the foreground.
  (for chunk in "$work"/out/*.wasm; do
     case "$chunk" in *_bg.wasm) continue ;; esac
     "${opt[@]}" "$chunk" -o "$chunk"
   done) &
  chunks_pid=$!
  "${opt[@]}" "$work/out/le-portal-web_bg.wasm" -o "$work/out/le-portal-web_bg.wasm"
  wait "$chunks_pid"
fi

node scripts/split-spa.mjs "$work/out" "$TRUNK_STAGING_DIR"
