package kalshi

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	rk := testRSAKey(t)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	ok := Config{BaseURL: ProdBaseURL, KeyID: "kid", Key: rk}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	cases := []struct {
		name string
		cfg  Config
		want string // "" means accepted
	}{
		{"prod", ok, ""},
		{"demo", with(func(c *Config) { c.BaseURL = DemoBaseURL }), ""},
		{"ed25519", with(func(c *Config) { c.Key = testEdKey(t) }), ""},
		{"trailing slash", with(func(c *Config) { c.BaseURL = ProdBaseURL + "/" }), ""},
		{"http loopback v4", with(func(c *Config) { c.BaseURL = "http://127.0.0.1:8080/trade-api/v2" }), ""},
		{"http loopback 127/8", with(func(c *Config) { c.BaseURL = "http://127.4.5.6:8080/trade-api/v2" }), ""},
		{"http loopback v6", with(func(c *Config) { c.BaseURL = "http://[::1]:8080/trade-api/v2" }), ""},
		{"http localhost", with(func(c *Config) { c.BaseURL = "http://localhost:8080/trade-api/v2" }), ""},
		{"http remote", with(func(c *Config) { c.BaseURL = "http://external-api.kalshi.com/trade-api/v2" }), "must use https"},
		{"http lookalike", with(func(c *Config) { c.BaseURL = "http://localhost.evil.example/trade-api/v2" }), "must use https"},
		{"ftp", with(func(c *Config) { c.BaseURL = "ftp://external-api.kalshi.com/" }), "must start with https://"},
		{"no host", with(func(c *Config) { c.BaseURL = "https:///trade-api/v2" }), "no host"},
		{"relative", with(func(c *Config) { c.BaseURL = "/trade-api/v2" }), "must start with https://"},
		{"unparsable", with(func(c *Config) { c.BaseURL = "https://a b/%zz" }), "not a valid URL"},
		{"empty", with(func(c *Config) { c.BaseURL = "" }), "no base URL"},
		{"credentials", with(func(c *Config) { c.BaseURL = "https://user:hunter2@external-api.kalshi.com/trade-api/v2" }), "credentials"},
		{"query", with(func(c *Config) { c.BaseURL = ProdBaseURL + "?x=1" }), "query"},
		{"no key id", with(func(c *Config) { c.KeyID = "" }), "no API key ID"},
		{"bad key id", with(func(c *Config) { c.KeyID = "kid\nX-Evil: 1" }), "malformed"},
		{"no key", with(func(c *Config) { c.Key = nil }), "no private key"},
		{"EC key", with(func(c *Config) { c.Key = ek }), "not supported"},
		{"short RSA", with(func(c *Config) { c.Key = small }), "too short"},
		{"negative timeout", with(func(c *Config) { c.Timeout = -1 }), "Timeout"},
		{"negative body cap", with(func(c *Config) { c.MaxBodyBytes = -1 }), "MaxBodyBytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if tc.want == "" {
				if err != nil || c == nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %+v", tc.cfg.BaseURL)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the URL password: %v", err)
			}
		})
	}
}

