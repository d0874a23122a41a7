#!/usr/bin/env bash
# bench.sh runs ordermon's benchmarks and its load tests and prints the
# figures docs/performance.md quotes.
#
#   scripts/bench.sh              benchmarks, then the 500-order load test
#                                 for ORDERMON_LOAD (default 60s) and the
#                                 event-spread test
#   scripts/bench.sh -idle        also run scripts/idle-cpu.sh (about 45 s)
#
# Run it on a quiet machine: every figure is wall-clock or CPU time, and
# other processes skew both. -race is left off on purpose, since it makes
# everything several times slower.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export ORDERMON_LOAD=${ORDERMON_LOAD:-60s}

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(go version | cut -d' ' -f3-)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== benchmarks"
# Only packages that have benchmarks; ui's arrive with the ui branch.
pkgs=()
for p in ./kalshi ./kalshi/kalshitest ./pipeline ./internal/engine ./ui; do
	if [ -d "$p" ] && grep -lq '^func Benchmark' "$p"/*_test.go 2>/dev/null; then
		pkgs+=("$p")
	fi
done
go test -run '^$' -bench . -benchmem -count 1 "${pkgs[@]}" | grep -E '^(Benchmark|ok|FAIL|pkg:)'

echo
echo "== load: 500 orders for $ORDERMON_LOAD in real time"
go test -count 1 -run 'TestLoadFiveHundredOrders$' -v -timeout 30m ./internal/engine/ |
	grep -E 'load_test.go|^(--- |ok|FAIL)' | sed 's/^ *load_test.go:[0-9]*: /  /'

echo
echo "== load: 500 orders spread over more and more events"
go test -count 1 -run 'TestLoadSpreadEvents$' -v ./internal/engine/ |
	grep -E 'SPREAD|^(ok|FAIL)' | sed 's/^ *load_test.go:[0-9]*: /  /'

if [ "${1:-}" = "-idle" ]; then
	echo
	echo "== idle CPU: the live screen on 50 static orders"
	scripts/idle-cpu.sh | grep -E 'of one core|^IDLE'
	scripts/idle-cpu.sh --interval 60s | grep -E 'of one core|^IDLE'
	scripts/idle-cpu.sh --json | grep -E 'of one core|^IDLE'
fi
