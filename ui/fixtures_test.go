package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// The fixtures are a fixed moment in a fixed zone, so golden files do not
// depend on the machine or the day.
var (
	testZone = time.FixedZone("EST", -5*60*60)
	testNow  = time.Date(2026, 3, 14, 14, 5, 0, 0, testZone)
)

func dec(s string) fixed.Decimal { return fixed.MustParse(s) }

func decp(s string) *fixed.Decimal {
	d := fixed.MustParse(s)
	return &d
}

func ago_(d time.Duration) time.Time { return testNow.Add(-d) }

func okSource(last time.Duration) engine.SourceStatus {
	return engine.SourceStatus{
		Used:        true,
		LastSuccess: ago_(last),
		LastAttempt: ago_(last),
		Latency:     182 * time.Millisecond,
	}
}

// Target IDs used by the fixtures.
var (
	tResting = engine.Target{Kind: engine.KindIntent, ID: "3f2a9c1d-77e4-4c1b-9a55-0b7d2e6f8a10"}
	tStuck   = engine.Target{Kind: engine.KindIntent, ID: "8b14e0f2-5c3a-4d9e-b1f7-2a6c9e0d4b33"}
	tFailed  = engine.Target{Kind: engine.KindIntent, ID: "c7d2a9e4-1b6f-4e8a-9c3d-5f0b2e7a1c96"}
	tKalshi  = engine.Target{Kind: engine.KindKalshi, ID: "d5b0e6b6-4c8f-4b7f-9f6b-1a2b3c4d5e6f"}
	tStale   = engine.Target{Kind: engine.KindIntent, ID: "e91f3b7a-0d2c-4f6e-8a1b-7c5d9e3f2a04"}
)

func fixtureTargets() []engine.Target {
	return []engine.Target{tResting, tStuck, tFailed, tKalshi, tStale}
}

// market is a BTC range market with a one-cent spread.
func market() *kalshi.Market {
	return &kalshi.Market{
		Ticker:      "KXBTCD-26MAR14-T98000",
		EventTicker: "KXBTCD-26MAR14",
		Title:       "Bitcoin price on Mar 14, 2026?",
		YesSubTitle: "$98,000 or above",
		NoSubTitle:  "below $98,000",
		Status:      "active",
		YesBid:      dec("0.5600"),
		YesAsk:      dec("0.5800"),
		NoBid:       dec("0.4200"),
		NoAsk:       dec("0.4400"),
		LastPrice:   dec("0.5700"),
		CloseTime:   testNow.Add(3 * time.Hour),
	}
}

// snapResting is a partially filled resting order moving up the queue.
func snapResting() engine.Snapshot {
	in := &pipeline.Intent{
		ID:                 tResting.ID,
		Status:             pipeline.StatusPlaced,
		CreatedAt:          ago_(2*time.Minute + 27*time.Second),
		BalanceValidatedAt: ago_(2*time.Minute + 22*time.Second),
		OrderPlacedAt:      ago_(2*time.Minute + 13*time.Second),
		KalshiOrderID:      "a1c4e7f0-2b5d-4e8a-9f1c-3d6b9e2a5c70",
		KalshiOrderStatus:  "resting",
		KalshiFillCount:    decp("3"),
		ActionType:         "MarketOrder",
		MarketID:           "KXBTCD-26MAR14-T98000",
		Side:               "yes",
		OrderType:          "buy",
		Quantity:           dec("10"),
		PriceCents:         dec("56"),
		QuoteAmount:        dec("5.60"),
		Shape:              pipeline.ShapeLegacy,
	}
	o := &kalshi.Order{
		OrderID:        in.KalshiOrderID,
		Ticker:         in.MarketID,
		OutcomeSide:    "yes",
		BookSide:       "bid",
		Type:           "limit",
		Status:         kalshi.StatusResting,
		YesPrice:       dec("0.5600"),
		NoPrice:        dec("0.4400"),
		FillCount:      dec("3.00"),
		RemainingCount: dec("7.00"),
		InitialCount:   dec("10.00"),
		TakerFees:      dec("0.0000"),
		MakerFees:      dec("0.0200"),
		TakerFillCost:  dec("0.0000"),
		MakerFillCost:  dec("1.6800"),
		CreatedTime:    in.OrderPlacedAt,
		LastUpdateTime: ago_(41 * time.Second),
		ExpirationTime: testNow.Add(2*time.Hour + 55*time.Minute),
		Shape:          kalshi.ShapeCurrent,
	}
	return engine.Snapshot{
		Target:         tResting,
		ObservedAt:     testNow,
		Intent:         in,
		Order:          o,
		QueueAhead:     decp("12.00"),
		PrevQueueAhead: decp("20.00"),
		Market:         market(),
		Sources:        engine.Sources{Kalshi: okSource(time.Second), Intent: okSource(time.Second)},
		PeakStatus:     pipeline.StatusPlaced,
	}
}