func TestBaseURLFor(t *testing.T) {
	if u, err := BaseURLFor("prod"); err != nil || u != ProdBaseURL {
		t.Errorf("prod: %q %v", u, err)
	}
	if u, err := BaseURLFor("demo"); err != nil || u != DemoBaseURL {
		t.Errorf("demo: %q %v", u, err)
	}
	// The configuration documents exactly these two names, and checks
	// them here: anything else, a spelling it might guess included, is
	// refused rather than read one way here and another there.
	for _, env := range []string{"staging", "production", "Prod", " demo", ""} {
		if _, err := BaseURLFor(env); err == nil {
			t.Errorf("%q accepted", env)
		}
	}
	for _, u := range []string{ProdBaseURL, DemoBaseURL} {
		if _, err := New(Config{BaseURL: u, KeyID: "k", Key: testEdKey(t)}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestConfigAndClientDoNotPrintSecrets(t *testing.T) {
	k := testRSAKey(t)
	cfg := Config{BaseURL: ProdBaseURL, KeyID: "very-secret-key-id", Key: k}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := k.D.String()[:20]
	for _, s := range []string{fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(c), fmt.Sprintf("%+v", c)} {
		if strings.Contains(s, "very-secret-key-id") || strings.Contains(s, d) {
			t.Fatalf("printed config leaks credentials: %.200s", s)
		}
	}
}

func TestValidateID(t *testing.T) {
	good := []string{"ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69", "KXHIGHNY-26AUG24-B85.5", "a", "a%b", "a?b", "a#b", "ümlaut", strings.Repeat("x", 128), strings.Repeat("é", 128)}
	for _, id := range good {
		if err := ValidateID("order ID", id); err != nil {
			t.Errorf("%q rejected: %v", id, err)
		}
	}
	bad := map[string]string{
		"":                        "empty",
		strings.Repeat("x", 129):  "longer than 128 characters",
		strings.Repeat("é", 129):  "longer than 128 characters",
		"a b":                     "whitespace",
		" abc":                    "whitespace",
		"abc\n":                   "whitespace",
		"a\tb":                    "whitespace",
		"a\x00b":                  "control",
		"a\x1b[2Jb":               "control",
		"a\u200bb":                "invisible", // zero-width space pasted from a ticket
		"a\u202eb":                "invisible",
		"a\u00a0b":                "whitespace",
		"a/b":                     "'/'",
		"../orders":               "'/'",
		".":                       "path element",
		"..":                      "path element",
		"\xff\xfe":                "UTF-8",
		"a\u0085b":                "whitespace",
		"ok\x7f":                  "control",
		"ticket: ee4f2c2d-5b4e-4": "whitespace",
	}
	for id, want := range bad {
		err := ValidateID("order ID", id)
		if err == nil {
			t.Errorf("%q accepted", id)
			continue
		}
		if !errors.Is(err, ErrInvalidID) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "order ID") {
			t.Errorf("%q: error %q should wrap ErrInvalidID, name the kind and say %q", id, err, want)
		}
		if strings.ContainsAny(err.Error(), "\x1b\x00\u202e") {
			t.Errorf("%q: error carries raw control characters: %q", id, err)
		}
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "order_current.json"))
	c := newTestClient(t, s, k)
	ctx := context.Background()
	calls := []func() error{
		func() error { _, err := c.GetOrder(ctx, "../markets/X"); return err },
		func() error { _, err := c.GetQueuePosition(ctx, ""); return err },
		func() error { _, err := c.GetMarket(ctx, ".."); return err },
		func() error { _, err := c.GetFills(ctx, "a b"); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{Ticker: "a/b"}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{EventTickers: make([]string, 11)}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{EventTickers: []string{"A,B"}}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{Limit: 1001}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{Limit: -1}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{MinTs: 20, MaxTs: 10}); return err },
		func() error { _, err := c.GetOrders(ctx, OrdersQuery{Cursor: "a b"}); return err },
		func() error { _, err := c.GetQueuePositions(ctx, nil); return err },
		func() error { _, err := c.GetQueuePositions(ctx, []string{"A", "B,C"}); return err },
	}
	for i, call := range calls {
		if err := call(); err == nil {
			t.Errorf("call %d: no error", i)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestGetOrderEndToEndOverHTTP(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "order_current.json"))
	c := newTestClient(t, s, k)
	o, err := c.GetOrder(context.Background(), "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69")
	if err != nil {
		t.Fatal(err)
	}
	if o.Ticker != "KXHIGHNY-26AUG24-B85.5" || o.Shape != ShapeCurrent {
		t.Errorf("order: %+v", o)
	}
	r := s.requests()
	if len(r) != 1 {
		t.Fatalf("%d requests", len(r))
	}
	got := r[0]
	if got.Method != "GET" || got.Path != "/trade-api/v2/portfolio/orders/ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69" || got.RawQuery != "" {
		t.Errorf("request: %+v", got)
	}
	if got.Header.Get("Accept") != "application/json" || got.Header.Get("User-Agent") != "ordermon" {
		t.Errorf("headers: Accept %q, User-Agent %q", got.Header.Get("Accept"), got.Header.Get("User-Agent"))
	}
	if got.Header.Get(HeaderAccessTimestamp) != strconv.FormatInt(testEpoch.UnixMilli(), 10) {
		t.Errorf("timestamp %q does not come from Config.Now", got.Header.Get(HeaderAccessTimestamp))
	}
}

func TestGetOrderWithEd25519(t *testing.T) {
	k := testEdKey(t)
	s := newTestServer(t, k.Public(), serveFile(t, "order_current.json"))
	c := newTestClient(t, s, k)
	if _, err := c.GetOrder(context.Background(), "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69"); err != nil {
		t.Fatal(err)
	}
}

func TestWrongKeyIsUnauthorized(t *testing.T) {
	k := testRSAKey(t)
	other := testEdKey(t)
	s := newTestServer(t, other.Public(), serveFile(t, "order_current.json"))
	c := newTestClient(t, s, k)
	_, err := c.GetOrder(context.Background(), "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69")
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	var ae *APIError
	errors.As(err, &ae)
	if ae.Code != "authentication_error" || !strings.Contains(ae.Details, "INCORRECT_API_KEY_SIGNATURE") {
		t.Errorf("APIError: %+v", ae)
	}
}

func TestQueryIsNotSigned(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(200, `{"orders":[],"cursor":""}`))
	c := newTestClient(t, s, k)
	_, err := c.GetOrders(context.Background(), OrdersQuery{
		Ticker: "KXHIGHNY-26AUG24-B85.5", EventTickers: []string{"KXHIGHNY-26AUG24", "KXBTCD-26JAN29"},
		Status: StatusResting, MinTs: 1700000000, MaxTs: 1800000000, Limit: 5, Cursor: "abc+/=",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := s.requests()[0]
	q, _ := url.ParseQuery(r.RawQuery)
	want := url.Values{
		"ticker": {"KXHIGHNY-26AUG24-B85.5"}, "event_ticker": {"KXHIGHNY-26AUG24,KXBTCD-26JAN29"},
		"status": {"resting"}, "min_ts": {"1700000000"}, "max_ts": {"1800000000"}, "limit": {"5"}, "cursor": {"abc+/="},
	}
	if q.Encode() != want.Encode() {
		t.Errorf("query %q, want %q", q.Encode(), want.Encode())
	}
	// The server above already accepted the signature over the path alone;
	// check again here, independently, and show the query would not verify.
	ts := r.Header.Get(HeaderAccessTimestamp)
	verifyRSAPSS(t, &k.PublicKey, ts+"GET/trade-api/v2/portfolio/orders", r.Header.Get(HeaderAccessSignature))
}

func TestEscapedIDIsSignedAsSent(t *testing.T) {
	k := testRSAKey(t)
	id := "odd%id?x#y:z"
	s := newTestServer(t, &k.PublicKey, serveStatus(200, `{"order":{"order_id":"odd%id?x#y:z"}}`))
	c := newTestClient(t, s, k)
	o, err := c.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if o.OrderID != id {
		t.Errorf("OrderID %q", o.OrderID)
	}
	r := s.requests()[0]
	if r.Path != "/trade-api/v2/portfolio/orders/"+id || r.RawQuery != "" {
		t.Errorf("server saw path %q query %q", r.Path, r.RawQuery)
	}
	if !strings.HasSuffix(r.EscapedPath, "/odd%25id%3Fx%23y:z") {
		t.Errorf("escaped path %q", r.EscapedPath)
	}
}

func TestGetOrderRefusesAnotherOrder(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "order_current.json"))
	c := newTestClient(t, s, k)
	_, err := c.GetOrder(context.Background(), "some-other-order")
	var de *DecodeError
	if !errors.As(err, &de) || de.Field != "order_id" {
		t.Fatalf("want an order_id mismatch error, got %v", err)
	}
	s.setHandler(serveStatus(200, `{"orders":[]}`))
	if _, err := c.GetOrder(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), `"order": missing`) {
		t.Errorf("missing order: %v", err)
	}
	s.setHandler(serveStatus(200, `<html>captive portal</html>`))
	if _, err := c.GetOrder(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("html 200: %v", err)
	}
	s.setHandler(serveStatus(200, ``))
	if _, err := c.GetOrder(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "empty body") {
		t.Errorf("empty 200: %v", err)
	}
	s.setHandler(serveStatus(200, `{"order":{"order_id":"x","fill_count_fp":"NaN"}}`))
	_, err = c.GetOrder(context.Background(), "x")
	if !errors.As(err, &de) || de.Field != "fill_count_fp" || !strings.Contains(err.Error(), "/trade-api/v2/portfolio/orders/x") {
		t.Errorf("bad field: %v", err)
	}
}

