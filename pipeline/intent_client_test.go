package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"ordermon/kalshi/kalshitest"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/pipeline/pipelinetest"
)

var intentNow = time.Date(2024, 1, 15, 14, 0, 0, 0, time.UTC)

// Credentials used against the fake. They are long enough for the
// client's scrubber, and no test prints them.
const (
	intentTestAPIKey  = "ak_test_5f1c9a7e2b"
	intentWrongAPIKey = "ak_test_0000000000"
)

func intentTestToken() string { return jwtWithExp(intentNow.Add(2 * time.Hour)) }

func staticToken(tok string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return tok, nil }
}

func newIntentService(t *testing.T, opts pipelinetest.Options) *pipelinetest.Service {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return intentNow }
	}
	svc := pipelinetest.New(opts)
	t.Cleanup(svc.Close)
	return svc
}

func newIntentTestClient(t *testing.T, base string, mod func(*IntentConfig)) *IntentClient {
	t.Helper()
	// Retries do not wait: no test sleeps. Retry tests inject a recorder.
	cfg := IntentConfig{BaseURL: base, Now: func() time.Time { return intentNow }, Sleep: noWait}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewIntentClient(cfg)
	if err != nil {
		t.Fatalf("NewIntentClient: %v", err)
	}
	return c
}

// noWait is an injected IntentConfig.Sleep that returns at once.
func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// assertNoIntentSecret fails when s contains a credential, without printing it.
func assertNoIntentSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for i, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains secret #%d", what, i)
		}
	}
}

func placedTestIntent(id string) pipelinetest.IntentState {
	st := pipelinetest.NewIntent(id, "BTC-100K-2024-12")
	st.CreatedAt = intentNow.Add(-time.Minute)
	st.Status = "placed"
	st.BalanceValidatedAt = intentNow.Add(-55 * time.Second)
	st.OrderPlacedAt = intentNow.Add(-50 * time.Second)
	st.KalshiOrderID = "ORD-12345"
	st.KalshiOrderStatus = "resting"
	fc := fixed.MustParse("3")
	st.KalshiFillCount = &fc
	return st
}

func TestGetIntentServesBothShapes(t *testing.T) {
	for _, current := range []bool{false, true} {
		for _, env := range []pipelinetest.Envelope{pipelinetest.EnvelopeNone, pipelinetest.EnvelopeSuccess, pipelinetest.EnvelopeOrder} {
			svc := newIntentService(t, pipelinetest.Options{Current: current, Envelope: env, APIKey: intentTestAPIKey})
			svc.PutIntent(placedTestIntent("123"))
			c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.APIKey = intentTestAPIKey })
			in, err := c.GetIntent(context.Background(), "123")
			if err != nil {
				t.Fatalf("current=%v env=%d: %v", current, env, err)
			}
			if in.ID != "123" || in.MarketID != "BTC-100K-2024-12" || in.Side != "yes" ||
				!in.Quantity.Equal(fixed.MustParse("10")) || !in.QuoteAmount.Equal(fixed.MustParse("5.60")) ||
				!in.CreatedAt.Equal(intentNow.Add(-time.Minute)) {
				t.Errorf("current=%v env=%d: got %+v", current, env, in)
			}
			if current {
				if in.Shape != ShapeCurrent || in.Status != StatusExecuting || in.OrderType != "BUY" || in.ClientID != "client-123" || in.ChainID != 8453 {
					t.Errorf("current: shape %v status %q type %q client %q", in.Shape, in.Status, in.OrderType, in.ClientID)
				}
			} else {
				if in.Shape != ShapeLegacy || in.Status != StatusPlaced || in.KalshiOrderID != "ORD-12345" ||
					in.KalshiFillCount == nil || in.KalshiFillCount.String() != "3" || !in.PriceCents.Equal(fixed.MustParse("56")) ||
					!in.OrderPlacedAt.Equal(intentNow.Add(-50*time.Second)) || in.ChainID != 0 {
					t.Errorf("legacy: got %+v", in)
				}
			}
		}
	}
}

