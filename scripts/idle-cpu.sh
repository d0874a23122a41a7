#!/usr/bin/env bash
# idle-cpu.sh measures how much CPU ordermon's live screen uses while it
# watches 50 orders that never change: the cost of leaving it open all day.
#
# It builds ordermon and scripts/idlefakes, starts the fakes (a Kalshi
# exchange and an intent service on loopback, 50 static orders), runs
# ordermon against them in a detached 120x40 tmux window with
# TERM=xterm-256color, lets it warm up, then samples utime+stime from
# /proc/<pid>/stat and prints the CPU used as a percentage of one core,
# with the scheduler's own count of it and of the thread wakeups, and how
# busy the rest of the machine was meanwhile (a sample taken while
# something else ran is not comparable). The fakes run in their own
# process, so their CPU is not counted.
#
# Usage: scripts/idle-cpu.sh [ordermon flags...]
#   e.g. scripts/idle-cpu.sh --interval 60s   (polling all but off: what the
#                                               screen alone costs)
#   scripts/idle-cpu.sh --json           (no screen: polling alone)
# Environment: WARMUP (seconds, default 10), SAMPLE (seconds, default 30),
# KEY (the Kalshi key the fakes issue: rsa, the default, or ed25519),
# BIN (an ordermon binary to measure instead of building this checkout's,
# so builds can be measured in alternation), SHOW (screen lines to print,
# default 12; 40 shows the footer), EXTRA_ENV (extra VAR=value words for the
# measured program's environment, e.g. EXTRA_ENV=GODEBUG=gctrace=1), FRAME (a file
# to save the final screen to, with its colours: scripts/idle-floor.sh
# shows it again).
# Target (issue 14): at most 0.5% of one core.
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

(cd "$root" && go build -o "$work/idlefakes" ./scripts/idlefakes)
if [ -n "${BIN:-}" ]; then
	cp "$BIN" "$work/ordermon"
else
	(cd "$root" && go build -o "$work/ordermon" .)
fi

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
	"exec env ${EXTRA_ENV:-} TERM=xterm-256color COLORTERM=truecolor '$work/ordermon' --config '$config' --log '$work/ordermon.log' $* ${ids[*]}"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')

sleep "$WARMUP"
kill -0 "$pid" 2>/dev/null || { echo "idle-cpu: ordermon exited" >&2; exit 1; }

# utime and stime are fields 14 and 15 of /proc/<pid>/stat; fields are
# counted after the ")" that ends the command name. They are sampled at the
# kernel's tick, so a low figure carries a few ticks of noise;
# /proc/<pid>/task/*/schedstat counts each thread's time on a CPU in
# nanoseconds, and how many times it was scheduled: the wakeups, which on
# a virtual machine cost more than the work they do.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
sched() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ns += $1; runs += $3} END {print ns + 0, runs + 0}'; }
# The whole machine's busy ticks (all CPUs, /proc/stat's first line), to
# tell a quiet sample from one taken while something else ran.
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
hz=$(getconf CLK_TCK)
ncpu=$(getconf _NPROCESSORS_ONLN)
b0=$(busy)
t0=$(ticks "$pid")
read -r n0 r0 < <(sched "$pid")
s0=$(date +%s.%N)
sleep "$SAMPLE"
t1=$(ticks "$pid")
b1=$(busy)
read -r n1 r1 < <(sched "$pid")
s1=$(date +%s.%N)

echo "--- screen after $((WARMUP + SAMPLE)) s (first ${SHOW:-12} lines) ---"
tmux capture-pane -p -t "$session" | head -"${SHOW:-12}"
[ -z "${FRAME:-}" ] || tmux capture-pane -e -p -t "$session" >"$FRAME"
echo "---"
awk -v t="$((t1 - t0))" -v hz="$hz" -v ns="$((n1 - n0))" -v other="$((b1 - b0 - (t1 - t0)))" -v ncpu="$ncpu" -v runs="$((r1 - r0))" -v s0="$s0" -v s1="$s1" -v flags="$*" -v key="${KEY:-rsa}" 'BEGIN {
	cpu = t / hz; wall = s1 - s0
	pct = 100 * cpu / wall; sched = 100 * ns / 1e9 / wall; wakeups = runs / wall; machine = 100 * other / hz / wall / ncpu
	printf "ordermon %s (%s key): %.2f s CPU over %.1f s = %.2f%% of one core (50 static orders, 120x40)\n", (flags == "" ? "(defaults)" : flags), key, cpu, wall, pct
	printf "scheduler: %.2f%% of one core, %.1f thread wakeups a second\n", sched, wakeups
	printf "the rest of the machine (the fakes and tmux included): %.1f%% of its %d cores busy meanwhile\n", machine, ncpu
	printf "IDLE cpu_percent=%.2f sched_percent=%.2f wakeups_per_s=%.1f machine_busy_percent=%.1f\n", pct, sched, wakeups, machine
}'
