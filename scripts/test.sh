#!/usr/bin/env bash
# Installs what is missing (including the test clients), builds with warnings as errors and runs
# every test (unit and end-to-end) under ctest, ending with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
cd build-test
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@"
