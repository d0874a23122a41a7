package httpsafe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestIsLoopback(t *testing.T) {
	cases := map[string]bool{
		"localhost":                true,
		"LocalHost":                true,
		"LOCALHOST":                true,
		"localhost.":               true, // the root's dot: the same hosts entry
		"localhost..":              false,
		"127.0.0.1":                true,
		"127.4.5.6":                true,
		"127.255.255.255":          true,
		"::1":                      true,
		"0:0:0:0:0:0:0:1":          true,
		"::ffff:127.0.0.1":         true, // IPv4-mapped
		"::ffff:7f00:1":            true,
		"::ffff:10.0.0.1":          false,
		"":                         false,
		"localhost.evil.com":       false,
		"evil-localhost":           false,
		"a.localhost":              false, // may go to DNS
		"127.1":                    false, // shorthand: a resolver may treat it as a name
		"0177.0.0.1":               false,
		"128.0.0.1":                false,
		"10.0.0.1":                 false,
		"0.0.0.0":                  false,
		"::":                       false,
		"::2":                      false,
		"fe80::1":                  false,
		"[::1]":                    false, // Hostname() strips brackets; a bracketed host is not an address
		"127.0.0.1:80":             false,
		"external-api.kalshi.com":  false,
		"localhost\x00.evil.com":   false,
		"\u13de\u13aaocalhost":     false,
		"\uff4c\uff4f\uff43alhost": false,
	}
	for host, want := range cases {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	ok := []string{
		"https://swap-api.flux.fun", "https://api.example.com/prefix/", " https://x.example ",
		"http://localhost:8080", "http://LOCALHOST", "http://localhost.:1", "http://127.0.0.1:1", "http://127.9.8.7",
		"http://[::1]:8080", "http://[::ffff:127.0.0.1]:8080", "HTTPS://Example.COM",
	}
	for _, raw := range ok {
		if u, problem := CheckBaseURL(raw); problem != "" || u == nil {
			t.Errorf("%q refused: %s", raw, problem)
		}
	}
	bad := map[string]string{
		"":                                 "is empty",
		"   ":                              "is empty",
		"https://a b/%zz":                  "not a valid URL",
		"swap-api.flux.fun":                "must start with https://",
		"mailto:x@example.com":             "must start with https://",
		"https://":                         "no host",
		"/trade-api/v2":                    "must start with https://",
		"https://user:hunter2@example.com": "credentials",
		"https://host/?q=1":                "query",
		"https://host/?":                   "query",
		"https://host/#f":                  "fragment",
		"http://swap-api.flux.fun":         "must use https:// unless the host is this machine",
		"http://localhost.evil.com":        "must use https:// unless the host is this machine",
		"http://10.0.0.1":                  "must use https:// unless the host is this machine",
		"ftp://localhost":                  "must start with https://",
		"ws://localhost":                   "must start with https://",
	}
	for raw, want := range bad {
		u, problem := CheckBaseURL(raw)
		if u != nil || !strings.Contains(problem, want) {
			t.Errorf("%q: %q, want a problem containing %q", raw, problem, want)
		}
		if strings.Contains(problem, "hunter2") {
			t.Errorf("%q: the problem repeats the password", raw)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 24, 13, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                               0,
		"3":                              3 * time.Second,
		" 120 ":                          2 * time.Minute,
		"0":                              0,
		"-5":                             0,
		"soon":                           0,
		"1.5":                            0,
		"99999999999":                    MaxRetryAfter,
		"3601":                           MaxRetryAfter,
		"Mon, 24 Aug 2026 13:00:30 GMT":  30 * time.Second,
		"Mon, 24 Aug 2026 12:59:00 GMT":  0, // in the past
		"Thu, 27 Aug 2026 13:00:00 GMT":  MaxRetryAfter,
		"Monday, 24-Aug-26 13:01:00 GMT": time.Minute, // RFC 850
	}
	for v, want := range cases {
		if got := RetryAfter(v, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestReadBody(t *testing.T) {
	big := strings.Repeat("x", MaxErrorBodyBytes+10)
	cases := []struct {
		name      string
		status    int
		body      string
		length    int64 // the declared Content-Length; -1 when unknown
		limit     int64
		wantLen   int
		truncated bool
	}{
		{"fits", 200, "hello", -1, 5, 5, false},
		{"one over", 200, "hello!", -1, 5, 5, true},
		{"declared over", 200, "hello", 6, 5, 0, true},
		{"error body under the error cap", 503, "down", -1, 1 << 20, 4, false},
		{"error body cut at the error cap", 502, big, -1, 1 << 20, MaxErrorBodyBytes, true},
		{"error body over a declared length is still read", 500, "oops", 1 << 30, 2, 2, true},
	}
	for _, c := range cases {
		resp := &http.Response{StatusCode: c.status, Body: io.NopCloser(strings.NewReader(c.body)), ContentLength: c.length}
		body, truncated, err := ReadBody(resp, c.limit)
		resp.Body.Close()
		if err != nil || len(body) != c.wantLen || truncated != c.truncated {
			t.Errorf("%s: %d bytes, truncated %v, err %v; want %d bytes, truncated %v", c.name, len(body), truncated, err, c.wantLen, c.truncated)
		}
	}
}

func TestClientRefusesRedirectsAndCapsHeaders(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the redirect was followed")
	}))
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	}))
	defer redirector.Close()
	own := &http.Client{Timeout: time.Minute}
	for name, c := range map[string]*http.Client{"default": Client(nil, 4), "caller's": Client(own, 4)} {
		resp, err := c.Get(redirector.URL)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Errorf("%s: status %d, want the 302 itself", name, resp.StatusCode)
		}
	}
	if own.CheckRedirect != nil {
		t.Error("the caller's client was changed")
	}
	tr := Client(nil, 4).Transport.(*http.Transport)
	if tr.MaxResponseHeaderBytes != MaxHeaderBytes || tr.MaxIdleConnsPerHost != 4 {
		t.Errorf("transport caps headers at %d with %d idle, want %d and 4", tr.MaxResponseHeaderBytes, tr.MaxIdleConnsPerHost, MaxHeaderBytes)
	}
}

