package engine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/internal/report"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline"
	"ordermon/pipeline/pipelinetest"
)

// The hostile table runs every reply a broken or malicious server could
// send through the whole stack: the fakes (or a raw handler in front of
// them), the real clients over loopback HTTP, the engine, and the renderers.
// Each case must end in a clear error or a correct display, quickly, with no
// escape sequence anywhere a person could see it, and must recover once the
// server behaves again.

// hostileTimeout is each client's per-request timeout in this file: short,
// so slow-drip and hold cases finish fast, yet far above a loopback reply
// even on a loaded machine under the race detector.
const hostileTimeout = 750 * time.Millisecond

// hostileAttempts is each client's MaxAttempts here. A round of a
// case that times out every attempt takes hostileAttempts×hostileTimeout
// (the orders are read in parallel and retries do not wait).
const hostileAttempts = 3

// hostileToken is the intent service's JWT: a well-formed token whose exp
// (2100-01-01) lies far past the test clock, so it is sent, and which must
// never appear in anything ordermon shows.
var hostileToken = func() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"sub":"ordermon-hostile","exp":4102444800}`)) + "." +
		enc([]byte("not-a-real-signature-but-secret"))
}()

// evil carries every kind of terminal escape: OSC title change ended by BEL
// and by ST, CSI clear screen and colour, a bare BEL, the C1 forms of CSI,
// OSC and ST, a bidi override, a NUL and a DEL.
const evil = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\a\u009b31m\u009d0;t\u009c\u202eevil\x00\x7f\x1bP+q\x1b\\"

// hostile answers a request in place of the server behind a front. genuine
// runs the real fake into a recorder, so the request is still
// authenticated, charged and recorded, and a hostile reply can be a
// corrupted copy of the real one.
type hostile func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder)

// front is a loopback server in front of a fake: it passes requests
// through, or hands them to a hostile handler while one is set.
type front struct {
	srv   *httptest.Server
	inner http.Handler
	h     atomic.Pointer[hostile]
}

func newFront(t *testing.T, inner http.Handler) *front {
	f := &front{inner: inner}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := f.h.Load(); h != nil {
			(*h)(w, r, func() *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				f.inner.ServeHTTP(rec, r)
				return rec
			})
			return
		}
		f.inner.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *front) set(h hostile) {
	if h == nil {
		f.h.Store(nil)
		return
	}
	f.h.Store(&h)
}

// hworld is both fakes behind fronts, the two clients and an engine,
// watching an intent (intent:1, placed as Kalshi order K1 on KXT-1) and a
// Kalshi-only order (kalshi:K2 on KXT-2, partly filled).
type hworld struct {
	clock       *kalshitest.Clock
	skew        atomic.Int64 // added to the exchange's clock, in ns
	x           *kalshitest.Exchange
	svc         *pipelinetest.Service
	kalshiFront *front
	intentFront *front
	eng         *engine.Engine
	pub         ed25519.PublicKey
	mark        int          // a request count a case may compare against
	sleeps      atomic.Int64 // retry waits the clients asked for
	transports  []*http.Transport
}

var (
	targetIntent = engine.Target{Kind: engine.KindIntent, ID: "1"}
	targetKalshi = engine.Target{Kind: engine.KindKalshi, ID: "K2"}
)

func newHostileWorld(t *testing.T) *hworld {
	t.Helper()
	w := &hworld{clock: kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.x = kalshitest.New(kalshitest.Options{Now: func() time.Time {
		return w.clock.Now().Add(time.Duration(w.skew.Load()))
	}})
	t.Cleanup(w.x.Close)
	w.pub = pub
	w.x.AddKey("hostile-key", pub)
	w.svc = pipelinetest.New(pipelinetest.Options{Token: hostileToken, Now: w.clock.Now, Exchange: w.x})
	t.Cleanup(w.svc.Close)
	w.kalshiFront = newFront(t, w.x.Handler())
	w.intentFront = newFront(t, w.svc.Handler())

	// Both clients get transports of their own, so the test can close
	// their idle connections and see no goroutine left behind.
	kt := http.DefaultTransport.(*http.Transport).Clone()
	it := http.DefaultTransport.(*http.Transport).Clone()
	w.transports = []*http.Transport{kt, it}
	t.Cleanup(func() {
		for _, tr := range w.transports {
			tr.CloseIdleConnections()
		}
	})
	kc, err := kalshi.New(kalshi.Config{
		BaseURL: w.kalshiFront.srv.URL + "/trade-api/v2", KeyID: "hostile-key", Key: priv,
		Now: w.clock.Now, Timeout: hostileTimeout, MaxAttempts: hostileAttempts,
		HTTPClient: &http.Client{Transport: kt},
		Sleep: func(ctx context.Context, _ time.Duration) error {
			w.sleeps.Add(1)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: w.intentFront.srv.URL, Now: w.clock.Now, Timeout: hostileTimeout, MaxAttempts: hostileAttempts,
		HTTPClient: &http.Client{Transport: it},
		Token:      func(context.Context) (string, error) { return hostileToken, nil },
		Sleep: func(ctx context.Context, _ time.Duration) error {
			w.sleeps.Add(1)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.eng = engine.New(engine.Config{Kalshi: kc, Intents: ic, Now: w.clock.Now, Interval: 2 * time.Second})

	w.svc.Script("1", pipelinetest.Validate(),
		pipelinetest.Place("K1", "KXT-1", "yes", fixed.MustParse("0.56"), fixed.MustParse("10")),
		pipelinetest.SetQueue(fixed.MustParse("5")))
	for w.svc.Advance() > 0 {
		w.clock.Add(time.Second)
	}
	if err := w.svc.Err(); err != nil {
		t.Fatal(err)
	}
	w.x.PutMarket(kalshitest.MarketState{Ticker: "KXT-2", EventTicker: "KXT", Title: "Will it rain?", Status: "active",
		YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42"), CloseTime: w.clock.Now().Add(24 * time.Hour)})
	w.x.PutOrder(kalshitest.OrderState{OrderID: "K2", Ticker: "KXT-2", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.40"), InitialCount: fixed.MustParse("5"), CreatedTime: w.clock.Now(),
		QueueAhead: fixed.MustParse("7")})
	w.x.Fill("K2", fixed.MustParse("2"), fixed.MustParse("0.40"), fixed.MustParse("0.01"), false)
	w.eng.Add(targetIntent)
	w.eng.Add(targetKalshi)
	return w
}

// poll runs one round, bounded, and fails the test if it was not well
// within the bound: a hostile server must never make a round hang.
func (w *hworld) poll(t *testing.T) engine.Round {
	t.Helper()
	// limit is the slowest a round may legitimately be, every attempt
	// timing out, plus a margin for a loaded machine; bound is the
	// context that would end a hung round.
	const limit = hostileAttempts*hostileTimeout + 2*time.Second
	const bound = 4 * limit
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	start := time.Now()
	r := w.eng.Poll(ctx)
	if d := time.Since(start); d > limit {
		t.Errorf("round took %s; a hostile server must not stall it (limit %s)", d, limit)
	}
	return r
}

func snapOf(t *testing.T, r engine.Round, target engine.Target) engine.Snapshot {
	t.Helper()
	for _, s := range r.Snapshots {
		if s.Target == target {
			return s
		}
	}
	t.Fatalf("no snapshot of %v in %d", target, len(r.Snapshots))
	return engine.Snapshot{}
}

// wantErr checks that a source error names every fragment.
func wantErr(t *testing.T, what, got string, frags ...string) {
	t.Helper()
	if got == "" {
		t.Errorf("%s: no error; want one mentioning %q", what, frags)
		return
	}
	for _, f := range frags {
		if !strings.Contains(got, f) {
			t.Errorf("%s: error %q does not mention %q", what, got, f)
		}
	}
}

// --- reply surgery -------------------------------------------------------

// mutate returns a hostile handler that lets the fake answer, then
// rewrites the JSON object found under key ("order", "market", or "" for
// the whole body) with edit. Replies without that key pass through.
func mutate(key string, edit func(m map[string]json.RawMessage)) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		rec := genuine()
		body := rec.Body.Bytes()
		var top map[string]json.RawMessage
		if rec.Code == http.StatusOK && json.Unmarshal(body, &top) == nil {
			target := top
			var inner map[string]json.RawMessage
			if key != "" {
				if raw, ok := top[key]; ok && json.Unmarshal(raw, &inner) == nil {
					target = inner
				} else {
					target = nil
				}
			}
			if target != nil {
				edit(target)
				if key != "" {
					top[key], _ = json.Marshal(inner)
				}
				body, _ = json.Marshal(top)
			}
		}
		copyHeader(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
}

// rawJSON sets fields to raw JSON text.
func rawJSON(kv ...string) func(m map[string]json.RawMessage) {
	return func(m map[string]json.RawMessage) {
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = json.RawMessage(kv[i+1])
		}
	}
}

// strJSON sets fields to JSON strings of the given values.
func strJSON(v string, keys ...string) func(m map[string]json.RawMessage) {
	return func(m map[string]json.RawMessage) {
		b, _ := json.Marshal(v)
		for _, k := range keys {
			m[k] = b
		}
	}
}

// allNull sets every field to null.
func allNull(m map[string]json.RawMessage) {
	for k := range m {
		m[k] = json.RawMessage("null")
	}
}

// splice rewrites the genuine body's bytes with edit; for shapes a
// map cannot hold (duplicate keys, key order).
func splice(edit func(body []byte) []byte) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		rec := genuine()
		copyHeader(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(edit(rec.Body.Bytes()))
	}
}

// answer replies with a fixed status, headers and body after letting the
// fake check the request.
func answer(status int, body string, header ...string) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		if rec := genuine(); rec.Code == http.StatusUnauthorized {
			// A signing or token bug must not hide behind a hostile reply.
			w.WriteHeader(http.StatusTeapot)
			return
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// onPath applies h to requests whose path contains sub; others pass
// through.
func onPath(sub string, h hostile) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		if !strings.Contains(r.URL.Path, sub) {
			rec := genuine()
			copyHeader(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		h(w, r, genuine)
	}
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// drip sends the genuine reply's headers at once and then its body one
// byte every 50ms, far slower than the client's timeout allows; it stops
// when the client hangs up.
func drip(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
	rec := genuine()
	body := rec.Body.Bytes()
	copyHeader(w.Header(), rec.Header())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	rc := http.NewResponseController(w)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := range body {
		w.Write(body[i : i+1])
		if rc.Flush() != nil {
			return
		}
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}

// resetMidBody promises the genuine body, sends half of it, and resets
// the connection (RST, not FIN).
func resetMidBody(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
	rec := genuine()
	body := rec.Body.Bytes()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// gzipped sends body gzip-compressed (or, with garbage, bytes that only
// claim to be gzip).
func gzipped(body []byte, garbage bool) hostile {
	var enc bytes.Buffer
	if garbage {
		enc.WriteString("\x1f\x8b\x08\x00garbage, not deflate \x1b]0;t\x07")
	} else {
		zw := gzip.NewWriter(&enc)
		zw.Write(body)
		zw.Close()
	}
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		genuine()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		w.Write(enc.Bytes())
	}
}

// chunkedHuge streams size bytes of a JSON string with no Content-Length,
// so only the client's read cap can stop it.
func chunkedHuge(size int) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		genuine()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"order":{"order_id":"`))
		chunk := bytes.Repeat([]byte("A"), 32<<10)
		for n := 0; n < size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`"}}`))
	}
}

