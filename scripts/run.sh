#!/usr/bin/env bash
# Installs what is missing, builds a release binary and runs wharf on 127.0.0.1:4566.
# Extra arguments go to wharf (see `build/wharf --help`), e.g. scripts/run.sh --in-memory
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/wharf "$@"