func TestGetQueuePosition(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "queue_position.json"))
	c := newTestClient(t, s, k)
	qp, err := c.GetQueuePosition(context.Background(), "ord-1")
	if err != nil {
		t.Fatal(err)
	}
	if qp.OrderID != "ord-1" || qp.Ahead.String() != "12.00" {
		t.Errorf("queue position %+v", qp)
	}
	if p := s.requests()[0].Path; p != "/trade-api/v2/portfolio/orders/ord-1/queue_position" {
		t.Errorf("path %q", p)
	}
	for body, want := range map[string]string{
		`{"queue_position": 3}`:          "missing",
		`{"queue_position_fp": "-1.00"}`: "negative",
		`{"queue_position_fp": "many"}`:  "not a plain decimal",
	} {
		s.setHandler(serveStatus(200, body))
		if _, err := c.GetQueuePosition(context.Background(), "ord-1"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestGetQueuePositions(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "queue_positions.json"))
	c := newTestClient(t, s, k)
	qps, err := c.GetQueuePositions(context.Background(), []string{"KXHIGHNY-26AUG24-B85.5", "KXTENNIS-26AUG24-SIN"})
	if err != nil {
		t.Fatal(err)
	}
	if len(qps) != 2 || qps[0].Ahead.String() != "12.00" || qps[1].MarketTicker != "KXTENNIS-26AUG24-SIN" || !qps[1].Ahead.IsZero() {
		t.Errorf("queue positions %+v", qps)
	}
	r := s.requests()[0]
	if r.Path != "/trade-api/v2/portfolio/orders/queue_positions" {
		t.Errorf("path %q", r.Path)
	}
	if q, _ := url.ParseQuery(r.RawQuery); q.Get("market_tickers") != "KXHIGHNY-26AUG24-B85.5,KXTENNIS-26AUG24-SIN" {
		t.Errorf("query %q", r.RawQuery)
	}
	s.setHandler(serveStatus(200, `{"queue_positions":[{"order_id":"a","queue_position_fp":"1.00"}]}`))
	_, err = c.GetQueuePositions(context.Background(), []string{"A"})
	if err == nil || !strings.Contains(err.Error(), "queue_positions[0]") || !strings.Contains(err.Error(), "market_ticker") {
		t.Errorf("missing field: %v", err)
	}
}

