package engine

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"ordermon/kalshi"
	"ordermon/pipeline"
)

// step is one poll in a tracker scenario: the snapshot and the events it
// must produce, rendered "kind: message".
type step struct {
	name string
	s    Snapshot
	want []string
}

// runSteps observes each step's snapshot in turn at one-second intervals
// and checks the events, their stamps and their sanitization.
func runSteps(t *testing.T, tr *Tracker, steps []step) {
	t.Helper()
	for i, st := range steps {
		s := st.s
		s.ObservedAt = at(time.Duration(1000+i) * sec)
		got := tr.Observe(s)
		var lines []string
		for _, e := range got {
			lines = append(lines, string(e.Kind)+": "+e.Message)
			if !e.At.Equal(s.ObservedAt) {
				t.Errorf("step %d %s: event %q stamped %v, want %v", i, st.name, e.Message, e.At, s.ObservedAt)
			}
			if e.Target != s.Target {
				t.Errorf("step %d %s: event target %v, want %v", i, st.name, e.Target, s.Target)
			}
			for _, text := range []string{e.Message, e.From, e.To} {
				for _, r := range text {
					if unicode.IsControl(r) {
						t.Errorf("step %d %s: control character in %q", i, st.name, text)
					}
				}
			}
		}
		if g, w := strings.Join(lines, "\n"), strings.Join(st.want, "\n"); g != w {
			t.Errorf("step %d %s:\n got:\n%s\nwant:\n%s", i, st.name, indent(g), indent(w))
		}
	}
}

