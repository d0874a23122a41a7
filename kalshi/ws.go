package kalshi

import (
	"cmp"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"ordermon/internal/backoff"
	"ordermon/internal/httpsafe"
)

// Kalshi's WebSocket endpoints (the API environments page, May 2026).
const (
	ProdStreamURL = "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
	DemoStreamURL = "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2"
	// StreamPath is the WebSocket's path, which the handshake signs.
	StreamPath = "/trade-api/ws/v2"
)

// Stream defaults, for the zero values of StreamConfig.
const (
	// DefaultMaxFrameBytes caps one message; Kalshi's are a few hundred
	// bytes, and a list of subscribed markets a few kilobytes.
	DefaultMaxFrameBytes = 1 << 20
	// DefaultSilence is how long a connection may stay quiet, heartbeats
	// included, before it is taken for dead. Kalshi pings every 10 s.
	DefaultSilence = 30 * time.Second
	// DefaultHandshakeTimeout bounds the upgrade, and each command write.
	DefaultHandshakeTimeout = 10 * time.Second
)

// StreamURLFor returns the WebSocket URL of a Kalshi environment: "prod"
// or "demo".
func StreamURLFor(env string) (string, error) {
	base, err := BaseURLFor(env)
	if err != nil {
		return "", err
	}
	return StreamURLFromBase(base)
}

// StreamURLFromBase returns the WebSocket URL that goes with a REST base
// URL: Kalshi's own for its two environments, and for a loopback fake
// (http://127.0.0.1:port/...) ws://127.0.0.1:port/trade-api/ws/v2.
func StreamURLFromBase(base string) (string, error) {
	switch strings.TrimRight(base, "/") {
	case ProdBaseURL, "https://api.elections.kalshi.com/trade-api/v2":
		return ProdStreamURL, nil
	case DemoBaseURL, "https://demo-api.kalshi.co/trade-api/v2":
		return DemoStreamURL, nil
	}
	u, err := checkBaseURL(base)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" {
		return "", fmt.Errorf("kalshi: no known WebSocket URL for base URL %q; set it explicitly", bound(base, 80))
	}
	return "ws://" + u.Host + StreamPath, nil
}

// StreamConfig configures a Stream. URL, KeyID and Key are required.
type StreamConfig struct {
	// URL is the WebSocket endpoint: wss://, or ws:// on a loopback host.
	URL string
	// KeyID and Key sign the handshake as they sign REST requests.
	KeyID string
	Key   crypto.Signer
	// HTTPClient carries the handshake; nil means a client with sane
	// transport limits. Redirects are never followed.
	HTTPClient *http.Client
	// Now and After are the Stream's clock: Now stamps signatures and
	// frames, After times the silence watchdog and the reconnect waits.
	// nil means the real clock. Tests inject a hand-moved one.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Int64N draws the reconnect waits' jitter, a uniform integer in
	// [0, n); nil means math/rand/v2.
	Int64N func(n int64) int64
	// MaxFrameBytes caps one message; a larger one ends the connection.
	// Zero means DefaultMaxFrameBytes.
	MaxFrameBytes int64
	// Silence is how long a quiet connection lives; zero means
	// DefaultSilence.
	Silence time.Duration
	// HandshakeTimeout bounds the upgrade and each write; zero means
	// DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
}

// Stream is a connection to Kalshi's WebSocket that stays up: it
// subscribes to the account's order updates and fills and to the watched
// markets' prices, and reconnects when the connection fails. Its methods
// are safe for concurrent use; Run must be called once.
type Stream struct {
	cfg  StreamConfig
	http *http.Client
	wake chan struct{} // SetMarkets' signal to the running session

	mu      sync.Mutex
	want    want
	state   StreamState
	changed chan struct{} // closed and replaced whenever state changes
}