func TestGetMarket(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "market_current.json"))
	c := newTestClient(t, s, k)
	m, err := c.GetMarket(context.Background(), "KXHIGHNY-26AUG24-B85.5")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "active" || m.YesAsk.String() != "0.5700" {
		t.Errorf("market %+v", m)
	}
	if p := s.requests()[0].Path; p != "/trade-api/v2/markets/KXHIGHNY-26AUG24-B85.5" {
		t.Errorf("path %q", p)
	}
}

func TestGetOrdersDecodesPage(t *testing.T) {
	k := testRSAKey(t)
	cur := string(readFixture(t, "order_current.json"))
	leg := string(readFixture(t, "order_legacy.json"))
	inner := func(s string) string { // strip the {"order": ...} envelope
		s = strings.TrimSpace(s)
		return strings.TrimSuffix(strings.TrimPrefix(s, `{`+"\n"+`  "order":`), "}")
	}
	body := `{"orders":[` + inner(cur) + `,` + inner(leg) + `],"cursor":"next-page"}`
	s := newTestServer(t, &k.PublicKey, serveStatus(200, body))
	c := newTestClient(t, s, k)
	p, err := c.GetOrders(context.Background(), OrdersQuery{Status: StatusResting})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 2 || p.Cursor != "next-page" || p.Orders[0].Shape != ShapeCurrent || p.Orders[1].Shape != ShapeLegacy {
		t.Fatalf("page: %d orders, cursor %q", len(p.Orders), p.Cursor)
	}
	s.setHandler(serveStatus(200, `{"orders":[{"order_id":"a"},{"order_id":"b","yes_price_dollars":"x"}]}`))
	_, err = c.GetOrders(context.Background(), OrdersQuery{})
	if err == nil || !strings.Contains(err.Error(), "orders[1]") || !strings.Contains(err.Error(), "yes_price_dollars") {
		t.Errorf("bad element: %v", err)
	}
}