// nested is JSON nested n arrays deep.
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// --- the table -----------------------------------------------------------

type hostileCase struct {
	name string
	// kalshi and intent, when set, answer in place of the fakes.
	kalshi, intent hostile
	// setup injects faults or changes the fakes' state.
	setup func(w *hworld)
	// redirect, "kalshi" or "intent", answers that source's order reads
	// with a 307 to another loopback host, which counts who follows.
	redirect string
	// check judges the faulted round.
	check func(t *testing.T, w *hworld, r engine.Round)
}

// kalshiFails is the usual check of a Kalshi-side failure: both Kalshi
// orders report an error naming frags, keep the last good data, and the
// intent source is untouched.
func kalshiFails(frags ...string) func(t *testing.T, w *hworld, r engine.Round) {
	return func(t *testing.T, w *hworld, r engine.Round) {
		t.Helper()
		for _, tg := range []engine.Target{targetIntent, targetKalshi} {
			s := snapOf(t, r, tg)
			wantErr(t, tg.String()+" Kalshi", s.Sources.Kalshi.Err, frags...)
			if s.Order == nil || s.Order.Status != kalshi.StatusResting {
				t.Errorf("%v: last good Kalshi order lost: %+v", tg, s.Order)
			}
		}
		wantErr(t, "Kalshi health", r.Health.Kalshi.Err, frags...)
		if s := snapOf(t, r, targetIntent); s.Sources.Intent.Err != "" || s.Intent == nil || s.Intent.Status != pipeline.StatusPlaced {
			t.Errorf("intent side disturbed by a Kalshi fault: err %q intent %+v", s.Sources.Intent.Err, s.Intent)
		}
	}
}

// intentFails is the usual check of an intent-side failure: the intent
// reports an error naming frags and keeps its last good data.
func intentFails(frags ...string) func(t *testing.T, w *hworld, r engine.Round) {
	return func(t *testing.T, w *hworld, r engine.Round) {
		t.Helper()
		s := snapOf(t, r, targetIntent)
		wantErr(t, "intent", s.Sources.Intent.Err, frags...)
		if s.Intent == nil || s.Intent.Status != pipeline.StatusPlaced || s.Intent.KalshiOrderID != "K1" {
			t.Errorf("last good intent lost: %+v", s.Intent)
		}
		wantErr(t, "intent health", r.Health.Intent.Err, frags...)
		if k := snapOf(t, r, targetKalshi); k.Sources.Kalshi.Err != "" {
			t.Errorf("Kalshi side disturbed by an intent fault: %q", k.Sources.Kalshi.Err)
		}
	}
}

// kalshiHalted checks a rejected credential: the round that met it halts
// the source and shows the explanation (msg) on every order at once; the
// next round asks Kalshi nothing. extra judges the explanation.
func kalshiHalted(msg string, extra func(t *testing.T, msg string)) func(t *testing.T, w *hworld, r engine.Round) {
	return func(t *testing.T, w *hworld, r engine.Round) {
		t.Helper()
		if !r.Health.Kalshi.Halted {
			t.Error("a 401 did not halt Kalshi polling")
		}
		wantErr(t, "Kalshi health", r.Health.Kalshi.Err, msg)
		if extra != nil {
			extra(t, r.Health.Kalshi.Err)
		}
		for _, tg := range []engine.Target{targetIntent, targetKalshi} {
			s := snapOf(t, r, tg)
			if !s.Sources.Kalshi.Halted {
				t.Errorf("%v: halt not shown on the order in the round that met it", tg)
			}
			wantErr(t, tg.String()+" Kalshi", s.Sources.Kalshi.Err, msg)
			if s.Order == nil {
				t.Errorf("%v: last good Kalshi order lost", tg)
			}
		}
		n := len(w.x.Requests())
		w.clock.Add(time.Minute)
		next := w.poll(t)
		if m := len(w.x.Requests()); m != n {
			t.Errorf("%d Kalshi requests while halted", m-n)
		}
		for _, tg := range []engine.Target{targetIntent, targetKalshi} {
			if s := snapOf(t, next, tg); !s.Sources.Kalshi.Halted {
				t.Errorf("%v: halt no longer shown", tg)
			}
		}
		checkShown(t, next, w.clock.Now())
	}
}

// intentHalted is kalshiHalted for the intent service; frag is the
// service's status, quoted in the explanation.
func intentHalted(frag string) func(t *testing.T, w *hworld, r engine.Round) {
	return func(t *testing.T, w *hworld, r engine.Round) {
		t.Helper()
		if !r.Health.Intent.Halted {
			t.Errorf("a %s did not halt intent polling", frag)
		}
		wantErr(t, "intent health", r.Health.Intent.Err, "rejected the credentials", frag)
		s := snapOf(t, r, targetIntent)
		if s.Intent == nil {
			t.Error("last good intent lost")
		}
		if !s.Sources.Intent.Halted {
			t.Error("halt not shown on the order in the round that met it")
		}
		wantErr(t, "intent", s.Sources.Intent.Err, "rejected the credentials", frag)
		n := len(w.svc.Requests())
		w.clock.Add(time.Minute)
		next := w.poll(t)
		if m := len(w.svc.Requests()); m != n {
			t.Errorf("%d intent requests while halted", m-n)
		}
		if s := snapOf(t, next, targetIntent); !s.Sources.Intent.Halted {
			t.Error("halt no longer shown")
		}
		checkShown(t, next, w.clock.Now())
	}
}

// backingOff checks that a transient failure schedules a retry rather
// than hammering the source.
func backingOff(t *testing.T, name string, h engine.SourceStatus, rateLimited bool) {
	t.Helper()
	if h.RetryAt.IsZero() {
		t.Errorf("%s: no backoff after a transient failure", name)
	}
	if h.RateLimited != rateLimited {
		t.Errorf("%s: RateLimited %v, want %v", name, h.RateLimited, rateLimited)
	}
	if h.Halted {
		t.Errorf("%s: halted by a transient failure", name)
	}
}

