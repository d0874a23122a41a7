// Package kalshitest is a strict fake Kalshi exchange for tests and the
// demo. It serves the read endpoints ordermon uses over real HTTP on
// loopback, in today's wire shape (or, on request, the old integer shape),
// and verifies every request's signature with the registered public key
// exactly as Kalshi does. Its WebSocket (ws.go) pushes every state change
// to the subscriptions that carry it, so one call changes what REST reads
// and what the push says.
//
// The fake is written independently of ordermon/kalshi on purpose: it reads
// the wire contract from Kalshi's OpenAPI 3.31.0 and documentation, so a
// client bug cannot hide behind a matching bug in shared code.
//
// Every request goes through the same steps, in Kalshi's order: the Date
// header is stamped from the exchange clock, the signature is verified (a
// failure is 401 authentication_error), the read-token bucket is charged
// (an empty bucket is 429), then any injected fault or chaos applies, and
// only then is the route served.
package kalshitest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"ordermon/internal/fakeserver"
)

// Options configures an Exchange.
type Options struct {
	// Now is the exchange's clock, used to check request timestamps, to
	// refill the rate-limit bucket, to stamp the Date header and to stamp
	// order times; nil means time.Now.
	Now func() time.Time
	// Window is how far a request timestamp may be from Now; zero means 30
	// seconds.
	Window time.Duration
	// ReadBudget is the read tokens refilled per second (Basic tier: 200);
	// zero disables rate limiting. A request that finds the bucket empty
	// gets 429 {"error":"too many requests"}, as Kalshi answers.
	ReadBudget int
	// Burst is the bucket capacity in tokens; zero means two seconds of
	// ReadBudget, as Kalshi's Basic read bucket holds.
	Burst int
	// Legacy serves the old integer shape (cents prices, whole-contract
	// counts, side/action, "queue_position": 0) that Kalshi removed in March
	// 2026, so clients can be tested against payloads still found in old
	// captures and docs.
	Legacy bool
	// Mixed serves both shapes at once, as Kalshi did during the migration;
	// it wins over Legacy.
	Mixed bool
	// QueueZeroWhenNotResting makes the single-order queue-position read
	// answer "0.00" for an order that is no longer resting, instead of the
	// default 400 invalid_parameters. Kalshi does not document either
	// answer; see QueuePosition handling in routes.go for why 400 is the
	// default.
	QueueZeroWhenNotResting bool
	// After is the exchange's timer, paired with Now: the WebSocket's
	// heartbeats wait on it. nil means time.After. Pass a Timers' After to
	// run heartbeats on a test's clock.
	After func(time.Duration) <-chan time.Time
	// RefuseTickerLists makes GET /portfolio/fills answer a
	// comma-separated ticker list with 400, as servers older than Kalshi's
	// changelog of 8 October 2026 do; by default a list of up to 100 is
	// accepted.
	RefuseTickerLists bool
	// Tier is the usage tier GET /account/limits names; empty means
	// "basic".
	Tier string
}

// Exchange is a running fake exchange. All methods are safe for concurrent
// use.
type Exchange struct {
	// URL is the server root, e.g. http://127.0.0.1:41234.
	URL string
	// Trouble gives the exchange InjectFault, ClearFaults and SetChaos.
	fakeserver.Trouble

	opts   Options
	srv    *httptest.Server
	done   chan struct{} // closed by Close so held replies give up
	closer sync.Once

	mu    sync.Mutex
	keys  map[string]crypto.PublicKey
	state state
	// scripts holds the pending steps of each scripted order; scriptIDs
	// keeps the order in which orders were first scripted, so Advance runs
	// steps in a deterministic order.
	scripts   map[string][]func(*Exchange)
	scriptIDs []string
	bucket    bucket

	rec fakeserver.Recorder[Request] // safe on its own; not guarded by mu
	ws  wsHub
}

// New starts an exchange on a loopback port (127.0.0.1).
func New(opts Options) *Exchange {
	if opts.Window <= 0 {
		opts.Window = 30 * time.Second
	}
	if opts.Burst <= 0 {
		opts.Burst = 2 * opts.ReadBudget
	}
	x := &Exchange{
		opts:    opts,
		done:    make(chan struct{}),
		keys:    make(map[string]crypto.PublicKey),
		state:   newState(),
		scripts: make(map[string][]func(*Exchange)),
	}
	x.bucket = newBucket(opts.ReadBudget, opts.Burst)
	x.srv = httptest.NewServer(x)
	x.URL = x.srv.URL
	return x
}

// Close stops the server. Replies held back by a Delay fault or by chaos
// give up at once, so Close never waits for a client's timeout.
func (x *Exchange) Close() {
	x.closer.Do(func() {
		close(x.done)
		x.srv.CloseClientConnections()
		x.srv.Close()
	})
}

// BaseURL returns the API root clients should use: URL + "/trade-api/v2".
func (x *Exchange) BaseURL() string { return x.URL + apiPrefix }

// Client returns an HTTP client for the exchange's server.
func (x *Exchange) Client() *http.Client { return x.srv.Client() }

// AddKey registers an API key: requests carrying keyID must be signed by
// the private half of pub (an *rsa.PublicKey or ed25519.PublicKey). Any
// other key type is a mistake in the calling test and panics.
func (x *Exchange) AddKey(keyID string, pub crypto.PublicKey) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
	case rsa.PublicKey:
		pub = &k
	case ed25519.PublicKey:
	case *ed25519.PublicKey:
		pub = *k
	default:
		panic(fmt.Sprintf("kalshitest: AddKey: unsupported public key type %T", pub))
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.keys[keyID] = pub
}

// RemoveKey unregisters an API key, so requests signed with it get 401, as
// after a key is revoked on Kalshi.
func (x *Exchange) RemoveKey(keyID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.keys, keyID)
}

// Handler returns the exchange's HTTP handler, for tests that need to wrap
// it.
func (x *Exchange) Handler() http.Handler { return x }

// now reads the exchange clock.
func (x *Exchange) now() time.Time {
	if x.opts.Now != nil {
		return x.opts.Now()
	}
	return time.Now()
}