// snapStuck is an order whose balance was validated 12 minutes ago and
// never placed.
func snapStuck() engine.Snapshot {
	in := &pipeline.Intent{
		ID:                 tStuck.ID,
		Status:             pipeline.StatusValidated,
		CreatedAt:          ago_(12*time.Minute + 9*time.Second),
		BalanceValidatedAt: ago_(12*time.Minute + 4*time.Second),
		ActionType:         "MarketOrder",
		MarketID:           "KXFED-26MAR-T4.25",
		Side:               "no",
		OrderType:          "buy",
		Quantity:           dec("25"),
		PriceCents:         dec("31"),
		QuoteAmount:        dec("7.75"),
		Shape:              pipeline.ShapeLegacy,
	}
	return engine.Snapshot{
		Target:     tStuck,
		ObservedAt: testNow,
		Intent:     in,
		Sources: engine.Sources{
			Intent: okSource(time.Second),
		},
		PeakStatus: pipeline.StatusValidated,
	}
}

// snapFailed failed at placement with a reason from the service.
func snapFailed() engine.Snapshot {
	in := &pipeline.Intent{
		ID:                 tFailed.ID,
		Status:             pipeline.StatusFailed,
		IsComplete:         true,
		TerminationReason:  "kalshi rejected order: insufficient_balance\x1b[31m (subaccount 0)",
		CreatedAt:          ago_(41 * time.Minute),
		BalanceValidatedAt: ago_(40*time.Minute + 55*time.Second),
		ActionType:         "MarketOrder",
		MarketID:           "KXNBA-26MAR14-BOSLAL",
		Side:               "yes",
		OrderType:          "buy",
		Quantity:           dec("40"),
		PriceCents:         dec("62"),
		QuoteAmount:        dec("24.80"),
		Shape:              pipeline.ShapeLegacy,
	}
	return engine.Snapshot{
		Target:     tFailed,
		ObservedAt: testNow,
		Intent:     in,
		Sources:    engine.Sources{Intent: okSource(time.Second)},
		PeakStatus: pipeline.StatusValidated,
	}
}

// snapKalshi is a Kalshi order watched on its own, fully executed.
func snapKalshi() engine.Snapshot {
	o := &kalshi.Order{
		OrderID:        tKalshi.ID,
		Ticker:         "KXBTCD-26MAR14-T98000",
		OutcomeSide:    "no",
		BookSide:       "ask",
		Type:           "limit",
		Status:         kalshi.StatusExecuted,
		YesPrice:       dec("0.5700"),
		NoPrice:        dec("0.4300"),
		FillCount:      dec("10.00"),
		RemainingCount: dec("0.00"),
		InitialCount:   dec("10.00"),
		TakerFees:      dec("0.1700"),
		MakerFees:      dec("0.0000"),
		TakerFillCost:  dec("4.3000"),
		MakerFillCost:  dec("0.0000"),
		CreatedTime:    ago_(6 * time.Minute),
		LastUpdateTime: ago_(5*time.Minute + 50*time.Second),
		Shape:          kalshi.ShapeCurrent,
	}
	return engine.Snapshot{
		Target:     tKalshi,
		ObservedAt: testNow,
		Order:      o,
		Market:     market(),
		Sources:    engine.Sources{Kalshi: okSource(time.Second)},
	}
}