func hostileCases() []hostileCase {
	orderOnly := "/portfolio/orders/K"
	var cases []hostileCase
	add := func(c hostileCase) { cases = append(cases, c) }

	// Kalshi: gateway pages, broken and oversized bodies.
	add(hostileCase{name: "kalshi html 502", setup: func(w *hworld) { w.x.InjectFault(kalshitest.Fault{Status: 502}) },
		check: func(t *testing.T, w *hworld, r engine.Round) {
			kalshiFails("502 Bad Gateway")(t, w, r)
			backingOff(t, "Kalshi", r.Health.Kalshi, false)
			if w.sleeps.Load() == 0 {
				t.Error("a 502 was not retried")
			}
		}})
	add(hostileCase{name: "kalshi truncated json", setup: func(w *hworld) {
		w.x.InjectFault(kalshitest.Fault{Path: orderOnly, Body: []byte(`{"order":{"order_id":"K1","ticker":"KX`)})
	}, check: kalshiFails("unexpected end of JSON")})
	add(hostileCase{name: "kalshi 20MB body", setup: func(w *hworld) {
		w.x.InjectFault(kalshitest.Fault{Path: orderOnly, BodySize: 20 << 20})
	}, check: kalshiFails("too large")})
	add(hostileCase{name: "kalshi 20MB chunked body", kalshi: onPath(orderOnly, chunkedHuge(20<<20)), check: kalshiFails("too large")})
	add(hostileCase{name: "kalshi gzip bomb", kalshi: onPath(orderOnly, gzipped(bytes.Repeat([]byte(" "), 8<<20), false)),
		check: kalshiFails("too large")})
	add(hostileCase{name: "kalshi gzip garbage", kalshi: onPath(orderOnly, gzipped(nil, true)), check: kalshiFails("flate: corrupt input")})
	add(hostileCase{name: "kalshi empty 200", kalshi: onPath(orderOnly, answer(200, "", "Content-Type", "application/json")),
		check: kalshiFails("empty body")})
	add(hostileCase{name: "kalshi html labelled json", kalshi: onPath(orderOnly, answer(200, "<html><body>\x1b[2JMaintenance</body></html>", "Content-Type", "application/json")),
		check: kalshiFails("not a JSON object", "Maintenance")})
	add(hostileCase{name: "kalshi json labelled html", kalshi: onPath(orderOnly, func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		rec := genuine()
		w.Header().Set("Content-Type", "text/html; charset=latin1")
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}), check: func(t *testing.T, w *hworld, r engine.Round) {
		// The body is a good order: the label does not matter.
		for _, tg := range []engine.Target{targetIntent, targetKalshi} {
			if s := snapOf(t, r, tg); s.Sources.Kalshi.Err != "" || s.Order == nil {
				t.Errorf("%v: a good body under a wrong content type was refused: %q", tg, s.Sources.Kalshi.Err)
			}
		}
	}})

	// Kalshi: numbers that are not exact decimals, wrong types, nulls.
	for _, v := range []struct{ name, field, raw, frag string }{
		{"NaN fill count", "fill_count_fp", `"NaN"`, "fill_count_fp"},
		{"exponent price", "yes_price_dollars", `"1e5"`, "yes_price_dollars"},
		{"bare exponent price", "yes_price_dollars", `1e5`, "yes_price_dollars"},
		{"text count", "initial_count_fp", `"ten"`, "initial_count_fp"},
		{"huge count", "fill_count_fp", `"123456789012345678901234567890"`, "fill_count_fp"},
		{"huge bare number", "remaining_count_fp", `1e400`, "remaining_count_fp"},
		{"negative count", "fill_count_fp", `"-3.00"`, "negative"},
		{"number for ticker", "ticker", `42`, "ticker"},
		{"object for status", "status", `{"state":"resting"}`, "status"},
		{"array for time", "created_time", `[2026,11,21]`, "created_time"},
		{"bad time", "created_time", `"yesterday"`, "created_time"},
		{"string for bool", "cancel_order_on_pause", `"yes"`, "cancel_order_on_pause"},
		{"nested arrays for id", "client_order_id", nested(5000), "client_order_id"},
	} {
		add(hostileCase{name: "kalshi " + v.name, kalshi: mutate("order", rawJSON(v.field, v.raw)), check: kalshiFails(v.frag)})
	}
	add(hostileCase{name: "kalshi nulls everywhere", kalshi: mutate("order", allNull), check: kalshiFails("order_id", "not the one asked for")})
	add(hostileCase{name: "kalshi empty object", kalshi: onPath(orderOnly, answer(200, `{}`, "Content-Type", "application/json")),
		check: kalshiFails("order", "missing")})
	add(hostileCase{name: "kalshi null order", kalshi: onPath(orderOnly, answer(200, `{"order":null}`, "Content-Type", "application/json")),
		check: kalshiFails("order", "missing")})
	add(hostileCase{name: "kalshi array for object", kalshi: onPath(orderOnly, answer(200, `{"order":[]}`, "Content-Type", "application/json")),
		check: kalshiFails("want a JSON object")})
	add(hostileCase{name: "kalshi object where fills array", kalshi: onPath("/portfolio/fills", answer(200, `{"fills":{"fill_id":"x"},"cursor":""}`, "Content-Type", "application/json")),
		setup: func(w *hworld) {
			// A new fill makes the engine read the fills again.
			w.x.Fill("K2", fixed.MustParse("1"), fixed.MustParse("0.40"), fixed.MustParse("0.01"), false)
		}, check: func(t *testing.T, w *hworld, r engine.Round) {
			// Only the fills figure is marked: the order itself is fresh.
			s := snapOf(t, r, targetKalshi)
			wantErr(t, "K2 fills", s.Figures.Fills.Err, "fills")
			if s.Sources.Kalshi.Err != "" || r.Health.Kalshi.Err != "" || !r.Health.Kalshi.RetryAt.IsZero() {
				t.Errorf("a bad fills reply marked the order %q, Kalshi's health %q, retry at %v", s.Sources.Kalshi.Err, r.Health.Kalshi.Err, r.Health.Kalshi.RetryAt)
			}
			if s.Order == nil || !s.Order.FillCount.Equal(fixed.MustParse("3")) {
				t.Errorf("order lost over a bad fills reply: %+v", s.Order)
			}
		}})
	add(hostileCase{name: "kalshi deep nesting whole body", kalshi: onPath(orderOnly, answer(200, `{"order":`+nested(100000)+`}`, "Content-Type", "application/json")),
		check: kalshiFails("depth")})
	add(hostileCase{name: "kalshi duplicate keys", kalshi: onPath(orderOnly, splice(func(b []byte) []byte {
		// The last status wins, as in every JSON decoder Go ships; what
		// matters is that the same reply always means the same thing.
		return bytes.Replace(b, []byte(`"status":"resting"`), []byte(`"status":"resting","status":"canceled","status":"executed"`), 1)
	})), check: func(t *testing.T, w *hworld, r engine.Round) {
		for _, tg := range []engine.Target{targetIntent, targetKalshi} {
			s := snapOf(t, r, tg)
			if s.Order == nil || s.Order.Status != kalshi.StatusExecuted || s.Sources.Kalshi.Err != "" {
				t.Errorf("%v: duplicate status read as %+v (err %q); want the last, executed", tg, s.Order, s.Sources.Kalshi.Err)
			}
		}
	}})
	add(hostileCase{name: "kalshi duplicate order id", kalshi: onPath(orderOnly, splice(func(b []byte) []byte {
		return bytes.Replace(b, []byte(`{"order":{`), []byte(`{"order":{"order_id":"ZZZ",`), 1)
	})), check: func(t *testing.T, w *hworld, r engine.Round) {
		// The genuine order_id comes later and wins: still the right order.
		if s := snapOf(t, r, targetKalshi); s.Sources.Kalshi.Err != "" || s.Order == nil || s.Order.OrderID != "K2" {
			t.Errorf("K2: err %q order %+v", s.Sources.Kalshi.Err, s.Order)
		}
	}})
	add(hostileCase{name: "kalshi reply for another order", kalshi: mutate("order", strJSON("K9", "order_id")),
		check: kalshiFails("not the one asked for")})
	add(hostileCase{name: "kalshi invalid utf-8", kalshi: onPath(orderOnly, splice(func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"type":"limit"`), []byte("\"type\":\"lim\xff\xfe\xc0\x9bit\""), 1)
	})), check: func(t *testing.T, w *hworld, r engine.Round) {
		s := snapOf(t, r, targetKalshi)
		if s.Order == nil || s.Sources.Kalshi.Err != "" {
			t.Fatalf("order with invalid UTF-8 in type refused: %q", s.Sources.Kalshi.Err)
		}
		if !utf8.ValidString(s.Order.Type) {
			t.Errorf("invalid UTF-8 kept in type: %q", s.Order.Type)
		}
	}})
	add(hostileCase{name: "kalshi unknown status", kalshi: mutate("order", strJSON("paused_by_exchange", "status")),
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetKalshi)
			if s.Sources.Kalshi.Err != "" || s.Order == nil || s.KalshiStatusText() != "paused_by_exchange" {
				t.Fatalf("unknown Kalshi status: err %q text %q", s.Sources.Kalshi.Err, s.KalshiStatusText())
			}
			if s.Outcome() != engine.OutcomeNone || s.Terminal() {
				t.Errorf("an unknown status was taken as an ending: %q", s.Outcome())
			}
			line, _ := report.FromSnapshot(s).MarshalLine()
			if !bytes.Contains(line, []byte(`"status":"paused_by_exchange"`)) {
				t.Errorf("JSON line does not show the status: %s", line)
			}
		}})
	add(hostileCase{name: "kalshi escapes in every string", kalshi: mutate("order", strJSON("KX"+evil, "ticker", "client_order_id", "user_id", "type", "status", "last_update_reason", "outcome_side", "book_side", "self_trade_prevention_type", "order_group_id")),
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetKalshi)
			if s.Order == nil || !strings.Contains(s.Order.Ticker, "\x1b") {
				t.Fatalf("the hostile order did not arrive: %+v", s.Order)
			}
			// The ticker cannot name a market, so the market read is
			// refused before anything is sent; the error quotes it safely.
			wantErr(t, "K2 market", s.Sources.Kalshi.Err, "invalid identifier", "market ticker")
			for _, req := range w.x.Requests() {
				if strings.Contains(req.Path, "\x1b") || strings.Contains(req.Path, "pwned") {
					t.Errorf("a hostile ticker reached a request path: %q", req.Path)
				}
			}
		}})
	add(hostileCase{name: "kalshi escapes in market", kalshi: onPath("/markets", mutateEach("markets", strJSON(evil+"title", "title", "status", "yes_sub_title", "no_sub_title", "event_ticker"))),
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetKalshi)
			if s.Market == nil || !strings.Contains(s.Market.Title, "\x1b") || s.Sources.Kalshi.Err != "" {
				t.Fatalf("hostile market: %+v err %q", s.Market, s.Sources.Kalshi.Err)
			}
		}})
	add(hostileCase{name: "kalshi fill of a market not asked for", kalshi: onPath("/portfolio/fills", mutateEach("fills", strJSON("KXOTHER-1", "ticker"))), setup: func(w *hworld) {
		w.x.Fill("K2", fixed.MustParse("1"), fixed.MustParse("0.40"), fixed.MustParse("0.01"), false)
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		for _, f := range snapOf(t, r, targetKalshi).Fills {
			if f.Ticker == "KXOTHER-1" {
				t.Errorf("a fill in a market not asked for was kept: %+v", f)
			}
		}
	}})
	add(hostileCase{name: "kalshi escapes in fill ids", kalshi: onPath("/portfolio/fills", mutateEach("fills", strJSON("F"+evil, "fill_id", "trade_id"))), setup: func(w *hworld) {
		// A new fill makes the engine read the fills again.
		w.x.Fill("K2", fixed.MustParse("1"), fixed.MustParse("0.40"), fixed.MustParse("0.01"), false)
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		s := snapOf(t, r, targetKalshi)
		if len(s.Fills) == 0 || !strings.Contains(s.Fills[0].FillID, "\x1b") {
			t.Fatalf("hostile fills did not arrive: %+v (err %q)", s.Fills, s.Sources.Kalshi.Err)
		}
		found := false
		for _, e := range r.Events {
			found = found || (e.Kind == engine.EventNewFill && strings.Contains(e.Message, "new fill F"))
		}
		if !found {
			t.Errorf("no new-fill event: %v", r.Events)
		}
	}})
	add(hostileCase{name: "kalshi escapes in error body", kalshi: onPath(orderOnly, answer(400,
		`{"error":{"code":"bad`+jsonEsc(evil)+`","message":"no`+jsonEsc(evil)+`pe","details":"`+jsonEsc(evil)+`"}}`, "Content-Type", "application/json")),
		check: kalshiFails("400 Bad Request", "noredevilpe")})
	add(hostileCase{name: "kalshi hostile order id from intent", intent: mutate("metadata", strJSON("../../markets/KXT-1", "kalshiOrderId")),
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetIntent)
			wantErr(t, "intent's Kalshi order", s.Sources.Kalshi.Err, "invalid identifier", "'/'")
			for _, req := range w.x.Requests() {
				if strings.Contains(req.Path, "..") || strings.Count(req.Path, "/markets/") > 0 && strings.Contains(req.Path, "orders") {
					t.Errorf("a hostile order ID reached a request path: %q", req.Path)
				}
			}
		}})

	// Kalshi: transport failures.
	add(hostileCase{name: "kalshi slow drip", kalshi: onPath(orderOnly, drip), check: func(t *testing.T, w *hworld, r engine.Round) {
		kalshiFails("timed out")(t, w, r)
		backingOff(t, "Kalshi", r.Health.Kalshi, false)
	}})
	add(hostileCase{name: "kalshi held past timeout", setup: func(w *hworld) {
		w.x.InjectFault(kalshitest.Fault{Path: orderOnly, Delay: time.Minute})
	}, check: kalshiFails("timed out")})
	add(hostileCase{name: "kalshi reset mid-body", kalshi: onPath(orderOnly, resetMidBody), check: func(t *testing.T, w *hworld, r engine.Round) {
		kalshiFails("kalshi: GET /trade-api/v2/portfolio/orders/K")(t, w, r)
		backingOff(t, "Kalshi", r.Health.Kalshi, false)
	}})
	add(hostileCase{name: "kalshi 429 storm", setup: func(w *hworld) {
		w.x.InjectFault(kalshitest.Fault{Status: 429, RetryAfter: 1})
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		kalshiFails("429", "too many requests")(t, w, r)
		backingOff(t, "Kalshi", r.Health.Kalshi, true)
	}})
	add(hostileCase{name: "kalshi 500 storm", setup: func(w *hworld) {
		w.x.InjectFault(kalshitest.Fault{Status: 500})
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		kalshiFails("500 Internal Server Error")(t, w, r)
		backingOff(t, "Kalshi", r.Health.Kalshi, false)
		// Three attempts per read at most: the storm is not amplified.
		attempts := map[string]int{}
		for _, q := range w.x.Requests() {
			if q.Status == 500 {
				attempts[q.Path+"?"+q.Query]++
			}
		}
		for read, n := range attempts {
			if n > hostileAttempts {
				t.Errorf("%s sent %d times into a 500 storm; want at most %d", read, n, hostileAttempts)
			}
		}
	}})
	add(hostileCase{name: "kalshi 401", setup: func(w *hworld) { w.x.RemoveKey("hostile-key") },
		check: kalshiHalted("Kalshi rejected the credentials", func(t *testing.T, msg string) {
			if strings.Contains(msg, "clock") {
				t.Errorf("a revoked key blamed on the clock: %q", msg)
			}
		})})
	add(hostileCase{name: "kalshi 401 with skewed clock", setup: func(w *hworld) { w.skew.Store(int64(time.Hour)) },
		check: kalshiHalted("the local clock is 1h0m0s off Kalshi's", nil)})
	add(hostileCase{name: "kalshi 403", kalshi: onPath(orderOnly, answer(403, `{"error":{"code":"forbidden","message":"account suspended"}}`, "Content-Type", "application/json")),
		check: kalshiFails("403 Forbidden", "account suspended")})
	add(hostileCase{name: "kalshi 404", setup: func(w *hworld) { w.x.RemoveOrder("K2") },
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetKalshi)
			if !s.Sources.Kalshi.NotFound || s.Order != nil {
				t.Errorf("404: NotFound %v order %+v", s.Sources.Kalshi.NotFound, s.Order)
			}
			// A 404 is an answer: the order is not found, and Kalshi's
			// health is untouched.
			if !hasCode(s.Diagnosis, engine.CodeNotFound) || s.Outcome() != engine.OutcomeNotFound {
				t.Errorf("404 not diagnosed as not found: %v", s.Diagnosis)
			}
			if r.Health.Kalshi.Err != "" || !r.Health.Kalshi.RetryAt.IsZero() {
				t.Errorf("a 404 changed Kalshi's health: %+v", r.Health.Kalshi)
			}
		}})
	add(hostileCase{name: "kalshi redirect to another host", redirect: "kalshi", check: kalshiFails("307")})

	// Intent service.
	add(hostileCase{name: "intent html 502", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{Body: []byte("<html><head><title>502 Bad Gateway</title><script>\x1b]0;x\x07</script></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"), Status: 502})
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		intentFails("502 Bad Gateway", "nginx")(t, w, r)
		backingOff(t, "intent", r.Health.Intent, false)
	}})
	add(hostileCase{name: "intent truncated json", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{Body: []byte(`{"id":"1","status":"pla`)})
	}, check: intentFails("not valid JSON")})
	add(hostileCase{name: "intent 20MB body", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{BodySize: 20 << 20})
	}, check: intentFails("larger than 1 MiB")})
	add(hostileCase{name: "intent gzip garbage", intent: gzipped(nil, true), check: intentFails("flate: corrupt input")})
	add(hostileCase{name: "intent empty 200", intent: answer(200, ""), check: intentFails("not valid JSON")})
	add(hostileCase{name: "intent empty object", intent: answer(200, "{}", "Content-Type", "application/json"), check: intentFails("holds no intent")})
	add(hostileCase{name: "intent json null", intent: answer(200, "null", "Content-Type", "application/json"), check: intentFails("holds no intent")})
	add(hostileCase{name: "intent array", intent: answer(200, "[1,2]", "Content-Type", "application/json"), check: intentFails("not an intent object")})
	add(hostileCase{name: "intent NaN fill count", intent: mutate("", func(m map[string]json.RawMessage) {
		m["metadata"] = json.RawMessage(`{"kalshiOrderId":"K1","kalshiFillCount":"NaN"}`)
	}), check: intentFails("metadata.kalshiFillCount")})
	add(hostileCase{name: "intent exponent quantity", intent: mutate("", rawJSON("action", `{"type":"MarketOrder","quantity":1e5}`)),
		check: intentFails("action.quantity")})
	add(hostileCase{name: "intent huge fill count", intent: mutate("", rawJSON("metadata", `{"kalshiOrderId":"K1","kalshiFillCount":123456789012345678901234567890}`)),
		check: intentFails("metadata.kalshiFillCount")})
	add(hostileCase{name: "intent negative fill count", intent: mutate("", rawJSON("metadata", `{"kalshiOrderId":"K1","kalshiFillCount":"-5"}`)),
		check: intentFails("metadata.kalshiFillCount", "negative")})
	add(hostileCase{name: "intent number for status", intent: mutate("", rawJSON("status", `7`)), check: intentFails("status")})
	add(hostileCase{name: "intent array for metadata", intent: mutate("", rawJSON("metadata", `["K1"]`)), check: intentFails("metadata")})
	// Every field is optional, but a status reply with no status says
	// nothing; it must not erase the intent's timestamps and Kalshi link.
	add(hostileCase{name: "intent nulls everywhere", intent: mutate("", allNull), check: intentFails("status", "missing")})
	add(hostileCase{name: "intent for another id", intent: mutate("", strJSON("2", "id")), check: intentFails("2")})
	add(hostileCase{name: "intent duplicate keys", intent: splice(func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"status":"placed"`), []byte(`"status":"completed","status":"placed"`), 1)
	}), check: func(t *testing.T, w *hworld, r engine.Round) {
		if s := snapOf(t, r, targetIntent); s.Intent == nil || s.Intent.Status != pipeline.StatusPlaced || s.Sources.Intent.Err != "" {
			t.Errorf("duplicate status: %+v err %q; want the last, placed", s.Intent, s.Sources.Intent.Err)
		}
	}})
	add(hostileCase{name: "intent deep nesting", intent: answer(200, `{"id":"1","action":`+nested(100000)+`}`, "Content-Type", "application/json"),
		check: intentFails("depth")})
	add(hostileCase{name: "intent unknown status", intent: mutate("", strJSON("teleported", "status")), check: func(t *testing.T, w *hworld, r engine.Round) {
		s := snapOf(t, r, targetIntent)
		if s.Sources.Intent.Err != "" || s.StageText() != "teleported" {
			t.Fatalf("unknown status: err %q stage %q", s.Sources.Intent.Err, s.StageText())
		}
		if !hasCode(s.Diagnosis, engine.CodeStatusUnrecognized) {
			t.Errorf("unknown status not diagnosed: %v", s.Diagnosis)
		}
		if s.Outcome() != engine.OutcomeNone {
			t.Errorf("unknown status has outcome %q", s.Outcome())
		}
	}})
	add(hostileCase{name: "intent escapes in every string", intent: mutate("", func(m map[string]json.RawMessage) {
		strJSON("r"+evil, "status", "terminationReason", "clientId", "transactionHash")(m)
		b, _ := json.Marshal(map[string]string{"kalshiOrderId": "K1", "kalshiOrderStatus": evil, "txHash": evil})
		m["metadata"] = b
		b, _ = json.Marshal(map[string]string{"type": evil, "marketId": evil, "side": evil, "orderType": evil})
		m["action"] = b
	}), check: func(t *testing.T, w *hworld, r engine.Round) {
		s := snapOf(t, r, targetIntent)
		if s.Intent == nil || !strings.Contains(s.Intent.TerminationReason, "\x1b") {
			t.Fatalf("hostile intent did not arrive: %+v err %q", s.Intent, s.Sources.Intent.Err)
		}
		if !hasCode(s.Diagnosis, engine.CodeTerminationReasonUnexpected) && !hasCode(s.Diagnosis, engine.CodeStatusUnrecognized) {
			t.Errorf("hostile status and reason not diagnosed: %v", s.Diagnosis)
		}
	}})
	add(hostileCase{name: "intent failed with hostile reason", intent: mutate("", func(m map[string]json.RawMessage) {
		strJSON("failed", "status")(m)
		strJSON("insufficient"+evil+" balance", "terminationReason")(m)
	}), check: func(t *testing.T, w *hworld, r engine.Round) {
		s := snapOf(t, r, targetIntent)
		if s.Outcome() != engine.OutcomeFailure || !hasCode(s.Diagnosis, engine.CodeFailed) {
			t.Fatalf("outcome %q diagnosis %v", s.Outcome(), s.Diagnosis)
		}
		for _, f := range s.Diagnosis {
			if f.Code == engine.CodeFailed && !strings.Contains(f.Message, "insufficient") {
				t.Errorf("the reason is lost from %q", f.Message)
			}
		}
	}})
	add(hostileCase{name: "intent escapes in error body", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{Status: 400, Body: []byte(`{"success":false,"error":{"message":"bad ` + jsonEsc(evil) + `request","code":"E` + jsonEsc(evil) + `"}}`)})
	}, check: intentFails("400 Bad Request", "bad")})
	add(hostileCase{name: "intent success false", intent: answer(200, `{"success":false,"error":"`+jsonEsc(evil)+`nope"}`, "Content-Type", "application/json"),
		check: intentFails("nope")})
	add(hostileCase{name: "intent error echoes the token", intent: func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		genuine()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"error":"bad token %s (header %q)"}`, hostileToken, r.Header.Get("Authorization"))
	}, check: intentFails("500", "[redacted]")})
	add(hostileCase{name: "intent html echoes the token", intent: func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		genuine()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, `<html><body><pre>%s</pre></body></html>`, r.Header.Get("Authorization"))
	}, check: intentFails("502")})
	add(hostileCase{name: "intent slow drip", intent: drip, check: func(t *testing.T, w *hworld, r engine.Round) {
		intentFails("timed out")(t, w, r)
		backingOff(t, "intent", r.Health.Intent, false)
	}})
	add(hostileCase{name: "intent reset mid-body", intent: resetMidBody, check: intentFails("pipeline: GET /v1/order/1")})
	add(hostileCase{name: "intent 429 storm", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{Status: 429, RetryAfter: 5})
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		intentFails("429")(t, w, r)
		backingOff(t, "intent", r.Health.Intent, true)
	}})
	add(hostileCase{name: "intent 500 storm", setup: func(w *hworld) {
		w.svc.InjectFault(pipelinetest.Fault{Status: 500})
	}, check: func(t *testing.T, w *hworld, r engine.Round) {
		intentFails("500")(t, w, r)
		backingOff(t, "intent", r.Health.Intent, false)
	}})
	add(hostileCase{name: "intent 401", setup: func(w *hworld) { w.svc.InjectFault(pipelinetest.Fault{Status: 401}) },
		check: intentHalted("401 Unauthorized")})
	add(hostileCase{name: "intent 403", setup: func(w *hworld) { w.svc.InjectFault(pipelinetest.Fault{Status: 403}) },
		check: intentHalted("403 Forbidden")})
	add(hostileCase{name: "intent 404", setup: func(w *hworld) { w.svc.RemoveIntent("1") },
		check: func(t *testing.T, w *hworld, r engine.Round) {
			s := snapOf(t, r, targetIntent)
			if !s.Sources.Intent.NotFound {
				t.Errorf("404 not reported: %+v", s.Sources.Intent)
			}
			// A 404 is an answer: the order is not found, and the
			// intent service's health is untouched.
			if s.Outcome() != engine.OutcomeNotFound || !strings.Contains(s.Diagnosis[0].Message, "the intent service answered 404") {
				t.Errorf("404 not diagnosed as not found: %v", s.Diagnosis)
			}
			if r.Health.Intent.Err != "" || !r.Health.Intent.RetryAt.IsZero() {
				t.Errorf("a 404 changed the intent service's health: %+v", r.Health.Intent)
			}
		}})
	add(hostileCase{name: "intent redirect to another host", redirect: "intent", check: intentFails("307")})
	return cases
}

