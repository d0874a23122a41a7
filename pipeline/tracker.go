package pipeline

// Tracker compares successive snapshots of each watched order and reports
// what changed, each change once. It is not safe for concurrent use.
type Tracker struct{}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{} }

// Observe records s and returns the events since the previous snapshot of
// the same target, stamped with s.ObservedAt, in a stable order. The first
// snapshot of a target reports the stages already reached.
func (t *Tracker) Observe(s Snapshot) []Event { return nil } // STUB

// Forget drops what the tracker remembers about a target.
func (t *Tracker) Forget(target Target) {} // STUB
