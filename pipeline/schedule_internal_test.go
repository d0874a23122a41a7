package pipeline

import (
	"strings"
	"testing"
	"time"

	"ordermon/kalshi"
)

// TestPlanStretchesWithinBudget: when the budget cannot cover every order,
// the focused order is read, then the longest unrefreshed, and the rest are
// deferred, which the note says; the plan never exceeds the budget.
func TestPlanStretchesWithinBudget(t *testing.T) {
	now := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	// 20 tokens a second at a 2 s interval: 36 tokens a round.
	e := NewEngine(EngineConfig{ReadBudget: 20, Interval: 2 * time.Second, Now: func() time.Time { return now }})
	var work []*fetch
	for i := range 12 {
		// Executed orders in distinct, unknown events: the discovery batch
		// only finds resting orders, so each needs a single read (2).
		o := &kalshi.Order{OrderID: string(rune('a' + i)), Status: kalshi.StatusExecuted}
		w := &watch{snap: Snapshot{Order: o}}
		w.snap.Sources.Kalshi.LastSuccess = now.Add(-time.Duration(i) * time.Second)
		work = append(work, &fetch{w: w, orderID: o.OrderID, focused: i == 0})
	}
	p := e.planKalshi(work, now)
	if p.cost > p.budget {
		t.Fatalf("planned %d tokens over a budget of %d", p.cost, p.budget)
	}
	if len(p.batches) != 1 || p.batches[0].status != kalshi.StatusResting {
		t.Fatalf("batches %+v", p.batches)
	}
	if len(p.single) != 1 || p.single[0].orderID != "a" {
		t.Errorf("singles %d, first %v", len(p.single), p.single)
	}
	// Missing from the discovery batch, the others are read singly as
	// budget permits (2 each), longest unrefreshed first.
	var missing []*fetch
	for _, f := range p.batches[0].fetch {
		missing = append(missing, f)
	}
	if missing[0].orderID != "l" {
		t.Errorf("longest unrefreshed should come first, got %s", missing[0].orderID)
	}
	p.deferred = missing[:5]
	note := scheduleNote(p, len(work), 2*time.Second)
	if !strings.Contains(note, "7 of 12 orders") || !strings.Contains(note, "every 3.4s") {
		t.Errorf("note %q", note)
	}
	if scheduleNote(&plan{}, 12, 2*time.Second) != "" {
		t.Error("a plan with nothing deferred has a note")
	}
}