// snapStale is a filled order whose Kalshi reads have been failing for two
// minutes.
func snapStale() engine.Snapshot {
	in := &pipeline.Intent{
		ID:                 tStale.ID,
		Status:             pipeline.StatusFilled,
		CreatedAt:          ago_(9 * time.Minute),
		BalanceValidatedAt: ago_(8*time.Minute + 56*time.Second),
		OrderPlacedAt:      ago_(8*time.Minute + 50*time.Second),
		OrderFilledAt:      ago_(3*time.Minute + 2*time.Second),
		KalshiOrderID:      "f0e1d2c3-b4a5-4968-8776-655443322110",
		MarketID:           "KXCPI-26MAR-T3.0",
		Side:               "yes",
		OrderType:          "buy",
		Quantity:           dec("5"),
		PriceCents:         dec("18"),
		QuoteAmount:        dec("0.90"),
		Shape:              pipeline.ShapeLegacy,
	}
	o := &kalshi.Order{
		OrderID:        in.KalshiOrderID,
		Ticker:         in.MarketID,
		OutcomeSide:    "yes",
		BookSide:       "bid",
		Type:           "limit",
		Status:         kalshi.StatusExecuted,
		YesPrice:       dec("0.1800"),
		NoPrice:        dec("0.8200"),
		FillCount:      dec("5.00"),
		RemainingCount: dec("0.00"),
		InitialCount:   dec("5.00"),
		TakerFees:      dec("0.0600"),
		TakerFillCost:  dec("0.9000"),
		CreatedTime:    in.OrderPlacedAt,
		LastUpdateTime: in.OrderFilledAt,
		Shape:          kalshi.ShapeCurrent,
	}
	ks := okSource(2*time.Minute + 10*time.Second)
	ks.LastAttempt = ago_(time.Second)
	ks.Err = "GET /portfolio/orders/f0e1…: 503 Service Unavailable"
	return engine.Snapshot{
		Target:     tStale,
		ObservedAt: testNow,
		Intent:     in,
		Order:      o,
		Sources:    engine.Sources{Kalshi: ks, Intent: okSource(time.Second)},
		PeakStatus: pipeline.StatusFilled,
	}
}

// diagnosed fills in the snapshot's diagnosis as the engine would.
func diagnosed(s engine.Snapshot) engine.Snapshot {
	s.Diagnosis = engine.Diagnose(s, engine.DefaultThresholds, testNow, testZone)
	return s
}

func ev(t engine.Target, d time.Duration, k engine.EventKind, from, to, msg string) engine.Event {
	return engine.Event{At: ago_(d), Target: t, Kind: k, From: from, To: to, Message: msg}
}

// fixtureRound is one round with every fixture order.
func fixtureRound(seq uint64) engine.Round {
	ks := okSource(time.Second)
	is := okSource(40 * time.Second)
	is.Err = "GET /v1/order/e91f…: 503 Service Unavailable"
	return engine.Round{
		Seq:      seq,
		Started:  testNow.Add(-time.Second),
		Finished: testNow.Add(-time.Second),
		Snapshots: []engine.Snapshot{
			diagnosed(snapResting()), diagnosed(snapStuck()), diagnosed(snapFailed()),
			diagnosed(snapKalshi()), diagnosed(snapStale()),
		},
		Events: []engine.Event{
			ev(tResting, 2*time.Minute+27*time.Second, engine.EventStageReached, "", "pending", "reached pending"),
			ev(tResting, 2*time.Minute+22*time.Second, engine.EventStageReached, "pending", "validated", "reached validated (+5s)"),
			ev(tResting, 2*time.Minute+13*time.Second, engine.EventStageReached, "validated", "placed", "reached placed (+9s)"),
			ev(tResting, 90*time.Second, engine.EventNewFill, "", "2", "new fill F1: 2 at $0.56 (maker)"),
			ev(tResting, 90*time.Second, engine.EventQueueMoved, "31", "20", "▲ 11 closer in queue (20 ahead)"),
			ev(tResting, 41*time.Second, engine.EventNewFill, "", "1", "new fill F2: 1 at $0.56 (maker)"),
			ev(tResting, 41*time.Second, engine.EventFillCount, "2", "3", "filled 2 → 3 of 10"),
			ev(tResting, 3*time.Second, engine.EventQueueMoved, "20", "12", "▲ 8 closer in queue (12 ahead)"),
			ev(tStuck, 12*time.Minute+9*time.Second, engine.EventStageReached, "", "pending", "reached pending"),
			ev(tStuck, 12*time.Minute+4*time.Second, engine.EventStageReached, "pending", "validated", "reached validated (+5s)"),
			ev(tFailed, 40*time.Minute+55*time.Second, engine.EventStageReached, "pending", "validated", "reached validated"),
			ev(tFailed, 40*time.Minute+40*time.Second, engine.EventStageReached, "validated", "failed", "failed before reaching placed: kalshi rejected order"),
			ev(tKalshi, 5*time.Minute+50*time.Second, engine.EventKalshiStatus, "resting", "executed", "Kalshi resting → executed"),
			ev(tStale, 2*time.Minute+5*time.Second, engine.EventSourceFailed, "", "", "Kalshi failed: 503 Service Unavailable"),
		},
		Health: engine.Health{
			Kalshi:      ks,
			Intent:      is,
			TokenExpiry: testNow.Add(11*time.Minute + 30*time.Second),
		},
		Note: "interval stretched to 4s: 5 orders need 10 reads a round",
	}
}

