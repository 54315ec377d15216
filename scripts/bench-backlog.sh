#!/usr/bin/env bash
# SQS rates with a deep queue against a shallow one (issue bar: at 1,000,000 queued messages the
# send and receive rates stay >= 80% of the shallow-queue rates). Starts wharf with a fresh data
# dir on a free port, runs wharf-bench, prints the four rates and the two ratios, stops wharf.
#
# usage: scripts/bench-backlog.sh [DEPTH]        (DEPTH default 1000000)
# environment: WHARF_BIN (default build/wharf), BENCH_BIN (default build/bench/wharf-bench),
#              SECONDS_PER_RUN (default 10), CONNECTIONS (default 32)
set -euo pipefail
cd "$(dirname "$0")/.."
DEPTH=${1:-1000000}
WHARF_BIN=${WHARF_BIN:-build/wharf}
BENCH_BIN=${BENCH_BIN:-build/bench/wharf-bench}
DURATION=${SECONDS_PER_RUN:-10}
CONNS=${CONNECTIONS:-32}
WORK=$(mktemp -d -t wharf-backlog.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$WHARF_BIN" --port "$PORT" --data-dir "$WORK/data" --log-level warn >"$WORK/wharf.log" 2>&1 &
WHARF_PID=$!
trap 'kill $WHARF_PID 2>/dev/null; wait $WHARF_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$URL/_wharf/health" && break; sleep 0.05; done

bench() { "$BENCH_BIN" "$@" --endpoint "$URL" | tail -1; }
rate() { sed -n 's/.* \([0-9.]*\) msg\/s.*/\1/p' <<<"$1"; }
queue_url() { echo "$URL/000000000000/$1"; }

# Shallow: sends into an empty queue; receives from a queue of 300,000 (the cycle drains ~25k/s).
shallow_send=$(bench sqs-send -c "$CONNS" -d "$DURATION" --name shallow-send)
shallow_recv=$(bench sqs-cycle -c "$CONNS" -d "$DURATION" --prefill 300000 --name shallow-recv)
# Deep: DEPTH messages plus what one receive run drains, so the queue never gets below DEPTH.
extra=$((DEPTH + 400000))
bench sqs-send-batch -c "$CONNS" -n $((extra / 10)) -d 600 --name deep >/dev/null
deep_send=$(bench sqs-send -c "$CONNS" -d "$DURATION" --queue-url "$(queue_url deep)")
deep_recv=$(bench sqs-cycle -c "$CONNS" -d "$DURATION" --prefill 0 --queue-url "$(queue_url deep)")
left=$(curl -s "$URL/_wharf/sqs/queues" | python3 -c '
import json, sys
for q in json.load(sys.stdin).get("queues", []):
    if q.get("name") == "deep":
        print(q.get("visible", 0) + q.get("in_flight", 0) + q.get("delayed", 0))')

echo "shallow send: $shallow_send"
echo "deep send:    $deep_send"
echo "shallow recv: $shallow_recv"
echo "deep recv:    $deep_recv"
echo "deep queue after the runs: ${left:-?} messages; data dir $(du -sh "$WORK/data" | cut -f1)"
python3 - "$(rate "$shallow_send")" "$(rate "$deep_send")" "$(rate "$shallow_recv")" \
  "$(rate "$deep_recv")" <<'EOF'
import sys
ss, ds, sr, dr = map(float, sys.argv[1:])
print("send at depth / shallow: %.2f   receive at depth / shallow: %.2f" % (ds / ss, dr / sr))
EOF
