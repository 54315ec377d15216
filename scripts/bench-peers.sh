#!/usr/bin/env bash
# Runs one wharf-bench scenario against wharf and a peer emulator in the same run, prints both
# result lines and the wharf/peer throughput ratio, and stops everything it started.
#
# usage: scripts/bench-peers.sh SCENARIO [PEER] [-- wharf-bench options...]
#   SCENARIO  health | sqs-send | sqs-send-batch | sqs-cycle | sqs-send-query | sns-publish | kinesis-put
#   PEER      fauxqs (default for sqs-*/sns-*), kinesalite (default for kinesis-put), moto, none
#   options   passed to both runs, e.g. -- -c 32 -d 10 --subscribers 10
# environment:
#   WHARF_URL    benchmark an already running wharf instead of starting one (e.g. http://127.0.0.1:4566)
#   WHARF_BIN    wharf binary to start (default: build/wharf, else build-dispatch/wharf)
#   WHARF_ARGS   extra wharf flags (e.g. "--in-memory"); the data dir is a fresh temporary folder
#   BENCH_BIN    wharf-bench binary (default: build-bench/bench/wharf-bench, else build/bench/wharf-bench)
# Peers are installed from npm on first use into bench/.peers (fauxqs@1.9.2, kinesalite@3.3.3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
SCENARIO=$1
shift
case "$SCENARIO" in
  kinesis-put) PEER=kinesalite ;;
  *) PEER=fauxqs ;;
esac
if [[ $# -gt 0 && "$1" != "--" ]]; then
  PEER=$1
  shift
fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
BENCH_ARGS=("$@")

FAUXQS_VERSION=1.9.2
KINESALITE_VERSION=3.3.3
PEERS_DIR=$ROOT/bench/.peers
WORK=$(mktemp -d -t wharf-bench-peers.XXXXXX)
PIDS=()

# Each started process leads its own process group (setsid), so the group id is its pid and
# killing the group also ends children (shims, workers).
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] || continue
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] || continue
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT NAME LOG: waits up to 60 s for 127.0.0.1:PORT to accept connections.
wait_port() {
  local _
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench-peers: $2 did not open port $1; its log:" >&2
  tail -20 "$3" >&2
  exit 1
}

find_bench() {
  local b
  for b in "${BENCH_BIN:-}" build-bench/bench/wharf-bench build/bench/wharf-bench; do
    if [[ -n "$b" && -x "$b" ]]; then
      echo "$b"
      return
    fi
  done
  echo "bench-peers: wharf-bench not found; build it: cmake -S . -B build-bench -G Ninja &&" \
    "ninja -C build-bench wharf-bench (or set BENCH_BIN)" >&2
  exit 1
}

install_peers() {
  if [[ -x "$PEERS_DIR/node_modules/.bin/fauxqs" && -x "$PEERS_DIR/node_modules/.bin/kinesalite" ]] \
    && grep -q "\"version\": \"$FAUXQS_VERSION\"" "$PEERS_DIR/node_modules/fauxqs/package.json"; then
    return
  fi
  echo "bench-peers: installing fauxqs@$FAUXQS_VERSION and kinesalite into $PEERS_DIR" >&2
  mkdir -p "$PEERS_DIR"
  npm install --prefix "$PEERS_DIR" --no-audit --no-fund --no-save --loglevel=error \
    "fauxqs@$FAUXQS_VERSION" "kinesalite@$KINESALITE_VERSION" >&2
}

# start_peer NAME PORT: starts the peer in the background on PORT.
start_peer() {
  local log=$WORK/$1.log
  case "$1" in
    fauxqs)
      install_peers
      FAUXQS_PORT=$2 FAUXQS_LOGGER=false \
        setsid node "$PEERS_DIR/node_modules/fauxqs/dist/cli.js" >"$log" 2>&1 &
      ;;
    kinesalite)
      install_peers
      setsid node "$PEERS_DIR/node_modules/kinesalite/cli.js" --port "$2" >"$log" 2>&1 &
      ;;
    moto)
      command -v moto_server >/dev/null || { echo "bench-peers: moto_server not installed" >&2; exit 1; }
      setsid moto_server -H 127.0.0.1 -p "$2" >"$log" 2>&1 &
      ;;
    *)
      echo "bench-peers: unknown peer '$1' (fauxqs, kinesalite, moto, none)" >&2
      exit 2
      ;;
  esac
  PIDS+=($!)
  wait_port "$2" "$1" "$log"
}

start_wharf() {
  local bin=${WHARF_BIN:-}
  if [[ -z "$bin" ]]; then
    for bin in build/wharf build-dispatch/wharf ""; do
      [[ -n "$bin" && -x "$bin" ]] && break
    done
  fi
  if [[ -z "$bin" || ! -x "$bin" ]]; then
    echo "bench-peers: no wharf binary (set WHARF_BIN or WHARF_URL); running the peer only" >&2
    return 1
  fi
  local port
  port=$(free_port)
  # shellcheck disable=SC2086  # WHARF_ARGS is a flag list
  setsid "$bin" --host 127.0.0.1 --port "$port" --data-dir "$WORK/wharf-data" --log-level warn \
    ${WHARF_ARGS:-} >"$WORK/wharf.log" 2>&1 &
  PIDS+=($!)
  wait_port "$port" wharf "$WORK/wharf.log"
  WHARF_URL=http://127.0.0.1:$port
}

# run LABEL URL: one wharf-bench run; prints the human line, keeps the JSON line in $WORK/LABEL.json.
run() {
  local out status=0
  out=$("$BENCH" "$SCENARIO" --endpoint "$2" --label "$1" --json "${BENCH_ARGS[@]}") || status=$?
  if [[ -z "$out" ]]; then
    echo "bench-peers: the $1 run failed (exit $status)" >&2
    return 1
  fi
  echo "$out" | head -1
  echo "$out" | tail -1 >"$WORK/$1.json"
}

BENCH=$(find_bench)
HAVE_WHARF=1
if [[ -z "${WHARF_URL:-}" ]]; then
  start_wharf || HAVE_WHARF=0
fi
if [[ $HAVE_WHARF == 1 ]]; then
  run wharf "$WHARF_URL" || HAVE_WHARF=0
fi
HAVE_PEER=0
if [[ "$PEER" != none ]]; then
  PEER_PORT=$(free_port)
  start_peer "$PEER" "$PEER_PORT"
  run "$PEER" "http://127.0.0.1:$PEER_PORT" && HAVE_PEER=1
fi
if [[ $HAVE_WHARF == 1 && $HAVE_PEER == 1 ]]; then
  python3 - "$WORK/wharf.json" "$WORK/$PEER.json" "$PEER" <<'PY'
import json, sys
w, p = (json.load(open(f)) for f in sys.argv[1:3])
def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"
print(f"ratio wharf/{sys.argv[3]}: req/s {ratio(w['req_per_s'], p['req_per_s'])}, "
      f"msg/s {ratio(w['msg_per_s'], p['msg_per_s'])}, "
      f"p99 {ratio(w['latency_ms']['p99'], p['latency_ms']['p99'])} (lower is better)")
PY
fi
