package kalshi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ordermon/internal/backoff"
	"ordermon/internal/fakeserver"
)

// sleepRecorder is an injected Config.Sleep: it records each wait and
// returns at once, so retry tests take no wall time.
type sleepRecorder = fakeserver.Sleeps

// sequence answers the i-th request with the i-th handler, repeating the
// last one.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

func retryClient(t *testing.T, s *testServer, sl *sleepRecorder, tweak ...func(*Config)) *Client {
	return newTestClient(t, s, testRSAKey(t), append([]func(*Config){func(c *Config) { c.Sleep = sl.Sleep }}, tweak...)...)
}

const orderID = "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69"

func TestRetry500ThenSuccess(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, sequence(serveStatus(500, `{"error":{"code":"internal_error"}}`), serveFile(t, "order_current.json")))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl)
	if _, err := c.GetOrder(context.Background(), orderID); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if w := sl.Waits(); len(w) != 1 || w[0] > RetryBaseDelay {
		t.Errorf("waits %v, want one within the first backoff ceiling %v", w, RetryBaseDelay)
	}
	// The retry is signed afresh.
	r := s.requests()
	if r[0].Header.Get(HeaderAccessSignature) == r[1].Header.Get(HeaderAccessSignature) {
		t.Error("retry reused the first signature (PSS signatures are randomized, so it must be re-signed)")
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	k := testRSAKey(t)
	for _, status := range []int{400, 401, 403, 404, 409} {
		s := newTestServer(t, &k.PublicKey, serveStatus(status, `{"code":"x","message":"no"}`))
		sl := &sleepRecorder{}
		c := retryClient(t, s, sl)
		_, err := c.GetOrder(context.Background(), orderID)
		if StatusOf(err) != status {
			t.Errorf("%d: got %v", status, err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("%d: %d requests, want exactly 1", status, n)
		}
		if len(sl.Waits()) != 0 {
			t.Errorf("%d: slept before giving up", status)
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, sequence(
		serveStatus(429, `{"error":"too many requests"}`, "Retry-After", "7"),
		serveFile(t, "order_current.json")))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl)
	if _, err := c.GetOrder(context.Background(), orderID); err != nil {
		t.Fatal(err)
	}
	if w := sl.Waits(); len(w) != 1 || w[0] < 7*time.Second {
		t.Errorf("waits %v, want one of at least the 7s Retry-After", w)
	}
}

func TestLongRetryAfterEndsTheCall(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(503, `upstream down`, "Retry-After", "3600"))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl)
	_, err := c.GetOrder(context.Background(), orderID)
	var ae *APIError
	if !errors.As(err, &ae) || ae.RetryAfter != time.Hour {
		t.Fatalf("want the 503 with RetryAfter 1h, got %v", err)
	}
	if len(s.requests()) != 1 || len(sl.Waits()) != 0 {
		t.Errorf("waited out an hour-long Retry-After inside a call")
	}
}

