package kalshi

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// seen is one request as the test server received it.
type seen struct {
	Method, Path, EscapedPath, RawQuery string
	Header                              http.Header
}

// testServer is a loopback HTTP server that checks every request's Kalshi
// signature independently of the client's signing code (RSA-PSS with a
// strict 32-byte salt, or Ed25519) before handing it to the test's handler.
type testServer struct {
	*httptest.Server
	t   testing.TB
	pub crypto.PublicKey

	mu      sync.Mutex
	reqs    []seen
	handler http.HandlerFunc
}

const testKeyID = "test-key-id-7f3a"

func newTestServer(t testing.TB, pub crypto.PublicKey, h http.HandlerFunc) *testServer {
	s := &testServer{t: t, pub: pub, handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *testServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone()})
	h := s.handler
	s.mu.Unlock()
	if err := verifyRequest(r, s.pub); err != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"code":"authentication_error","message":"authentication_error","details":"` + err + `"}}`))
		return
	}
	h(w, r)
}

// verifyRequest returns "" when r carries a valid signature by pub over
// timestamp + method + escaped path, or what is wrong.
func verifyRequest(r *http.Request, pub crypto.PublicKey) string {
	if r.Header.Get(HeaderAccessKey) != testKeyID {
		return "unknown key id"
	}
	ts := r.Header.Get(HeaderAccessTimestamp)
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return "bad timestamp"
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(HeaderAccessSignature))
	if err != nil {
		return "signature not base64"
	}
	msg := []byte(ts + r.Method + r.URL.EscapedPath())
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		d := sha256.Sum256(msg)
		if rsa.VerifyPSS(pub, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: 32}) != nil {
			return "INCORRECT_API_KEY_SIGNATURE"
		}
	case ed25519.PublicKey:
		if !ed25519.Verify(pub, msg, sig) {
			return "INCORRECT_API_KEY_SIGNATURE"
		}
	default:
		return "no key"
	}
	return ""
}

func (s *testServer) setHandler(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

func (s *testServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

func (s *testServer) baseURL() string { return s.URL + "/trade-api/v2" }

// fixedClock is a test clock that only moves when told to.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

var testEpoch = time.Date(2026, 8, 24, 13, 0, 0, 0, time.UTC)

// newTestClient returns a client for s signed with key, on a fixed clock,
// after applying any tweaks to its config.
func newTestClient(t testing.TB, s *testServer, key crypto.Signer, tweak ...func(*Config)) *Client {
	t.Helper()
	clk := &fixedClock{t: testEpoch}
	cfg := Config{BaseURL: s.baseURL(), KeyID: testKeyID, Key: key, Now: clk.Now}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serveFile answers with a fixture.
func serveFile(t testing.TB, name string) http.HandlerFunc {
	b := readFixture(t, name)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
}

// serveStatus answers with a status and body.
func serveStatus(status int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}
