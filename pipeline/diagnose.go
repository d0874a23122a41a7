package pipeline

import "time"

// Diagnose returns what is wrong with the order in s at now, most severe
// first. It is pure: everything it needs is in the snapshot.
func Diagnose(s Snapshot, th Thresholds, now time.Time) []Finding { return nil } // STUB