func TestGetIntentSendsAuthExactlyAsConfigured(t *testing.T) {
	tok := intentTestToken()
	tests := []struct {
		name          string
		token, apiKey string
	}{
		{"bearer only", tok, ""},
		{"key only", "", intentTestAPIKey},
		{"both", tok, intentTestAPIKey},
		{"neither", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := newIntentService(t, pipelinetest.Options{Token: tc.token, APIKey: tc.apiKey})
			svc.PutIntent(placedTestIntent("123"))
			c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
				if tc.token != "" {
					c.Token = staticToken(tc.token)
				}
				c.APIKey = tc.apiKey
			})
			if _, err := c.GetIntent(context.Background(), "123"); err != nil {
				t.Fatalf("GetIntent: %v", err)
			}
			reqs := svc.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Authorization != (tc.token != "") || r.Bearer != (tc.token != "") {
				t.Errorf("Authorization sent %v (Bearer %v), want %v", r.Authorization, r.Bearer, tc.token != "")
			}
			if r.APIKey != (tc.apiKey != "") {
				t.Errorf("x-api-key sent %v, want %v", r.APIKey, tc.apiKey != "")
			}
			if r.Method != http.MethodGet || r.Path != "/v1/order/123" || r.Status != http.StatusOK {
				t.Errorf("request %+v", r)
			}
		})
	}
}

func TestGetIntentWrongCredentialsGive401(t *testing.T) {
	tok := intentTestToken()
	otherTok := jwtWithExp(intentNow.Add(time.Hour))
	tests := []struct {
		name          string
		token, apiKey string
	}{
		{"wrong token", otherTok, intentTestAPIKey},
		{"wrong key", tok, intentWrongAPIKey},
		{"missing token", "", intentTestAPIKey},
		{"missing key", tok, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := newIntentService(t, pipelinetest.Options{Token: tok, APIKey: intentTestAPIKey})
			svc.PutIntent(placedTestIntent("123"))
			c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
				if tc.token != "" {
					c.Token = staticToken(tc.token)
				}
				c.APIKey = tc.apiKey
			})
			_, err := c.GetIntent(context.Background(), "123")
			if !IsIntentUnauthorized(err) || IntentStatusOf(err) != 401 {
				t.Fatalf("err = %v, want a 401", err)
			}
			var ie *IntentError
			if !errors.As(err, &ie) || ie.Message != "Unauthorized" {
				t.Errorf("message not decoded: %v", err)
			}
			assertNoIntentSecret(t, "error", err.Error(), tok, otherTok, intentTestAPIKey, intentWrongAPIKey)
		})
	}
}

func TestGetIntentRefusesExpiredToken(t *testing.T) {
	exp := time.Date(2024, 1, 15, 14, 2, 5, 0, time.UTC)
	tok := jwtWithExp(exp)
	svc := newIntentService(t, pipelinetest.Options{Token: tok})
	svc.PutIntent(placedTestIntent("123"))
	clock := kalshitest.NewClock(exp.Add(-time.Second))
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.Token = staticToken(tok); c.Now = clock.Now })

	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatalf("one second before expiry: %v", err)
	}
	clock.Add(time.Second)
	_, err := c.GetIntent(context.Background(), "123")
	var te *TokenExpiredError
	if !errors.As(err, &te) || !IsTokenExpired(err) {
		t.Fatalf("err = %v, want *TokenExpiredError", err)
	}
	if got, want := err.Error(), "intent service token expired at 14:02:05 UTC"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if n := len(svc.Requests()); n != 1 {
		t.Errorf("%d requests reached the server, want only the one before expiry", n)
	}
	if got := c.TokenExpiry(context.Background()); !got.Equal(exp) {
		t.Errorf("TokenExpiry = %v, want %v", got, exp)
	}
}

func TestGetIntentTokenSourceProblems(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	srcErr := errors.New("token_command exited with status 1")
	tests := []struct {
		name string
		src  func(context.Context) (string, error)
		is   error
	}{
		{"source error", func(context.Context) (string, error) { return "", srcErr }, srcErr},
		{"empty token", staticToken(""), nil},
		{"newline in token", staticToken("abcdef\r\nX-Evil: 1"), nil},
	}
	for _, tc := range tests {
		c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.Token = tc.src })
		_, err := c.GetIntent(context.Background(), "123")
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if tc.name == "newline in token" {
			assertNoIntentSecret(t, "error", err.Error(), "abcdef")
		}
	}
	if n := len(svc.Requests()); n != 0 {
		t.Errorf("%d requests sent with a bad token", n)
	}
	if exp := newIntentTestClient(t, svc.URL, nil).TokenExpiry(context.Background()); !exp.IsZero() {
		t.Errorf("TokenExpiry without token = %v", exp)
	}
	opaque := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.Token = staticToken("opaque-session-token") })
	if exp := opaque.TokenExpiry(context.Background()); !exp.IsZero() {
		t.Errorf("TokenExpiry of an opaque token = %v", exp)
	}
}

