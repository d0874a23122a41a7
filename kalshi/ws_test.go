package kalshi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// These tests run kalshi.Stream against kalshitest's WebSocket over real
// loopback connections. The exchange checks the handshake's signature as
// it checks REST's, and both sides run on one hand-moved clock
// (kalshitest.Timers): heartbeats, the silence watchdog and reconnect
// waits fire when the test moves the clock, never by sleeping.

// wsEnv is an exchange, a Stream connected to it, and the events the
// Stream delivered.
type wsEnv struct {
	*env
	timers *kalshitest.Timers
	stream *kalshi.Stream
	events chan kalshi.StreamEvent
}

// waitTime bounds how long a test waits, in real time, for something that
// takes milliseconds; it is a guard against hanging, not a measurement.
const waitTime = 10 * time.Second

// newWSEnv starts an exchange and a Stream on one clock; tweak adjusts the
// Stream's config. The Stream runs until the test ends.
func newWSEnv(t *testing.T, markets []string, all bool, tweak ...func(*kalshi.StreamConfig)) *wsEnv {
	t.Helper()
	clk := kalshitest.NewClock(e2eNow)
	timers := kalshitest.NewTimers(clk)
	e := newEnv(t, kalshitest.Options{Now: clk.Now, After: timers.After})
	e.clk = clk
	cfg := kalshi.StreamConfig{URL: e.x.WSURL(), KeyID: "kid-rsa", Key: e.key,
		Now: timers.Now, After: timers.After, Int64N: func(n int64) int64 { return n - 1 }}
	for _, f := range tweak {
		f(&cfg)
	}
	s, err := kalshi.NewStream(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.SetMarkets(markets, all)
	w := &wsEnv{env: e, timers: timers, stream: s, events: make(chan kalshi.StreamEvent, 4096)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, func(ev kalshi.StreamEvent) { w.events <- ev }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
	return w
}

// await returns the next event that match accepts, skipping others.
func (w *wsEnv) await(t *testing.T, what string, match func(kalshi.StreamEvent) bool) kalshi.StreamEvent {
	t.Helper()
	deadline := time.After(waitTime)
	for {
		select {
		case ev := <-w.events:
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event; state %+v", what, w.stream.State())
		}
	}
}

func (w *wsEnv) awaitKind(t *testing.T, k kalshi.StreamEventKind) kalshi.StreamEvent {
	t.Helper()
	return w.await(t, k.String(), func(ev kalshi.StreamEvent) bool { return ev.Kind == k })
}

// waitWS waits for the exchange's WebSocket side to satisfy cond.
func (w *wsEnv) waitWS(t *testing.T, what string, cond func(kalshitest.WSStats) bool) kalshitest.WSStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	if err := w.x.WaitWS(ctx, cond); err != nil {
		t.Fatalf("exchange never had %s: %+v", what, w.x.WSStats())
	}
	return w.x.WSStats()
}

// waitState waits for the Stream's state to satisfy cond.
func (w *wsEnv) waitState(t *testing.T, what string, cond func(kalshi.StreamState) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	if err := w.stream.WaitState(ctx, cond); err != nil {
		t.Fatalf("stream never had %s: %+v", what, w.stream.State())
	}
}

// waitTimer waits until the code under test has set a timer for at.
func (w *wsEnv) waitTimer(t *testing.T, at time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	if err := w.timers.WaitTimer(ctx, at); err != nil {
		t.Fatalf("no timer set for %s; pending %v", at.Format(time.TimeOnly), w.timers.Pending())
	}
}

// subsOf returns the filters of the exchange's subscriptions by channel;
// "*" stands for every market.
func subsOf(st kalshitest.WSStats) map[string]string {
	out := map[string]string{}
	for _, s := range st.Subscriptions {
		f := strings.Join(s.Markets, ",")
		if s.All {
			f = "*"
		}
		out[s.Channel] = f
	}
	return out
}

func subsAre(want map[string]string) func(kalshitest.WSStats) bool {
	return func(st kalshitest.WSStats) bool {
		got := subsOf(st)
		if len(got) != len(want) {
			return false
		}
		for k, v := range want {
			if got[k] != v {
				return false
			}
		}
		return true
	}
}

func TestStreamHandshakeIsSigned(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	reqs := w.x.Requests()
	if len(reqs) != 1 || reqs[0].Path != kalshi.StreamPath || reqs[0].Status != 101 || reqs[0].KeyID != "kid-rsa" {
		t.Fatalf("handshake requests: %+v", reqs)
	}
	if st := w.stream.State(); !st.Connected || !st.Live || st.Refused {
		t.Errorf("state %+v", st)
	}
}

func TestStreamBadKeyIsRefused(t *testing.T) {
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w := newWSEnv(t, []string{ticker}, false, func(c *kalshi.StreamConfig) { c.Key = other })
	ev := w.awaitKind(t, kalshi.EventDisconnected)
	if kalshi.StatusOf(ev.Err) != 401 || !strings.Contains(ev.Err.Error(), "authentication_error") {
		t.Errorf("err = %v", ev.Err)
	}
	if st := w.stream.State(); !st.Refused || st.RefusedStatus != 401 || st.Connected {
		t.Errorf("state %+v", st)
	}
	if st := w.x.WSStats(); st.Accepted != 0 {
		t.Errorf("the exchange accepted a connection signed with the wrong key")
	}
}

func TestStreamRefusedUpgradeIsReported(t *testing.T) {
	for _, status := range []int{401, 403, 503} {
		w := newWSEnv(t, []string{ticker}, false)
		w.awaitKind(t, kalshi.EventLive)
		w.x.RefuseUpgrades(status)
		w.x.DropConnections()
		ev := w.await(t, "refused", func(ev kalshi.StreamEvent) bool {
			if ev.Kind != kalshi.EventDisconnected {
				return false
			}
			if ev.State.Refused {
				return true
			}
			// The drop itself; the refusal comes at the next attempt.
			w.waitTimer(t, ev.State.ReconnectAt)
			w.timers.Advance(ev.State.ReconnectAt.Sub(w.timers.Now()))
			return false
		})
		if ev.State.RefusedStatus != status || kalshi.StatusOf(ev.Err) != status || ev.State.Connected {
			t.Errorf("%d: event %v, state %+v", status, ev.Err, ev.State)
		}
		w.x.RefuseUpgrades(0)
		w.waitTimer(t, ev.State.ReconnectAt)
		w.timers.Advance(ev.State.ReconnectAt.Sub(w.timers.Now()))
		w.awaitKind(t, kalshi.EventLive)
		if st := w.stream.State(); st.Refused || st.RefusedStatus != 0 {
			t.Errorf("%d: still refused after an upgrade: %+v", status, st)
		}
	}
}

func TestStreamSubscribesAndFollowsMarkets(t *testing.T) {
	const a, b, c = "KXA-26AUG24-T1", "KXB-26AUG24-T2", "KXC-26AUG24-T3"
	w := newWSEnv(t, []string{b, a, a}, false)
	w.awaitKind(t, kalshi.EventLive)
	w.waitWS(t, "the first filters", subsAre(map[string]string{"user_orders": a + "," + b, "fill": a + "," + b, "ticker": a + "," + b}))

	w.stream.SetMarkets([]string{b, c}, false)
	ev := w.awaitKind(t, kalshi.EventLive)
	if !slices.Equal(ev.Markets, []string{c}) {
		t.Errorf("EventLive for %v, want the added market only", ev.Markets)
	}
	w.waitWS(t, "updated filters", subsAre(map[string]string{"user_orders": b + "," + c, "fill": b + "," + c, "ticker": b + "," + c}))

	w.stream.SetMarkets([]string{b}, true)
	w.waitWS(t, "every market", subsAre(map[string]string{"user_orders": "*", "fill": "*", "ticker": b}))
	w.awaitKind(t, kalshi.EventLive)

	w.stream.SetMarkets(nil, false)
	w.waitWS(t, "no subscriptions", subsAre(map[string]string{}))
	w.waitState(t, "no channels", func(st kalshi.StreamState) bool { return st.Live && len(st.Channels) == 0 })
}

func TestStreamPushesMatchREST(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	putOrderA(w.x)
	ev := w.awaitKind(t, kalshi.EventOrder)
	c := w.client(t)
	rest, err := c.GetOrder(context.Background(), ordA)
	if err != nil {
		t.Fatal(err)
	}
	if got := kalshi.MergePush(rest, ev.Order); !sameOrder(got, rest) {
		t.Errorf("pushed order differs from REST:\npush %+v\nrest %+v", got, rest)
	}
	if !ev.SentAt.Equal(e2eNow) || ev.SID == 0 {
		t.Errorf("SentAt %v, SID %d", ev.SentAt, ev.SID)
	}

	w.timers.Advance(time.Second)
	w.x.Fill(ordA, d("4"), d("0.56"), d("0.02"), true)
	orderEv := w.awaitKind(t, kalshi.EventOrder)
	fillEv := w.awaitKind(t, kalshi.EventFill)
	fills, err := c.GetFills(context.Background(), ordA)
	if err != nil || len(fills) != 1 {
		t.Fatalf("fills %v, %v", fills, err)
	}
	f := fillEv.Fill
	if f.FillID != fills[0].FillID || f.OrderID != ordA || f.Ticker != ticker || f.OutcomeSide != "yes" || !f.IsTaker ||
		!f.Count.Equal(fills[0].Count) || !f.YesPrice.Equal(fills[0].YesPrice) || !f.NoPrice.Equal(fills[0].NoPrice) ||
		!f.FeeCost.Equal(fills[0].FeeCost) || !f.CreatedTime.Equal(fills[0].CreatedTime) || f.ClientOrderID != "intent-7f3a" {
		t.Errorf("pushed fill %+v, REST %+v", f, fills[0])
	}
	eq(t, "PostPosition", f.PostPosition, "4")
	eq(t, "pushed FillCount", orderEv.Order.FillCount, "4")

	w.x.CancelWithReason(ordA, "ExpiryCancel")
	if o := w.awaitKind(t, kalshi.EventOrder).Order; o.Status != kalshi.StatusCanceled || o.LastUpdateReason != "ExpiryCancel" {
		t.Errorf("canceled push: %+v", o)
	}

	w.x.MovePrice(ticker, d("0.55"), d("0.58"), d("0.57"))
	tk := w.awaitKind(t, kalshi.EventTicker).Ticker
	m := tk.ApplyTo(kalshi.Market{Ticker: ticker})
	if tk.MarketTicker != ticker || !m.YesBid.Equal(d("0.55")) || !m.NoBid.Equal(d("0.42")) || !m.NoAsk.Equal(d("0.45")) || !m.LastPrice.Equal(d("0.57")) {
		t.Errorf("ticker %+v -> market %+v", tk, m)
	}
}

// sameOrder compares what a watcher shows of an order.
func sameOrder(a, b kalshi.Order) bool {
	return a.OrderID == b.OrderID && a.Ticker == b.Ticker && a.Status == b.Status && a.OutcomeSide == b.OutcomeSide &&
		a.BookSide == b.BookSide && a.Side == b.Side && a.Action == b.Action && a.Type == b.Type &&
		a.ClientOrderID == b.ClientOrderID && a.UserID == b.UserID && a.LastUpdateReason == b.LastUpdateReason &&
		a.YesPrice.Equal(b.YesPrice) && a.NoPrice.Equal(b.NoPrice) && a.FillCount.Equal(b.FillCount) &&
		a.RemainingCount.Equal(b.RemainingCount) && a.InitialCount.Equal(b.InitialCount) &&
		a.TakerFees.Equal(b.TakerFees) && a.MakerFees.Equal(b.MakerFees) &&
		a.TakerFillCost.Equal(b.TakerFillCost) && a.MakerFillCost.Equal(b.MakerFillCost) &&
		a.CreatedTime.Equal(b.CreatedTime) && a.LastUpdateTime.Equal(b.LastUpdateTime) &&
		a.ExpirationTime.Equal(b.ExpirationTime) && a.ExchangeIndex == b.ExchangeIndex
}

func TestStreamFiltersByMarket(t *testing.T) {
	w := newWSEnv(t, []string{"KXOTHER-1"}, false)
	w.awaitKind(t, kalshi.EventLive)
	putOrderA(w.x) // on a market the stream does not watch
	w.x.PutOrder(kalshitest.OrderState{OrderID: ordB, Ticker: "KXOTHER-1", OutcomeSide: "no", YesPrice: d("0.3"), InitialCount: d("1")})
	if o := w.awaitKind(t, kalshi.EventOrder).Order; o.OrderID != ordB {
		t.Errorf("got a push for %s, on a market not subscribed", o.OrderID)
	}
}

func TestStreamDroppedConnectionComesBack(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	putOrderA(w.x)
	w.awaitKind(t, kalshi.EventOrder)

	w.x.DropConnections()
	ev := w.awaitKind(t, kalshi.EventDisconnected)
	if wait := ev.State.ReconnectAt.Sub(ev.At); wait <= 0 || wait > time.Second {
		t.Errorf("first reconnect in %v, want within 1 s (and well within 5 s)", wait)
	}
	// A change while disconnected reaches no push; REST has it, for the
	// reconcile that EventLive calls for.
	w.x.CancelWithReason(ordA, "SelfTradeCancel")
	w.waitTimer(t, ev.State.ReconnectAt)
	w.timers.Advance(ev.State.ReconnectAt.Sub(w.timers.Now()))
	w.awaitKind(t, kalshi.EventConnected)
	live := w.awaitKind(t, kalshi.EventLive)
	if live.Markets != nil || live.At.Sub(ev.At) > 5*time.Second {
		t.Errorf("live again at +%v for %v", live.At.Sub(ev.At), live.Markets)
	}
	w.waitWS(t, "one connection, the second", func(st kalshitest.WSStats) bool { return st.Accepted == 2 && st.Open == 1 })
	o, err := w.client(t).GetOrder(context.Background(), ordA)
	if err != nil || o.LastUpdateReason != "SelfTradeCancel" {
		t.Errorf("REST after the drop: %+v %v", o, err)
	}
}

func TestStreamBackoffGrowsWhileFailing(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	w.x.RefuseUpgrades(503)
	w.x.DropConnections()
	var waits []time.Duration
	for range 7 {
		ev := w.awaitKind(t, kalshi.EventDisconnected)
		waits = append(waits, ev.State.ReconnectAt.Sub(ev.At))
		w.waitTimer(t, ev.State.ReconnectAt)
		w.timers.Advance(ev.State.ReconnectAt.Sub(w.timers.Now()))
	}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i := range want {
		if waits[i] != want[i]*time.Second {
			t.Errorf("waits %v, want %v seconds (jitter 1: the whole step)", waits, want)
			break
		}
	}
}

func TestStreamSilenceIsDetected(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	w.x.SetHeartbeats(false)
	t0 := w.timers.Now()
	w.waitTimer(t, t0.Add(30*time.Second))
	w.timers.Advance(29 * time.Second)
	w.waitTimer(t, t0.Add(30*time.Second)) // the watchdog still waits
	if st := w.stream.State(); !st.Connected {
		t.Fatalf("dropped after 29 s: %+v", st)
	}
	w.timers.Advance(time.Second)
	ev := w.awaitKind(t, kalshi.EventDisconnected)
	if at := ev.At.Sub(t0); at > 35*time.Second || !strings.Contains(ev.Err.Error(), "nothing heard for 30s") {
		t.Errorf("detected at +%v: %v", at, ev.Err)
	}
}

func TestStreamHeartbeatsKeepItAlive(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	for i := 1; i <= 9; i++ {
		w.timers.Advance(kalshitest.Heartbeat)
		w.waitWS(t, "a pong", func(st kalshitest.WSStats) bool { return st.Pongs >= i })
	}
	if st := w.stream.State(); !st.Connected || !st.LastFrame.Equal(w.timers.Now()) {
		t.Errorf("after 90 s of heartbeats alone: %+v", st)
	}
	if st := w.x.WSStats(); st.Accepted != 1 {
		t.Errorf("reconnected during heartbeats: %+v", st)
	}
}

func TestStreamOversizedFrameReconnects(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false, func(c *kalshi.StreamConfig) { c.MaxFrameBytes = 4096 })
	w.awaitKind(t, kalshi.EventLive)
	w.x.PushRaw([]byte(`{"type":"ticker","sid":3,"msg":{"market_ticker":"` + strings.Repeat("A", 5000) + `"}}`))
	ev := w.awaitKind(t, kalshi.EventDisconnected)
	if !strings.Contains(ev.Err.Error(), "larger than 4096 bytes") {
		t.Errorf("err = %v", ev.Err)
	}
	w.waitTimer(t, ev.State.ReconnectAt)
	w.timers.Advance(ev.State.ReconnectAt.Sub(w.timers.Now()))
	w.awaitKind(t, kalshi.EventLive)
}

