package engine_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// These tests run the engine with Kalshi's push against kalshitest's
// WebSocket over loopback: the exchange checks the handshake's signature,
// and the exchange, the Stream and the engine share one hand-moved clock,
// so heartbeats, the silence watchdog and reconnect waits fire when a test
// moves it, never by sleeping. A test waits for a pushed change the way a
// front end does: on Changed, then Latest.

// pushWorld is an exchange, an engine that reads it and pushes from it,
// and the engine's log.
type pushWorld struct {
	clk    *kalshitest.Clock
	timers *kalshitest.Timers
	x      *kalshitest.Exchange
	stream *kalshi.Stream
	eng    *engine.Engine
	log    *lockedBuffer
	seq    uint64 // the last commit a wait saw
}

// lockedBuffer is a log sink safe for the engine's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const (
	pushMarketA = "KXPUSH-26NOV21-A"
	pushMarketB = "KXPUSH-26NOV21-B"
	pushWait    = 10 * time.Second // a guard against hanging, not a measurement
)

var pushT0 = time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)

// newPushWorld starts an exchange with two markets, and an engine with a
// Stream on it, not yet started; tweak adjusts the engine's config.
func newPushWorld(t *testing.T, tweak func(*engine.Config)) *pushWorld {
	t.Helper()
	clk := kalshitest.NewClock(pushT0)
	timers := kalshitest.NewTimers(clk)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := kalshitest.New(kalshitest.Options{Now: clk.Now, After: timers.After})
	t.Cleanup(x.Close)
	x.AddKey("push-key", pub)
	for _, m := range []string{pushMarketA, pushMarketB} {
		x.PutMarket(kalshitest.MarketState{Ticker: m, EventTicker: "KXPUSH-26NOV21", Title: "Push test", Status: "active",
			YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42"), LastPrice: fixed.MustParse("0.41")})
	}
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "push-key", Key: key, Now: clk.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The jitter is drawn at its largest, so waits are their longest.
	stream, err := kalshi.NewStream(kalshi.StreamConfig{URL: x.WSURL(), KeyID: "push-key", Key: key,
		Now: timers.Now, After: timers.After, Int64N: func(n int64) int64 { return n - 1 }})
	if err != nil {
		t.Fatal(err)
	}
	log := &lockedBuffer{}
	cfg := engine.Config{Kalshi: kc, Stream: stream, Now: clk.Now, Interval: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(log, nil))}
	if tweak != nil {
		tweak(&cfg)
	}
	return &pushWorld{clk: clk, timers: timers, x: x, stream: stream, eng: engine.New(cfg), log: log}
}

// start runs the engine's push until the test ends.
func (w *pushWorld) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	wait := w.eng.Start(ctx)
	t.Cleanup(func() {
		cancel()
		wait()
	})
}

// putOrder puts a resting order of 10 contracts at 0.41 in market.
func (w *pushWorld) putOrder(id, market string) {
	w.x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: market, OutcomeSide: "yes", YesPrice: fixed.MustParse("0.41"),
		InitialCount: fixed.FromInt(10), CreatedTime: w.clk.Now(), LastUpdateTime: w.clk.Now(), QueueAhead: fixed.FromInt(25)})
}

// poll runs one round.
func (w *pushWorld) poll(t *testing.T) engine.Round {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	r := w.eng.Poll(ctx)
	w.seq = max(w.seq, r.Seq)
	return r
}

// await waits, as a front end does, for commits until cond holds for the
// engine's state, and returns it with every event handed out meanwhile.
func (w *pushWorld) await(t *testing.T, what string, cond func(engine.Round) bool) engine.Round {
	t.Helper()
	deadline := time.After(pushWait)
	var events []engine.Event
	for {
		r := w.eng.Latest()
		w.seq = max(w.seq, r.Seq)
		events = append(events, r.Events...)
		if cond(r) {
			r.Events = events
			return r
		}
		select {
		case <-w.eng.Changed(w.seq):
		case <-deadline:
			t.Fatalf("never saw %s; push %+v", what, r.Health.Push)
		}
	}
}

// watchLive puts resting orders in market A and watches them: a first
// round reads them (and so learns their market), push starts with that
// market, and a second round makes the reconciliation going live asks
// for.
func (w *pushWorld) watchLive(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		w.putOrder(id, pushMarketA)
		w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	w.poll(t)
	w.start(t)
	w.live(t)
	w.poll(t)
}

