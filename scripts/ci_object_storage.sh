#!/usr/bin/env bash
# The upload and photo tests (pytest marker `storage`) once more, against a real S3-compatible
# server: moto_server (moto[server], in the test extra) on a free local port, a private bucket,
# and the WENMING_STORAGE=s3 settings a deployment uses. Run it from a checkout with
# `make install` done:  scripts/ci_object_storage.sh  [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp /tmp/wenming-moto.XXXXXX)
"$BIN/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
stop_moto() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$log"; }
trap stop_moto EXIT

export WENMING_STORAGE=s3
export WENMING_S3_ENDPOINT_URL="http://127.0.0.1:$port"
export WENMING_S3_BUCKET=wenming-ci
export WENMING_S3_ACCESS_KEY=ci-access-key
export WENMING_S3_SECRET_KEY=ci-secret-key
export WENMING_S3_REGION=us-east-1
export WENMING_S3_ADDRESSING_STYLE=path

# Wait for the server (a few seconds at most), then create the bucket, private as in production.
"$BIN/python" - <<'EOF'
import os, time, urllib.request

import boto3

endpoint = os.environ["WENMING_S3_ENDPOINT_URL"]
for _ in range(100):
    try:
        urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - the local test server
        break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit(f"moto_server did not answer at {endpoint}")
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    aws_access_key_id=os.environ["WENMING_S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["WENMING_S3_SECRET_KEY"],
    region_name=os.environ["WENMING_S3_REGION"],
)
bucket = os.environ["WENMING_S3_BUCKET"]
s3.create_bucket(Bucket=bucket, ACL="private")
s3.put_public_access_block(
    Bucket=bucket,
    PublicAccessBlockConfiguration={
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    },
)
print(f"object storage: moto_server at {endpoint}, bucket {bucket}")
EOF

echo "== upload and photo tests on the S3-compatible store =="
"$BIN/python" -m pytest -q -m storage -p no:randomly "$@"