func TestStreamTerminalErrorResubscribes(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	before := w.waitWS(t, "three subscriptions", func(st kalshitest.WSStats) bool { return len(st.Subscriptions) == 3 })
	w.x.PushError("user_orders", kalshitest.WSErrOverflow, "Subscription buffer overflow")
	live := w.awaitKind(t, kalshi.EventLive)
	if live.Markets != nil {
		t.Errorf("after a resubscribe every order needs reading; got %v", live.Markets)
	}
	after := w.waitWS(t, "user_orders again", func(st kalshitest.WSStats) bool { return subsOf(st)["user_orders"] == ticker })
	if after.Subscriptions[len(after.Subscriptions)-1].SID <= before.Subscriptions[2].SID {
		t.Errorf("no new subscription: %+v", after)
	}
	if st := w.stream.State(); !strings.Contains(st.LastError, "25 subscription buffer overflow") || !st.Live {
		t.Errorf("state %+v", st)
	}

	// A code that is not terminal leaves the subscription alone.
	w.x.PushError("fill", kalshitest.WSErrParam, "Invalid parameter")
	putOrderA(w.x)
	w.awaitKind(t, kalshi.EventOrder)
	if st := w.x.WSStats(); st.Commands != 4 {
		t.Errorf("%d commands; a non-terminal error should not resubscribe", st.Commands)
	}
}

