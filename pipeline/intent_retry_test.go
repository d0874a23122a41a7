package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ordermon/internal/backoff"
	"ordermon/internal/fakeserver"
	"ordermon/pipeline/pipelinetest"
)

// retryService is the fake with intent 123 and a client whose waits are
// recorded.
func retryService(t *testing.T, mod func(*IntentConfig)) (*pipelinetest.Service, *IntentClient, *fakeserver.Sleeps) {
	t.Helper()
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	w := &fakeserver.Sleeps{}
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Sleep = w.Sleep
		if mod != nil {
			mod(c)
		}
	})
	return svc, c, w
}

// TestIntent503ThenSuccess: README says 5xx replies are retried; one 503
// used to end the read (and --once with exit 3).
func TestIntent503ThenSuccess(t *testing.T) {
	svc, c, w := retryService(t, nil)
	svc.InjectFault(pipelinetest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	in, err := c.GetIntent(context.Background(), "123")
	if err != nil || in.ID != "123" {
		t.Fatalf("got %+v, %v", in, err)
	}
	if n := len(svc.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	got := w.Waits()
	if step := backoff.ClientBase; len(got) != 1 || got[0] < step/2 || got[0] > step {
		t.Errorf("waits %v, want one within [%v, %v]", got, step/2, step)
	}
}

func TestIntent429WaitsForRetryAfter(t *testing.T) {
	svc, c, w := retryService(t, nil)
	svc.InjectFault(pipelinetest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7, Times: 1})
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatal(err)
	}
	if got := w.Waits(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("waits %v, want the 7s Retry-After", got)
	}
}

// TestIntentRetriesAreBounded: a service that keeps failing gets three
// tries, each wait at least half its step, and the last error.
func TestIntentRetriesAreBounded(t *testing.T) {
	svc, c, w := retryService(t, nil)
	svc.InjectFault(pipelinetest.Fault{Status: http.StatusBadGateway})
	_, err := c.GetIntent(context.Background(), "123")
	if IntentStatusOf(err) != http.StatusBadGateway {
		t.Fatalf("want the 502, got %v", err)
	}
	if n := len(svc.Requests()); n != backoff.ClientAttempts {
		t.Errorf("%d requests, want %d", n, backoff.ClientAttempts)
	}
	got := w.Waits()
	if len(got) != backoff.ClientAttempts-1 {
		t.Fatalf("waits %v", got)
	}
	for i, d := range got {
		if step := backoff.ClientBase << i; d < step/2 || d > step {
			t.Errorf("wait %d = %v, outside [%v, %v]", i+1, d, step/2, step)
		}
	}
}

func TestIntentClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409} {
		svc, c, w := retryService(t, nil)
		if status == http.StatusNotFound {
			svc.RemoveIntent("123")
		} else {
			svc.InjectFault(pipelinetest.Fault{Status: status})
		}
		_, err := c.GetIntent(context.Background(), "123")
		if IntentStatusOf(err) != status {
			t.Errorf("%d: got %v", status, err)
		}
		if n := len(svc.Requests()); n != 1 || len(w.Waits()) != 0 {
			t.Errorf("%d: %d requests and waits %v, want one request and no wait", status, n, w.Waits())
		}
	}
}

// TestIntentRetryNeverOutlastsTheDeadline: a wait longer than what is left
// of the caller's deadline is not started, and a Retry-After over the
// in-call limit ends the call; either way the error keeps the Retry-After
// for the caller's own backoff.
func TestIntentRetryNeverOutlastsTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter int
		deadline   time.Duration
	}{
		{"wait past the deadline", 20, 5 * time.Second},
		{"Retry-After over the in-call limit", 3600, time.Hour},
	} {
		svc, c, w := retryService(t, nil)
		svc.InjectFault(pipelinetest.Fault{Status: http.StatusTooManyRequests, RetryAfter: tc.retryAfter})
		ctx, cancel := context.WithTimeout(context.Background(), tc.deadline)
		_, err := c.GetIntent(ctx, "123")
		cancel()
		var ie *IntentError
		if !errors.As(err, &ie) || ie.Status != 429 || ie.RetryAfter != time.Duration(tc.retryAfter)*time.Second {
			t.Errorf("%s: got %v", tc.name, err)
		}
		if n := len(svc.Requests()); n != 1 || len(w.Waits()) != 0 {
			t.Errorf("%s: %d requests, waits %v; want one request and no wait", tc.name, n, w.Waits())
		}
	}
}