func TestGetIntentNotFound(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	c := newIntentTestClient(t, svc.URL, nil)
	_, err := c.GetIntent(context.Background(), "intent_missing")
	if !IsIntentNotFound(err) || IntentStatusOf(err) != 404 {
		t.Fatalf("err = %v, want 404", err)
	}
	if !strings.Contains(err.Error(), "/v1/order/intent_missing") || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("error %q should name the path and status", err)
	}
	if IsIntentNotFound(errors.New("404")) || IntentStatusOf(nil) != 0 {
		t.Error("helpers must only match *IntentError")
	}
}

func TestGetIntentErrorBodies(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		message string
		code    string
		excerpt string
	}{
		{"error string", 400, `{"error":"Invalid order id"}`, "Invalid order id", "", ""},
		{"message string", 500, `{"message":"database unavailable"}`, "database unavailable", "", ""},
		{"success false object", 403, `{"success":false,"error":{"message":"API key disabled","code":"KEY_DISABLED"}}`, "API key disabled", "KEY_DISABLED", ""},
		{"nest style", 400, `{"statusCode":400,"message":["id must be a string","id too long"],"error":"Bad Request"}`, "Bad Request: id must be a string; id too long", "", ""},
		{"errors list", 422, `{"errors":[{"message":"bad id"}]}`, "bad id", "", ""},
		{"html 502", 502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n", "", "", "502 Bad Gateway 502 Bad Gateway cloudflare"},
		{"plain text", 503, "upstream connect error or disconnect/reset before headers", "", "", "upstream connect error or disconnect/reset before headers"},
		{"escapes", 500, "{\"error\":\"boom\\u001b[2J\\u001b]0;title\\u0007 done\"}", "boom done", "", ""},
		{"empty body", 504, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := newIntentService(t, pipelinetest.Options{})
			svc.InjectFault(pipelinetest.Fault{Status: tc.status, Body: []byte(tc.body)})
			c := newIntentTestClient(t, svc.URL, nil)
			_, err := c.GetIntent(context.Background(), "123")
			var ie *IntentError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *IntentError", err)
			}
			if ie.Status != tc.status || ie.Message != tc.message || ie.Code != tc.code || ie.Excerpt != tc.excerpt {
				t.Errorf("got status %d message %q code %q excerpt %q", ie.Status, ie.Message, ie.Code, ie.Excerpt)
			}
			if strings.ContainsAny(err.Error(), "\x1b\a\r\n") {
				t.Errorf("error not clean: %q", err)
			}
		})
	}
}

func TestGetIntentLongHTMLIsBounded(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	page := "<html><body>" + strings.Repeat("<p>Something went wrong on our side.</p>", 2000) + "</body></html>"
	svc.InjectFault(pipelinetest.Fault{Status: 502, Body: []byte(page)})
	_, err := newIntentTestClient(t, svc.URL, nil).GetIntent(context.Background(), "123")
	var ie *IntentError
	if !errors.As(err, &ie) {
		t.Fatal(err)
	}
	if n := len([]rune(ie.Excerpt)); n > maxErrorExcerpt || !strings.HasSuffix(ie.Excerpt, "…") {
		t.Errorf("excerpt of %d runes: %q", n, ie.Excerpt)
	}
}

func TestGetIntentErrorsNeverEchoSecrets(t *testing.T) {
	tok := intentTestToken()
	svc := newIntentService(t, pipelinetest.Options{})
	svc.InjectFault(pipelinetest.Fault{Status: 401, Body: []byte(`{"error":"token ` + tok + ` rejected for key ` + intentTestAPIKey + `"}`), Times: 1})
	svc.InjectFault(pipelinetest.Fault{Status: 502, Body: []byte(`<html><body>Bearer ` + tok + `</body></html>`), Times: 1})
	svc.InjectFault(pipelinetest.Fault{Body: []byte(`{"id":"1","createdAt":"` + intentTestAPIKey + `"}`), Times: 1})
	// One attempt each, so each reply is seen on its own: a retry of the
	// 502 would take the next fault's reply.
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Token, c.APIKey, c.MaxAttempts = staticToken(tok), intentTestAPIKey, 1
	})
	for i := range 3 {
		_, err := c.GetIntent(context.Background(), "123")
		if err == nil {
			t.Fatalf("reply %d: want an error", i)
		}
		assertNoIntentSecret(t, "error", err.Error(), tok, intentTestAPIKey)
		if !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("reply %d: error %q should show where a secret was removed", i, err)
		}
	}
}