func TestAttemptsBounded(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(503, `{"error":{"code":"unavailable","message":"try later"}}`))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl, func(c *Config) { c.MaxAttempts = 4 })
	_, err := c.GetOrder(context.Background(), orderID)
	if StatusOf(err) != 503 || !strings.Contains(err.Error(), "try later") {
		t.Fatalf("want the last 503, got %v", err)
	}
	if n := len(s.requests()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	w := sl.Waits()
	if len(w) != 3 {
		t.Fatalf("waits %v, want 3", w)
	}
	// Equal jitter: each wait is at least half its step, so after a 429 or
	// 5xx no retry comes at once, and no wait is shorter than the step
	// before (full jitter allowed 0.16 s and then 0.0 s).
	for i, d := range w {
		if step := RetryBaseDelay << i; d < step/2 || d > step {
			t.Errorf("wait %d = %v, outside equal jitter [%v, %v]", i, d, step/2, step)
		}
	}
	// The default is 3 attempts.
	s2 := newTestServer(t, &k.PublicKey, serveStatus(500, ``))
	c2 := retryClient(t, s2, &sleepRecorder{})
	c2.GetOrder(context.Background(), orderID)
	if n := len(s2.requests()); n != DefaultMaxAttempts {
		t.Errorf("default: %d requests, want %d", n, DefaultMaxAttempts)
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, sequence(
		func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		serveFile(t, "order_current.json")))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	if _, err := c.GetOrder(context.Background(), orderID); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestConnectionErrorIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sl := &sleepRecorder{}
	c, err := New(Config{BaseURL: "http://" + addr + "/trade-api/v2", KeyID: testKeyID, Key: testEdKey(t), Sleep: sl.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrder(context.Background(), orderID)
	var re *RequestError
	if !errors.As(err, &re) || !Retryable(err) {
		t.Fatalf("got %v", err)
	}
	if n := len(sl.Waits()); n != DefaultMaxAttempts-1 {
		t.Errorf("%d waits, want %d", n, DefaultMaxAttempts-1)
	}
}

func TestDecodeErrorsAreNotRetried(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(200, `{"order":{"order_id":"`+orderID+`","fill_count_fp":"NaN"}}`))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl)
	if _, err := c.GetOrder(context.Background(), orderID); err == nil {
		t.Fatal("no error")
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestNoWaitBeyondTheDeadline(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(429, `{"error":"too many requests"}`, "Retry-After", "20"))
	sl := &sleepRecorder{}
	c := retryClient(t, s, sl)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GetOrder(ctx, orderID)
	if !IsRateLimited(err) {
		t.Fatalf("want the 429, got %v", err)
	}
	if len(sl.Waits()) != 0 || len(s.requests()) != 1 {
		t.Errorf("started a 20s wait with 5s left: waits %v", sl.Waits())
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveStatus(500, ``))
	ctx, cancel := context.WithCancel(context.Background())
	c := newTestClient(t, s, k, func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			return backoff.Sleep(ctx, time.Hour) // must return as soon as ctx ends
		}
	})
	_, err := c.GetOrder(ctx, orderID)
	if StatusOf(err) != 500 || len(s.requests()) != 1 {
		t.Fatalf("got %v after %d requests", err, len(s.requests()))
	}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&APIError{Status: 429}, true},
		{&APIError{Status: 500}, true},
		{&APIError{Status: 502}, true},
		{&APIError{Status: 503}, true},
		{&APIError{Status: 400}, false},
		{&APIError{Status: 404}, false},
		{&APIError{Status: 302}, false},
		{&RequestError{Timeout: true, Err: context.DeadlineExceeded}, true},
		{&RequestError{Err: errors.New("connection refused")}, true},
		{&RequestError{Err: context.Canceled}, false},
		{&RequestError{Err: context.DeadlineExceeded}, false}, // the caller's deadline
		{&DecodeError{Object: "order"}, false},
		{ErrBodyTooLarge, false},
		{errors.New("other"), false},
	}
	for _, tc := range cases {
		if got := Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v", tc.err, got)
		}
	}
}

func TestCostsAndTiers(t *testing.T) {
	if Cost(OpGetOrder) != 2 {
		t.Error("GetOrder costs 2")
	}
	for _, op := range []string{OpGetOrderQueuePosition, OpGetMarket, OpGetFills, OpGetOrders, OpGetQueuePositions, "Anything"} {
		if Cost(op) != 10 {
			t.Errorf("%s costs %d, want 10", op, Cost(op))
		}
	}
	want := map[string]int{"basic": 200, "advanced": 300, "expert": 600, "premier": 1000, "paragon": 2000, "prime": 4000, "prestige": 10000, " Basic ": 200}
	for tier, n := range want {
		if got, err := TierBudget(tier); err != nil || got != n {
			t.Errorf("TierBudget(%q) = %d, %v; want %d", tier, got, err, n)
		}
	}
	if _, err := TierBudget("platinum"); err == nil {
		t.Error("unknown tier accepted")
	}
	l, err := NewReadLimiter("basic")
	if err != nil || l.Limit() != 200 || l.Burst() != 400 {
		t.Errorf("basic limiter: %v %v", l, err)
	}
	l, _ = NewReadLimiter("premier")
	if l.Limit() != 1000 || l.Burst() != 1000 {
		t.Errorf("premier limiter: %v/%v", l.Limit(), l.Burst())
	}
}