// heartbeats moves the clock n heartbeats on, waiting for each to be
// answered, so the Stream hears every one before its watchdog looks.
func (w *pushWorld) heartbeats(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	for range n {
		pongs := w.x.WSStats().Pongs
		w.timers.Advance(kalshitest.Heartbeat)
		if err := w.x.WaitWS(ctx, func(st kalshitest.WSStats) bool { return st.Pongs > pongs }); err != nil {
			t.Fatalf("heartbeat at %s not answered", w.clk.Now().Format(time.TimeOnly))
		}
	}
}

// live waits until the engine trusts push.
func (w *pushWorld) live(t *testing.T) engine.Round {
	t.Helper()
	return w.await(t, "push live", func(r engine.Round) bool { return r.Health.Push.Live() })
}

// waitTimer waits until something has set a timer for at.
func (w *pushWorld) waitTimer(t *testing.T, at time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	if err := w.timers.WaitTimer(ctx, at); err != nil {
		t.Fatalf("no timer for %s; pending %v", at.Format(time.TimeOnly), w.timers.Pending())
	}
}

// orderReads returns the order reads (single and listings) made since the
// request numbered from.
func (w *pushWorld) orderReads(from int) []string {
	var out []string
	for _, r := range w.x.Requests()[from:] {
		if strings.HasPrefix(r.Path, "/trade-api/v2/portfolio/orders") && !strings.Contains(r.Path, "queue_position") {
			out = append(out, r.Path)
		}
	}
	return out
}

func snapByID(t *testing.T, r engine.Round, id string) engine.Snapshot {
	t.Helper()
	for _, s := range r.Snapshots {
		if s.Target.ID == id {
			return s
		}
	}
	t.Fatalf("no snapshot of %s in %d", id, len(r.Snapshots))
	return engine.Snapshot{}
}

func hasSnap(r engine.Round, id string) bool {
	for _, s := range r.Snapshots {
		if s.Target.ID == id {
			return true
		}
	}
	return false
}

// TestPushFoldsAtOnce: a fill, a price move and a cancel pushed by the
// exchange reach the engine's state at once, without a round and without
// a REST read; while push is live a round reads queue positions but no
// orders, until the reconcile interval has passed.
func TestPushFoldsAtOnce(t *testing.T) {
	w := newPushWorld(t, nil)
	w.watchLive(t, "ord-a")
	w.wantSubs(t, "the watched order's market", pushMarketA)

	before := len(w.x.Requests())
	w.x.Fill("ord-a", fixed.FromInt(3), fixed.MustParse("0.41"), fixed.MustParse("0.02"), false)
	r := w.await(t, "the pushed fill", func(r engine.Round) bool {
		s := snapByID(t, r, "ord-a")
		return s.Order != nil && s.Order.FillCount.Equal(fixed.FromInt(3)) && len(s.Fills) == 1
	})
	if !hasEvent(r.Events, engine.EventFillCount, "3") || !hasEvent(r.Events, engine.EventNewFill, "3") {
		t.Errorf("events %v, want the fill count and the new fill", r.Events)
	}
	if n := len(w.x.Requests()); n != before {
		t.Errorf("%d REST requests for a pushed fill, want none: %v", n-before, w.x.Requests()[before:])
	}

	w.x.MovePrice(pushMarketA, fixed.MustParse("0.45"), fixed.MustParse("0.47"), fixed.MustParse("0.46"))
	w.await(t, "the pushed price", func(r engine.Round) bool {
		m := snapByID(t, r, "ord-a").Market
		return m != nil && m.YesBid.Equal(fixed.MustParse("0.45")) && m.Title == "Push test"
	})

	before = len(w.x.Requests())
	w.clk.Add(2 * time.Second)
	r = w.poll(t)
	if reads := w.orderReads(before); len(reads) != 0 {
		t.Errorf("a round while push is live read orders: %v", reads)
	}
	if s := snapByID(t, r, "ord-a"); s.QueueAhead == nil || !s.QueueAhead.Equal(fixed.FromInt(25)) {
		t.Errorf("queue %v, want 25: queue positions are still read every round", s.QueueAhead)
	}
	if s := snapByID(t, r, "ord-a"); len(s.Fills) != 1 {
		t.Errorf("%d fills after a round, want the pushed one kept", len(s.Fills))
	}

	w.heartbeats(t, 3)
	before = len(w.x.Requests())
	w.poll(t)
	if reads := w.orderReads(before); len(reads) == 0 {
		t.Error("no order read after the reconcile interval")
	}

	w.x.CancelWithReason("ord-a", "ExpiryCancel")
	r = w.await(t, "the pushed cancel", func(r engine.Round) bool {
		o := snapByID(t, r, "ord-a").Order
		return o != nil && o.Status == kalshi.StatusCanceled
	})
	if o := snapByID(t, r, "ord-a").Order; o.LastUpdateReason != "ExpiryCancel" {
		t.Errorf("last_update_reason %q", o.LastUpdateReason)
	}
}