// mutateEach rewrites every object of the list under key (a fills page,
// a markets reply), keeping the rest of the reply.
func mutateEach(key string, edit func(m map[string]json.RawMessage)) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		rec := genuine()
		body := rec.Body.Bytes()
		var top map[string]json.RawMessage
		var list []map[string]json.RawMessage
		if rec.Code == http.StatusOK && json.Unmarshal(body, &top) == nil && json.Unmarshal(top[key], &list) == nil {
			for _, m := range list {
				edit(m)
			}
			top[key], _ = json.Marshal(list)
			body, _ = json.Marshal(top)
		}
		copyHeader(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
}

// jsonEsc is s as the inside of a JSON string.
func jsonEsc(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// until is how long after now t is, or 0 for the zero time.
func until(t, now time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return t.Sub(now)
}

func hasCode(fs []engine.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestHostileServers runs the table. Each case: a clean round, then the
// hostile round (checked by the case, and for clean, secret-free text
// everywhere), then the server behaves again and the engine recovers.
func TestHostileServers(t *testing.T) {
	cases := hostileCases()
	if len(cases) < 30 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, c := range cases {
		// One at a time: each case measures how long its round takes,
		// which dozens of parallel worlds on two cores would distort.
		t.Run(c.name, func(t *testing.T) {
			runHostile(t, c)
		})
	}
}

func runHostile(t *testing.T, c hostileCase) {
	w := newHostileWorld(t)

	// Another host, to catch a client that follows a redirect.
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		rw.WriteHeader(http.StatusOK)
		rw.Write([]byte(`{"order":{},"id":"1"}`))
	}))
	defer other.Close()
	redirect := func(rw http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		genuine()
		http.Redirect(rw, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}
	switch c.redirect {
	case "kalshi":
		c.kalshi = onPath("/portfolio/orders/K", redirect)
	case "intent":
		c.intent = redirect
	}

	first := w.poll(t)
	for _, s := range first.Snapshots {
		if s.Sources.Kalshi.Err != "" || s.Sources.Intent.Err != "" {
			t.Fatalf("clean round failed for %v: %q / %q", s.Target, s.Sources.Kalshi.Err, s.Sources.Intent.Err)
		}
	}
	if s := snapOf(t, first, targetIntent); s.Intent == nil || s.Order == nil {
		t.Fatalf("clean round: intent %v order %v", s.Intent, s.Order)
	}

	w.kalshiFront.set(c.kalshi)
	w.intentFront.set(c.intent)
	if c.setup != nil {
		c.setup(w)
	}
	w.clock.Add(3 * time.Second)
	r := w.poll(t)
	if len(r.Snapshots) != 2 {
		t.Fatalf("%d snapshots", len(r.Snapshots))
	}
	t.Logf("Kalshi: err %q retry in %v rate-limited %v halted %v", r.Health.Kalshi.Err, until(r.Health.Kalshi.RetryAt, r.Finished), r.Health.Kalshi.RateLimited, r.Health.Kalshi.Halted)
	t.Logf("intent: err %q retry in %v rate-limited %v halted %v", r.Health.Intent.Err, until(r.Health.Intent.RetryAt, r.Finished), r.Health.Intent.RateLimited, r.Health.Intent.Halted)
	c.check(t, w, r)
	checkShown(t, r, w.clock.Now())
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("%d requests followed a redirect to another host", n)
	}

	// The server behaves again: the engine must come back by itself (or,
	// after a halt, once the user asks).
	w.kalshiFront.set(nil)
	w.intentFront.set(nil)
	w.x.ClearFaults()
	w.svc.ClearFaults()
	w.skew.Store(0)
	w.x.AddKey("hostile-key", w.pub)
	if _, ok := w.svc.Intent("1"); !ok {
		w.svc.PutIntent(pipelinetest.IntentState{ID: "1", Status: "placed", KalshiOrderID: "K1", OrderPlacedAt: w.clock.Now()})
	}
	if _, ok := w.x.Order("K2"); !ok {
		w.x.PutOrder(kalshitest.OrderState{OrderID: "K2", Ticker: "KXT-2", OutcomeSide: "yes",
			YesPrice: fixed.MustParse("0.40"), InitialCount: fixed.MustParse("5"), CreatedTime: w.clock.Now()})
	}
	w.eng.Resume()
	w.clock.Add(2 * time.Minute)
	w.poll(t)
	w.clock.Add(2 * time.Minute)
	back := w.poll(t)
	for _, s := range back.Snapshots {
		if s.Sources.Kalshi.Err != "" || s.Sources.Intent.Err != "" || s.Order == nil {
			t.Errorf("%v did not recover: %q / %q, order %v", s.Target, s.Sources.Kalshi.Err, s.Sources.Intent.Err, s.Order != nil)
		}
	}
	if s := snapOf(t, back, targetIntent); s.Intent == nil || s.Intent.Status != pipeline.StatusPlaced {
		t.Errorf("intent after recovery: %+v", s.Intent)
	}
	if h := back.Health; h.Kalshi.Err != "" || h.Intent.Err != "" || h.Kalshi.Halted || h.Intent.Halted {
		t.Errorf("health after recovery: %+v", h)
	}
	checkShown(t, back, w.clock.Now())
}

