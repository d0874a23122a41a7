// Package pipelinetest is a fake intent service for tests and the demo. It
// serves GET /v1/order/{id}, GET /v1/order (the list, filtered by
// ?walletAddress=) and GET /v1/order/by-client-id/{clientId} in the older
// or the newer API shape, checks the
// Bearer token and/or API key, and advances intents through scripted
// pipelines that can drive a kalshitest exchange in step.
package pipelinetest

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"ordermon/internal/fakeserver"
	"ordermon/kalshi/kalshitest"
)

// Envelope says how a reply wraps the intent object. The service's docs
// never show a GET reply, so clients must accept every form.
type Envelope int

// Envelopes: the bare intent object, {"success":true,"intent":{...}},
// {"order":{...}} or {"data":{...}}. A list reply is wrapped alike: a
// bare array, {"success":true,"intents":[...]}, {"orders":[...]} or
// {"data":[...]}.
const (
	EnvelopeNone Envelope = iota
	EnvelopeSuccess
	EnvelopeOrder
	EnvelopeData
)

// Options configures a Service.
type Options struct {
	// Token, when non-empty, must arrive as "Authorization: Bearer <Token>".
	Token string
	// APIKey, when non-empty, must arrive as "x-api-key".
	APIKey string
	// Current serves the newer API shape (clientId, action.order,
	// transactionHash); false serves the older shape.
	Current bool
	// Envelope wraps each reply; the zero value sends the bare intent.
	Envelope Envelope
	// Now is the service's clock; nil means time.Now.
	Now func() time.Time
	// Exchange is the kalshitest exchange that scripts drive in step; may
	// be nil.
	Exchange *kalshitest.Exchange
}

// Service is a running fake intent service. Methods are safe for
// concurrent use.
type Service struct {
	// URL is the server root, e.g. http://127.0.0.1:41235.
	URL string
	// Trouble gives the service InjectFault, ClearFaults and SetChaos.
	fakeserver.Trouble

	opts   Options
	srv    *httptest.Server
	closed chan struct{}
	once   sync.Once

	mu      sync.Mutex
	intents map[string]*IntentState

	rec fakeserver.Recorder[Request] // safe on its own; not guarded by mu

	// advMu serializes Advance so steps of one round never interleave with
	// another round's; it is never held together with mu by the service
	// itself while calling into the exchange.
	advMu   sync.Mutex
	scripts []*script
	errs    []error
}

// New starts a service on a loopback port.
func New(opts Options) *Service {
	s := &Service{
		opts:    opts,
		closed:  make(chan struct{}),
		intents: make(map[string]*IntentState),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close stops the server, releasing any reply held back by a Delay fault.
func (s *Service) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.srv.Close()
	})
}

// Handler returns the service's HTTP handler, for tests that need to wrap
// it or serve it over TLS.
func (s *Service) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Service) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// Request is one request the service received. It records whether each
// credential header was present and correct, never its value, so a test
// failure cannot print a secret.
type Request struct {
	At     time.Time
	Method string
	Path   string // URL path as sent, without query
	// Query is the raw query string; it carries no credentials.
	Query string
	// Authorization is true when an Authorization header arrived; Bearer
	// is true when it had the form "Bearer <non-empty>".
	Authorization bool
	Bearer        bool
	// APIKey is true when an x-api-key header arrived.
	APIKey bool
	// Status is the status answered.
	Status int
}

// Requests returns every request received so far, oldest first.
func (s *Service) Requests() []Request { return s.rec.Requests() }

const (
	orderPrefix  = "/v1/order/"
	clientPrefix = "by-client-id/"
)

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{
		At:            s.now(),
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		Query:         r.URL.RawQuery,
		Authorization: r.Header.Get("Authorization") != "",
		APIKey:        r.Header.Get("x-api-key") != "",
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok != "" {
		rec.Bearer = true
	}
	s.rec.Begin()
	rw := &statusWriter{ResponseWriter: w}
	// Deferred so a reply aborted by Close is still counted and recorded.
	defer func() {
		if rw.status == 0 {
			// Nothing was written: the client left, or Close cut the reply.
			rw.status = StatusClientClosed
		}
		rec.Status = rw.status
		s.rec.End(rec)
	}()
	s.handle(rw, r)
}