func TestTransient(t *testing.T) {
	for status, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 599: true, 400: false, 401: false, 404: false, 409: false, 200: false, 302: false} {
		if Transient(status) != want {
			t.Errorf("Transient(%d) = %v", status, !want)
		}
	}
}

func TestNoReply(t *testing.T) {
	secretURL := "https://api.example.com/v1/order/1?token=hunter2"
	refused := &url.Error{Op: "Get", URL: secretURL, Err: errors.New("connection refused")}

	live := context.Background()
	cause, timedOut := NoReply(live, live, refused)
	if timedOut || cause.Error() != "connection refused" {
		t.Errorf("refused: %v, timed out %v", cause, timedOut)
	}

	expired, cancel := context.WithDeadline(live, time.Now().Add(-time.Second))
	defer cancel()
	cause, timedOut = NoReply(live, expired, &url.Error{Op: "Get", URL: secretURL, Err: context.DeadlineExceeded})
	if !timedOut || strings.Contains(cause.Error(), "hunter2") {
		t.Errorf("own timeout: %v, timed out %v", cause, timedOut)
	}

	stop := errors.New("Ctrl+C")
	caller, cancelCaller := context.WithCancelCause(live)
	cancelCaller(stop)
	attempt, cancel2 := context.WithDeadline(caller, time.Now().Add(-time.Second))
	defer cancel2()
	cause, timedOut = NoReply(caller, attempt, refused)
	if timedOut || !errors.Is(cause, stop) {
		t.Errorf("caller ended: %v, timed out %v; want the caller's cause", cause, timedOut)
	}
}

// TestCheckURLWebSocket: the same rule with wss and its plain twin ws.
func TestCheckURLWebSocket(t *testing.T) {
	for raw, want := range map[string]string{
		"wss://external-api-ws.kalshi.com/trade-api/ws/v2": "",
		"ws://127.0.0.1:8080/trade-api/ws/v2":              "",
		"ws://example.com/trade-api/ws/v2":                 "must use wss:// unless the host is this machine",
		"https://example.com/":                             "must start with wss://",
		"wss://u:p@example.com/":                           "credentials",
	} {
		_, problem := CheckURL(raw, "wss", "ws")
		if (want == "") != (problem == "") || !strings.Contains(problem, want) {
			t.Errorf("%q: %q, want %q", raw, problem, want)
		}
	}
}