// --- what a person could see ---------------------------------------------

// checkShown asserts that nothing ordermon derives from a round carries a
// terminal control, invalid UTF-8 or the token: every string reachable
// from the round (source errors, health, findings, events, targets) and
// every rendering of it (the JSON line, the --once block, the plain event
// lines, the summary and the Markdown report).
//
// The decoded payloads (Snapshot.Intent, Order, Market, Fills and
// PeakStatus) are exempt from the control check: the pipeline contract
// keeps server strings verbatim there, so scripts reading --json see real
// values, and every renderer cleans them. The renderings checked below are
// what proves that.
func checkShown(t *testing.T, r engine.Round, now time.Time) {
	t.Helper()
	for _, p := range shownProblems(r, now) {
		t.Error(p)
	}
}

// shownProblems is checkShown's judgement: one line per problem found.
func shownProblems(r engine.Round, now time.Time) []string {
	var out []string
	check := func(what, s string, multiline bool) {
		if p := textProblem(what, s, multiline); p != "" {
			out = append(out, p)
		}
	}
	walkStrings(reflect.ValueOf(r), "round", func(path, s string) { check(path, s, false) })
	// The payloads still must not carry the token.
	walkAll(reflect.ValueOf(r), "round", func(path, s string) {
		if strings.Contains(s, hostileToken) {
			out = append(out, path+" carries the token")
		}
	})
	for _, s := range r.Snapshots {
		line, err := report.FromSnapshot(s).MarshalLine()
		if err != nil {
			out = append(out, fmt.Sprintf("%v: MarshalLine: %v", s.Target, err))
		}
		// One line, newline-terminated; nothing raw inside it.
		check(s.Target.String()+" JSON line", strings.TrimSuffix(string(line), "\n"), false)
		check(s.Target.String()+" status block", report.Status(s, time.UTC, now), true)
		check(s.Target.String()+" markdown", report.Markdown(s, r.Events, time.UTC, now), true)
		check(s.Target.String()+" stage", s.StageText(), false)
		check(s.Target.String()+" kalshi status", s.KalshiStatusText(), false)
	}
	for _, e := range r.Events {
		check("event line", report.Line(e, time.UTC), false)
		check("event string", e.String(), false)
	}
	check("summary", report.Summary(r.Snapshots, time.UTC), true)
	return out
}