// subsOfStream returns the exchange's subscriptions by channel, their
// markets joined by commas, "*" for every market.
func subsOfStream(st kalshitest.WSStats) map[string]string {
	out := map[string]string{}
	for _, s := range st.Subscriptions {
		out[s.Channel] = strings.Join(s.Markets, ",")
		if s.All {
			out[s.Channel] = "*"
		}
	}
	return out
}

// TestPushReconcilesAfterDrop: a dropped connection is back within 5 s
// (on the test's clock), and a change made during the drop, which no push
// carried, shows at the reconciliation after reconnecting and is logged as
// a reconcile difference.
func TestPushReconcilesAfterDrop(t *testing.T) {
	w := newPushWorld(t, nil)
	w.watchLive(t, "ord-a")

	dropped := w.clk.Now()
	w.x.DropConnections()
	r := w.await(t, "the drop", func(r engine.Round) bool { return !r.Health.Push.Stream.ReconnectAt.IsZero() })
	back := r.Health.Push.Stream.ReconnectAt
	if wait := back.Sub(dropped); wait > 5*time.Second {
		t.Errorf("reconnects %s after the drop, want within 5 s", wait)
	}
	if line := r.Health.Push.Line(w.clk.Now()); !strings.HasPrefix(line, "kalshi polling every 2s · reconnecting in ") {
		t.Errorf("footer %q while reconnecting", line)
	}
	w.x.Quietly(func() { w.x.CancelWithReason("ord-a", "SelfTradeCancel") })

	w.waitTimer(t, back)
	w.timers.Advance(back.Sub(w.clk.Now()))
	w.live(t)
	if got := w.clk.Now().Sub(dropped); got > 5*time.Second {
		t.Errorf("live again %s after the drop, want within 5 s", got)
	}
	r = w.poll(t)
	if o := snapByID(t, r, "ord-a").Order; o == nil || o.Status != kalshi.StatusCanceled || o.LastUpdateReason != "SelfTradeCancel" {
		t.Fatalf("after the reconciliation: %+v", o)
	}
	if log := w.log.String(); !strings.Contains(log, "reconcile difference") || !strings.Contains(log, "status resting → canceled") {
		t.Errorf("log has no reconcile difference:\n%s", log)
	}
	if r.Health.Push.Differences != 1 {
		t.Errorf("%d differences counted, want 1", r.Health.Push.Differences)
	}
}

// TestPushSilenceIsDetected: a connection that stops sending heartbeats
// is taken for dead within 35 s of the last frame (on the test's clock),
// and the engine polls again meanwhile.
func TestPushSilenceIsDetected(t *testing.T) {
	w := newPushWorld(t, nil)
	w.watchLive(t, "ord-a")

	// One heartbeat arrives (at T0+10 s), then none.
	w.heartbeats(t, 1)
	w.x.SetHeartbeats(false)
	last := w.stream.State().LastFrame
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	// The silent beat at T0+20 s; at T0+30 s the watchdog set at connect
	// finds 20 s of quiet and waits 10 s more, beside the next beat.
	for _, next := range []time.Time{pushT0.Add(20 * time.Second), pushT0.Add(30 * time.Second), pushT0.Add(40 * time.Second)} {
		if w.stream.State().ReconnectAt.IsZero() {
			w.waitTimer(t, next)
			w.timers.Advance(next.Sub(w.clk.Now()))
		}
		// Let the Stream act on what fired: re-arm, or give up.
		err := w.timers.WaitPending(ctx, func(p []time.Time) bool {
			return !w.stream.State().ReconnectAt.IsZero() || len(p) >= 2 && p[0].After(w.clk.Now())
		})
		if err != nil {
			t.Fatalf("at %s: pending %v", w.clk.Now().Format(time.TimeOnly), w.timers.Pending())
		}
	}
	r := w.await(t, "the silent connection dropped", func(r engine.Round) bool { return !r.Health.Push.Stream.ReconnectAt.IsZero() })
	detected := r.Health.Push.Stream.ReconnectAt.Add(-kalshi.ReconnectDelay(1, func(n int64) int64 { return n - 1 }))
	if quiet := detected.Sub(last); quiet > 35*time.Second || quiet < kalshi.DefaultSilence {
		t.Errorf("taken for dead after %s of silence, want 30 to 35 s", quiet)
	}
	if r.Health.Push.Live() || !strings.Contains(r.Health.Push.Stream.LastError, "nothing heard") {
		t.Errorf("push %+v", r.Health.Push)
	}
	before := len(w.x.Requests())
	w.poll(t)
	if len(w.orderReads(before)) == 0 {
		t.Error("no order read while push is down")
	}
}

