package kalshitest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"ordermon/internal/fixed"
)

// The tests sign requests with their own small signer rather than
// ordermon/kalshi's, so the fake is checked against Kalshi's documented
// rules and not against the client it is meant to test.

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
	rsaKey2 *rsa.PrivateKey
)

// testRSAKeys returns two 2048-bit keys, generated once per test binary
// because generation is slow under the race detector.
func testRSAKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey, rsaKey2
}

func newClock() *Clock {
	return NewClock(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC))
}

// signer signs requests the way Kalshi documents: base64 of an RSA-PSS
// (SHA-256, 32-byte salt) or Ed25519 signature over timestamp_ms + METHOD +
// path, without the query.
type signer struct {
	keyID string
	key   crypto.Signer
	now   func() time.Time
	// saltAuto signs RSA with Go's PSSSaltLengthAuto, which Kalshi rejects.
	saltAuto bool
	// withQuery signs the path with its query string, a common mistake.
	withQuery bool
	// tsShift moves the timestamp away from the clock.
	tsShift time.Duration
	// omit drops one of the three headers.
	omit string
}

func (s signer) sign(t testing.TB, req *http.Request) {
	t.Helper()
	ts := strconv.FormatInt(s.now().Add(s.tsShift).UnixMilli(), 10)
	path := req.URL.EscapedPath()
	if s.withQuery && req.URL.RawQuery != "" {
		path += "?" + req.URL.RawQuery
	}
	msg := []byte(ts + req.Method + path)
	var sig []byte
	var err error
	switch k := s.key.(type) {
	case *rsa.PrivateKey:
		salt := rsa.PSSSaltLengthEqualsHash
		if s.saltAuto {
			salt = rsa.PSSSaltLengthAuto
		}
		d := sha256.Sum256(msg)
		sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: salt, Hash: crypto.SHA256})
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, msg)
	default:
		t.Fatalf("unsupported key %T", s.key)
	}
	if err != nil {
		t.Fatal(err)
	}
	set := func(name, v string) {
		if s.omit != name {
			req.Header.Set(name, v)
		}
	}
	set("KALSHI-ACCESS-KEY", s.keyID)
	set("KALSHI-ACCESS-TIMESTAMP", ts)
	set("KALSHI-ACCESS-SIGNATURE", base64.StdEncoding.EncodeToString(sig))
}

// fixture is an exchange with one registered RSA key and a test clock.
type fixture struct {
	x   *Exchange
	clk *Clock
	sg  signer
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	k, _ := testRSAKeys(t)
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	x := New(opts)
	t.Cleanup(x.Close)
	x.AddKey("key-rsa", &k.PublicKey)
	return &fixture{x: x, clk: clk, sg: signer{keyID: "key-rsa", key: k, now: clk.Now}}
}

// response is a reply read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends a signed GET for pathQuery (relative to the API root).
func (f *fixture) get(t *testing.T, pathQuery string) response {
	t.Helper()
	return f.do(t, f.sg, http.MethodGet, pathQuery)
}

func (f *fixture) do(t *testing.T, s signer, method, pathQuery string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, f.x.BaseURL()+pathQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.sign(t, req)
	resp, err := f.x.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, body}
}

// object decodes a JSON object body, keeping numbers as json.Number so
// integer fields can be told from strings and floats.
func object(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %.200s", err, b)
	}
	return m
}

func sub(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%q is %T, want an object", key, m[key])
	}
	return v
}

func list(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is %T, want an array", key, m[key])
	}
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		if out[i], ok = v.(map[string]any); !ok {
			t.Fatalf("%q[%d] is %T, want an object", key, i, v)
		}
	}
	return out
}

// wantFields checks that every named field is present with the given
// value: a string means a JSON string equal to it, nil means JSON null,
// a bool means that bool, and an int means a JSON integer.
func wantFields(t *testing.T, what string, m map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("%s: field %q missing", what, k)
			continue
		}
		switch w := w.(type) {
		case nil:
			if got != nil {
				t.Errorf("%s: %q = %#v, want null", what, k, got)
			}
		case int:
			n, ok := got.(json.Number)
			if !ok || n.String() != strconv.Itoa(w) {
				t.Errorf("%s: %q = %#v, want integer %d", what, k, got, w)
			}
		default:
			if got != w {
				t.Errorf("%s: %q = %#v (%T), want %#v (%T)", what, k, got, got, w, w)
			}
		}
	}
}

func wantAbsent(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; ok {
			t.Errorf("%s: field %q present, want absent", what, k)
		}
	}
}

// wantError checks a Kalshi error envelope.
func wantError(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %.300s", r.status, status, r.body)
	}
	e := sub(t, object(t, r.body), "error")
	if e["code"] != code {
		t.Fatalf("error code = %v, want %q", e["code"], code)
	}
	if s, _ := e["message"].(string); s == "" {
		t.Errorf("error message empty: %s", r.body)
	}
	return e
}

func d(s string) fixed.Decimal { return fixed.MustParse(s) }
