#!/usr/bin/env bash
# Installs whatever wharf needs that is missing on a Debian 12 machine (build tools, libraries and the
# clients the end-to-end tests drive), then configures and builds wharf.
#   scripts/setup.sh [--tests]          build dir: build/ (release) or build-test/ (with --tests)
# Idempotent: installs nothing when everything is present. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--tests" ]] && with_tests=1

build_packages=(build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev nlohmann-json3-dev librapidxml-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libssl-dev libnghttp2-dev libjemalloc-dev)
test_packages=(libgtest-dev libgmock-dev python3 python3-boto3 awscli curl nodejs npm)

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root or sudo to run: $*" >&2; exit 1; fi
}

missing=()
wanted=("${build_packages[@]}")
((with_tests)) && wanted+=("${test_packages[@]}")
for p in "${wanted[@]}"; do
  # nodejs/npm may come from elsewhere than Debian (a newer Node): a working binary is enough.
  case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ((with_tests)); then
  build_dir=build-test
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWHARF_WERROR=ON -DWHARF_TESTS=ON >/dev/null
  [[ -x scripts/e2e-deps.sh ]] && scripts/e2e-deps.sh
else
  build_dir=build
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWHARF_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)"