// textProblem reports ESC, BEL and every other C0 control (newlines only
// in multi-line renderings), DEL, C1 controls, bidi overrides, invalid
// UTF-8 and the token; "" when s is clean.
func textProblem(what, s string, multiline bool) string {
	if strings.Contains(s, hostileToken) {
		return what + " carries the token"
	}
	if !utf8.ValidString(s) {
		return fmt.Sprintf("%s is not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return fmt.Sprintf("%s carries control %U: %q", what, r, s)
		}
	}
	return ""
}

// TestHostileCheckerCatches proves the checker can fail: a round with a
// control in each derived place is caught, every place by name, and a
// round whose only controls sit in the verbatim payloads passes, because
// every renderer cleans them.
func TestHostileCheckerCatches(t *testing.T) {
	now := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	o := &kalshi.Order{OrderID: "K2", Ticker: "KX" + evil, Status: kalshi.OrderStatus("rest" + evil), Type: evil}
	clean := engine.Round{Snapshots: []engine.Snapshot{{Target: targetKalshi, ObservedAt: now, Order: o,
		Intent: &pipeline.Intent{ID: "1", Status: pipeline.Status("x" + evil), TerminationReason: evil}}}}
	if p := shownProblems(clean, now); len(p) != 0 {
		t.Errorf("verbatim payloads flagged, or a renderer let a control through:\n%s", strings.Join(p, "\n"))
	}
	poisoned := map[string]func(r *engine.Round){
		"Sources.Kalshi.Err": func(r *engine.Round) { r.Snapshots[0].Sources.Kalshi.Err = "bad\x1b[2J" },
		"Health.Intent.Err":  func(r *engine.Round) { r.Health.Intent.Err = "bell\a" },
		"Diagnosis": func(r *engine.Round) {
			r.Snapshots[0].Diagnosis = []engine.Finding{{Code: "c", Message: "c1 \u009b31m"}}
		},
		"Events": func(r *engine.Round) { r.Events = []engine.Event{{Target: targetKalshi, Message: "bidi \u202e"}} },
		"Note":   func(r *engine.Round) { r.Note = "invalid \xff" },
		"token":  func(r *engine.Round) { r.Snapshots[0].Order = &kalshi.Order{OrderID: hostileToken} },
	}
	for name, poison := range poisoned {
		r := clean
		r.Snapshots = append([]engine.Snapshot(nil), clean.Snapshots...)
		poison(&r)
		if len(shownProblems(r, now)) == 0 {
			t.Errorf("a control in %s went unnoticed", name)
		}
	}
}

