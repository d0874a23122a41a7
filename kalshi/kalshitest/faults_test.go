package kalshitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fakeserver"
)

func TestFaultStatusBodies(t *testing.T) {
	cases := []struct {
		status int
		body   string // exact body, or a substring for HTML
		ctype  string
	}{
		{429, `{"error":"too many requests"}`, "application/json; charset=utf-8"},
		{500, `{"error":{"code":"internal_server_error","message":"internal server error"}}`, "application/json; charset=utf-8"},
		{502, "<title>502 Bad Gateway</title>", "text/html"},
		{503, "<center>nginx</center>", "text/html"},
		{504, "504 Gateway Time-out", "text/html"},
		{403, `{"error":{"code":"forbidden","message":"forbidden"}}`, "application/json; charset=utf-8"},
	}
	for _, tc := range cases {
		f := newFixture(t, Options{})
		putRestingOrder(f, "o1")
		f.x.InjectFault(Fault{Path: "/portfolio/orders/o1", Status: tc.status})
		r := f.get(t, "/portfolio/orders/o1")
		if r.status != tc.status || r.header.Get("Content-Type") != tc.ctype {
			t.Errorf("%d: got status %d, type %q", tc.status, r.status, r.header.Get("Content-Type"))
		}
		if tc.ctype == "text/html" {
			if !bytes.Contains(r.body, []byte(tc.body)) {
				t.Errorf("%d: body %q lacks %q", tc.status, r.body, tc.body)
			}
		} else if string(r.body) != tc.body {
			t.Errorf("%d: body %s, want %s", tc.status, r.body, tc.body)
		}
		if r.header.Get("Retry-After") != "" {
			t.Errorf("%d: Retry-After set without being asked for", tc.status)
		}
	}
}

