package kalshi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// newFakeClient returns a client of a fresh fake exchange.
func newFakeClient(t *testing.T, opts kalshitest.Options, cfg kalshi.Config) (*kalshitest.Exchange, *kalshi.Client) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x := kalshitest.New(opts)
	t.Cleanup(x.Close)
	x.AddKey("k", pub)
	cfg.BaseURL, cfg.KeyID, cfg.Key = x.BaseURL(), "k", priv
	c, err := kalshi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return x, c
}

// TestAccountBudget reads the read bucket and the endpoint costs, and the
// client's limiter then charges what Kalshi says.
func TestAccountBudget(t *testing.T) {
	lim := rate.NewLimiter(rate.Inf, 10)
	x, c := newFakeClient(t, kalshitest.Options{ReadBudget: 300, Burst: 600, Tier: "Advanced"}, kalshi.Config{Limiter: lim})
	ctx := context.Background()
	l, err := c.GetAccountLimits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if l.UsageTier != "advanced" || l.Read.RefillRate != 300 || l.Read.BucketCapacity != 600 {
		t.Errorf("limits %+v", l)
	}
	costs, err := c.GetEndpointCosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if costs.Of(kalshi.OpGetOrder) != 2 || costs.Of(kalshi.OpGetFills) != 10 || costs.Of(kalshi.OpGetMarkets) != 10 {
		t.Errorf("costs: order %d fills %d markets %d", costs.Of(kalshi.OpGetOrder), costs.Of(kalshi.OpGetFills), costs.Of(kalshi.OpGetMarkets))
	}
	c.UseReadLimit(l.Read.RefillRate, l.Read.BucketCapacity)
	if lim.Limit() != 300 || lim.Burst() != 600 {
		t.Errorf("limiter %v/%d after UseReadLimit", lim.Limit(), lim.Burst())
	}
	if n := len(x.Requests()); n != 2 {
		t.Errorf("%d requests", n)
	}
}

// TestAccountBudgetHostile refuses budgets that would stall or flood.
func TestAccountBudgetHostile(t *testing.T) {
	for _, body := range []string{
		`{"usage_tier":"basic","read":{"refill_rate":0,"bucket_capacity":400}}`,
		`{"usage_tier":"basic","read":{"refill_rate":200,"bucket_capacity":10}}`,
		`{"usage_tier":"basic"}`,
		`{"usage_tier":"basic","read":{"refill_rate":"200"}}`,
	} {
		x, c := newFakeClient(t, kalshitest.Options{}, kalshi.Config{MaxAttempts: 1})
		x.InjectFault(kalshitest.Fault{Path: "/account/limits", Body: []byte(body)})
		if l, err := c.GetAccountLimits(context.Background()); err == nil {
			t.Errorf("%s: accepted as %+v", body, l)
		}
	}
	x, c := newFakeClient(t, kalshitest.Options{}, kalshi.Config{MaxAttempts: 1})
	x.InjectFault(kalshitest.Fault{Path: "/account/endpoint_costs", Body: []byte(`{"default_cost":10,"endpoint_costs":[{"method":"GET","path":"/markets","cost":-5}]}`)})
	if _, err := c.GetEndpointCosts(context.Background()); err == nil {
		t.Error("a negative cost was accepted")
	}
}

// TestExchangeStatus reads an active exchange, then a trading pause with
// an estimated resume time.
func TestExchangeStatus(t *testing.T) {
	x, c := newFakeClient(t, kalshitest.Options{}, kalshi.Config{})
	s, err := c.GetExchangeStatus(context.Background())
	if err != nil || !s.ExchangeActive || !s.TradingActive {
		t.Fatalf("status %+v, %v", s, err)
	}
	resume := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	x.SetExchangeStatus(kalshitest.ExchangeStatus{ExchangeActive: false, ResumeAt: resume})
	s, err = c.GetExchangeStatus(context.Background())
	if err != nil || s.ExchangeActive || s.TradingActive || !s.ResumeAt.Equal(resume) {
		t.Fatalf("status %+v, %v", s, err)
	}
}

// TestFillsPageTickerList reads fills of two markets in one call, and a
// server that refuses lists answers 400, which IsListRefused names.
func TestFillsPageTickerList(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		x, c := newFakeClient(t, kalshitest.Options{RefuseTickerLists: refuse}, kalshi.Config{MaxAttempts: 1})
		for i, tk := range []string{"KXA-1", "KXB-2", "KXC-3"} {
			id := "O" + tk
			x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: tk, OutcomeSide: "yes", YesPrice: fixed.MustParse("0.5"),
				InitialCount: fixed.FromInt(10), CreatedTime: time.Now().Add(-time.Duration(i) * time.Minute)})
			x.Fill(id, fixed.FromInt(1), fixed.MustParse("0.5"), fixed.Decimal{}, false)
		}
		page, err := c.GetFillsPage(context.Background(), kalshi.FillsQuery{Tickers: []string{"KXA-1", "KXC-3"}, Limit: 100})
		if refuse {
			if !kalshi.IsListRefused(err, 2) {
				t.Errorf("refusing server: %v", err)
			}
			continue
		}
		if err != nil || len(page.Fills) != 2 {
			t.Fatalf("fills %+v, %v", page.Fills, err)
		}
		for _, f := range page.Fills {
			if f.Ticker == "KXB-2" {
				t.Errorf("fill of a market not asked for: %+v", f)
			}
		}
		if q := x.Requests()[0].Query; !strings.Contains(q, "ticker=KXA-1%2CKXC-3") {
			t.Errorf("query %q", q)
		}
	}
}

// TestQueuePositionsSubaccount sends subaccount for a subaccount's orders
// and reads only that subaccount's.
func TestQueuePositionsSubaccount(t *testing.T) {
	x, c := newFakeClient(t, kalshitest.Options{}, kalshi.Config{})
	x.PutOrder(kalshitest.OrderState{OrderID: "P", Ticker: "KXA-1", YesPrice: fixed.MustParse("0.5"), InitialCount: fixed.FromInt(5), QueueAhead: fixed.FromInt(3)})
	x.PutOrder(kalshitest.OrderState{OrderID: "S", Ticker: "KXA-1", YesPrice: fixed.MustParse("0.5"), InitialCount: fixed.FromInt(5), QueueAhead: fixed.FromInt(7), SubaccountNumber: 4})
	qs, err := c.GetQueuePositionsIn(context.Background(), kalshi.QueueQuery{MarketTickers: []string{"KXA-1"}, Subaccount: 4})
	if err != nil || len(qs) != 1 || qs[0].OrderID != "S" || !qs[0].Ahead.Equal(fixed.FromInt(7)) {
		t.Fatalf("subaccount 4: %+v, %v", qs, err)
	}
	qs, err = c.GetQueuePositions(context.Background(), []string{"KXA-1"})
	if err != nil || len(qs) != 1 || qs[0].OrderID != "P" {
		t.Fatalf("primary: %+v, %v", qs, err)
	}
	if _, err := c.GetQueuePositionsIn(context.Background(), kalshi.QueueQuery{MarketTickers: []string{"KXA-1"}, Subaccount: 64}); err == nil {
		t.Error("subaccount 64 was sent")
	}
}