func indent(s string) string {
	if s == "" {
		return "  (none)"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func fill(id string, count, yes string, taker bool, fee string, sec time.Duration) kalshi.Fill {
	return kalshi.Fill{FillID: id, OrderID: "ORD-1", OutcomeSide: "yes", Count: dec(count), YesPrice: dec(yes),
		NoPrice: dec("1").Sub(dec(yes)), IsTaker: taker, FeeCost: dec(fee), CreatedTime: at(sec)}
}

// partial returns the placed fixture with Kalshi reporting filled of 10,
// the given fills, fees and queue position.
func partial(filled string, fees string, queue string, fills ...kalshi.Fill) Snapshot {
	return with(healthy(pipeline.StatusPlaced), func(s *Snapshot) {
		s.Order.FillCount, s.Order.RemainingCount = dec(filled), dec("10").Sub(dec(filled))
		s.Order.TakerFees = dec(fees)
		s.Intent.KalshiFillCount = decp(filled)
		s.Fills = fills
		s.QueueAhead = nil
		if queue != "" {
			s.QueueAhead = decp(queue)
		}
	})
}

func TestTrackerFullLifecycle(t *testing.T) {
	f1 := fill("F1", "3.00", "0.4200", true, "0.0100", 30*sec)
	f2 := fill("F2", "2.00", "0.4200", false, "0", 40*sec)
	f3 := fill("F3", "5.00", "0.4200", true, "0.0200", 60*sec)
	executed := with(partial("10", "0.0300", "", f3, f2, f1), func(s *Snapshot) { s.Order.Status = kalshi.StatusExecuted })
	steps := []step{
		{"pending", healthy(pipeline.StatusPending), []string{
			"stage_reached: reached pending"}},
		{"pending again", healthy(pipeline.StatusPending), nil},
		{"validated", healthy(pipeline.StatusValidated), []string{
			"stage_reached: reached validated (+5s)"}},
		{"placed and resting", healthy(pipeline.StatusPlaced), []string{
			"stage_reached: reached placed (+2s)"}},
		{"placed again", healthy(pipeline.StatusPlaced), nil},
		{"first partial fill", partial("3.00", "0.0100", "4.00", f1), []string{
			"kalshi_status: Kalshi resting → partially filled",
			"fill_count: filled 0 → 3 of 10",
			"new_fill: new fill F1: 3 at $0.42 (taker, fee $0.01)",
			"fees: fees $0.00 → $0.01",
			"queue_moved: ▲ 8 closer in queue (4 ahead)"}},
		{"second partial fill, newest first", partial("5.00", "0.0100", "1.00", f2, f1), []string{
			"fill_count: filled 3 → 5 of 10",
			"new_fill: new fill F2: 2 at $0.42 (maker)",
			"queue_moved: ▲ 3 closer in queue (1 ahead)"}},
		{"second partial fill again", partial("5.00", "0.0100", "1.00", f2, f1), nil},
		{"executed on Kalshi", executed, []string{
			"kalshi_status: Kalshi partially filled → executed",
			"fill_count: filled 5 → 10 of 10",
			"new_fill: new fill F3: 5 at $0.42 (taker, fee $0.02)",
			"fees: fees $0.01 → $0.03"}},
		{"intent filled", with(healthy(pipeline.StatusFilled), func(s *Snapshot) { s.Fills = executed.Fills; s.Order.TakerFees = dec("0.0300") }), []string{
			"stage_reached: reached filled (+1m)"}},
		{"on chain", with(healthy(pipeline.StatusTxnFilled), func(s *Snapshot) { s.Fills = executed.Fills; s.Order.TakerFees = dec("0.0300") }), []string{
			"stage_reached: reached txn_filled (+13s)"}},
		{"completed", with(healthy(pipeline.StatusCompleted), func(s *Snapshot) { s.Fills = executed.Fills; s.Order.TakerFees = dec("0.0300") }), []string{
			"stage_reached: reached completed"}},
		{"completed again", with(healthy(pipeline.StatusCompleted), func(s *Snapshot) { s.Fills = executed.Fills; s.Order.TakerFees = dec("0.0300") }), nil},
	}
	runSteps(t, NewTracker(), steps)
}

func TestTrackerFirstSnapshotIsHistory(t *testing.T) {
	// Joining late: every stage already reached is logged, in order, and
	// nothing is reported as changed.
	steps := []step{
		{"completed on first sight", with(healthy(pipeline.StatusCompleted), func(s *Snapshot) {
			s.Fills = []kalshi.Fill{fill("F1", "10", "0.4200", true, "0.0100", 60*sec)}
			s.Sources.Kalshi.Err = ""
		}), []string{
			"stage_reached: reached pending",
			"stage_reached: reached validated (+5s)",
			"stage_reached: reached placed (+2s)",
			"stage_reached: reached filled (+1m)",
			"stage_reached: reached txn_filled (+13s)",
			"stage_reached: reached completed"}},
	}
	runSteps(t, NewTracker(), steps)

	failed := with(healthy(pipeline.StatusPlaced), func(s *Snapshot) {
		s.Intent.Status = pipeline.StatusFailed
		s.Intent.TerminationReason = "kalshi rejected\x1b[31m order"
	})
	runSteps(t, NewTracker(), []step{
		{"failed on first sight", failed, []string{
			"stage_reached: reached pending",
			"stage_reached: reached validated (+5s)",
			"stage_reached: reached placed (+2s)",
			"stage_reached: failed before reaching filled: kalshi rejected order"}},
		{"failed again", failed, nil},
	})
}

func TestTrackerForwardJumps(t *testing.T) {
	jumped := Snapshot{Target: Target{Kind: KindIntent, ID: "9"}, Intent: &pipeline.Intent{ID: "9", Status: pipeline.StatusPlaced, CreatedAt: t0, OrderPlacedAt: tPlaced}}
	toCompleted := with(jumped, func(s *Snapshot) { s.Intent.Status = pipeline.StatusCompleted; s.Intent.TxnFilledAt = tTxn })
	failedNoReason := with(jumped, func(s *Snapshot) { s.Intent.Status = pipeline.StatusFailed })
	runSteps(t, NewTracker(), []step{
		{"pending", with(jumped, func(s *Snapshot) {
			s.Intent.Status = pipeline.StatusPending
			s.Intent.OrderPlacedAt = time.Time{}
		}), []string{
			"stage_reached: reached pending"}},
		{"jump to placed", jumped, []string{
			"stage_reached: reached validated (no timestamp; passed between polls)",
			"stage_reached: reached placed (+7s)"}},
		{"jump to completed", toCompleted, []string{
			"stage_reached: reached filled (no timestamp; passed between polls)",
			"stage_reached: reached txn_filled (+1m13s)",
			"stage_reached: reached completed"}},
	})
	runSteps(t, NewTracker(), []step{
		{"placed", jumped, []string{
			"stage_reached: reached pending",
			"stage_reached: reached validated (no timestamp; passed between polls)",
			"stage_reached: reached placed (+7s)"}},
		{"failed without reason", failedNoReason, []string{
			"stage_reached: failed before reaching filled: no reason given"}},
	})
}

func TestTrackerRegressionEmitsNothingTwice(t *testing.T) {
	// A status that goes back is a diagnosis; the log must not repeat the
	// stages when the status comes forward again.
	placed := healthy(pipeline.StatusPlaced)
	back := with(placed, func(s *Snapshot) {
		s.Intent.Status = pipeline.StatusValidated
		s.Intent.OrderPlacedAt = time.Time{}
	})
	runSteps(t, NewTracker(), []step{
		{"placed", placed, []string{
			"stage_reached: reached pending",
			"stage_reached: reached validated (+5s)",
			"stage_reached: reached placed (+2s)"}},
		{"back to validated", back, nil},
		{"placed again", placed, nil},
	})
}

func TestTrackerSourceFailureAndRecovery(t *testing.T) {
	base := partial("3.00", "0.0100", "4.00", fill("F1", "3.00", "0.4200", true, "0.0100", 30*sec))
	kalshiDown := with(base, func(s *Snapshot) {
		s.Order, s.QueueAhead, s.Market, s.Fills = nil, nil, nil, nil
		s.Sources.Kalshi.Err = "GET /portfolio/orders/ORD-1: 503 Service Unavailable\x1b[2J" + strings.Repeat("x", 300)
	})
	intentDown := with(base, func(s *Snapshot) {
		s.Intent = nil
		s.Sources.Intent.Err = "timeout"
	})
	// While Kalshi was unreachable the order filled further.
	later := partial("5.00", "0.0100", "1.00",
		fill("F2", "2.00", "0.4200", false, "0", 40*sec), fill("F1", "3.00", "0.4200", true, "0.0100", 30*sec))
	wantErr := "GET /portfolio/orders/ORD-1: 503 Service Unavailable" + strings.Repeat("x", 120-len("GET /portfolio/orders/ORD-1: 503 Service Unavailable")-1) + "…"
	runSteps(t, NewTracker(), []step{
		{"healthy", base, []string{
			"stage_reached: reached pending",
			"stage_reached: reached validated (+5s)",
			"stage_reached: reached placed (+2s)"}},
		{"Kalshi fails: no events for the missing order, queue or fills", kalshiDown, []string{
			"source_failed: Kalshi failed: " + wantErr}},
		{"Kalshi still failing", kalshiDown, nil},
		{"Kalshi recovers with unchanged data", base, []string{
			"source_recovered: Kalshi recovered"}},
		{"intent service fails", intentDown, []string{
			"source_failed: intent service failed: timeout"}},
		{"intent service recovers", base, []string{
			"source_recovered: intent service recovered"}},
		{"Kalshi fails again", kalshiDown, []string{
			"source_failed: Kalshi failed: " + wantErr}},
		{"Kalshi recovers with news: compared with the last data that arrived", later, []string{
			"source_recovered: Kalshi recovered",
			"fill_count: filled 3 → 5 of 10",
			"new_fill: new fill F2: 2 at $0.42 (maker)",
			"queue_moved: ▲ 3 closer in queue (1 ahead)"}},
	})

	// A source failing on the very first poll is logged too.
	runSteps(t, NewTracker(), []step{
		{"first poll, Kalshi down", with(kalshiDown, func(s *Snapshot) { s.Sources.Kalshi.Err = "401 Unauthorized" }), []string{
			"source_failed: Kalshi failed: 401 Unauthorized",
			"stage_reached: reached pending",
			"stage_reached: reached validated (+5s)",
			"stage_reached: reached placed (+2s)"}},
	})
}

func TestTrackerFillsBaseline(t *testing.T) {
	f1 := fill("F1", "3.00", "0.4200", true, "0.0100", 30*sec)
	f2 := fill("F2", "2.00", "0.4200", false, "0", 40*sec)
	f3 := fill("F3", "1.00", "0.4200", false, "0", 50*sec)
	noFillsYet := with(partial("5.00", "0.0100", "4.00"), func(s *Snapshot) { s.Intent = nil })
	// The first snapshot's fills are history; the fills list that arrives
	// late (its fetch failed at first) is history too; only F3 is news.
	runSteps(t, NewTracker(), []step{
		{"fills fetch failed, order already has fills", noFillsYet, nil},
		{"fills arrive", with(noFillsYet, func(s *Snapshot) { s.Fills = []kalshi.Fill{f2, f1} }), nil},
		{"a new fill", with(noFillsYet, func(s *Snapshot) {
			s.Order.FillCount = dec("6.00")
			s.Fills = []kalshi.Fill{f3, f2, f1}
		}), []string{
			"fill_count: filled 5 → 6 of 10",
			"new_fill: new fill F3: 1 at $0.42 (maker)"}},
		{"fills list drops F1 (paging) and brings it back", with(noFillsYet, func(s *Snapshot) {
			s.Order.FillCount = dec("6.00")
			s.Fills = []kalshi.Fill{f3, f2}
		}), nil},
		{"F1 back", with(noFillsYet, func(s *Snapshot) {
			s.Order.FillCount = dec("6.00")
			s.Fills = []kalshi.Fill{f3, f2, f1}
		}), nil},
	})

	// Fills that arrive together are reported oldest first, whatever the
	// order Kalshi listed them in; a fill with no ID falls back to its
	// trade ID.
	tradeOnly := fill("", "1.00", "0.4200", false, "0", 35*sec)
	tradeOnly.TradeID = "T9"
	runSteps(t, NewTracker(), []step{
		{"empty", with(partial("0", "0", "12.00"), func(s *Snapshot) { s.Intent = nil }), nil},
		{"three at once", with(partial("6.00", "0.0100", "2.00", f2, tradeOnly, f1), func(s *Snapshot) { s.Intent = nil }), []string{
			"kalshi_status: Kalshi resting → partially filled",
			"fill_count: filled 0 → 6 of 10",
			"new_fill: new fill F1: 3 at $0.42 (taker, fee $0.01)",
			"new_fill: new fill T9: 1 at $0.42 (maker)",
			"new_fill: new fill F2: 2 at $0.42 (maker)",
			"fees: fees $0.00 → $0.01",
			"queue_moved: ▲ 10 closer in queue (2 ahead)"}},
	})
}

func TestTrackerKalshiOnly(t *testing.T) {
	resting := kalshiSnap(kOrder(kalshi.StatusResting, "0", "10"))
	resting.QueueAhead = decp("12.00")
	noSide := fill("F1", "10", "0.4200", true, "0.0700", 60*sec)
	noSide.OutcomeSide = "no"
	canceled := kalshiSnap(kOrder(kalshi.StatusCanceled, "10", "10"))
	canceled.Order.TakerFees = dec("0.0700")
	canceled.Fills = []kalshi.Fill{noSide}
	runSteps(t, NewTracker(), []step{
		{"first sight starts the log with Kalshi's status", resting, []string{
			"kalshi_status: Kalshi resting, filled 0 of 10"}},
		{"unchanged", resting, nil},
		{"Kalshi fails", with(resting, func(s *Snapshot) { s.Order, s.QueueAhead = nil, nil; s.Sources.Kalshi.Err = "timeout" }), []string{
			"source_failed: Kalshi failed: timeout"}},
		{"canceled after filling on the no side", canceled, []string{
			"source_recovered: Kalshi recovered",
			"kalshi_status: Kalshi resting → canceled",
			"fill_count: filled 0 → 10 of 10",
			"new_fill: new fill F1: 10 at $0.58 (taker, fee $0.07)",
			"fees: fees $0.00 → $0.07"}},
	})
}

func TestTrackerUnrecognizedStatus(t *testing.T) {
	s := with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Intent.Status = pipeline.StatusExecuting })
	runSteps(t, NewTracker(), []step{
		{"executing", s, []string{
			"stage_reached: reached pending",
			"stage_reached: status executing"}},
		{"executing again", s, nil},
		{"validated", with(s, func(s *Snapshot) {
			s.Intent.Status = pipeline.StatusValidated
			s.Intent.BalanceValidatedAt = tValidated
		}), []string{
			"stage_reached: reached validated (+5s)"}},
		{"odd status sanitized", with(s, func(s *Snapshot) { s.Intent.Status = "odd\x1b]0;x\x07" }), []string{
			"stage_reached: status odd"}},
	})
}