func TestLimiterChargesCost(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/queue_position"):
			serveFile(t, "queue_position.json")(w, r)
		case strings.HasPrefix(r.URL.Path, "/trade-api/v2/markets/"):
			serveFile(t, "market_current.json")(w, r)
		default:
			serveFile(t, "order_current.json")(w, r)
		}
	})
	// Refilling one token an hour, the bucket's level shows what was taken.
	lim := rate.NewLimiter(rate.Every(time.Hour), 100)
	c := newTestClient(t, s, k, func(c *Config) { c.Limiter = lim })
	spent := func() int { return 100 - int(lim.Tokens()+0.5) }
	ctx := context.Background()
	if _, err := c.GetOrder(ctx, orderID); err != nil {
		t.Fatal(err)
	}
	if got := spent(); got != 2 {
		t.Errorf("GetOrder took %d tokens, want 2", got)
	}
	if _, err := c.GetQueuePosition(ctx, orderID); err != nil {
		t.Fatal(err)
	}
	if got := spent(); got != 12 {
		t.Errorf("after GetQueuePosition %d tokens spent, want 12", got)
	}
	if _, err := c.GetMarket(ctx, "KXHIGHNY-26AUG24-B85.5"); err != nil {
		t.Fatal(err)
	}
	if got := spent(); got != 22 {
		t.Errorf("after GetMarket %d tokens spent, want 22", got)
	}
	// A retry is a second request and pays again.
	s.setHandler(sequence(serveStatus(500, ``), serveFile(t, "order_current.json")))
	c2 := newTestClient(t, s, k, func(c *Config) { c.Limiter = lim; c.Sleep = (&sleepRecorder{}).Sleep })
	if _, err := c2.GetOrder(ctx, orderID); err != nil {
		t.Fatal(err)
	}
	if got := spent(); got != 26 {
		t.Errorf("after a retried GetOrder %d tokens spent, want 26", got)
	}
}

func TestLimiterWaitBoundedByContext(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, serveFile(t, "order_current.json"))
	lim := rate.NewLimiter(rate.Every(time.Hour), 10)
	lim.AllowN(time.Now(), 10) // empty it
	c := newTestClient(t, s, k, func(c *Config) { c.Limiter = lim })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.GetOrder(ctx, orderID)
	if err == nil || !strings.Contains(err.Error(), "read tokens") || Retryable(err) {
		t.Fatalf("got %v", err)
	}
	if len(s.requests()) != 0 {
		t.Error("sent a request without tokens")
	}
	// A limiter whose bucket cannot hold one read is a config error.
	if _, err := New(Config{BaseURL: ProdBaseURL, KeyID: "k", Key: k, Limiter: rate.NewLimiter(1, 5)}); err == nil {
		t.Error("burst 5 accepted")
	}
}

func TestLoggerOneLinePerAttemptNoSecrets(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, sequence(serveStatus(502, `<html>bad gateway</html>`), serveStatus(200, `{"orders":[],"cursor":""}`)))
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, s, k, func(c *Config) { c.Logger = logger; c.Sleep = (&sleepRecorder{}).Sleep })
	if _, err := c.GetOrders(context.Background(), OrdersQuery{Cursor: "sekrit-cursor"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want one per attempt:\n%s", len(lines), buf.String())
	}
	for i, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["level"] != "DEBUG" || rec["method"] != "GET" || rec["path"] != "/trade-api/v2/portfolio/orders" ||
			rec["op"] != OpGetOrders || rec["attempt"] != float64(i+1) || rec["cost"] != float64(10) {
			t.Errorf("line %d: %v", i, rec)
		}
		if _, ok := rec["duration"]; !ok {
			t.Errorf("line %d has no duration", i)
		}
	}
	if !strings.Contains(lines[0], `"status":502`) || !strings.Contains(lines[1], `"status":200`) {
		t.Errorf("statuses not logged:\n%s", buf.String())
	}
	sig := s.requests()[0].Header.Get(HeaderAccessSignature)
	for _, secret := range []string{"sekrit", testKeyID, sig[:16], HeaderAccessSignature, HeaderAccessKey} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}