// StatusClientClosed is recorded for a request whose client gave up before
// any reply was written (nginx's 499).
const StatusClientClosed = 499

// WaitRequests blocks until at least n requests have been answered or ctx
// ends, so a test can wait for a poll without sleeping. A request is
// recorded once its reply is written or abandoned.
func (s *Service) WaitRequests(ctx context.Context, n int) error {
	return s.rec.WaitRequests(ctx, n)
}

// InFlight returns how many requests are being served now, such as those
// held by a Delay fault.
func (s *Service) InFlight() int { return s.rec.InFlight() }

// WaitInFlight blocks until at least n requests are being served at once
// or ctx ends, so a test can act while a request is held.
func (s *Service) WaitInFlight(ctx context.Context, n int) error {
	return s.rec.WaitInFlight(ctx, n)
}

func (s *Service) handle(w http.ResponseWriter, r *http.Request) {
	// Credentials are checked before any fault applies, as kalshitest
	// does, so a fault can never hide an authentication bug.
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	fate := fakeserver.Plan(&s.Trouble, r.URL.Path)
	if fate.Delay > 0 || fate.Hold {
		d := fate.Delay
		if fate.Hold {
			d = -1
		}
		if !fakeserver.Hold(r.Context(), d, s.closed) {
			// Drop the connection so the client sees a failure, not an
			// empty 200; net/http recovers this panic quietly.
			panic(http.ErrAbortHandler)
		}
	}
	f := fate.Fault
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", itoa(f.RetryAfter))
	}
	if f.Body != nil || f.Status != 0 && !is2xx(f.Status) {
		s.serveFault(w, f)
		return
	}
	s.serveIntent(w, r, f, fate.Garbage)
}

// serveIntent answers a read (an intent, the list or a client ID's
// intent), with the status and padding of a 2xx fault, or cut in half
// when garbage.
func (s *Service) serveIntent(w http.ResponseWriter, r *http.Request, f Fault, garbage bool) {
	status := http.StatusOK
	if f.Status != 0 {
		status = f.Status
	}
	rt, ok := route(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	var body []byte
	switch {
	case rt.list:
		body, ok = s.listReply(r.URL.Query().Get("walletAddress")), true
	case rt.byClient:
		body, ok = s.replyByClient(rt.id)
	default:
		body, ok = s.reply(rt.id)
	}
	if !ok {
		writeError(w, http.StatusNotFound, "Order not found")
		return
	}
	if garbage {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	writePadded(w, body, f.BodySize)
}

// read is what a request path asks for: the list, or one intent by its ID
// or by its client ID.
type read struct {
	list, byClient bool
	id             string
}

// route parses a path; ok is false for one the service does not serve.
func route(path string) (rt read, ok bool) {
	if path == "/v1/order" {
		return read{list: true}, true
	}
	id, ok := strings.CutPrefix(path, orderPrefix)
	if client, byClient := strings.CutPrefix(id, clientPrefix); byClient {
		rt.byClient, id = true, client
	}
	if !ok || id == "" || strings.Contains(id, "/") {
		return read{}, false
	}
	rt.id = id
	return rt, true
}

func is2xx(status int) bool { return status >= 200 && status <= 299 }

// authorized checks the configured credentials; each one that is set must
// arrive exactly, compared in constant time as a real service would.
func (s *Service) authorized(r *http.Request) bool {
	if s.opts.Token != "" {
		want := "Bearer " + s.opts.Token
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
			return false
		}
	}
	if s.opts.APIKey != "" {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("x-api-key")), []byte(s.opts.APIKey)) != 1 {
			return false
		}
	}
	return true
}

// reply encodes the intent id as the configured shape and envelope.
func (s *Service) reply(id string) ([]byte, bool) {
	s.mu.Lock()
	st, ok := s.intents[id]
	var cp IntentState
	if ok {
		cp = st.clone()
	}
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	return encodeReply(cp, s.opts.Current, s.opts.Envelope), true
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
