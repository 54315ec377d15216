#!/usr/bin/env bash
# Installs what tests/e2e needs; idempotent (does nothing when everything is present).
#  - Debian python3-boto3 (query-protocol SQS under /usr/bin/python3) and awscli (AWS CLI v2);
#  - the JS SDK for tests/e2e/node from its committed package-lock.json (npm ci).
# The pip boto3 >= 1.34 and AWS CLI v1 of the default python3 are checked, not installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
/usr/bin/python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
[[ -x /usr/bin/aws ]] || missing+=(awscli)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
  echo "e2e-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

node_dir="$root/tests/e2e/node"
lock="$node_dir/package-lock.json"
stamp="$node_dir/node_modules/.wharf-lock.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "e2e-deps: npm ci in tests/e2e/node"
  (cd "$node_dir" && npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
fi

python3 - <<'PY' || echo "e2e-deps: WARNING: python3 lacks botocore >= 1.34 (JSON SQS)"
import botocore, sys
major, minor = (int(x) for x in botocore.__version__.split(".")[:2])
sys.exit(0 if (major, minor) >= (1, 34) else 1)
PY
if ! aws --version 2>&1 | grep -q '^aws-cli/1\.'; then
  echo "e2e-deps: note: no AWS CLI v1 first on PATH; set WHARF_AWS_V1 for e2e_sqs_cli"
fi
echo "e2e-deps: ok"