func TestGetIntentBodyCap(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))

	svc.InjectFault(pipelinetest.Fault{BodySize: 20 << 20, Times: 1})
	_, err := newIntentTestClient(t, svc.URL, nil).GetIntent(context.Background(), "123")
	var big *BodyTooLargeError
	if !errors.As(err, &big) || big.Limit != 1<<20 || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("20 MB body: err = %v", err)
	}

	small := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.MaxBodyBytes = 4096 })
	svc.InjectFault(pipelinetest.Fault{BodySize: 4096, Times: 1})
	if in, err := small.GetIntent(context.Background(), "123"); err != nil || in.ID != "123" {
		t.Fatalf("body of exactly the cap: %v", err)
	}
	svc.InjectFault(pipelinetest.Fault{BodySize: 4097, Times: 1})
	if _, err := small.GetIntent(context.Background(), "123"); !errors.As(err, &big) {
		t.Fatalf("one byte over the cap: err = %v", err)
	}
}

func TestGetIntentTimeout(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	svc.InjectFault(pipelinetest.Fault{Delay: time.Hour, Times: 1})
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) { c.Timeout, c.MaxAttempts = 50*time.Millisecond, 1 })
	_, err := c.GetIntent(context.Background(), "123")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no reply within 50ms") {
		t.Fatalf("err = %v, want a timeout naming the limit", err)
	}
	// The fault was used up; the next request is answered normally.
	if _, err := c.GetIntent(context.Background(), "123"); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
}

func TestGetIntentCallerCancel(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newIntentTestClient(t, svc.URL, nil).GetIntent(ctx, "123")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestGetIntentBadJSONFromServer(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.InjectFault(pipelinetest.Fault{Body: []byte(`{"id":"123","status":"placed","metadata":{"kalshiFillCount":true}}`), Times: 1})
	svc.InjectFault(pipelinetest.Fault{Body: []byte(`{"id":"123","status":`), Times: 1})
	c := newIntentTestClient(t, svc.URL, nil)
	_, err := c.GetIntent(context.Background(), "123")
	var fe *IntentFieldError
	if !errors.As(err, &fe) || fe.Field != "metadata.kalshiFillCount" || !strings.Contains(err.Error(), "/v1/order/123") {
		t.Errorf("wrong type: err = %v", err)
	}
	if _, err := c.GetIntent(context.Background(), "123"); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("truncated JSON: err = %v", err)
	}
}

