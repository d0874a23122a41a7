package cli

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that a watch raises the collector's target, and that
// a GOGC the user set is left alone.
func TestTuneGC(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != watchGCPercent {
		t.Errorf("without GOGC: GC percent %d, want %d", got, watchGCPercent)
	}
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "100"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set: GC percent %d, want it left at 100", got)
	}
}
