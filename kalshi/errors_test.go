package kalshi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAPIErrorBodyShapes(t *testing.T) {
	cases := []struct {
		file                   string
		status                 int
		code, message, details string
	}{
		{"error_nested.json", 401, "authentication_error", "authentication_error", "rpc error: code = Unauthenticated desc = INCORRECT_API_KEY_SIGNATURE"},
		{"error_string.json", 429, "", "too many requests", ""},
		{"error_bare.json", 404, "not_found", "order not found", "no order with that id"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			e := newAPIError("GET", "/trade-api/v2/x", tc.status, http.Header{}, readFixture(t, tc.file), false, testEpoch)
			if e.Code != tc.code || e.Message != tc.message || e.Details != tc.details || e.Excerpt != "" {
				t.Errorf("got code %q message %q details %q excerpt %q", e.Code, e.Message, e.Details, e.Excerpt)
			}
			if e.Status != tc.status || StatusOf(e) != tc.status {
				t.Errorf("status %d", e.Status)
			}
		})
	}
	e := newAPIError("GET", "/trade-api/v2/portfolio/orders/x", 404, http.Header{}, readFixture(t, "error_bare.json"), false, testEpoch)
	if got, want := e.Error(), "kalshi: GET /trade-api/v2/portfolio/orders/x: 404 Not Found (not_found): order not found — no order with that id"; got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
	if !IsNotFound(e) || IsUnauthorized(e) || IsRateLimited(e) {
		t.Error("predicates")
	}
}

func TestAPIErrorHTMLPage(t *testing.T) {
	body := readFixture(t, "error_502.html")
	e := newAPIError("GET", "/p", 502, http.Header{}, body, false, testEpoch)
	if e.Code != "" || e.Message != "" {
		t.Errorf("HTML decoded as a Kalshi error: %+v", e)
	}
	// A gateway's page is reduced to the words a person would read.
	if !strings.HasPrefix(e.Excerpt, "502 Bad Gateway") || strings.Contains(e.Excerpt, "<") {
		t.Errorf("Excerpt %q", e.Excerpt)
	}
	if n := utf8.RuneCountInString(e.Excerpt); n > ExcerptRunes {
		t.Errorf("Excerpt is %d runes, over %d", n, ExcerptRunes)
	}
	if !strings.Contains(e.Error(), "502 Bad Gateway: 502 Bad Gateway") {
		t.Errorf("Error() = %q", e.Error())
	}

	e = newAPIError("GET", "/p", 502, http.Header{}, readFixture(t, "error_502_escapes.html"), false, testEpoch)
	if strings.ContainsAny(e.Excerpt, "\x1b\x07\x00\r\n") || strings.Contains(e.Excerpt, "title") {
		t.Errorf("Excerpt not sanitized: %q", e.Excerpt)
	}
	if e.Excerpt != "red text bye" {
		t.Errorf("Excerpt %q", e.Excerpt)
	}
}

func TestAPIErrorStringsAreCleaned(t *testing.T) {
	e := newAPIError("GET", "/p", 400, http.Header{}, readFixture(t, "error_escapes.json"), false, testEpoch)
	for name, s := range map[string]string{"Code": e.Code, "Message": e.Message, "Details": e.Details, "Error()": e.Error()} {
		if strings.ContainsAny(s, "\x1b\x07\n\u202e\u009b") || strings.Contains(s, "pwned") {
			t.Errorf("%s not sanitized: %q", name, s)
		}
	}
	if e.Code != "invalid_order" || e.Message != "bad order line two evil" || e.Details != "red" {
		t.Errorf("got %q / %q / %q", e.Code, e.Message, e.Details)
	}
}

func TestAPIErrorStringsAreBounded(t *testing.T) {
	long := strings.Repeat("é", 10000)
	body := `{"error":{"code":"` + long + `","message":"` + long + `","details":"` + long + `"}}`
	e := newAPIError("GET", "/p", 400, http.Header{}, []byte(body), false, testEpoch)
	for name, s := range map[string]string{"Code": e.Code, "Message": e.Message, "Details": e.Details} {
		if n := utf8.RuneCountInString(s); n > maxDetailsRunes {
			t.Errorf("%s is %d runes", name, n)
		}
	}
	if len(e.Error()) > 2000 {
		t.Errorf("Error() is %d bytes", len(e.Error()))
	}
}

