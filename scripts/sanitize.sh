#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (gcc, -Werror) in
# build-asan and runs the unit tests and the fuzz replay tests under ctest; with --e2e also the
# end-to-end tests (the wharf binary itself is then sanitized). Exits non-zero on any failure
# or sanitizer report (reports abort the process: -fno-sanitize-recover=all).
#
#   scripts/sanitize.sh [--e2e] [extra ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
e2e=0
if [ "${1:-}" = "--e2e" ]; then
  e2e=1
  shift
fi
build=build-asan
cmake -S . -B "$build" -G Ninja -DWHARF_SANITIZE=ON -DWHARF_WERROR=ON >/dev/null
nice ninja -C "$build" -j "${SANITIZE_BUILD_JOBS:-2}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
labels="unit|fuzz"
[ "$e2e" -eq 1 ] && labels="unit|fuzz|e2e"
cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc)" -L "$labels" "$@"
