#!/usr/bin/env bash
# Benchmark: sign + encrypt of a 50 MB payload (CMS SignedData RSASSA-PSS/SHA-256, then
# EnvelopedData RSA-OAEP/SHA-256 + AES-256-CBC) in Chromium (the care_seal crate as wasm, as the
# SPA runs it) against `openssl cms -sign` + `openssl cms -encrypt` on the same file in the same
# run. Prints MB/s of both and the ratio. Usage: scripts/bench-care-seal.sh [MB] (default 50).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mb="${1:-50}"
work="$(mktemp -d "${TMPDIR:-/tmp}/le-care-seal-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step "wasm module (release, wasm32) and its bindings"
# The SPA's own profile (wasm-release), so the figure is the one the app reaches.
cargo build --profile wasm-release --target wasm32-unknown-unknown -p le-care-seal --example seal_bench
wasm-bindgen --target web --out-dir "$work/web" --out-name seal_bench \
  "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/wasm-release/examples/seal_bench.wasm"

step "test PKI and a ${mb} MB payload"
(
  cd "$work"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=Bench CA" 2>/dev/null
  for name in recipient sender; do
    openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/OU=IK109905003/CN=$name" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" -days 30 2>/dev/null
  done
  openssl pkcs12 -export -in sender.pem -inkey sender.key -out sender.p12 -passout pass:bench
  head -c "$((mb * 1024 * 1024))" /dev/urandom > payload.bin
)

step "openssl cms (sign with PSS, then encrypt with OAEP/SHA-256 and AES-256-CBC)"
start=$(date +%s.%N)
openssl cms -sign -binary -nodetach -in "$work/payload.bin" -signer "$work/sender.pem" -inkey "$work/sender.key" \
  -md sha256 -keyopt rsa_padding_mode:pss -outform DER -out "$work/signed.der"
openssl cms -encrypt -binary -aes256 -in "$work/signed.der" -recip "$work/recipient.pem" \
  -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -outform DER -out "$work/sealed.der"
end=$(date +%s.%N)
openssl_s=$(echo "$end - $start" | bc -l)

step "Chromium (wasm)"
wasm_s=$(node scripts/bench-care-seal.mjs "$work" "$mb")

echo
printf 'payload: %d MB\n' "$mb"
printf 'openssl cms:      %6.2f s  %7.1f MB/s\n' "$openssl_s" "$(echo "$mb / $openssl_s" | bc -l)"
printf 'Chromium (wasm):  %6.2f s  %7.1f MB/s\n' "$wasm_s" "$(echo "$mb / $wasm_s" | bc -l)"
printf 'ratio wasm/openssl (throughput): %.2f\n' "$(echo "$openssl_s / $wasm_s" | bc -l)"
