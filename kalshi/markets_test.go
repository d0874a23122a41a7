package kalshi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// TestGetMarketsBatch reads several markets in one signed request against
// the fake exchange: one request, ten tokens, unknown tickers left out.
func TestGetMarketsBatch(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x := kalshitest.New(kalshitest.Options{})
	defer x.Close()
	x.AddKey("k", pub)
	for _, tk := range []string{"KXA-1", "KXB-2", "KXC-3"} {
		x.PutMarket(kalshitest.MarketState{Ticker: tk, Status: "active", YesBid: fixed.MustParse("0.41"), YesAsk: fixed.MustParse("0.4325")})
	}
	c, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "k", Key: priv})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.GetMarkets(context.Background(), []string{"KXA-1", "KXNOPE", "KXC-3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Ticker != "KXA-1" || ms[1].Ticker != "KXC-3" {
		t.Fatalf("markets %+v", ms)
	}
	if ms[0].YesAsk.String() != "0.4325" || ms[0].NoBid.String() != "0.5675" {
		t.Errorf("prices: yes ask %s no bid %s", ms[0].YesAsk, ms[0].NoBid)
	}
	reqs := x.Requests()
	if len(reqs) != 1 || reqs[0].Cost != kalshi.Cost(kalshi.OpGetMarkets) || reqs[0].Cost != 10 {
		t.Errorf("requests %+v", reqs)
	}
	if _, err := c.GetMarkets(context.Background(), []string{"KXA-1", "bad/ticker"}); err == nil {
		t.Error("a ticker with a slash was sent")
	}
}