func TestStreamIgnoresUnknownTypesAndSanitizes(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	w.x.PushRaw([]byte(`{"type":"market_position","sid":14,"msg":{"user_id":"user123","market_ticker":"FED-23DEC-T3.00","position_fp":"100.00"}}`))
	w.x.PushRaw([]byte(`{"type":"\u001b]0;pwned\u0007new_thing","msg":{"x":[1,2,3]}}`))
	w.x.PushRaw([]byte(`{"type":"error","sid":99,"msg":{"code":27,"msg":"slow \u001b[2Jdown\u009b31m\u202e"}}`))
	w.x.PushRaw([]byte(`{"type":"user_order","sid":1,"msg":{"order_id":"x","fill_count_fp":"\u001b[31mNaN"}}`))
	putOrderA(w.x)
	w.awaitKind(t, kalshi.EventOrder)
	st := w.stream.State()
	if st.Ignored != 2 || st.Unreadable != 1 || !st.Connected {
		t.Errorf("state %+v", st)
	}
	if !strings.Contains(st.LastError, "fill_count_fp") {
		t.Errorf("LastError %q does not name the field", st.LastError)
	}
	for _, r := range st.LastError {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x202e {
			t.Fatalf("LastError carries %U: %q", r, st.LastError)
		}
	}
}