func TestGetIntentValidatesIDsBeforeSending(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	c := newIntentTestClient(t, svc.URL, nil)
	for _, id := range []string{
		"", ".", "..", "a/b", "/etc/passwd", "has space", "tab\there", "new\nline", "esc\x1b[2J",
		"nul\x00", "del\x7f", "c1\u0085", "bidi\u202eevil", "nbsp\u00a0x", "\xff\xfe", strings.Repeat("a", 129),
	} {
		_, err := c.GetIntent(context.Background(), id)
		if !errors.Is(err, ErrInvalidIntentID) {
			t.Errorf("%q: err = %v, want ErrInvalidIntentID", id, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\x00\n\t\x7f") {
			t.Errorf("%q: error not clean: %q", id, err)
		}
	}
	if n := len(svc.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid IDs", n)
	}
	if err := ValidateIntentID(strings.Repeat("a", 128)); err != nil {
		t.Errorf("128 bytes must be allowed: %v", err)
	}
}

func TestGetIntentEscapesIDs(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	const id = "ord?x=1#frag%20;é"
	st := placedTestIntent(id)
	svc.PutIntent(st)
	in, err := newIntentTestClient(t, svc.URL, nil).GetIntent(context.Background(), id)
	if err != nil || in.ID != id {
		t.Fatalf("GetIntent(%q) = %q, %v", id, in.ID, err)
	}
	if got := svc.Requests()[0].Path; got != "/v1/order/ord%3Fx=1%23frag%2520%3B%C3%A9" {
		t.Errorf("path sent %q", got)
	}
}

func TestNewIntentClientValidatesBaseURL(t *testing.T) {
	ok := []string{
		"https://swap-api.flux.fun", "https://swap-api.flux.fun/", "https://api.example.com/prefix/",
		"http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:1", "http://127.9.8.7",
		"http://[::1]:8080", "HTTPS://Example.COM",
	}
	bad := []string{
		"", "   ", "swap-api.flux.fun", "http://swap-api.flux.fun", "http://10.0.0.1", "http://[::2]",
		"http://localhost.evil.com", "ftp://localhost", "https://", "https://host/?q=1", "https://host/#f",
		"https://user:hunter2secret@swap-api.flux.fun", "http://128.0.0.1", "://x",
	}
	for _, u := range ok {
		if _, err := NewIntentClient(IntentConfig{BaseURL: u}); err != nil {
			t.Errorf("%q rejected: %v", u, err)
		}
	}
	for _, u := range bad {
		_, err := NewIntentClient(IntentConfig{BaseURL: u})
		if err == nil {
			t.Errorf("%q accepted", u)
			continue
		}
		assertNoIntentSecret(t, "error", err.Error(), "hunter2secret")
	}
	if _, err := NewIntentClient(IntentConfig{BaseURL: "https://x", APIKey: "key\nX-Evil: 1"}); err == nil {
		t.Error("an API key with a newline must be rejected")
	}
	if _, err := NewIntentClient(IntentConfig{BaseURL: "https://x", Timeout: -1}); err == nil {
		t.Error("a negative timeout must be rejected")
	}
	if _, err := NewIntentClient(IntentConfig{BaseURL: "https://x", MaxAttempts: -1}); err == nil {
		t.Error("negative attempts must be rejected")
	}
}

func TestGetIntentKeepsBasePathPrefix(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{})
	svc.PutIntent(placedTestIntent("123"))
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", svc.Handler()))
	front := httptest.NewServer(mux)
	defer front.Close()
	if _, err := newIntentTestClient(t, front.URL+"/api/", nil).GetIntent(context.Background(), "123"); err != nil {
		t.Fatal(err)
	}
}

func TestGetIntentDoesNotFollowRedirects(t *testing.T) {
	svc := newIntentService(t, pipelinetest.Options{APIKey: intentTestAPIKey})
	svc.PutIntent(placedTestIntent("123"))
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, svc.URL+r.URL.Path, http.StatusFound)
	}))
	defer redirector.Close()
	c := newIntentTestClient(t, redirector.URL, func(c *IntentConfig) { c.APIKey = intentTestAPIKey })
	_, err := c.GetIntent(context.Background(), "123")
	if IntentStatusOf(err) != http.StatusFound {
		t.Fatalf("err = %v, want the 302 reported", err)
	}
	if n := len(svc.Requests()); n != 0 {
		t.Errorf("the redirect was followed: the target got %d requests", n)
	}
}

func TestConfigAndClientStringsHideSecrets(t *testing.T) {
	tok := intentTestToken()
	cfg := IntentConfig{BaseURL: "https://swap-api.flux.fun", Token: staticToken(tok), APIKey: intentTestAPIKey}
	c, err := NewIntentClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(&cfg),
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", []*IntentClient{c}),
	} {
		assertNoIntentSecret(t, "formatted value", s, tok, intentTestAPIKey)
		if !strings.Contains(s, "swap-api.flux.fun") {
			t.Errorf("%q should name the service", s)
		}
	}
}

func BenchmarkDecodeIntent(b *testing.B) {
	for _, name := range []string{"intent_legacy_completed.json", "intent_current_executing.json"} {
		body := readIntentFixture(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeIntent(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestGetIntentConnectionRefused(t *testing.T) {
	svc := pipelinetest.New(pipelinetest.Options{})
	url := svc.URL
	svc.Close()
	_, err := newIntentTestClient(t, url, nil).GetIntent(context.Background(), "123")
	if err == nil || IntentStatusOf(err) != 0 || !strings.Contains(err.Error(), "GET /v1/order/123") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), url) {
		t.Errorf("error %q repeats the whole URL; the path is enough", err)
	}
}