var payloadTypes = map[reflect.Type]bool{
	reflect.TypeFor[kalshi.Order]():    true,
	reflect.TypeFor[kalshi.Market]():   true,
	reflect.TypeFor[kalshi.Fill]():     true,
	reflect.TypeFor[pipeline.Intent](): true,
}

// walkStrings calls fn for every string reachable from v, skipping the
// verbatim payloads and PeakStatus (a copy of the intent's status).
func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	walk(v, path, fn, true)
}

// walkAll calls fn for every string reachable from v.
func walkAll(v reflect.Value, path string, fn func(path, s string)) {
	walk(v, path, fn, false)
}

func walk(v reflect.Value, path string, fn func(path, s string), skipPayloads bool) {
	if skipPayloads && payloadTypes[v.Type()] {
		return
	}
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), path, fn, skipPayloads)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn, skipPayloads)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walk(k, path+"{key}", fn, skipPayloads)
			walk(v.MapIndex(k), path+"{}", fn, skipPayloads)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || (skipPayloads && f.Name == "PeakStatus") {
				continue
			}
			walk(v.Field(i), path+"."+f.Name, fn, skipPayloads)
		}
	}
}

// TestEngineFaultRegressions pins four engine faults the chaos soak and
// the hostile table found, each small and deterministic: an order
// confirmed terminal on stale data, one bad order slowing every order, a
// server's Retry-After ignored, and each order showing a halt one round
// after it happened.
func TestEngineFaultRegressions(t *testing.T) {
	// An order must not be confirmed terminal (and left alone) on rounds
	// where Kalshi did not answer: its Kalshi side would freeze on stale
	// data and errors.
	t.Run("terminal confirmed on stale Kalshi data", func(t *testing.T) {
		w := newHostileWorld(t)
		w.poll(t)
		w.x.InjectFault(kalshitest.Fault{Status: 503})
		w.x.Fill("K1", fixed.MustParse("10"), fixed.MustParse("0.56"), fixed.MustParse("0.02"), false)
		w.svc.Update("1", func(in *pipelinetest.IntentState) {
			n := fixed.MustParse("10")
			in.Status, in.IsComplete, in.KalshiOrderStatus, in.KalshiFillCount = "completed", true, "executed", &n
			in.OrderFilledAt, in.TxnFilledAt, in.TxHash = w.clock.Now(), w.clock.Now(), pipelinetest.TxHashFor("1")
		})
		for range 2 {
			w.clock.Add(3 * time.Second)
			w.poll(t)
		}
		w.x.ClearFaults()
		for range 3 {
			w.clock.Add(time.Minute)
			w.poll(t)
		}
		s := snapOf(t, w.poll(t), targetIntent)
		if s.Order == nil || s.Order.Status != kalshi.StatusExecuted || s.Sources.Kalshi.Err != "" {
			t.Errorf("completed intent shows Kalshi %+v, err %q; want executed with no error (diagnosis %v)", s.Order, s.Sources.Kalshi.Err, s.Diagnosis)
		}
	})

	// A permanent per-order error (here a ticker that fails validation)
	// must not back the whole Kalshi source off, which would leave every
	// other order stale for up to 30s at a time.
	t.Run("one bad order backs off every order", func(t *testing.T) {
		w := newHostileWorld(t)
		w.poll(t)
		w.kalshiFront.set(onPath("/orders/K2", mutate("order", strJSON("KX/../x", "ticker"))))
		refreshed := 0
		var last time.Time
		for range 30 {
			w.clock.Add(2 * time.Second)
			s := snapOf(t, w.poll(t), targetIntent)
			if s.Sources.Kalshi.LastSuccess.After(last) {
				refreshed, last = refreshed+1, s.Sources.Kalshi.LastSuccess
			}
		}
		if refreshed < 28 {
			t.Errorf("the healthy order was refreshed in %d of 30 rounds 2s apart", refreshed)
		}
	})

	// A server's Retry-After longer than the engine's own backoff wins.
	t.Run("Retry-After", func(t *testing.T) {
		w := newHostileWorld(t)
		w.poll(t)
		w.x.InjectFault(kalshitest.Fault{Status: 429, RetryAfter: 120})
		w.svc.InjectFault(pipelinetest.Fault{Status: 429, RetryAfter: 120})
		w.clock.Add(3 * time.Second)
		r := w.poll(t)
		for name, h := range map[string]engine.SourceStatus{"Kalshi": r.Health.Kalshi, "intent": r.Health.Intent} {
			if d := until(h.RetryAt, r.Finished); d < 120*time.Second {
				t.Errorf("%s asked for 120s (Retry-After); the engine retries in %v", name, d)
			}
		}
	})

	// Each order shows a halt, and its explanation, in the round that met
	// it; otherwise --once would print the raw 401 and never the
	// clock-skew explanation.
	t.Run("halt shown in the same round", func(t *testing.T) {
		w := newHostileWorld(t)
		w.poll(t)
		w.skew.Store(int64(time.Hour))
		w.clock.Add(3 * time.Second)
		r := w.poll(t)
		s := snapOf(t, r, targetKalshi)
		if !s.Sources.Kalshi.Halted || !strings.Contains(s.Sources.Kalshi.Err, "clock") {
			t.Errorf("health says halted (%q) but the order says halted %v, %q", r.Health.Kalshi.Err, s.Sources.Kalshi.Halted, s.Sources.Kalshi.Err)
		}
	})
}

// --- batched reads ---------------------------------------------------------

// batchOrders is how many Kalshi-only orders the batch world watches, all
// in one event: enough that the engine reads them with GetOrders (one
// account-wide read of resting orders first, then by event) rather than
// one by one.
const batchOrders = 8

