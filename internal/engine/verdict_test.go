package engine

import (
	"testing"
	"time"

	"ordermon/kalshi"
	"ordermon/pipeline"
)

// TestVerdict covers every way an order is judged: by its worst finding,
// by how it ended, or by where it stands.
func TestVerdict(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	judged := func(s Snapshot, now time.Time) Snapshot {
		s.Diagnosis = Diagnose(s, DefaultThresholds, now, est)
		return s
	}
	stuck := healthy(pipeline.StatusValidated)
	resting := with(healthy(pipeline.StatusPlaced), func(s *Snapshot) {
		s.Order.FillCount, s.Order.RemainingCount = dec("3.00"), dec("7.00")
		s.Intent.KalshiFillCount = decp("3.00")
	})
	withCost := func(s Snapshot) Snapshot {
		return with(s, func(s *Snapshot) { s.Order.TakerFillCost = dec("4.2000") })
	}
	canceled := kalshiSnap(kOrder(kalshi.StatusCanceled, "2.50", "10.00"))
	canceled.Order.LastUpdateTime = at(time.Minute)
	executing := with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Intent.Status, s.PeakStatus = "executing", "executing" })
	ended := with(executing, func(s *Snapshot) { s.Intent.IsComplete = true })
	kalshiAhead := with(withCost(healthy(pipeline.StatusPlaced)), func(s *Snapshot) {
		s.Order.Status, s.Order.FillCount, s.Order.RemainingCount = kalshi.StatusExecuted, dec("10.00"), dec("0.00")
		s.Order.LastUpdateTime = tPlaced.Add(time.Minute)
	})
	nf := Snapshot{Target: Target{Kind: KindIntent, ID: "98765"}, Sources: Sources{Intent: SourceStatus{Used: true, NotFound: true}}}
	waiting := Snapshot{Target: Target{Kind: KindIntent, ID: "5"}, Sources: Sources{Intent: SourceStatus{Used: true, Err: "503 Service Unavailable"}}}
	tests := []struct {
		name string
		s    Snapshot
		now  time.Time
		mark Mark
		text string
		// short is the list's few words; "" when nothing needs attention.
		short string
	}{
		{"stuck, aged at now", judged(stuck, tValidated.Add(11*time.Minute)), tValidated.Add(11*time.Minute + 30*sec),
			MarkError, "stuck at validated for 11m30s: funds locked, no Kalshi order", "no Kalshi order"},
		{"resting", judged(resting, tPlaced.Add(time.Minute)), tPlaced.Add(time.Minute),
			MarkActive, "resting, 12 ahead at $0.42, 3/10 filled", ""},
		{"resting too long", judged(resting, tPlaced.Add(16*time.Minute)), tPlaced.Add(16 * time.Minute),
			MarkWarn, "resting for 16m: 12 ahead at $0.42, 3/10 filled", "resting long"},
		{"pending", judged(healthy(pipeline.StatusPending), at(5*sec)), at(5 * sec),
			MarkActive, "pending for 5s: waiting for the balance check", ""},
		{"validated", judged(stuck, tValidated.Add(40*sec)), tValidated.Add(40 * sec),
			MarkActive, "validated for 40s: funds locked, placing on Kalshi", ""},
		{"placed, Kalshi not read", judged(with(resting, func(s *Snapshot) { s.Order, s.QueueAhead = nil, nil }), tPlaced.Add(time.Minute)), tPlaced.Add(time.Minute),
			MarkActive, "placed on Kalshi for 1m, waiting for Kalshi's figures", ""},
		{"Kalshi ahead of the intent service, within its grace", judged(kalshiAhead, tPlaced.Add(time.Minute+3*sec)), tPlaced.Add(time.Minute + 3*sec),
			MarkActive, "executed on Kalshi (10/10 filled at $0.42), the intent service still says placed", ""},
		{"filled", judged(withCost(healthy(pipeline.StatusFilled)), tFilled.Add(sec)), tFilled.Add(sec),
			MarkActive, "filled on Kalshi for 1s (10/10 filled at $0.42), waiting for the on-chain transaction", ""},
		{"on chain", judged(healthy(pipeline.StatusTxnFilled), tTxn.Add(sec)), tTxn.Add(sec),
			MarkActive, "on chain for 1s, waiting to be marked completed", ""},
		{"completed, another day", judged(withCost(healthy(pipeline.StatusCompleted)), tTxn.Add(24*time.Hour)), tTxn.Add(24 * time.Hour),
			MarkDone, "completed 1 Mar 05:01:20 EST: 10/10 filled at $0.42", ""},
		{"Kalshi-only executed", withCost(kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10"))), at(time.Hour),
			MarkDone, "executed: 10/10 filled at $0.42", ""},
		{"Kalshi-only canceled", canceled, at(time.Hour),
			MarkError, "canceled on Kalshi 05:01:00 EST: 2.5/10 filled", "canceled"},
		{"not found", judged(nf, t0), t0,
			MarkNotFound, "not found: the intent service answered 404", "not found"},
		{"no answer yet", waiting, t0,
			MarkWaiting, "no data yet: 503 Service Unavailable", ""},
		{"a status outside the pipeline", judged(executing, at(time.Minute)), at(time.Minute),
			MarkActive, `executing for 1m (a status outside the documented pipeline)`, ""},
		{"marked complete, no outcome", judged(ended, at(time.Minute)), at(time.Minute),
			MarkEnded, `marked complete as executing`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.s.Verdict(tt.now, est)
			if v.Mark != tt.mark || v.Text != tt.text || v.Short != tt.short {
				t.Errorf("verdict %v %q (short %q)\n want %v %q (short %q)", v.Mark.Glyph(), v.Text, v.Short, tt.mark.Glyph(), tt.text, tt.short)
			}
			if m := tt.s.Mark(); m != v.Mark {
				t.Errorf("Mark() = %v, the verdict's %v", m.Glyph(), v.Mark.Glyph())
			}
			if v.Mark.Attention() != (v.Short != "") {
				t.Errorf("attention %v but short %q", v.Mark.Attention(), v.Short)
			}
		})
	}
}

// TestFindingText strips the order's name, and the Kalshi order ID some
// messages add after it, for the places that show both already.
func TestFindingText(t *testing.T) {
	s := Snapshot{Target: Target{Kind: KindIntent, ID: "123"}}
	for msg, want := range map[string]string{
		"intent:123 funds locked but no Kalshi order":           "funds locked but no Kalshi order",
		"intent:123 (Kalshi order ORD-1): Kalshi says canceled": "Kalshi says canceled",
		"intent:123: not found, the intent service answered":    "not found, the intent service answered",
		"something else entirely":                               "something else entirely",
	} {
		if got := s.FindingText(Finding{Message: msg}); got != want {
			t.Errorf("FindingText(%q) = %q, want %q", msg, got, want)
		}
	}
}
