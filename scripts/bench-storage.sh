#!/usr/bin/env bash
# File-store benchmark (prints figures, never fails on targets): a 500 MB upload (or the MB given)
# into the local directory and into S3-compatible object storage (moto, started here on a free
# port) in the same run: upload and download MB/s and the memory growth of the uploading process.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
mb="${1:-500}"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m moto.server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true' EXIT
for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break; sleep 0.1; done
python3 -c "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='eu-central-1', aws_access_key_id='bench', aws_secret_access_key='bench').create_bucket(Bucket='le-files', CreateBucketConfiguration={'LocationConstraint': 'eu-central-1'})" "http://127.0.0.1:$port"
cargo run --release --locked -q -p le-server --bin bench-storage -- "http://127.0.0.1:$port" "$mb"