// newTestModel is a model over the fixtures at a fixed size and clock,
// with a recording engine, immediate timers, the first round applied and
// the first order added selected, as if the user had picked it (left to
// itself, the selection follows the first row: see
// TestStartSelectsTheFirstProblem).
func newTestModel(w, h int) (*Model, *fakeEngine) {
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	applyTestRound(m, fixtureRound(1))
	selectTarget(m, fe.targets[0])
	return m, fe
}

// newModelWith builds a model over fe with the test clock and zone.
func newModelWith(fe *fakeEngine, opts Options) *Model {
	opts.Location = testZone
	opts.Now = func() time.Time { return testNow }
	if opts.Interval == 0 {
		opts.Interval = 3 * time.Second
	}
	if opts.Version == "" {
		opts.Version = "v0.1.0"
	}
	m := New(opts)
	mp := &m
	mp.engine = fe
	mp.every = immediate
	for _, t := range fe.Targets() {
		mp.rows = append(mp.rows, &row{target: t})
	}
	if len(mp.rows) > 0 {
		mp.closePrompt()
	}
	mp.refilter()
	return mp
}

// applyTestRound runs one poll through the model's normal path and
// delivers r as its reply.
func applyTestRound(m *Model, r engine.Round) {
	m.inFlight = 0
	m.queued = false
	if m.startPoll(false) == nil {
		panic("no poll started")
	}
	m.Update(roundMsg{tag: m.inFlight, round: r})
	// The footer's countdown depends on when the timer was armed.
	m.nextPoll = testNow.Add(2 * time.Second)
}

// immediate is a timer that has already fired: the command returns fn's
// message at once, with the test clock's time.
func immediate(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg { return fn(testNow) }
}

// fakeEngine records what the screen asks of the engine. commit makes
// its state what Latest returns and wakes Changed, as a pushed update
// does.
type fakeEngine struct {
	mu      sync.Mutex
	targets []engine.Target
	added   []engine.Target
	removed []engine.Target
	focused []engine.Target
	polls   int
	resumes int
	round   engine.Round
	all     []bool // WatchAll calls
	seq     uint64
	latest  engine.Round
	wake    chan struct{}
}

// commit makes r the engine's state after a commit of its own, numbered
// r.Seq when set.
func (f *fakeEngine) commit(r engine.Round) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq = max(f.seq+1, r.Seq)
	r.Seq = f.seq
	f.latest = r
	if f.wake != nil {
		close(f.wake)
	}
	f.wake = make(chan struct{})
}

func (f *fakeEngine) Changed(seq uint64) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wake == nil {
		f.wake = make(chan struct{})
	}
	if f.seq > seq {
		c := make(chan struct{})
		close(c)
		return c
	}
	return f.wake
}

func (f *fakeEngine) Latest() engine.Round {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latest
}

func (f *fakeEngine) WatchAll(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.all = append(f.all, on)
}

func (f *fakeEngine) Resume() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resumes++
}

func (f *fakeEngine) Add(t engine.Target) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.targets {
		if x == t {
			return false
		}
	}
	f.targets = append(f.targets, t)
	f.added = append(f.added, t)
	return true
}

func (f *fakeEngine) Remove(t engine.Target) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, t)
	for i, x := range f.targets {
		if x == t {
			f.targets = append(f.targets[:i], f.targets[i+1:]...)
			break
		}
	}
}

func (f *fakeEngine) Targets() []engine.Target {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.Target(nil), f.targets...)
}

func (f *fakeEngine) Focus(t engine.Target) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.focused = append(f.focused, t)
}

func (f *fakeEngine) Poll(context.Context) engine.Round {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	return f.round
}
