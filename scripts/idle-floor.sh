#!/usr/bin/env bash
# idle-floor.sh measures the floor under ordermon's idle cost: what any
# Bubble Tea program pays to show ordermon's idle screen, and to make the
# reads an idle round cannot do without. It runs scripts/idle-cpu.sh on
# ordermon (saving its final screen), then on scripts/idlefloor showing
# that screen:
#
#   static, 8 fps   the frame never changes: Bubble Tea's frame ticker alone
#   static, 1 fps   the same with one tick a second: what the ticker costs
#   clock, 8 fps    the clock and ages change once a second, as ordermon's do
#   reads, 8 fps    that, and every 2 s the round's reads through ordermon's
#                   clients: 10 intent reads and one signed queue read
#
# Each round measures every one of them in turn, so the machine's changing
# speed falls on all alike; compare figures from the same round.
#
# Usage: scripts/idle-floor.sh [rounds]   (default 2; WARMUP and SAMPLE as
# for idle-cpu.sh). About 40 s a measurement, 5 measurements a round.
set -euo pipefail

rounds=${1:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ordermon-idle-floor.XXXXXX")
trap 'rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/ordermon" . && go build -o "$work/idlefloor" ./scripts/idlefloor)

# measure LABEL VAR=value... runs idle-cpu.sh with those variables and
# prints its figures after the label.
measure() {
	local label=$1 line
	shift
	line=$(env "$@" SHOW=0 bash "$root/scripts/idle-cpu.sh" | tail -1)
	printf '%-22s %s\n' "$label" "${line#IDLE }"
}

floor() {
	measure "$1" BIN="$work/idlefloor" EXTRA_ENV="IDLEFLOOR_FRAME=$work/frame.ansi IDLEFLOOR_MODE=$2 IDLEFLOOR_FPS=$3"
}

for r in $(seq "$rounds"); do
	echo "--- round $r of $rounds"
	measure "ordermon, defaults" BIN="$work/ordermon" FRAME="$work/frame.ansi"
	floor "floor: static, 8 fps" static 8
	floor "floor: static, 1 fps" static 1
	floor "floor: clock, 8 fps" clock 8
	floor "floor: reads, 8 fps" reads 8
done
