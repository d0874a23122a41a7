package cli

import "runtime/debug"

// watchGCPercent is the garbage collector's target for a run that watches
// until it is stopped. A watch keeps about 2 MB live, and Go never sets its
// heap goal below 4 MB at the default GOGC of 100, so an idle screen would
// collect after every 2 MB it allocates: every four or five seconds, each
// cycle's fixed cost (waking a worker on every processor, sweeping) far
// above the marking of 2 MB. At 400 the goal is five times the live heap
// and at least 16 MB: a few more megabytes held, a quarter of the cycles.
// Measured with scripts/idle-cpu.sh; see docs/performance.md.
const watchGCPercent = 400

// tuneGC sets watchGCPercent for a long-running watch, unless the user
// chose their own with GOGC.
func tuneGC(env func(string) string) {
	if env("GOGC") == "" {
		debug.SetGCPercent(watchGCPercent)
	}
}
