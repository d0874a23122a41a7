package engine_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// manyOrders puts n resting Kalshi orders on the exchange, spread over
// markets and events, and returns their targets.
func manyOrders(x *kalshitest.Exchange, n, markets, perEvent int, now time.Time) []engine.Target {
	var out []engine.Target
	for m := 0; m < markets; m++ {
		event := fmt.Sprintf("KXEV%02d", m/perEvent)
		x.PutMarket(kalshitest.MarketState{Ticker: fmt.Sprintf("%s-M%02d", event, m), EventTicker: event, Status: "active",
			YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42")})
	}
	for i := 0; i < n; i++ {
		m := i % markets
		id := fmt.Sprintf("ord-%04d", i)
		x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: fmt.Sprintf("KXEV%02d-M%02d", m/perEvent, m), OutcomeSide: "yes",
			YesPrice: fixed.MustParse("0.41"), InitialCount: fixed.MustParse("10"), CreatedTime: now, QueueAhead: fixed.FromInt(int64(i % 97))})
		out = append(out, engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	return out
}

// TestScheduleFiveHundredOrdersOnBasic watches 500 orders at a 2 s interval
// against an exchange that enforces Kalshi's Basic read budget (200 tokens
// a second, a 2 s bucket) on the same injected clock: no request may draw a
// 429, and every order must be refreshed at least every 4 s.
func TestScheduleFiveHundredOrdersOnBasic(t *testing.T) {
	clk := kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x := kalshitest.New(kalshitest.Options{Now: clk.Now, ReadBudget: 200})
	defer x.Close()
	x.AddKey("k", pub)
	targets := manyOrders(x, 500, 50, 5, clk.Now())
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "k", Key: priv, Now: clk.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	const interval = 2 * time.Second
	eng := engine.New(engine.Config{Kalshi: kc, Now: clk.Now, Interval: interval, ReadBudget: 200})
	for _, tg := range targets {
		eng.Add(tg)
	}
	eng.Focus(targets[123])

	var maxRound int
	for round := 0; round < 10; round++ {
		clk.Add(interval)
		before := x.Stats()
		r := eng.Poll(context.Background())
		after := x.Stats()
		spent := after.Tokens - before.Tokens
		maxRound = max(maxRound, spent)
		if spent > 400 {
			t.Errorf("round %d spent %d tokens; the 2 s bucket holds 400", round, spent)
		}
		if round >= 1 {
			for _, s := range r.Snapshots {
				if age := clk.Now().Sub(s.Sources.Kalshi.LastSuccess); age > 2*interval {
					t.Fatalf("round %d: %s last refreshed %s ago", round, s.Target, age)
				}
			}
		}
		if round == 0 {
			t.Logf("first round: %d tokens, %d requests, note %q", spent, after.Requests-before.Requests, r.Note)
		}
	}
	st := x.Stats()
	if st.TooManyRequests != 0 {
		t.Errorf("%d requests drew 429", st.TooManyRequests)
	}
	if got := x.MaxTokensIn(time.Second); got > 400 {
		t.Errorf("max tokens in one second %d", got)
	}
	t.Logf("500 orders, 10 rounds: %d requests, %d tokens, max %d tokens a round", st.Requests, st.Tokens, maxRound)
	// The focused order's queue position is known.
	for _, s := range eng.Poll(context.Background()).Snapshots {
		if s.Target == targets[123] && (s.QueueAhead == nil || s.QueueAhead.String() != "26.00") {
			t.Errorf("focused order queue %v", s.QueueAhead)
		}
	}
}

// TestScheduleFewOrdersReadSingly: with a handful of orders, batching costs
// more than it saves, so each order is read with GetOrder.
func TestScheduleFewOrdersReadSingly(t *testing.T) {
	clk := kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x := kalshitest.New(kalshitest.Options{Now: clk.Now})
	defer x.Close()
	x.AddKey("k", pub)
	targets := manyOrders(x, 3, 3, 1, clk.Now())
	kc, _ := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "k", Key: priv, Now: clk.Now})
	eng := engine.New(engine.Config{Kalshi: kc, Now: clk.Now, Interval: 2 * time.Second, ReadBudget: 200})
	for _, tg := range targets {
		eng.Add(tg)
	}
	eng.Poll(context.Background())
	counts := map[string]int{}
	for _, r := range x.Requests() {
		counts[r.Path]++
	}
	for path, n := range counts {
		if path == "/trade-api/v2/portfolio/orders" {
			t.Errorf("batched read for 3 orders (%d)", n)
		}
	}
	if counts["/trade-api/v2/portfolio/orders/ord-0001"] != 1 {
		t.Errorf("requests %v", counts)
	}
}