func TestFaultRetryAfterAndPathMatch(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.InjectFault(Fault{Path: "/queue_position", Status: 429, RetryAfter: 3})
	if r := f.get(t, "/portfolio/orders/o1"); r.status != http.StatusOK {
		t.Fatalf("unmatched path got %d", r.status)
	}
	r := f.get(t, "/portfolio/orders/o1/queue_position")
	if r.status != 429 || r.header.Get("Retry-After") != "3" {
		t.Fatalf("status %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
}

func TestFaultVerbatimBody(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.InjectFault(Fault{Body: []byte(`{"order":{"order_id":"o1","fill_c`), Times: 1})
	f.x.InjectFault(Fault{Status: 502, Body: []byte("<html>cloud says no</html>"), Times: 1})
	r := f.get(t, "/portfolio/orders/o1")
	if r.status != 200 || string(r.body) != `{"order":{"order_id":"o1","fill_c` {
		t.Fatalf("truncated fault: %d %s", r.status, r.body)
	}
	r = f.get(t, "/portfolio/orders/o1")
	if r.status != 502 || string(r.body) != "<html>cloud says no</html>" || r.header.Get("Content-Type") != "text/html" {
		t.Fatalf("html fault: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := f.get(t, "/portfolio/orders/o1"); r.status != 200 || !json.Valid(r.body) {
		t.Fatalf("faults outlived their Times: %d %s", r.status, r.body)
	}
}

func TestFaultTimes(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.InjectFault(Fault{Status: 500, Times: 2})
	var got []int
	for range 4 {
		got = append(got, f.get(t, "/portfolio/orders/o1").status)
	}
	if want := []int{500, 500, 200, 200}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	f.x.InjectFault(Fault{Status: 503})
	for range 3 {
		if s := f.get(t, "/portfolio/orders/o1").status; s != 503 {
			t.Fatalf("unlimited fault: %d", s)
		}
	}
	f.x.ClearFaults()
	if s := f.get(t, "/portfolio/orders/o1").status; s != 200 {
		t.Fatalf("after ClearFaults: %d", s)
	}
	if st := f.x.Stats(); st.ServerErrors != 5 || st.Requests != 8 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestFaultBodySize(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	const size = 2 << 20 // the 20 MB case is TestFaultBodySizeStreams
	f.x.InjectFault(Fault{BodySize: size, Times: 1})
	r := f.get(t, "/portfolio/orders/o1")
	if r.status != 200 || len(r.body) != size {
		t.Fatalf("status %d, %d bytes, want %d", r.status, len(r.body), size)
	}
	var v struct {
		Order struct {
			OrderID string `json:"order_id"`
		} `json:"order"`
		Padding string `json:"padding"`
	}
	if err := json.Unmarshal(r.body, &v); err != nil || v.Order.OrderID != "o1" || len(v.Padding) < size-2000 {
		t.Fatalf("padded body is not the order padded: %v", err)
	}

	// An error body can be padded too, and a non-JSON one gets spaces.
	f.x.InjectFault(Fault{Status: 502, BodySize: 4096, Times: 1})
	r = f.get(t, "/portfolio/orders/o1")
	if r.status != 502 || len(r.body) != 4096 || !strings.HasPrefix(string(r.body), "<html>") || strings.TrimRight(string(r.body), " ") == string(r.body) {
		t.Fatalf("padded HTML: %d, %d bytes", r.status, len(r.body))
	}
	// A size below the body's own is not a truncation: the body stays whole.
	f.x.InjectFault(Fault{BodySize: 10, Times: 1})
	if r = f.get(t, "/portfolio/orders/o1"); !json.Valid(r.body) {
		t.Fatalf("small BodySize broke the JSON: %s", r.body)
	}
}

// discard is a ResponseWriter that throws the body away, so the test
// measures only what the exchange allocates.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func TestFaultBodySizeStreams(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	const size = 20 << 20
	f.x.InjectFault(Fault{BodySize: size})
	req := httptest.NewRequest(http.MethodGet, "/trade-api/v2/portfolio/orders/o1", nil)
	f.sg.sign(t, req)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f.x.Handler().ServeHTTP(&discard{h: http.Header{}}, req)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 2<<20 {
		t.Fatalf("a %d-byte padded reply allocated %d bytes", size, grew)
	}
	if got := f.x.Requests(); len(got) != 1 || got[0].Status != 200 {
		t.Fatalf("requests = %+v", got)
	}
}

func TestFaultDelayStopsWhenClientGivesUp(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.InjectFault(Fault{Delay: time.Hour, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.x.BaseURL()+"/portfolio/orders/o1", nil)
	f.sg.sign(t, req)
	resp, err := f.x.Client().Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a client timeout", err)
	}
	// The handler must notice the disconnect and finish long before the
	// hour is up; the test's own deadline bounds the wait.
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := f.x.WaitRequests(wctx, 1); err != nil {
		t.Fatalf("delayed handler did not finish: %v", err)
	}
	if got := f.x.Requests()[0]; got.Status != StatusClientClosed {
		t.Fatalf("recorded status %d, want %d", got.Status, StatusClientClosed)
	}
	if r := f.get(t, "/portfolio/orders/o1"); r.status != 200 {
		t.Fatalf("after the delayed request: %d", r.status)
	}
}

func TestFaultDelayServesStateAtReplyTime(t *testing.T) {
	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.InjectFault(Fault{Delay: 20 * time.Millisecond, Times: 1})
	if r := f.get(t, "/portfolio/orders/o1"); r.status != 200 {
		t.Fatalf("short delay: %d", r.status)
	}
}

func TestCloseReleasesHeldRequests(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.InjectFault(Fault{Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, f.x.BaseURL()+"/portfolio/orders", nil)
		f.sg.sign(t, req)
		resp, err := f.x.Client().Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		errc <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.x.WaitInFlight(ctx, 1); err != nil {
		t.Fatalf("request never arrived: %v", err)
	}
	f.x.Close()
	select {
	case <-errc:
	case <-ctx.Done():
		t.Fatal("Close did not release the held request")
	}
}

func TestChaos(t *testing.T) {
	run := func(seed int64) []int {
		f := newFixture(t, Options{})
		putRestingOrder(f, "o1")
		f.x.SetChaos(Chaos{P5xx: 0.2, P429: 0.2, PGarbage: 0.2, Seed: seed})
		var got []int
		for range 40 {
			r := f.get(t, "/portfolio/orders/o1")
			status := r.status
			if status == 200 && !json.Valid(r.body) {
				status = -1 // garbage
			}
			got = append(got, status)
		}
		return got
	}
	a, b := run(7), run(7)
	if !equalInts(a, b) {
		t.Fatalf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	seen := map[int]int{}
	for _, s := range a {
		seen[s]++
	}
	if seen[200] == 0 || seen[429] == 0 || seen[-1] == 0 || seen[500]+seen[502]+seen[503] == 0 {
		t.Fatalf("40 chaotic requests gave %v; want every kind", seen)
	}

	f := newFixture(t, Options{})
	putRestingOrder(f, "o1")
	f.x.SetChaos(Chaos{P429: 1, Seed: 1})
	f.x.InjectFault(Fault{Status: 500, Times: 1}) // faults win over chaos
	if s := f.get(t, "/portfolio/orders/o1").status; s != 500 {
		t.Fatalf("fault under chaos: %d", s)
	}
	if r := f.get(t, "/portfolio/orders/o1"); r.status != 429 || string(r.body) != `{"error":"too many requests"}` {
		t.Fatalf("P429=1: %d %s", r.status, r.body)
	}
	s := f.sg
	s.keyID = "nobody"
	if r := f.do(t, s, http.MethodGet, "/portfolio/orders/o1"); r.status != 401 {
		t.Fatalf("chaos before auth: %d", r.status)
	}
	f.x.SetChaos(Chaos{})
	if s := f.get(t, "/portfolio/orders/o1").status; s != 200 {
		t.Fatalf("chaos off: %d", s)
	}
}

func TestChaosTimeoutHoldsUntilClientGivesUp(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.SetChaos(Chaos{PTimeout: 1, Seed: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.x.BaseURL()+"/portfolio/orders", nil)
	f.sg.sign(t, req)
	resp, err := f.x.Client().Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := f.x.WaitRequests(wctx, 1); err != nil {
		t.Fatal(err)
	}
	if st := f.x.Stats(); st.ClientClosed != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestChaosLatencyBounded(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.SetChaos(Chaos{MaxLatency: 30 * time.Millisecond, Seed: 9})
	var nonzero int
	for range 1000 {
		p := fakeserver.Plan(&f.x.Trouble, "/trade-api/v2/portfolio/orders")
		if p.Delay < 0 || p.Delay >= 30*time.Millisecond || p.Status != 0 || p.Hold || p.Garbage {
			t.Fatalf("plan %+v outside the chaos settings", p)
		}
		if p.Delay > 0 {
			nonzero++
		}
	}
	if nonzero < 900 {
		t.Fatalf("only %d of 1000 requests were delayed", nonzero)
	}
	// A latency-only chaos still answers normally.
	putRestingOrder(f, "o1")
	if r := f.get(t, "/portfolio/orders/o1"); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
}
