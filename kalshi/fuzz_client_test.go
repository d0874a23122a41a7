package kalshi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ordermon/kalshi"
)

// replyTransport answers every request with one fixed reply, so the fuzzer
// drives the client's whole read path (status handling, body cap,
// retries, decoding) without a network.
type replyTransport struct {
	status int
	header http.Header
	body   []byte
}

func (rt replyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: rt.status, Status: http.StatusText(rt.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rt.header.Clone(), Body: io.NopCloser(bytes.NewReader(rt.body)), ContentLength: -1, Request: req,
	}, nil
}

// FuzzClientReply sends any status, Retry-After, content type and body to
// every read the engine makes (order, queue position, market, fills) and
// checks that the client never panics, that every error is clean,
// single-line text, and that what it accepts is for the order asked about
// and has no negative count.
func FuzzClientReply(f *testing.F) {
	for _, name := range []string{"order_current.json", "order_legacy.json", "order_mixed.json", "market_current.json",
		"fills_current.json", "fills_legacy.json", "queue_position.json", "error_nested.json", "error_502.html", "error_escapes.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		status := 200
		if strings.HasPrefix(name, "error") {
			status = 502
		}
		f.Add(status, "", "application/json", b)
	}
	f.Add(429, "1", "application/json", []byte(`{"error":"too many requests"}`))
	f.Add(401, "", "application/json", []byte(`{"error":{"code":"authentication_error","message":"\u001b]0;x\u0007"}}`))
	f.Add(200, "", "text/html", []byte(`{"order":{"order_id":"ORD-1","fill_count_fp":"-1"}}`))
	f.Add(200, "", "application/json", []byte(`{"order":{"order_id":"ORD-1","ticker":"\u009b2J"},"fills":[{"order_id":"ORD-2"}]}`))
	f.Add(200, "", "application/json", []byte(`{"fills":[],"cursor":"\u0000"}`))
	f.Add(307, "", "text/html", []byte(`<a href="http://elsewhere/">moved</a>`))

	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter, ctype string, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		h := http.Header{"Content-Type": {ctype}, "Date": {"Mon, 24 Aug 2026 13:00:00 GMT"}}
		if utf8.ValidString(retryAfter) && !strings.ContainsAny(retryAfter, "\r\n\x00") {
			h.Set("Retry-After", retryAfter)
		}
		c, err := kalshi.New(kalshi.Config{
			BaseURL: "http://127.0.0.1:1/trade-api/v2", KeyID: "fuzz-key", Key: priv,
			HTTPClient: &http.Client{Transport: replyTransport{status: status, header: h, body: body}},
			Timeout:    time.Second, MaxAttempts: 2, MaxBodyBytes: 64 << 10,
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		o, err := c.GetOrder(ctx, "ORD-1")
		clean(t, "GetOrder", err)
		if err == nil {
			if o.OrderID != "ORD-1" {
				t.Fatalf("accepted an order for %q", o.OrderID)
			}
			if o.FillCount.Sign() < 0 || o.RemainingCount.Sign() < 0 || o.InitialCount.Sign() < 0 {
				t.Fatalf("accepted a negative count: %+v", o)
			}
		}
		q, err := c.GetQueuePosition(ctx, "ORD-1")
		clean(t, "GetQueuePosition", err)
		if err == nil && q.Ahead.Sign() < 0 {
			t.Fatalf("negative queue position %s", q.Ahead)
		}
		_, err = c.GetMarket(ctx, "KXT-1")
		clean(t, "GetMarket", err)
		fills, err := c.GetFills(ctx, "ORD-1")
		clean(t, "GetFills", err)
		for _, fl := range fills {
			if fl.OrderID != "" && fl.OrderID != "ORD-1" {
				t.Fatalf("accepted a fill of order %q", fl.OrderID)
			}
			if fl.Count.Sign() < 0 {
				t.Fatalf("negative fill count %s", fl.Count)
			}
		}
	})
}

// clean fails when err's text could disturb a terminal: invalid UTF-8, a
// control character (newlines included: errors are one line) or a bidi
// override.
func clean(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	s := err.Error()
	if !utf8.ValidString(s) {
		t.Fatalf("%s: error is not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("%s: error carries %U: %q", what, r, s)
		}
	}
}
