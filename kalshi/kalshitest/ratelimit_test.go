package kalshitest

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	// 20 tokens a second with a 40-token bucket: 20 GetOrders (2 tokens
	// each) or 4 other reads drain it.
	f := newFixture(t, Options{ReadBudget: 20})
	putRestingOrder(f, "o1")
	for i := range 20 {
		if s := f.get(t, "/portfolio/orders/o1").status; s != 200 {
			t.Fatalf("request %d within the burst: %d", i, s)
		}
	}
	r := f.get(t, "/portfolio/orders/o1")
	if r.status != 429 || string(r.body) != `{"error":"too many requests"}` || r.header.Get("Retry-After") != "" {
		t.Fatalf("empty bucket: %d %s Retry-After=%q", r.status, r.body, r.header.Get("Retry-After"))
	}

	// 100 ms refills 2 tokens: one GetOrder, not a 10-token read.
	f.clk.Add(100 * time.Millisecond)
	if s := f.get(t, "/portfolio/orders?limit=1").status; s != 429 {
		t.Fatalf("10-token read with 2 tokens: %d", s)
	}
	if s := f.get(t, "/portfolio/orders/o1").status; s != 200 {
		t.Fatalf("GetOrder after refill: %d", s)
	}
	if s := f.get(t, "/portfolio/orders/o1").status; s != 429 {
		t.Fatalf("second GetOrder after a 2-token refill: %d", s)
	}

	// A long pause refills only up to the burst.
	f.clk.Add(time.Hour)
	for i := range 4 {
		if s := f.get(t, "/portfolio/fills").status; s != 200 {
			t.Fatalf("read %d after a full refill: %d", i, s)
		}
	}
	if s := f.get(t, "/portfolio/fills").status; s != 429 {
		t.Fatalf("fifth 10-token read: %d", s)
	}

	st := f.x.Stats()
	want := Stats{Requests: 29, Tokens: 20*2 + 2 + 4*10, TooManyRequests: 4}
	if st != want {
		t.Fatalf("stats = %+v, want %+v", st, want)
	}
	if got := f.x.MaxTokensPerSecond(); got != 42 {
		t.Fatalf("max tokens in a second = %d, want 42", got)
	}
	if got := f.x.MaxTokensIn(50 * time.Millisecond); got != 40 {
		t.Fatalf("max tokens in 50ms = %d, want 40", got)
	}
	for _, r := range f.x.Requests() {
		if r.Status == 429 && r.Charged {
			t.Fatalf("a refused request was charged: %+v", r)
		}
	}
}

func TestRateLimitBurstOption(t *testing.T) {
	f := newFixture(t, Options{ReadBudget: 10, Burst: 10})
	if s := f.get(t, "/portfolio/orders").status; s != 200 {
		t.Fatalf("first: %d", s)
	}
	if s := f.get(t, "/portfolio/orders").status; s != 429 {
		t.Fatalf("burst of 10 allowed a second 10-token read: %d", s)
	}
	// Unauthenticated requests are refused before the bucket is charged.
	f.clk.Add(time.Second)
	s := f.sg
	s.keyID = "nobody"
	if r := f.do(t, s, http.MethodGet, "/portfolio/orders"); r.status != 401 {
		t.Fatalf("bad key: %d", r.status)
	}
	if st := f.get(t, "/portfolio/orders").status; st != 200 {
		t.Fatalf("a 401 drained the bucket: %d", st)
	}
}

func TestNoRateLimitByDefault(t *testing.T) {
	f := newFixture(t, Options{})
	for range 50 {
		if s := f.get(t, "/portfolio/orders").status; s != 200 {
			t.Fatalf("status %d without a budget", s)
		}
	}
	if got := f.x.MaxTokensPerSecond(); got != 500 {
		t.Fatalf("max tokens in a second = %d, want 500", got)
	}
}

func TestBucketClockSteppingBack(t *testing.T) {
	b := newBucket(10, 10)
	t0 := newClock().Now()
	if !b.take(t0, 10) {
		t.Fatal("full bucket refused")
	}
	if b.take(t0.Add(-time.Hour), 1) {
		t.Fatal("a clock stepping back refilled the bucket")
	}
	if !b.take(t0.Add(100*time.Millisecond), 1) || b.take(t0.Add(100*time.Millisecond), 1) {
		t.Fatal("100ms at 10 tokens/s should refill exactly one token")
	}
}