func TestStreamHostileErrorTextIsClean(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	w.x.PushError("fill", 10, "bad \u001b]52;c;cGF3bmVk\u0007thing\u009b2J\u202eevil")
	w.awaitKind(t, kalshi.EventLive) // resubscribed after the terminal error
	st := w.stream.State()
	if !strings.Contains(st.LastError, "fill subscription: error 10 channel error: bad") {
		t.Errorf("LastError %q", st.LastError)
	}
	for _, r := range st.LastError {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x202e {
			t.Fatalf("LastError carries %U: %q", r, st.LastError)
		}
	}
}

func TestStreamURLs(t *testing.T) {
	for in, want := range map[string]string{
		kalshi.ProdBaseURL:                              kalshi.ProdStreamURL,
		kalshi.DemoBaseURL:                              kalshi.DemoStreamURL,
		"http://127.0.0.1:8080/trade-api/v2/":           "ws://127.0.0.1:8080/trade-api/ws/v2",
		"http://localhost:9/anything":                   "ws://localhost:9/trade-api/ws/v2",
		"https://api.elections.kalshi.com/trade-api/v2": kalshi.ProdStreamURL,
	} {
		if got, err := kalshi.StreamURLFromBase(in); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := kalshi.StreamURLFromBase("https://proxy.example/trade-api/v2"); err == nil {
		t.Error("an unknown https base should need an explicit WebSocket URL")
	}
	for _, bad := range []string{"ws://example.com/trade-api/ws/v2", "https://x/trade-api/ws/v2", "wss://u:p@x/y", "wss://x/y?q=1", "nonsense"} {
		if _, err := kalshi.NewStream(kalshi.StreamConfig{URL: bad, KeyID: "k", Key: sharedRSA(t)}); err == nil {
			t.Errorf("NewStream accepted %q", bad)
		} else if strings.Contains(err.Error(), "u:p") {
			t.Errorf("error leaks credentials: %v", err)
		}
	}
}

func TestReconnectDelay(t *testing.T) {
	least := func(int64) int64 { return 0 }
	most := func(n int64) int64 { return n - 1 }
	for n, step := range map[int]time.Duration{1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 6: 30, 60: 30, 0: 1, -1: 1} {
		step *= time.Second
		if lo, hi := kalshi.ReconnectDelay(n, least), kalshi.ReconnectDelay(n, most); lo != step/2 || hi != step {
			t.Errorf("attempt %d: %v..%v, want %v..%v", n, lo, hi, step/2, step)
		}
	}
}

func TestStreamDecodesAsyncAPIExamples(t *testing.T) {
	w := newWSEnv(t, []string{ticker}, false)
	w.awaitKind(t, kalshi.EventLive)
	for _, ex := range kalshi.AsyncAPIExamples {
		w.x.PushRaw([]byte(ex))
	}
	o := w.awaitKind(t, kalshi.EventOrder)
	f := w.awaitKind(t, kalshi.EventFill)
	tk := w.awaitKind(t, kalshi.EventTicker)
	if o.SID != 22 || o.Order.OrderID != "ee587a1c-8b87-4dcf-b721-9f6f790619fa" || !o.Order.NoPrice.Equal(d("0.65")) ||
		f.SID != 13 || !f.Fill.Count.Equal(d("278")) || tk.SID != 11 || !tk.Ticker.YesAsk.Equal(d("0.53")) {
		t.Errorf("order %+v\nfill %+v\nticker %+v", o.Order, f.Fill, tk.Ticker)
	}
	putOrderA(w.x) // a marker: everything before it has been read
	w.awaitKind(t, kalshi.EventOrder)
	if st := w.stream.State(); st.Ignored != 2 || st.Unreadable != 0 || !st.Live || st.LastSent.IsZero() {
		t.Errorf("state %+v", st)
	}
}
