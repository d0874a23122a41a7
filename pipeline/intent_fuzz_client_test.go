package pipeline

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ordermon/internal/httpsafe"
)

// intentReply answers every request with one fixed reply, so the fuzzer
// drives GetIntent's whole path (status, body cap, decoding, the ID and
// status checks, error building) without a network.
type intentReply struct {
	status int
	header http.Header
	body   []byte
}

func (r intentReply) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: r.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: r.header.Clone(), Body: io.NopCloser(bytes.NewReader(r.body)), ContentLength: -1, Request: req,
	}, nil
}

// FuzzGetIntent sends any status, Retry-After and body to GetIntent and
// checks that it never panics, that its error is clean, single-line and
// never repeats the token or API key (even when the body echoes them),
// and that an accepted intent is the one asked for, has a status and no
// negative count.
func FuzzGetIntent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "intent_*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(200, "", b)
		}
	}
	f.Add(200, "", []byte(`{"id":"42","status":"placed","metadata":{"kalshiFillCount":"-1"}}`))
	f.Add(200, "", []byte(`{"id":"41","status":"placed"}`))
	f.Add(200, "", []byte(`{"id":"42","status":null}`))
	f.Add(401, "", []byte(`{"error":"bad token BEARER_TOKEN_FUZZ_0123456789"}`))
	f.Add(429, "7", []byte(`{"error":"Too many requests"}`))
	f.Add(502, "", []byte("<html><title>502</title><script>\x1b]0;x\x07</script>ak_fuzz_secret_key</html>"))
	f.Add(200, "", []byte(`{"success":false,"error":{"message":"\u001b[2J","code":7}}`))

	const token, apiKey = "BEARER_TOKEN_FUZZ_0123456789", "ak_fuzz_secret_key"
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		h := http.Header{"Content-Type": {"application/json"}}
		if utf8.ValidString(retryAfter) && !strings.ContainsAny(retryAfter, "\r\n\x00") {
			h.Set("Retry-After", retryAfter)
		}
		c, err := NewIntentClient(IntentConfig{
			BaseURL: "http://127.0.0.1:1", APIKey: apiKey, MaxBodyBytes: 64 << 10,
			HTTPClient: &http.Client{Transport: intentReply{status: status, header: h, body: body}},
			Token:      func(context.Context) (string, error) { return token, nil },
			Now:        func() time.Time { return intentNow },
			Sleep:      noWait,
		})
		if err != nil {
			t.Fatal(err)
		}
		in, err := c.GetIntent(context.Background(), "42")
		if err != nil {
			s := err.Error()
			if strings.Contains(s, token) || strings.Contains(s, apiKey) {
				t.Fatalf("error repeats a credential")
			}
			if !utf8.ValidString(s) {
				t.Fatalf("error is not valid UTF-8: %q", s)
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("error carries %U: %q", r, s)
				}
			}
			if ie, ok := err.(*IntentError); ok && (ie.RetryAfter < 0 || ie.RetryAfter > httpsafe.MaxRetryAfter) {
				t.Fatalf("RetryAfter %v", ie.RetryAfter)
			}
			return
		}
		if in.Status == "" || (in.ID != "" && !strings.EqualFold(in.ID, "42")) {
			t.Fatalf("accepted intent %q with status %q", in.ID, in.Status)
		}
		if in.Quantity.Sign() < 0 || in.QuoteAmount.Sign() < 0 || in.PriceCents.Sign() < 0 ||
			(in.KalshiFillCount != nil && in.KalshiFillCount.Sign() < 0) {
			t.Fatalf("accepted a negative amount: %+v", in)
		}
	})
}