func TestIntentTimeoutIsRetried(t *testing.T) {
	svc, c, w := retryService(t, func(c *IntentConfig) { c.Timeout = 50 * time.Millisecond })
	svc.InjectFault(pipelinetest.Fault{Delay: time.Hour, Times: 1})
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatal(err)
	}
	if len(w.Waits()) != 1 {
		t.Errorf("waits %v, want one", w.Waits())
	}
}

// TestIntentResetIsRetried: a connection reset before any reply is a
// transient failure like a 5xx.
func TestIntentResetIsRetried(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	var n atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0) // close with RST
				conn.Close()
			}
			return
		}
		svc.Handler().ServeHTTP(w, r)
	}))
	defer front.Close()
	w := &fakeserver.Sleeps{}
	c := newIntentTestClient(t, front.URL, func(c *IntentConfig) { c.Sleep = w.Sleep })
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(w.Waits()) != 1 {
		t.Errorf("%d requests, waits %v; want 2 and one wait", n.Load(), w.Waits())
	}
}

// TestIntentTokenFetchedOncePerRead: retries reuse the token, so a slow
// or failing token command is not run again for each attempt.
func TestIntentTokenFetchedOncePerRead(t *testing.T) {
	tok := intentTestToken()
	var calls atomic.Int32
	svc, c, _ := retryService(t, func(c *IntentConfig) {
		c.Token = func(context.Context) (string, error) { calls.Add(1); return tok, nil }
	})
	svc.InjectFault(pipelinetest.Fault{Status: 500, Times: 2})
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || len(svc.Requests()) != 3 {
		t.Errorf("%d token calls for %d requests, want 1 for 3", calls.Load(), len(svc.Requests()))
	}
}

// TestIntentRetriedErrorsHoldNoSecret: the error after every retry is
// spent is scrubbed like any other.
func TestIntentRetriedErrorsHoldNoSecret(t *testing.T) {
	tok := intentTestToken()
	svc, c, _ := retryService(t, func(c *IntentConfig) { c.Token, c.APIKey = staticToken(tok), intentTestAPIKey })
	svc.InjectFault(pipelinetest.Fault{Status: 503, Body: []byte(`{"error":"upstream saw ` + tok + ` and ` + intentTestAPIKey + `"}`)})
	_, err := c.GetIntent(context.Background(), "123")
	if IntentStatusOf(err) != 503 || len(svc.Requests()) != backoff.ClientAttempts {
		t.Fatalf("got %v after %d requests", err, len(svc.Requests()))
	}
	assertNoIntentSecret(t, "error", err.Error(), tok, intentTestAPIKey)
}

// TestIntentLargeErrorBodyKeepsItsStatus: a 503 with a body over the cap
// is still a 503 (and so retried), with an excerpt of its start, rather
// than a body-size error that hides the status.
func TestIntentLargeErrorBodyKeepsItsStatus(t *testing.T) {
	svc, c, _ := retryService(t, func(c *IntentConfig) { c.MaxBodyBytes = 4096 })
	svc.InjectFault(pipelinetest.Fault{Status: 503, BodySize: 2 << 20, Times: 1})
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatalf("the large 503 was not retried: %v", err)
	}
	svc.InjectFault(pipelinetest.Fault{Status: 503, BodySize: 2 << 20})
	_, err := c.GetIntent(context.Background(), "123")
	var ie *IntentError
	if !errors.As(err, &ie) || ie.Status != 503 || ie.Excerpt == "" {
		t.Fatalf("got %v", err)
	}
}

// hostileHeaders starts a server that answers every request with 200 and
// about 1 MB of headers.
func hostileHeaders(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "X-Pad-%d: %s\r\n", i, strings.Repeat("x", 1000))
	}
	b.WriteString("Content-Length: 2\r\n\r\n{}")
	reply := []byte(b.String())
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					_, _ = conn.Write(reply) // fails once the client hangs up
				}
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// TestIntentHeadersCapped: 1 MB of reply headers ends the read with a clear
// error after at most 64 KiB of each reply (net/http's default would read
// 10 MB), so a hostile server cannot make every poll expensive.
func TestIntentHeadersCapped(t *testing.T) {
	url := hostileHeaders(t)
	c := newIntentTestClient(t, url, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.GetIntent(context.Background(), "123")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "headers exceeded") || !strings.Contains(err.Error(), "GET /v1/order/123") {
		t.Fatalf("err = %v, want a clear error about the headers", err)
	}
	if strings.Contains(err.Error(), url) {
		t.Errorf("error %q repeats the URL", err)
	}
	// Three attempts, each allowed 64 KiB of headers: far below the 1 MB
	// sent to each.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("reading the headers allocated %d KiB", alloc>>10)
	}
}