func TestAPIErrorOddBodies(t *testing.T) {
	cases := map[string]struct{ code, message, excerpt string }{
		``:                                 {},
		`{}`:                               {excerpt: "{}"},
		`[1,2]`:                            {excerpt: "[1,2]"},
		`{"error":5}`:                      {excerpt: `{"error":5}`},
		`{"error":null}`:                   {excerpt: `{"error":null}`},
		`{"error":{"code":"x"}}`:           {code: "x"},
		`{"error":{"details":{"a":1}}}`:    {},
		`{"message":"plain"}`:              {message: "plain"},
		`{"error":"rate limited","x":1}`:   {message: "rate limited"},
		`{"error":{"code":"x"`:             {excerpt: `{"error":{"code":"x"`},
		"\xff\xfe{\"error\":\"bad utf8\"}": {excerpt: "\ufffd{\"error\":\"bad utf8\"}"},
	}
	for body, want := range cases {
		e := newAPIError("GET", "/p", 500, http.Header{}, []byte(body), false, testEpoch)
		if e.Code != want.code || e.Message != want.message || e.Excerpt != want.excerpt {
			t.Errorf("%q: got code %q message %q excerpt %q", body, e.Code, e.Message, e.Excerpt)
		}
	}
	e := newAPIError("GET", "/p", 500, http.Header{}, []byte(`{"error":{"details":{"a":1}}}`), false, testEpoch)
	if e.Details != `{"a":1}` {
		t.Errorf("non-string details dropped: %q", e.Details)
	}
	// A truncated body is never parsed, only excerpted.
	e = newAPIError("GET", "/p", 500, http.Header{}, []byte(`{"error":"x"}`), true, testEpoch)
	if e.Message != "" || e.Excerpt == "" {
		t.Errorf("truncated body parsed: %+v", e)
	}
	// A status net/http has no text for still prints.
	e = newAPIError("GET", "/p", 599, http.Header{}, nil, false, testEpoch)
	if e.Error() != "kalshi: GET /p: 599" {
		t.Errorf("Error() = %q", e.Error())
	}
}

// TestRetryAfter: the values themselves are read by httpsafe.RetryAfter
// (tested there); an HTTP date is measured against the server's own Date
// header when there is one, so local clock skew does not distort it.
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 24, 13, 0, 0, 0, time.UTC)
	h := http.Header{"Date": {"Mon, 24 Aug 2026 14:00:00 GMT"}, "Retry-After": {"Mon, 24 Aug 2026 14:00:10 GMT"}}
	e := newAPIError("GET", "/p", 503, h, nil, false, now)
	if e.RetryAfter != 10*time.Second {
		t.Errorf("RetryAfter = %v, want 10s against the server's Date", e.RetryAfter)
	}
	if !e.ServerDate.Equal(time.Date(2026, 8, 24, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("ServerDate = %v", e.ServerDate)
	}
}

func TestErrorBodiesOverHTTP(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, nil)
	c := newTestClient(t, s, k, noRetry)
	ctx := context.Background()
	for _, tc := range []struct {
		status int
		file   string
		check  func(*APIError) bool
	}{
		{401, "error_nested.json", func(e *APIError) bool { return e.Code == "authentication_error" }},
		{429, "error_string.json", func(e *APIError) bool { return e.Message == "too many requests" }},
		{404, "error_bare.json", func(e *APIError) bool { return e.Code == "not_found" }},
		{502, "error_502.html", func(e *APIError) bool { return strings.Contains(e.Excerpt, "502 Bad Gateway") }},
	} {
		s.setHandler(serveStatus(tc.status, string(readFixture(t, tc.file)), "Retry-After", "7"))
		_, err := c.GetOrder(ctx, "ord-1")
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != tc.status || !tc.check(ae) {
			t.Errorf("%s: %#v", tc.file, err)
			continue
		}
		if ae.RetryAfter != 7*time.Second || ae.Method != "GET" || ae.Path != "/trade-api/v2/portfolio/orders/ord-1" {
			t.Errorf("%s: %+v", tc.file, ae)
		}
	}
}

// hugeBody streams n bytes of a valid-looking JSON reply, counting what it
// managed to write before the client hung up.
func hugeBody(status, n int, withLength bool, written *int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(n))
		}
		w.WriteHeader(status)
		chunk := []byte(strings.Repeat(" ", 64<<10))
		w.Write([]byte(`{"order":{"order_id":"x"},"pad":"`))
		total := int64(0)
		for sent := 0; sent < n; sent += len(chunk) {
			m, err := w.Write(chunk)
			total += int64(m)
			if err != nil {
				break
			}
		}
		*written = total
	}
}

