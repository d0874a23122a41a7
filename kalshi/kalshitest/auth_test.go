package kalshitest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"
)

func putRestingOrder(f *fixture, id string) {
	f.x.PutOrder(OrderState{
		OrderID: id, Ticker: "KXHIGHNY-26SEP01-B75.5", OutcomeSide: "yes",
		YesPrice: d("0.56"), InitialCount: d("10"), CreatedTime: f.clk.Now(),
	})
}

func TestAuthRSAPSSSalt32Accepted(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	r := f.get(t, "/portfolio/orders/o1")
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	reqs := f.x.Requests()
	if len(reqs) != 1 || reqs[0].KeyID != "key-rsa" || reqs[0].Status != 200 || reqs[0].Cost != 2 {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestAuthSaltAutoRejected(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	s := f.sg
	s.saltAuto = true
	e := wantError(t, f.do(t, s, http.MethodGet, "/portfolio/orders/o1"), http.StatusUnauthorized, "authentication_error")
	if e["details"] != "bad signature" {
		t.Errorf("details = %v", e["details"])
	}
}

func TestAuthEd25519Accepted(t *testing.T) {
	f := newFixture(t, Options{})
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f.x.AddKey("key-ed", pub)
	putRestingOrder(f, "o1")
	s := signer{keyID: "key-ed", key: priv, now: f.clk.Now}
	if r := f.do(t, s, http.MethodGet, "/portfolio/orders/o1"); r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	// The Ed25519 key must not verify RSA signatures, nor the reverse.
	s.keyID = "key-rsa"
	wantError(t, f.do(t, s, http.MethodGet, "/portfolio/orders/o1"), http.StatusUnauthorized, "authentication_error")
}

func TestAuthFailures(t *testing.T) {
	_, other := testRSAKeys(t)
	cases := []struct {
		name    string
		mod     func(s *signer)
		details string
	}{
		{"wrong private key", func(s *signer) { s.key = other }, "bad signature"},
		{"unknown key id", func(s *signer) { s.keyID = "nobody" }, "unknown API key"},
		{"missing key header", func(s *signer) { s.omit = "KALSHI-ACCESS-KEY" }, "missing KALSHI-ACCESS-KEY header"},
		{"missing timestamp header", func(s *signer) { s.omit = "KALSHI-ACCESS-TIMESTAMP" }, "missing KALSHI-ACCESS-TIMESTAMP header"},
		{"missing signature header", func(s *signer) { s.omit = "KALSHI-ACCESS-SIGNATURE" }, "missing KALSHI-ACCESS-SIGNATURE header"},
		{"timestamp too old", func(s *signer) { s.tsShift = -31 * time.Second }, "timestamp outside the allowed window"},
		{"timestamp in the future", func(s *signer) { s.tsShift = 31 * time.Second }, "timestamp outside the allowed window"},
		{"query signed", func(s *signer) { s.withQuery = true }, "bad signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{})
			putRestingOrder(f, "o1")
			f.x.InjectFault(Fault{Status: 500}) // faults must not hide auth failures
			s := f.sg
			tc.mod(&s)
			e := wantError(t, f.do(t, s, http.MethodGet, "/portfolio/orders?limit=5"), http.StatusUnauthorized, "authentication_error")
			if e["details"] != tc.details {
				t.Errorf("details = %v, want %q", e["details"], tc.details)
			}
			st := f.x.Stats()
			if st.Unauthorized != 1 || st.Tokens != 0 {
				t.Errorf("stats = %+v, want one uncharged 401", st)
			}
		})
	}
}

func TestAuthWindowEdges(t *testing.T) {
	f := newFixture(t, Options{Window: 5 * time.Second})
	putRestingOrder(f, "o1")
	s := f.sg
	s.tsShift = -5 * time.Second
	if r := f.do(t, s, http.MethodGet, "/portfolio/orders/o1"); r.status != http.StatusOK {
		t.Fatalf("timestamp exactly at the window edge: status %d", r.status)
	}
	s.tsShift = -5*time.Second - time.Millisecond
	wantError(t, f.do(t, s, http.MethodGet, "/portfolio/orders/o1"), http.StatusUnauthorized, "authentication_error")
}

func TestAuthTimestampInSecondsRejected(t *testing.T) {
	f := newFixture(t, Options{})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, f.x.BaseURL()+"/portfolio/orders", nil)
	f.sg.sign(t, req)
	ms := req.Header.Get("KALSHI-ACCESS-TIMESTAMP")
	req.Header.Set("KALSHI-ACCESS-TIMESTAMP", ms[:len(ms)-3]) // seconds, a documented mistake
	resp, err := f.x.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", resp.StatusCode)
	}
}

func TestAuthQueryNotSigned(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	r := f.get(t, "/portfolio/orders?limit=5&status=resting")
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	if got := len(list(t, object(t, r.body), "orders")); got != 1 {
		t.Fatalf("orders = %d, want 1", got)
	}
	rec := f.x.Requests()[0]
	if rec.Path != "/trade-api/v2/portfolio/orders" || rec.Query != "limit=5&status=resting" || rec.Cost != 10 {
		t.Fatalf("recorded %+v", rec)
	}
}

func TestAuthEscapedPathSigned(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "odd id/1")
	r := f.get(t, "/portfolio/orders/odd%20id%2F1")
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	if got := sub(t, object(t, r.body), "order")["order_id"]; got != "odd id/1" {
		t.Fatalf("order_id = %v", got)
	}
}

func TestRemoveKeyRevokes(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.RemoveKey("key-rsa")
	e := wantError(t, f.get(t, "/portfolio/orders"), http.StatusUnauthorized, "authentication_error")
	if e["details"] != "unknown API key" {
		t.Fatalf("details = %v", e["details"])
	}
}

func TestDateHeaderFromClock(t *testing.T) {
	f := newFixture(t, Options{})
	f.clk.Add(90 * time.Minute)
	for _, s := range []signer{f.sg, {keyID: "nobody", key: f.sg.key, now: f.clk.Now}} {
		r := f.do(t, s, http.MethodGet, "/portfolio/orders")
		got, err := http.ParseTime(r.header.Get("Date"))
		if err != nil || !got.Equal(f.clk.Now()) {
			t.Fatalf("Date = %q (status %d), want %v", r.header.Get("Date"), r.status, f.clk.Now())
		}
	}
}

func TestAddKeyRejectsUnsupportedType(t *testing.T) {
	f := newFixture(t, Options{})
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "unsupported public key type") {
			t.Fatalf("recover = %v", p)
		}
	}()
	f.x.AddKey("k", "not a key")
}
