#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) in build-fuzz and
# runs each for SECONDS (default 60), printing executions, exec/s and the outcome per target.
# Exits non-zero when any target reports a crash, leak, timeout or sanitizer finding; the
# offending input is saved as build-fuzz/artifacts/<target>-crash-* (see docs/reliability.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 300 sqs_engine_fuzz
# Environment: FUZZ_BUILD_JOBS (default 2), FUZZ_WORKERS (libFuzzer -fork, default 0: in-process;
# the executions printed are then the sum over the workers), FUZZ_PARALLEL (targets run at the
# same time, default 1), FUZZ_RUNS (stop a target after this many executions, default: only the
# time limit), FUZZ_ARGS (extra libFuzzer flags). Builds and runs under nice -n 19. Uses ccache
# when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
build=build-fuzz
all_targets=(http1_fuzz h2_fuzz decode_query_fuzz decode_json_fuzz decode_cbor_fuzz
             decode_rest_json_fuzz decode_rest_xml_fuzz encode_fuzz sigv4_fuzz sns_filter_fuzz
             sqs_engine_fuzz)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# clang and libFuzzer's runtime (idempotent).
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
    >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  $sudo_cmd apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi

# -Werror stays off here: the warning set is tuned for gcc (the test build); clang's extra
# warnings in other folders must not block fuzzing.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  -DWHARF_FUZZ=ON -DWHARF_WERROR=OFF "${launcher[@]}" >/dev/null
nice -n 19 ninja -C "$build" -j "${FUZZ_BUILD_JOBS:-2}" "${targets[@]}"

mkdir -p "$build/artifacts"

# Runs target $1 and writes "target executions exec/s status" to $build/artifacts/$1.result.
run_one() {
  local t="$1" work="$build/corpus/$1" log="$build/artifacts/$1.log" status=0
  mkdir -p "$work"
  # shellcheck disable=SC2086
  nice -n 19 "$build/tests/fuzz/$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" \
    -runs="${FUZZ_RUNS:--1}" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -fork="${FUZZ_WORKERS:-0}" -artifact_prefix="$build/artifacts/$t-" ${FUZZ_ARGS:-} \
    >"$log" 2>&1 || status=$?
  local execs rate
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  if [ -z "$execs" ]; then  # -fork: the parent's last "#EXECS: cov: ... time: Ns" line
    execs=$(grep -o '^#[0-9]*: cov' "$log" | grep -o '[0-9]*' | tail -1 || true)
    local secs
    secs=$(grep -o '^#[0-9]*: cov.* time: *[0-9]*s' "$log" | grep -o '[0-9]*s$' | tail -1 || true)
    [ -n "$execs" ] && [ "${secs%s}" -gt 0 ] 2>/dev/null && rate=$((execs / ${secs%s}))
  fi
  echo "$t ${execs:-?} ${rate:-?} $status" >"$build/artifacts/$t.result"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "${FUZZ_PARALLEL:-1}" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
printf '%-24s %12s %9s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  read -r _ execs rate status <"$build/artifacts/$t.result"
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status; see $build/artifacts/$t.log and $build/artifacts/$t-*)"
    failed=1
    grep -m3 -E 'ERROR: |runtime error|fuzz invariant failed|SUMMARY' "$build/artifacts/$t.log" || true
  fi
  printf '%-24s %12s %9s %s\n' "$t" "$execs" "$rate" "$result"
done
exit "$failed"
