#!/usr/bin/env bash
# idle-cpu.sh measures how much CPU ordermon's live screen uses while it
# watches 50 orders that never change: the cost of leaving it open all day.
#
# It builds ordermon and scripts/idlefakes, starts the fakes (a Kalshi
# exchange and an intent service on loopback, 50 static orders), runs
# ordermon against them in a detached 120x40 tmux window with
# TERM=xterm-256color, lets it warm up, then samples utime+stime from
# /proc/<pid>/stat and prints the CPU used as a percentage of one core.
# The fakes run in their own process, so their CPU is not counted.
#
# Usage: scripts/idle-cpu.sh [ordermon flags...]
#   e.g. scripts/idle-cpu.sh --interval 60s   (polling all but off: what the
#                                               screen alone costs)
#   scripts/idle-cpu.sh --json           (no screen: polling alone)
# Environment: WARMUP (seconds, default 10), SAMPLE (seconds, default 30),
# KEY (the Kalshi key the fakes issue: rsa, the default, or ed25519).
# Target: under 1% of one core.
set -euo pipefail

WARMUP=${WARMUP:-10}
SAMPLE=${SAMPLE:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ordermon-idle-cpu.XXXXXX")
session="ordermon-idle-$$"
fakes_pid=""

cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	if [ -n "$fakes_pid" ]; then
		kill "$fakes_pid" 2>/dev/null || true
		wait "$fakes_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

command -v tmux >/dev/null || { echo "idle-cpu: tmux is required" >&2; exit 2; }

(cd "$root" && go build -o "$work/ordermon" . && go build -o "$work/idlefakes" ./scripts/idlefakes)

# The fakes print the config path, then the order IDs; they stop when
# their stdin (a FIFO held open by this script) closes or on SIGTERM.
mkfifo "$work/fakes.in"
"$work/idlefakes" -key "${KEY:-rsa}" <"$work/fakes.in" >"$work/fakes.out" 2>"$work/fakes.err" &
fakes_pid=$!
exec 3>"$work/fakes.in"
for _ in $(seq 100); do
	[ "$(wc -l <"$work/fakes.out")" -ge 2 ] && break
	kill -0 "$fakes_pid" 2>/dev/null || { cat "$work/fakes.err" >&2; exit 1; }
	sleep 0.1
done
config=$(sed -n 1p "$work/fakes.out")
read -r -a ids < <(sed -n 2p "$work/fakes.out")
[ -n "$config" ] && [ "${#ids[@]}" -eq 50 ] || { echo "idle-cpu: the fakes did not start" >&2; cat "$work/fakes.err" >&2; exit 1; }

# exec, so the pane's process is ordermon itself and its PID is the pane's.
tmux new-session -d -s "$session" -x 120 -y 40 \
	"exec env TERM=xterm-256color COLORTERM=truecolor '$work/ordermon' --config '$config' --log '$work/ordermon.log' $* ${ids[*]}"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')

sleep "$WARMUP"
kill -0 "$pid" 2>/dev/null || { echo "idle-cpu: ordermon exited" >&2; exit 1; }

# utime and stime are fields 14 and 15 of /proc/<pid>/stat; fields are
# counted after the ")" that ends the command name.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)
t0=$(ticks "$pid")
s0=$(date +%s.%N)
sleep "$SAMPLE"
t1=$(ticks "$pid")
s1=$(date +%s.%N)

echo "--- screen after $((WARMUP + SAMPLE)) s (first 12 lines) ---"
tmux capture-pane -p -t "$session" | head -12
echo "---"
awk -v t="$((t1 - t0))" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v flags="$*" -v key="${KEY:-rsa}" 'BEGIN {
	cpu = t / hz; wall = s1 - s0
	printf "ordermon %s (%s key): %.2f s CPU over %.1f s = %.2f%% of one core (50 static orders, 120x40)\n", (flags == "" ? "(defaults)" : flags), key, cpu, wall, 100 * cpu / wall
	printf "IDLE cpu_percent=%.2f\n", 100 * cpu / wall
}'