// newBatchWorld is a Kalshi-only engine watching batchOrders resting
// orders B0… in markets KXB-1 and KXB-2 of event KXB, through a front.
func newBatchWorld(t *testing.T) *hworld {
	t.Helper()
	w := &hworld{clock: kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.pub = pub
	w.x = kalshitest.New(kalshitest.Options{Now: w.clock.Now})
	t.Cleanup(w.x.Close)
	w.x.AddKey("hostile-key", pub)
	w.kalshiFront = newFront(t, w.x.Handler())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	kc, err := kalshi.New(kalshi.Config{
		BaseURL: w.kalshiFront.srv.URL + "/trade-api/v2", KeyID: "hostile-key", Key: priv,
		Now: w.clock.Now, Timeout: hostileTimeout, MaxAttempts: hostileAttempts,
		HTTPClient: &http.Client{Transport: tr},
		Sleep: func(ctx context.Context, _ time.Duration) error {
			w.sleeps.Add(1)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.eng = engine.New(engine.Config{Kalshi: kc, Now: w.clock.Now, Interval: 2 * time.Second, ReadBudget: 200})
	for _, m := range []string{"KXB-1", "KXB-2"} {
		w.x.PutMarket(kalshitest.MarketState{Ticker: m, EventTicker: "KXB", Title: "Batch " + m, Status: "active",
			YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42"), CloseTime: w.clock.Now().Add(24 * time.Hour)})
	}
	for i := range batchOrders {
		id := fmt.Sprintf("B%d", i)
		w.x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: fmt.Sprintf("KXB-%d", 1+i%2), OutcomeSide: "yes",
			YesPrice: fixed.MustParse("0.40"), InitialCount: fixed.MustParse("5"), CreatedTime: w.clock.Now(),
			QueueAhead: fixed.MustParse(strconv.Itoa(i))})
		w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	return w
}

// onBatch applies h to GetOrders (the batch read) only.
func onBatch(h hostile) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		if !strings.HasSuffix(r.URL.Path, "/portfolio/orders") {
			rec := genuine()
			copyHeader(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		h(w, r, genuine)
	}
}

// batchReads counts the GetOrders requests received so far.
func batchReads(x *kalshitest.Exchange) int {
	n := 0
	for _, q := range x.Requests() {
		if strings.HasSuffix(q.Path, "/portfolio/orders") {
			n++
		}
	}
	return n
}

// TestHostileBatchReads runs hostile GetOrders replies, and a hostile
// ticker that would poison the batched market and queue reads, through
// the engine's batched path.
func TestHostileBatchReads(t *testing.T) {
	allOrders := func(t *testing.T, r engine.Round, check func(t *testing.T, s engine.Snapshot)) {
		t.Helper()
		if len(r.Snapshots) != batchOrders {
			t.Fatalf("%d snapshots", len(r.Snapshots))
		}
		for _, s := range r.Snapshots {
			check(t, s)
		}
	}
	keptWithError := func(frags ...string) func(t *testing.T, w *hworld, r engine.Round) {
		return func(t *testing.T, w *hworld, r engine.Round) {
			allOrders(t, r, func(t *testing.T, s engine.Snapshot) {
				wantErr(t, s.Target.String(), s.Sources.Kalshi.Err, frags...)
				if s.Order == nil || s.Order.Status != kalshi.StatusResting {
					t.Errorf("%v: last good order lost: %+v", s.Target, s.Order)
				}
			})
		}
	}
	correct := func(t *testing.T, w *hworld, r engine.Round) {
		allOrders(t, r, func(t *testing.T, s engine.Snapshot) {
			if s.Sources.Kalshi.Err != "" || s.Order == nil || s.Order.OrderID != s.Target.ID || s.Order.Status != kalshi.StatusResting {
				t.Errorf("%v: err %q order %+v", s.Target, s.Sources.Kalshi.Err, s.Order)
			}
		})
	}
	// fellBack: the listing failed however it was paged, so each order
	// was read on its own, and every one is fresh.
	fellBack := func(t *testing.T, w *hworld, r engine.Round) {
		correct(t, w, r)
		singles := 0
		for _, q := range w.x.Requests() { // the clean rounds read no order singly
			if strings.Contains(q.Path, "/portfolio/orders/B") {
				singles++
			}
		}
		if singles < batchOrders {
			t.Errorf("%d single order reads after the listing failed; want %d", singles, batchOrders)
		}
	}
	// cursor answers every page, the first and each one asked for with
	// the cursor, as the first page plus cursor c: a server that never
	// ends its listing, or one that sends a cursor no request may carry.
	cursor := func(c string) hostile {
		set := mutate("", func(m map[string]json.RawMessage) { strJSON(c, "cursor")(m) })
		return onBatch(func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
			q := r.URL.Query()
			q.Del("cursor")
			r.URL.RawQuery = q.Encode()
			set(w, r, genuine)
		})
	}
	cases := []hostileCase{
		{name: "truncated batch", kalshi: onBatch(splice(func(b []byte) []byte { return b[:len(b)/2] })),
			check: fellBack},
		{name: "object for the orders list", kalshi: onBatch(mutate("", rawJSON("orders", `{"order_id":"B0"}`))),
			check: fellBack},
		{name: "20MB batch", setup: func(w *hworld) {
			w.x.InjectFault(kalshitest.Fault{Path: "/portfolio/orders", BodySize: 20 << 20, Times: 3})
		}, check: func(t *testing.T, w *hworld, r engine.Round) {
			// Faults match by substring, so the single reads that follow
			// may be padded too; either way nothing over the cap is read.
			allOrders(t, r, func(t *testing.T, s engine.Snapshot) {
				if s.Order == nil {
					t.Errorf("%v: order lost", s.Target)
				}
			})
		}},
		{name: "cursor that never ends", kalshi: cursor("same-cursor-again"), check: func(t *testing.T, w *hworld, r engine.Round) {
			// Page after page: the engine stops after its page limit and
			// uses what it has.
			correct(t, w, r)
			if n := batchReads(w.x) - w.mark; n < 2 || n > 5 {
				t.Errorf("%d pages read of an endless listing; want more than one, at most the engine's limit of 5", n)
			}
		}},
		{name: "cursor with escapes", kalshi: cursor("c\x1b]0;pwned\x07"), check: correct},
		{name: "batch omits orders", kalshi: onBatch(mutate("", rawJSON("orders", `[]`))), check: correct},
		{name: "batch carries a stranger", kalshi: onBatch(mutate("", func(m map[string]json.RawMessage) {
			var list []json.RawMessage
			json.Unmarshal(m["orders"], &list)
			stranger, _ := json.Marshal(map[string]string{"order_id": "B0" + evil, "ticker": evil, "status": evil})
			m["orders"], _ = json.Marshal(append(list, stranger))
		})), check: correct},
		{name: "duplicate orders in batch", kalshi: onBatch(mutate("", func(m map[string]json.RawMessage) {
			var list []map[string]json.RawMessage
			json.Unmarshal(m["orders"], &list)
			var out []map[string]json.RawMessage
			for _, o := range list {
				dup := map[string]json.RawMessage{}
				for k, v := range o {
					dup[k] = v
				}
				dup["status"] = json.RawMessage(`"canceled"`)
				out = append(out, dup, o) // the genuine one last
			}
			m["orders"], _ = json.Marshal(out)
		})), check: correct},
		{name: "one order's ticker poisons a list read", kalshi: func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
			// B7's ticker, in batch and single replies alike, carries a
			// comma: it cannot join a comma-separated ticker list.
			poison := func(m map[string]json.RawMessage) {
				if string(m["order_id"]) == `"B7"` {
					m["ticker"] = json.RawMessage(`"KXB-1,KXEVIL"`)
				}
			}
			switch {
			case strings.HasSuffix(r.URL.Path, "/portfolio/orders"):
				mutateEach("orders", poison)(w, r, genuine)
			case strings.Contains(r.URL.Path, "/portfolio/orders/B7"):
				mutate("order", poison)(w, r, genuine)
			default:
				rec := genuine()
				copyHeader(w.Header(), rec.Header())
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
			}
		}, check: func(t *testing.T, w *hworld, r engine.Round) {
			for _, s := range r.Snapshots {
				if s.Target.ID == "B7" {
					wantErr(t, "B7", s.Sources.Kalshi.Err, "invalid identifier")
					continue
				}
				if s.Sources.Kalshi.Err != "" || s.QueueAhead == nil || s.Market == nil {
					t.Errorf("%v, a healthy order, hurt by B7's ticker: err %q, queue %v, market %v", s.Target, s.Sources.Kalshi.Err, s.QueueAhead, s.Market != nil)
				}
			}
		}},
		{name: "batch 500 storm", setup: func(w *hworld) {
			w.x.InjectFault(kalshitest.Fault{Path: "/portfolio/orders", Status: 500})
		}, check: func(t *testing.T, w *hworld, r engine.Round) {
			keptWithError("500 Internal Server Error")(t, w, r)
			backingOff(t, "Kalshi", r.Health.Kalshi, false)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newBatchWorld(t)
			w.poll(t)
			w.clock.Add(3 * time.Second)
			first := w.poll(t)
			correct(t, w, first)
			n := batchReads(w.x)
			if n == 0 {
				t.Fatal("the world does not read in batches; the cases would test nothing")
			}
			w.kalshiFront.set(c.kalshi)
			if c.setup != nil {
				c.setup(w)
			}
			w.mark = n
			w.clock.Add(3 * time.Second)
			r := w.poll(t)
			c.check(t, w, r)
			checkShown(t, r, w.clock.Now())
			if got := batchReads(w.x) - n; got > 5*hostileAttempts {
				t.Errorf("%d batch reads in one round", got)
			}
			w.kalshiFront.set(nil)
			w.x.ClearFaults()
			w.clock.Add(2 * time.Minute)
			w.poll(t)
			w.clock.Add(2 * time.Minute)
			correct(t, w, w.poll(t))
		})
	}
}
