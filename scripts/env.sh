# Sourced by the other scripts: paths and tool locations shared by all of them.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# npm's binaryen (wasm-opt 132) and Tailwind must win over anything in /usr/bin.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TRUNK_VERSION="0.21.14"
DENY_VERSION="0.20.2"
# wasm-split-cli (crate wasm_split_cli_support): splits the SPA into lazily loaded chunks. It
# depends on wasm-bindgen's internals: change it only together with wasm-bindgen (Cargo.lock).
WASM_SPLIT_VERSION="0.2.4"
WASM_SPLIT_WASM_BINDGEN="0.2.130"
step() { printf '\n==> %s\n' "$*"; }
# The wasm-bindgen version the lockfile pins; wasm-bindgen-cli must match it exactly.
lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
# True when cargo installed exactly the pinned wasm-split-cli (the tool has no --version).
wasm_split_installed() {
  command -v wasm-split-cli >/dev/null \
    && cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"
}
