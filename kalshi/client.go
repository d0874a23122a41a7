package kalshi

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"ordermon/internal/backoff"
	"ordermon/internal/httpsafe"
)

// Base URLs of Kalshi's two environments.
const (
	ProdBaseURL = "https://external-api.kalshi.com/trade-api/v2"
	DemoBaseURL = "https://external-api.demo.kalshi.co/trade-api/v2"
)

// Defaults for the zero values of Config.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBodyBytes = 1 << 20
	// UserAgent is sent with every request.
	UserAgent = httpsafe.UserAgent
)

// BaseURLFor returns the API root of a Kalshi environment: "prod" or
// "demo", exactly; it is the one rule for environment names, which the
// configuration checks by. Credentials are not shared between the two.
func BaseURLFor(env string) (string, error) {
	switch env {
	case "prod":
		return ProdBaseURL, nil
	case "demo":
		return DemoBaseURL, nil
	}
	return "", fmt.Errorf("kalshi: unknown environment %q; want \"prod\" or \"demo\"", bound(env, 40))
}

// Config configures a Client. Only BaseURL, KeyID and Key are required.
type Config struct {
	// BaseURL is the API root including the /trade-api/v2 path prefix. It
	// must be https, except on a loopback host (see httpsafe.IsLoopback:
	// localhost, 127.0.0.0/8, ::1), where http is allowed for fakes.
	BaseURL string
	// KeyID is the API key ID sent as KALSHI-ACCESS-KEY.
	KeyID string
	// Key signs requests: an *rsa.PrivateKey of at least 2048 bits or an
	// ed25519.PrivateKey (any crypto.Signer with such a public key works,
	// for keys held in an agent or HSM).
	Key crypto.Signer
	// HTTPClient sends requests; nil means a client with sane transport
	// timeouts and reply headers capped at 64 KiB. Redirects are never
	// followed, whichever client is used, because they would carry the
	// signed headers to another URL.
	HTTPClient *http.Client
	// Timeout bounds each request attempt, reading the body included; zero
	// means 10 seconds.
	Timeout time.Duration
	// MaxBodyBytes caps each response body; zero means 1 MiB. A larger
	// reply is an error, never a partial decode.
	MaxBodyBytes int64
	// Now is the clock used for request timestamps; nil means time.Now.
	Now func() time.Time

	// MaxAttempts bounds the tries of one request, the first included;
	// zero means 3. Only transient failures are retried (see Retryable).
	MaxAttempts int
	// Limiter, when set, is a client-side token bucket shared by every
	// read: each request waits for its Cost in tokens before it is sent,
	// so the client paces itself instead of drawing 429s. Its burst must be
	// at least CostDefault. See NewReadLimiter.
	Limiter *rate.Limiter
	// Logger, when set, receives one debug record per attempt: operation,
	// method, path (no query), status, duration, attempt and cost. Headers,
	// signatures and keys are never logged.
	Logger *slog.Logger
	// Sleep waits between attempts and must return early, with ctx's
	// error, when ctx ends; nil means a timer. Tests inject one that
	// records the wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// String describes the configuration without the key or key ID, so a
// Config printed by accident leaks nothing.
func (c Config) String() string {
	return fmt.Sprintf("kalshi.Config{BaseURL: %q, KeyID: [redacted], Key: %s}", c.BaseURL, keyDesc(c.Key))
}

// GoString is String, so %#v redacts too.
func (c Config) GoString() string { return c.String() }

func keyDesc(k crypto.Signer) string {
	if k == nil {
		return "none"
	}
	alg, err := keyAlgorithm(k)
	if err != nil {
		return "unsupported"
	}
	return "[" + alg + " key redacted]"
}

// Client reads orders from Kalshi. It is safe for concurrent use.
type Client struct {
	cfg      Config
	base     *url.URL
	http     *http.Client
	retry    backoff.Retry
	lastDate atomic.Pointer[time.Time]
	costs    atomic.Pointer[Costs] // set by UseCosts; nil means Cost
}

// maxIdlePerHost is how many idle connections the default transport keeps
// to Kalshi, so parallel reads do not pay for new TLS handshakes.
const maxIdlePerHost = 8

// New checks cfg and returns a client for it.
func New(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := checkKeyID(cfg.KeyID); err != nil {
		return nil, err
	}
	if cfg.Key == nil {
		return nil, errors.New("kalshi: config: no private key; set Key (see LoadPrivateKey)")
	}
	if _, err := keyAlgorithm(cfg.Key); err != nil {
		return nil, fmt.Errorf("kalshi: config: %w", err)
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("kalshi: config: Timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, errors.New("kalshi: config: MaxBodyBytes must not be negative")
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAttempts < 0 {
		return nil, errors.New("kalshi: config: MaxAttempts must not be negative")
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Limiter != nil && cfg.Limiter.Burst() < CostDefault && cfg.Limiter.Limit() != rate.Inf {
		return nil, fmt.Errorf("kalshi: config: Limiter burst %d is below the %d tokens one read costs, so reads would never be sent", cfg.Limiter.Burst(), CostDefault)
	}
	cfg.BaseURL = base.String()
	return &Client{
		cfg: cfg, base: base,
		http:  httpsafe.Client(cfg.HTTPClient, maxIdlePerHost),
		retry: backoff.ForClient(cfg.MaxAttempts, cfg.Sleep),
	}, nil
}

// String describes the client without its credentials.
func (c *Client) String() string { return "kalshi.Client{" + c.cfg.BaseURL + "}" }

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// LastServerDate returns the Date header of the most recent reply, or the
// zero time before any. Comparing it with the local clock tells a caller
// whether a 401 may be clock skew: Kalshi rejects stale timestamps.
func (c *Client) LastServerDate() time.Time {
	if t := c.lastDate.Load(); t != nil {
		return *t
	}
	return time.Time{}
}

func checkBaseURL(s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("kalshi: config: no base URL; use %s or %s", ProdBaseURL, DemoBaseURL)
	}
	u, problem := httpsafe.CheckBaseURL(s)
	if problem != "" {
		return nil, errors.New("kalshi: config: base URL " + problem)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

func checkKeyID(id string) error {
	if id == "" {
		return errors.New("kalshi: config: no API key ID; set KeyID")
	}
	// The key ID is not a secret like the key, but it identifies the
	// account, so it is not echoed.
	if err := ValidateID("API key ID", id); err != nil {
		return errors.New("kalshi: config: API key ID is malformed (empty, over 128 bytes, or containing spaces, control characters or '/')")
	}
	return nil
}