func TestTrackerTargetsAreIndependentAndForget(t *testing.T) {
	tr := NewTracker()
	a := healthy(pipeline.StatusPending)
	b := with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Target.ID = "456"; s.Intent.ID = "456" })
	if n := len(tr.Observe(a)); n != 1 {
		t.Fatalf("first a: %d events, want 1", n)
	}
	if n := len(tr.Observe(b)); n != 1 {
		t.Fatalf("first b: %d events, want 1 (targets must not share memory)", n)
	}
	if n := len(tr.Observe(a)); n != 0 {
		t.Fatalf("second a: %d events, want 0", n)
	}
	tr.Forget(a.Target)
	if n := len(tr.Observe(a)); n != 1 {
		t.Fatalf("a after Forget: %d events, want 1 (history again)", n)
	}
	if n := len(tr.Observe(b)); n != 0 {
		t.Fatalf("b after forgetting a: %d events, want 0", n)
	}
	var zero Tracker
	if n := len(zero.Observe(a)); n != 1 {
		t.Fatalf("zero Tracker: %d events, want 1", n)
	}
}

func BenchmarkTrackerObserve(b *testing.B) {
	// A partially filled order whose queue position moves every poll, the
	// busiest steady state a watched order produces.
	fills := []kalshi.Fill{fill("F2", "2.00", "0.4200", false, "0", 40*sec), fill("F1", "3.00", "0.4200", true, "0.0100", 30*sec)}
	s1 := partial("5.00", "0.0100", "4.00", fills...)
	s2 := partial("5.00", "0.0100", "3.00", fills...)
	tr := NewTracker()
	tr.Observe(s1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := s1
		if i%2 == 0 {
			s = s2
		}
		i++
		if len(tr.Observe(s)) != 1 {
			b.Fatal("want one queue event per poll")
		}
	}
}

// TestTrackerStageWhen: a stage event carries the stage's own timestamp, so
// an order first seen late still shows when each stage happened.
func TestTrackerStageWhen(t *testing.T) {
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	in := &pipeline.Intent{ID: "1", Status: pipeline.StatusValidated, CreatedAt: created, BalanceValidatedAt: created.Add(5 * time.Second)}
	evs := NewTracker().Observe(Snapshot{Target: Target{Kind: KindIntent, ID: "1"}, ObservedAt: created.Add(time.Hour), Intent: in})
	if len(evs) != 2 || !evs[1].When.Equal(in.BalanceValidatedAt) || !evs[1].Time().Equal(in.BalanceValidatedAt) {
		t.Fatalf("events %+v", evs)
	}
	if !evs[0].At.Equal(created.Add(time.Hour)) {
		t.Errorf("At %v, want the observation time", evs[0].At)
	}
}