// NewStream checks cfg and returns a Stream that is not yet running.
func NewStream(cfg StreamConfig) (*Stream, error) {
	if err := checkStreamURL(cfg.URL); err != nil {
		return nil, err
	}
	if err := checkKeyID(cfg.KeyID); err != nil {
		return nil, err
	}
	if cfg.Key == nil {
		return nil, errors.New("kalshi: stream config: no private key")
	}
	if _, err := keyAlgorithm(cfg.Key); err != nil {
		return nil, fmt.Errorf("kalshi: stream config: %w", err)
	}
	if cfg.MaxFrameBytes < 0 || cfg.Silence < 0 || cfg.HandshakeTimeout < 0 {
		return nil, errors.New("kalshi: stream config: limits must not be negative")
	}
	cfg.MaxFrameBytes = cmp.Or(cfg.MaxFrameBytes, DefaultMaxFrameBytes)
	cfg.Silence = cmp.Or(cfg.Silence, DefaultSilence)
	cfg.HandshakeTimeout = cmp.Or(cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	return &Stream{cfg: cfg, http: httpsafe.Client(cfg.HTTPClient, 1), wake: make(chan struct{}, 1), changed: make(chan struct{})}, nil
}

// checkStreamURL accepts wss:// anywhere and ws:// on loopback, with a
// host, no credentials, no query: the clients' URL rule for WebSockets.
func checkStreamURL(s string) error {
	if _, why := httpsafe.CheckURL(s, "wss", "ws"); why != "" {
		return errors.New("kalshi: stream config: the WebSocket URL " + why)
	}
	return nil
}

// SetMarkets sets the markets to watch: user_orders and fill carry those
// markets' orders (every market's, when all is set), and ticker carries
// their prices. The subscriptions follow at once if connected, else on
// connecting.
func (s *Stream) SetMarkets(tickers []string, all bool) {
	ms := slices.Clone(tickers)
	ms = slices.DeleteFunc(ms, func(t string) bool { return t == "" })
	slices.Sort(ms)
	ms = slices.Compact(ms)
	s.mu.Lock()
	s.want = want{all: all, markets: ms}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Stream) wanted() want {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.want
}

// Run keeps the Stream connected until ctx ends, and returns ctx's error.
// Every message it reads, and every change of connection, goes to
// deliver, one at a time from one goroutine. deliver must not block for
// long: while it runs nothing is read, and a connection silent for
// Silence is dropped.
func (s *Stream) Run(ctx context.Context, deliver func(StreamEvent)) error {
	failures := 0
	for {
		ok, err := s.session(ctx, deliver)
		if ctx.Err() != nil {
			s.update(func(st *StreamState) { st.Connected, st.Live = false, false })
			return ctx.Err()
		}
		if ok {
			failures = 0
		}
		failures++
		wait := ReconnectDelay(failures, s.cfg.Int64N)
		now := s.cfg.Now()
		s.update(func(st *StreamState) {
			st.Connected, st.Live, st.Failures = false, false, failures
			st.ReconnectAt, st.LastError = now.Add(wait), bound(err.Error(), 300)
		})
		deliver(StreamEvent{Kind: EventDisconnected, Err: err, At: now, State: s.State()})
		select {
		case <-s.cfg.After(wait):
		case <-ctx.Done():
			s.update(func(st *StreamState) { st.ReconnectAt = time.Time{} })
			return ctx.Err()
		}
	}
}

// ReconnectDelay is the wait before reconnect attempt n (n ≥ 1) after n
// failures in a row: steps of 1 s, 2 s, 4 s… capped at 30 s, with the
// equal jitter every retry in ordermon uses (backoff.Policy), so clients
// that failed together do not return together and no wait is under half
// its step. int64n draws the jitter; nil means math/rand/v2.
func ReconnectDelay(n int, int64n func(int64) int64) time.Duration {
	return backoff.Policy{Base: time.Second, Max: 30 * time.Second, Int64N: int64n}.Wait(max(n, 1))
}

// dial opens a connection with the three signed headers.
func (s *Stream) dial(ctx context.Context) (*websocket.Conn, error) {
	req, err := http.NewRequest(http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("kalshi: stream: %s", cleanErr(err))
	}
	if err := SignRequest(req, s.cfg.KeyID, s.cfg.Key, s.cfg.Now()); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", UserAgent)
	hctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	conn, resp, err := websocket.Dial(hctx, s.cfg.URL, &websocket.DialOptions{
		HTTPClient: s.http,
		HTTPHeader: req.Header,
		OnPingReceived: func(context.Context, []byte) bool {
			s.heard(s.cfg.Now())
			return true
		},
	})
	if err == nil {
		s.update(func(st *StreamState) { st.Refused, st.RefusedStatus = false, 0 })
		return conn, nil
	}
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		var body []byte
		if resp.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(resp.Body, 1024))
		}
		s.update(func(st *StreamState) { st.Refused, st.RefusedStatus = true, resp.StatusCode })
		// The library keeps at most 1 KiB of a refused handshake's body.
		return nil, newAPIError(http.MethodGet, StreamPath, resp.StatusCode, resp.Header, body, len(body) >= 1024, s.cfg.Now())
	}
	return nil, &RequestError{Method: http.MethodGet, Path: StreamPath, Err: errors.New(bound(err.Error(), 300))}
}