// TestPushRefusedFallsBackToPolling: a refused upgrade leaves the engine
// polling as without push, and the footer line says so.
func TestPushRefusedFallsBackToPolling(t *testing.T) {
	w := newPushWorld(t, nil)
	w.x.RefuseUpgrades(401)
	w.putOrder("ord-a", pushMarketA)
	w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: "ord-a"})
	w.start(t)
	r := w.await(t, "the refusal", func(r engine.Round) bool { return r.Health.Push.Stream.Refused })
	if line := r.Health.Push.Line(w.clk.Now()); line != "kalshi polling every 2s · push refused (401)" {
		t.Errorf("footer %q", line)
	}
	for range 2 {
		before := len(w.x.Requests())
		r = w.poll(t)
		if len(w.orderReads(before)) == 0 {
			t.Error("a round with push refused read no order")
		}
		w.clk.Add(2 * time.Second)
	}
	if o := snapByID(t, r, "ord-a").Order; o == nil || o.Status != kalshi.StatusResting {
		t.Errorf("order %+v", o)
	}
}

// TestPushMarketsFollowWatchedOrders: the subscriptions carry the markets
// of the watched orders, and follow as orders come and go.
func TestPushMarketsFollowWatchedOrders(t *testing.T) {
	w := newPushWorld(t, nil)
	w.putOrder("ord-b", pushMarketB)
	w.watchLive(t, "ord-a")
	w.wantSubs(t, "one order", pushMarketA)
	w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: "ord-b"})
	w.poll(t)
	w.wantSubs(t, "a second order", pushMarketA+","+pushMarketB)
	w.eng.Remove(engine.Target{Kind: engine.KindKalshi, ID: "ord-a"})
	w.wantSubs(t, "the first removed", pushMarketB)
}

// wantSubs waits until every channel carries markets (joined by commas,
// "*" for all; ticker never carries all), and the engine trusts push.
func (w *pushWorld) wantSubs(t *testing.T, what, markets string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	err := w.x.WaitWS(ctx, func(st kalshitest.WSStats) bool {
		s := subsOfStream(st)
		return s["user_orders"] == markets && s["fill"] == markets && (markets == "*" || s["ticker"] == markets)
	})
	if err != nil {
		t.Fatalf("%s: subscriptions %v, want %s", what, subsOfStream(w.x.WSStats()), markets)
	}
	w.live(t)
}

// TestPushKeepsQuietOrdersFresh: while push is live, an order that does
// not change is not read, yet not stale: push has heard from Kalshi, so
// no message means no change.
func TestPushKeepsQuietOrdersFresh(t *testing.T) {
	w := newPushWorld(t, nil)
	w.watchLive(t, "ord-a")
	w.heartbeats(t, 2)
	before := len(w.x.Requests())
	r := w.poll(t)
	if reads := w.orderReads(before); len(reads) != 0 {
		t.Fatalf("a quiet order was read before the reconcile interval: %v", reads)
	}
	now := w.clk.Now()
	if s := snapByID(t, r, "ord-a"); s.Sources.Kalshi.Stale(now, 2*time.Second) || !s.Sources.Kalshi.LastSuccess.Equal(now) {
		t.Errorf("quiet order's Kalshi status %+v at %s: want fresh as of the last heartbeat", s.Sources.Kalshi, now)
	}
	if h := r.Health.Kalshi; h.Stale(now, 2*time.Second) {
		t.Errorf("Kalshi's health is stale while push is live: %+v", h)
	}

	// Just before the next heartbeat, 9 s after the last frame (three
	// 2 s intervals are 6 s), nothing is stale: a live connection is
	// quiet between Kalshi's heartbeats.
	w.timers.Advance(kalshitest.Heartbeat - time.Second)
	r = w.poll(t)
	now = w.clk.Now()
	if s := snapByID(t, r, "ord-a"); s.Sources.Kalshi.Stale(now, 2*time.Second) {
		t.Errorf("between heartbeats, the quiet order went stale: %+v at %s", s.Sources.Kalshi, now)
	}
	if h := r.Health.Kalshi; h.Stale(now, 2*time.Second) {
		t.Errorf("between heartbeats, Kalshi's health went stale: %+v at %s", h, now)
	}
	// Quiet for longer than PushQuiet, it is stale: push no longer
	// vouches for it.
	if h := r.Health.Kalshi; !h.Stale(h.LastSuccess.Add(engine.PushQuiet+time.Second), 2*time.Second) {
		t.Errorf("push vouches for data %s old: %+v", engine.PushQuiet+time.Second, h)
	}
}
