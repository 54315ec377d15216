#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (gcc, -Werror) in
# build-asan and runs the unit tests and the fuzz replay tests under ctest; with --e2e also the
# end-to-end, crash (kill -9) and abuse tests (the wharf binary itself is then sanitized). Exits
# non-zero on any failure or sanitizer report (reports abort the process:
# -fno-sanitize-recover=all). Every sanitized process writes its reports to
# build-asan/sanitizer-reports/ (ASan/UBSan log_path), also servers whose stderr a test harness
# does not show or that a crash test would restart; the script prints them and fails if any exist.
#
#   scripts/sanitize.sh [--e2e] [extra ctest args...]
# Environment: SANITIZE_BUILD_JOBS (default 2). Builds under nice; uses ccache when installed.
# The JS SDK tests (e2e_node_*) need scripts/e2e-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
e2e=0
if [ "${1:-}" = "--e2e" ]; then
  e2e=1
  shift
fi
build="build-asan"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DWHARF_SANITIZE=ON -DWHARF_WERROR=ON "${launcher[@]}" >/dev/null
nice ninja -C "$build" -j "${SANITIZE_BUILD_JOBS:-2}"
echo "sanitize: build took ${SECONDS} s"
reports="$PWD/$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}:log_path=$reports/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$reports/ubsan"
labels="unit|fuzz"
[ "$e2e" -eq 1 ] && labels="unit|fuzz|e2e|crash|abuse"
status=0
SECONDS=0
(cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" -L "$labels" "$@") || status=$?
echo "sanitize: tests took ${SECONDS} s"
for report in "$reports"/*; do
  [ -e "$report" ] || continue
  echo "=== sanitizer report $report"
  cat "$report"
  status=1
done
exit "$status"