func TestGetFillsFollowsCursor(t *testing.T) {
	k := testRSAKey(t)
	const id = "a3f1c9d2-6e5b-4a7c-8d9e-0f1a2b3c4d5e"
	fill := func(n int) string {
		return fmt.Sprintf(`{"fill_id":"f-%d","order_id":"%s","count_fp":"1.00","yes_price_dollars":"0.5","no_price_dollars":"0.5","outcome_side":"yes"}`, n, id)
	}
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			fmt.Fprintf(w, `{"fills":[%s,%s],"cursor":"p2"}`, fill(1), fill(2))
		case "p2":
			fmt.Fprintf(w, `{"fills":[%s],"cursor":""}`, fill(3))
		}
	})
	c := newTestClient(t, s, k)
	fills, err := c.GetFills(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(fills) != 3 || fills[2].FillID != "f-3" {
		t.Fatalf("fills: %+v", fills)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	q0, _ := url.ParseQuery(reqs[0].RawQuery)
	if reqs[0].Path != "/trade-api/v2/portfolio/fills" || q0.Get("order_id") != id || q0.Has("cursor") {
		t.Errorf("first request %+v", reqs[0])
	}

	// A server that never stops paging is cut off, keeping what was read.
	n := 0
	s.setHandler(func(w http.ResponseWriter, r *http.Request) {
		n++
		fmt.Fprintf(w, `{"fills":[%s],"cursor":"c%d"}`, fill(n), n)
	})
	fills, err = c.GetFills(context.Background(), id)
	if err == nil || !strings.Contains(err.Error(), "pages") || len(fills) != MaxFillPages {
		t.Errorf("endless paging: %d fills, %v", len(fills), err)
	}
	// A repeated cursor is a loop.
	s.setHandler(serveStatus(200, `{"fills":[`+fill(1)+`],"cursor":"same"}`))
	fills, err = c.GetFills(context.Background(), id)
	if err == nil || !strings.Contains(err.Error(), "repeated") || len(fills) != 2 {
		t.Errorf("cursor loop: %d fills, %v", len(fills), err)
	}
	// Fills of another order are refused.
	s.setHandler(serveStatus(200, `{"fills":[{"fill_id":"x","order_id":"other"}],"cursor":""}`))
	if _, err = c.GetFills(context.Background(), id); err == nil || !strings.Contains(err.Error(), "not the one asked for") {
		t.Errorf("foreign fill: %v", err)
	}
}

func TestLastServerDate(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "queue_position.json"))
	c := newTestClient(t, s, k)
	if !c.LastServerDate().IsZero() {
		t.Fatal("date before any request")
	}
	if _, err := c.GetQueuePosition(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	// httptest stamps replies with the real time.
	if d := time.Since(c.LastServerDate()); d < -2*time.Second || d > time.Minute {
		t.Errorf("LastServerDate %v is not the reply's Date", c.LastServerDate())
	}
	s.setHandler(serveStatus(401, `{"error":{"code":"authentication_error"}}`, "Date", "Mon, 24 Aug 2026 13:00:45 GMT"))
	_, err := c.GetQueuePosition(context.Background(), "a")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	want := time.Date(2026, 8, 24, 13, 0, 45, 0, time.UTC)
	if !ae.ServerDate.Equal(want) || !c.LastServerDate().Equal(want) {
		t.Errorf("ServerDate %v, LastServerDate %v, want %v", ae.ServerDate, c.LastServerDate(), want)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	k := testRSAKey(t)
	elsewhere := newTestServer(t, &k.PublicKey, serveFile(t, "order_current.json"))
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	})
	c := newTestClient(t, s, k)
	_, err := c.GetOrder(context.Background(), "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69")
	if StatusOf(err) != http.StatusFound {
		t.Fatalf("want the 302 as an error, got %v", err)
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Fatalf("signed headers followed a redirect to another server (%d requests)", n)
	}
}
