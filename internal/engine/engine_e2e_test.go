package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
	"ordermon/pipeline/pipelinetest/testworld"
)

// world is both fakes and an engine reading them over loopback with real
// signatures and a bearer token.
type world struct {
	clock *kalshitest.Clock
	x     *kalshitest.Exchange
	svc   *pipelinetest.Service
	eng   *engine.Engine
}

func newWorld(t *testing.T, th engine.Thresholds) *world {
	t.Helper()
	pw := testworld.New(t)
	eng := engine.New(engine.Config{Kalshi: pw.Kalshi, Intents: pw.Intents, Now: pw.Clock.Now, Interval: 2 * time.Second, Thresholds: th})
	return &world{clock: pw.Clock, x: pw.Exchange, svc: pw.Service, eng: eng}
}

func (w *world) poll(t *testing.T) engine.Round {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return w.eng.Poll(ctx)
}

func kinds(evs []engine.Event) []engine.EventKind {
	var out []engine.EventKind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func hasEvent(evs []engine.Event, kind engine.EventKind, text string) bool {
	for _, e := range evs {
		if e.Kind == kind && strings.Contains(e.Message+" "+e.To, text) {
			return true
		}
	}
	return false
}

func codes(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// TestEngineCleanCompletion runs one intent through every stage against both
// fakes and checks the snapshot and the events after each step.
func TestEngineCleanCompletion(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	const kid = "c41d2e7a-1f3b-4c6d-8e9f-0a1b2c3d4e5f"
	w.svc.Script("77", pipelinetest.CleanCompletion(kid, "KXBTCD-T98500")...)
	target := engine.Target{Kind: engine.KindIntent, ID: "77"}
	w.eng.Add(target)

	type check struct {
		stage   string
		event   engine.EventKind
		text    string
		fills   string // Kalshi fill count, "" for no order yet
		queue   string // contracts ahead, "" for none
		outcome engine.Outcome
		// noQueueMove says the step logs no queue move.
		noQueueMove bool
	}
	steps := []check{
		{stage: "pending", event: engine.EventStageReached, text: "pending"},
		{stage: "validated", event: engine.EventStageReached, text: "validated"},
		// The order joins the queue behind 40 contracts: its first
		// position is not a move.
		{stage: "placed", event: engine.EventStageReached, text: "placed", fills: "0.00", queue: "40.00", noQueueMove: true},
		{stage: "placed", event: engine.EventQueueMoved, text: "15", fills: "0.00", queue: "15.00"},
		{stage: "placed", event: engine.EventFillCount, text: "4.00", fills: "4.00", queue: "15.00"},
		{stage: "placed", fills: "4.00", queue: "15.00"}, // SyncFill: only the intent's metadata moves
		{stage: "placed", event: engine.EventKalshiStatus, text: "executed", fills: "10.00"},
		{stage: "placed", fills: "10.00"},
		{stage: "filled", event: engine.EventStageReached, text: "filled", fills: "10.00"},
		{stage: "txn_filled", event: engine.EventStageReached, text: "txn_filled", fills: "10.00"},
		{stage: "completed", event: engine.EventStageReached, text: "completed", fills: "10.00", outcome: engine.OutcomeSuccess},
	}
	for i, want := range steps {
		if i > 0 {
			if n := w.svc.Advance(); n != 1 {
				t.Fatalf("step %d: Advance ran %d steps", i, n)
			}
		}
		// Five seconds a step keeps the intent service inside the grace
		// it has to catch up with Kalshi.
		w.clock.Add(5 * time.Second)
		r := w.poll(t)
		if len(r.Snapshots) != 1 {
			t.Fatalf("step %d: %d snapshots", i, len(r.Snapshots))
		}
		s := r.Snapshots[0]
		if s.StageText() != want.stage {
			t.Errorf("step %d: stage %q, want %q", i, s.StageText(), want.stage)
		}
		if s.Target != target {
			t.Errorf("step %d: target %v", i, s.Target)
		}
		if want.event != "" && !hasEvent(r.Events, want.event, want.text) {
			t.Errorf("step %d: no %s event mentioning %q in %v", i, want.event, want.text, r.Events)
		}
		if want.noQueueMove && hasEvent(r.Events, engine.EventQueueMoved, "") {
			t.Errorf("step %d: the first queue position logged as a move: %v", i, r.Events)
		}
		gotFills := ""
		if s.Order != nil {
			gotFills = s.Order.FillCount.String()
		}
		if gotFills != want.fills {
			t.Errorf("step %d: fills %q, want %q", i, gotFills, want.fills)
		}
		gotQueue := ""
		if s.QueueAhead != nil {
			gotQueue = s.QueueAhead.String()
		}
		if gotQueue != want.queue {
			t.Errorf("step %d: queue %q, want %q", i, gotQueue, want.queue)
		}
		if s.Outcome() != want.outcome {
			t.Errorf("step %d: outcome %q, want %q", i, s.Outcome(), want.outcome)
		}
		for _, f := range s.Diagnosis {
			if f.Severity > engine.SevInfo {
				t.Errorf("step %d: healthy order diagnosed %s: %s", i, f.Code, f.Message)
			}
		}
		if s.Sources.Kalshi.Err != "" || s.Sources.Intent.Err != "" {
			t.Errorf("step %d: source errors %q / %q", i, s.Sources.Kalshi.Err, s.Sources.Intent.Err)
		}
	}

	// Every event is reported once: a further round with nothing changed
	// says nothing, and a terminal order is confirmed and then left alone.
	before := len(w.x.Requests()) + len(w.svc.Requests())
	r := w.poll(t)
	if len(r.Events) != 0 {
		t.Errorf("quiet round produced events %v", kinds(r.Events))
	}
	w.poll(t)
	if after := len(w.x.Requests()) + len(w.svc.Requests()); after != before+3 {
		// The confirming round asks the intent service once and Kalshi
		// for the order and its market; the round after asks nobody.
		t.Errorf("requests after completion: %d more, want 3", after-before)
	}
}

// TestEngineStuckScenarios runs each stuck scenario and checks the
// diagnosis a support person would see.
func TestEngineStuckScenarios(t *testing.T) {
	cases := []struct {
		name     string
		scenario pipelinetest.Scenario
		wait     time.Duration
		want     string
		stage    string
	}{
		{"stuck validated", pipelinetest.StuckValidated, 3 * time.Minute, engine.CodeStuckValidated, "validated"},
		{"partial fill resting too long", pipelinetest.PartialFillInQueue, 20 * time.Minute, engine.CodeStuckPlaced, "placed"},
		{"kalshi cancel unnoticed", pipelinetest.KalshiCancelUnnoticed, time.Minute, engine.CodeSourceMismatch, "placed"},
		{"failure", pipelinetest.FailureWithReason, 0, engine.CodeFailed, "failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, engine.Thresholds{})
			w.x.PutMarket(kalshitest.MarketState{Ticker: "KXFED-H0", EventTicker: "KXFED", Status: "active",
				YesBid: fixed.MustParse("0.61"), YesAsk: fixed.MustParse("0.63")})
			w.svc.PutIntent(pipelinetest.NewIntent("9", "KXFED-H0"))
			w.svc.Script("9", c.scenario("d52e3f8b-2a4c-4d7e-9fa0-1b2c3d4e5f60", "KXFED-H0")...)
			w.eng.Add(engine.Target{Kind: engine.KindIntent, ID: "9"})
			for w.svc.Advance() > 0 {
				w.clock.Add(5 * time.Second)
			}
			w.clock.Add(c.wait)
			r := w.poll(t)
			s := r.Snapshots[0]
			if s.StageText() != c.stage {
				t.Errorf("stage %q, want %q", s.StageText(), c.stage)
			}
			if s.Market == nil || s.Market.Ticker != "KXFED-H0" {
				t.Errorf("market %+v; it should be read from the intent before Kalshi has the order", s.Market)
			}
			if !slices.Contains(codes(s.Diagnosis), c.want) {
				t.Fatalf("diagnosis %v lacks %s", codes(s.Diagnosis), c.want)
			}
			top := s.Diagnosis[0]
			if top.Severity < engine.SevWarn || top.Message == "" {
				t.Errorf("top finding %+v", top)
			}
		})
	}
}

// TestEngineKalshiMissing: the intent names a Kalshi order Kalshi does not
// know.
func TestEngineKalshiMissing(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	w.svc.Script("5", pipelinetest.PartialFillInQueue("e63f4a9c-3b5d-4e8f-a0b1-2c3d4e5f6071", "KXNBA-LAL")...)
	w.eng.Add(engine.Target{Kind: engine.KindIntent, ID: "5"})
	for w.svc.Advance() > 0 {
	}
	w.x.RemoveOrder("e63f4a9c-3b5d-4e8f-a0b1-2c3d4e5f6071")
	s := w.poll(t).Snapshots[0]
	if !s.Sources.Kalshi.NotFound || !slices.Contains(codes(s.Diagnosis), engine.CodeKalshiOrderMissing) {
		t.Errorf("not found %v, diagnosis %v", s.Sources.Kalshi.NotFound, codes(s.Diagnosis))
	}
}

// TestEngineBareIDResolves: a bare ID the intent service does not know is
// a Kalshi order.
func TestEngineBareIDResolves(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	w.x.PutOrder(kalshitest.OrderState{OrderID: "ORD-9", Ticker: "KXETH-T3400", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.31"), InitialCount: fixed.MustParse("5"), CreatedTime: w.clock.Now()})
	w.eng.Add(engine.Target{Kind: engine.KindAuto, ID: "ORD-9"})
	s := w.poll(t).Snapshots[0]
	if s.Target.Kind != engine.KindKalshi || s.Order == nil || s.Intent != nil {
		t.Fatalf("target %v order %v intent %v", s.Target, s.Order, s.Intent)
	}
	if s.Sources.Intent.Used {
		t.Error("a resolved Kalshi order still uses the intent service")
	}
}

// TestEngineSourceFailureKeepsData: a failing source keeps its last good
// data, reports the error, backs off, and recovers by itself.
func TestEngineSourceFailureKeepsData(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	w.svc.Script("3", pipelinetest.PartialFillInQueue("f7405bad-4c6e-4f90-b1c2-3d4e5f607182", "KXHIGHNY")...)
	w.eng.Add(engine.Target{Kind: engine.KindIntent, ID: "3"})
	for w.svc.Advance() > 0 {
	}
	good := w.poll(t).Snapshots[0]
	if good.Order == nil {
		t.Fatal("no order")
	}
	w.x.InjectFault(kalshitest.Fault{Status: 503})
	w.clock.Add(2 * time.Second)
	r := w.poll(t)
	s := r.Snapshots[0]
	if s.Order == nil || !s.Order.FillCount.Equal(good.Order.FillCount) {
		t.Errorf("last good Kalshi data lost: %+v", s.Order)
	}
	if s.Sources.Kalshi.Err == "" || r.Health.Kalshi.RetryAt.IsZero() {
		t.Errorf("error %q retry at %v", s.Sources.Kalshi.Err, r.Health.Kalshi.RetryAt)
	}
	if !hasEvent(r.Events, engine.EventSourceFailed, "") {
		t.Errorf("no source_failed event: %v", kinds(r.Events))
	}
	// While backing off the source is not asked.
	n := len(w.x.Requests())
	w.poll(t)
	if len(w.x.Requests()) != n {
		t.Error("Kalshi asked again while backing off")
	}
	w.x.ClearFaults()
	w.clock.Add(time.Minute)
	r = w.poll(t)
	if r.Snapshots[0].Sources.Kalshi.Err != "" || !hasEvent(r.Events, engine.EventSourceRecovered, "") {
		t.Errorf("did not recover: %q %v", r.Snapshots[0].Sources.Kalshi.Err, kinds(r.Events))
	}
	if !r.Snapshots[0].Sources.Kalshi.Stale(w.clock.Now(), 2*time.Second) == false {
		t.Error("fresh data marked stale")
	}
}

// TestEngineUnauthorizedHalts: a 401 stops polling Kalshi until Resume,
// with no retry storm.
func TestEngineUnauthorizedHalts(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	w.x.PutOrder(kalshitest.OrderState{OrderID: "ORD-1", Ticker: "KXETH-T3400", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.31"), InitialCount: fixed.MustParse("5"), CreatedTime: w.clock.Now()})
	w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: "ORD-1"})
	w.x.RemoveKey("test-key")
	r := w.poll(t)
	if !r.Health.Kalshi.Halted || !strings.Contains(r.Health.Kalshi.Err, "rejected") {
		t.Fatalf("health %+v", r.Health.Kalshi)
	}
	n := len(w.x.Requests())
	for range 3 {
		w.clock.Add(time.Minute)
		w.poll(t)
	}
	if len(w.x.Requests()) != n {
		t.Errorf("%d requests after a 401; polling should stop", len(w.x.Requests())-n)
	}
}

// TestEngineArchivedOrder: an order Kalshi has moved to its historical data
// (GetOrder answers 404) is found there once, by the intent's market, so a
// support person sees its real fills instead of kalshi_order_missing; then
// Kalshi is not asked about it again.
func TestEngineArchivedOrder(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	const kid = "e63f4a9c-3b5d-4e8f-a0b1-2c3d4e5f6071"
	w.svc.PutIntent(pipelinetest.NewIntent("8", "KXNBA-LAL"))
	w.svc.Script("8", pipelinetest.CleanCompletion(kid, "KXNBA-LAL")...)
	for w.svc.Advance() > 0 {
		w.clock.Add(5 * time.Second)
	}
	w.x.Archive(kid)
	w.clock.Add(90 * 24 * time.Hour)
	w.eng.Add(engine.Target{Kind: engine.KindIntent, ID: "8"})

	s := w.poll(t).Snapshots[0]
	if s.Order == nil || s.Order.Status != kalshi.StatusExecuted || !s.Order.FillCount.Equal(fixed.MustParse("10")) {
		t.Fatalf("archived order not found: %+v (kalshi err %q)", s.Order, s.Sources.Kalshi.Err)
	}
	if !s.KalshiArchived || s.Sources.Kalshi.NotFound || s.Sources.Kalshi.Err != "" {
		t.Errorf("archived %v, not found %v, err %q", s.KalshiArchived, s.Sources.Kalshi.NotFound, s.Sources.Kalshi.Err)
	}
	if slices.Contains(codes(s.Diagnosis), engine.CodeKalshiOrderMissing) {
		t.Errorf("diagnosis %v", codes(s.Diagnosis))
	}
	history := func() int {
		n := 0
		for _, r := range w.x.Requests() {
			if strings.HasPrefix(r.Path, "/trade-api/v2/historical/") || strings.Contains(r.Path, kid) {
				n++
			}
		}
		return n
	}
	n := history()
	for range 3 {
		w.clock.Add(2 * time.Second)
		if s := w.poll(t).Snapshots[0]; s.Order == nil || !s.KalshiArchived {
			t.Fatalf("archived order lost: %+v", s.Order)
		}
	}
	if history() != n {
		t.Errorf("Kalshi asked about the archived order again: %d more requests", history()-n)
	}
}
