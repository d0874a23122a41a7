package kalshitest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzRequest sends arbitrary signed paths and queries through the
// exchange: it must never panic, and every answer it gives on its own
// (no faults injected) must be a JSON object.
func FuzzRequest(f *testing.F) {
	for _, s := range [][2]string{
		{"/portfolio/orders/o1", ""},
		{"/portfolio/orders", "limit=2&cursor=abc"},
		{"/portfolio/orders", "event_ticker=A,B&min_ts=1&max_ts=-1&status=resting"},
		{"/portfolio/orders/queue_positions", "market_tickers=T-1"},
		{"/portfolio/orders/o1/queue_position", ""},
		{"/portfolio/fills", "order_id=o1&limit=1000"},
		{"/markets/T-1", ""},
		{"/markets/%zz", ""},
		{"//portfolio//orders", "limit=%"},
	} {
		f.Add(s[0], s[1])
	}
	clk := newClock()
	x := New(Options{Now: clk.Now, ReadBudget: 1 << 20})
	defer x.Close()
	pub, priv, _ := ed25519.GenerateKey(nil)
	x.AddKey("k", pub)
	x.PutMarket(MarketState{Ticker: "T-1", EventTicker: "T"})
	x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", YesPrice: d("0.5"), InitialCount: d("3")})
	x.Fill("o1", d("1"), d("0.5"), d("0.01"), true)
	s := signer{keyID: "k", key: priv, now: clk.Now}
	f.Fuzz(func(t *testing.T, path, query string) {
		u, err := url.Parse("http://fake" + apiPrefix + path)
		if err != nil || u.Host != "fake" {
			return
		}
		u.RawQuery = query
		// Built by hand: httptest.NewRequest parses a request line, which
		// a query with spaces would break.
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = u
		req.RequestURI = u.RequestURI()
		s.sign(t, req)
		w := httptest.NewRecorder()
		x.ServeHTTP(w, req)
		body := bytes.TrimSpace(w.Body.Bytes())
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s?%s: status %d, body not a JSON object: %v: %q", path, query, w.Code, err, body)
		}
		if w.Code == http.StatusUnauthorized {
			t.Fatalf("%s?%s: a correctly signed request got 401: %s", path, query, body)
		}
	})
}