func TestHugeBodyIsAnErrorNotADecode(t *testing.T) {
	k := testRSAKey(t)
	const twentyMB = 20 << 20
	for _, withLength := range []bool{true, false} {
		var written int64
		s := newTestServer(t, &k.PublicKey, hugeBody(200, twentyMB, withLength, &written))
		c := newTestClient(t, s, k)
		_, err := c.GetOrder(context.Background(), "x")
		if !errors.Is(err, ErrBodyTooLarge) {
			t.Fatalf("Content-Length %v: want ErrBodyTooLarge, got %v", withLength, err)
		}
		if !strings.Contains(err.Error(), "/trade-api/v2/portfolio/orders/x") {
			t.Errorf("error does not name the request: %v", err)
		}
		s.Close() // waits for the handler, so written is final
		if written >= twentyMB {
			t.Errorf("Content-Length %v: the server wrote all %d bytes; the client should have hung up", withLength, written)
		}
	}
	// An error status with a huge body is still the APIError, excerpted.
	var written int64
	s := newTestServer(t, &k.PublicKey, hugeBody(503, twentyMB, false, &written))
	c := newTestClient(t, s, k, noRetry)
	_, err := c.GetOrder(context.Background(), "x")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 || ae.Excerpt == "" || utf8.RuneCountInString(ae.Excerpt) > ExcerptRunes {
		t.Fatalf("got %v", err)
	}
}

func TestBodyCapBoundary(t *testing.T) {
	k := testRSAKey(t)
	body := `{"queue_position_fp":"1.00"}`
	s := newTestServer(t, &k.PublicKey, serveStatus(200, body))
	exact := newTestClient(t, s, k, func(c *Config) { c.MaxBodyBytes = int64(len(body)) })
	if _, err := exact.GetQueuePosition(context.Background(), "a"); err != nil {
		t.Errorf("body of exactly the cap: %v", err)
	}
	under := newTestClient(t, s, k, func(c *Config) { c.MaxBodyBytes = int64(len(body)) - 1 })
	if _, err := under.GetQueuePosition(context.Background(), "a"); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("body one byte over the cap: %v", err)
	}
}

func TestTimeoutIsARequestError(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answer; the client must give up
	})
	c := newTestClient(t, s, k, noRetry, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	_, err := c.GetOrders(context.Background(), OrdersQuery{Cursor: "sekrit-cursor"})
	var re *RequestError
	if !errors.As(err, &re) || !re.Timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout RequestError, got %T %v", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "GET /trade-api/v2/portfolio/orders") || strings.Contains(msg, "sekrit") || strings.Contains(msg, "?") {
		t.Errorf("error should name method and path only: %q", msg)
	}
}

func TestCallerCancelIsNotATimeout(t *testing.T) {
	k := testRSAKey(t)
	started := make(chan struct{})
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	c := newTestClient(t, s, k)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.GetOrder(ctx, "x")
	var re *RequestError
	if !errors.As(err, &re) || re.Timeout || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a canceled RequestError, got %v", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("a canceled call was retried: %d requests", n)
	}
}

func TestConnectionErrorIsARequestError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	cfg := Config{BaseURL: "http://" + addr + "/trade-api/v2", KeyID: testKeyID, Key: testEdKey(t)}
	noRetry(&cfg)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrders(context.Background(), OrdersQuery{Cursor: "sekrit-cursor"})
	var re *RequestError
	if !errors.As(err, &re) || re.Timeout {
		t.Fatalf("want a RequestError, got %T %v", err, err)
	}
	if strings.Contains(err.Error(), "sekrit") || strings.Contains(err.Error(), "?cursor") {
		t.Errorf("error leaks the query: %v", err)
	}
	var ue interface{ Timeout() bool }
	if !errors.As(err, &ue) {
		t.Errorf("the net error is not reachable through Unwrap: %v", err)
	}
}

func TestReadErrorMidBody(t *testing.T) {
	k := testRSAKey(t)
	s := newTestServer(t, &k.PublicKey, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		io.WriteString(w, `{"order":`)
		// Returning with the body short makes the server close the
		// connection, which the client sees as an unexpected EOF.
	})
	c := newTestClient(t, s, k, noRetry)
	_, err := c.GetOrder(context.Background(), "x")
	var re *RequestError
	if !errors.As(err, &re) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want a RequestError wrapping unexpected EOF, got %T %v", err, err)
	}
}

func TestMalformedReplyTransportErrorIsClean(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			// Not HTTP at all: a status line full of escapes, then hang up.
			io.WriteString(conn, "\x1b]0;pwned\x07\x1b[2J"+strings.Repeat("A", 5000)+"\r\n\r\n")
			conn.Close()
		}
	}()
	cfg := Config{BaseURL: "http://" + ln.Addr().String() + "/trade-api/v2", KeyID: testKeyID, Key: testEdKey(t)}
	noRetry(&cfg)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrder(context.Background(), "x")
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("want a RequestError, got %T %v", err, err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\x07") || utf8.RuneCountInString(msg) > 400 {
		t.Errorf("transport error not cleaned and bounded (%d runes): %q", utf8.RuneCountInString(msg), msg)
	}
}
