package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ordermon/internal/backoff"
	"ordermon/internal/httpsafe"
	"ordermon/internal/textsafe"
)

// MaxConcurrentRequests is how many requests to the intent service run at
// once by default; the client keeps as many idle connections, so a round of
// reads does not pay for new TLS handshakes.
const MaxConcurrentRequests = 8

// IntentConfig configures an IntentClient.
type IntentConfig struct {
	// BaseURL is the service root, e.g. https://swap-api.flux.fun.
	BaseURL string
	// Token returns the JWT sent as "Authorization: Bearer"; nil sends none.
	// It is called before each request so a token command can be re-run
	// when the token expires.
	Token func(ctx context.Context) (string, error)
	// APIKey is sent as x-api-key when non-empty.
	APIKey string
	// HTTPClient sends requests; nil means a client with sane timeouts and
	// reply headers capped at 64 KiB. Redirects are never followed,
	// whichever client is used.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 10 seconds.
	Timeout time.Duration
	// MaxBodyBytes caps each response body; zero means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock used to judge token expiry; nil means time.Now.
	Now func() time.Time
	// Logger, when set, receives one debug record per request: path,
	// attempt, duration, status and result. Headers, the token and the API
	// key are never logged.
	Logger *slog.Logger
	// MaxAttempts bounds the tries of one read, the first included; zero
	// means 3. Only transient failures are retried (see Retryable), with
	// the same backoff as the Kalshi client.
	MaxAttempts int
	// Sleep waits between attempts and must return early, with ctx's
	// error, when ctx ends; nil means a timer. Tests inject one that
	// records the wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Defaults of IntentConfig's zero fields.
const (
	DefaultIntentTimeout      = 10 * time.Second
	DefaultIntentMaxBodyBytes = 1 << 20
	// MaxIntentIDBytes bounds an intent ID; real IDs are far shorter.
	MaxIntentIDBytes = 128
)

// IntentClient reads intents from the intent service. It is safe for
// concurrent use.
type IntentClient struct {
	cfg   IntentConfig
	base  string // scheme://host[/prefix] without a trailing slash
	http  *http.Client
	retry backoff.Retry
}

// ErrInvalidIntentID reports an intent ID that cannot be sent as one path
// segment. Errors wrapping it say why.
var ErrInvalidIntentID = errors.New("invalid intent ID")

// NewIntentClient returns a client for cfg. The base URL must be https,
// except that loopback hosts (see httpsafe.IsLoopback: localhost,
// 127.0.0.0/8, ::1) may use http, so credentials never cross a network in
// clear text.
func NewIntentClient(cfg IntentConfig) (*IntentClient, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey != "" && !headerSafe(cfg.APIKey) {
		return nil, errors.New("pipeline: the intent API key contains characters an HTTP header cannot carry")
	}
	if cfg.Timeout < 0 || cfg.MaxBodyBytes < 0 || cfg.MaxAttempts < 0 {
		return nil, errors.New("pipeline: intent client timeout, body cap and attempts must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultIntentTimeout
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultIntentMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// A redirect would carry x-api-key (which net/http does not strip) to
	// wherever the server points, possibly over http; httpsafe reports it
	// instead.
	return &IntentClient{
		cfg: cfg, base: base,
		http:  httpsafe.Client(cfg.HTTPClient, MaxConcurrentRequests),
		retry: backoff.ForClient(cfg.MaxAttempts, cfg.Sleep),
	}, nil
}

// checkBaseURL validates raw and returns it without a trailing slash. Its
// errors never repeat the URL, which might hold credentials.
func checkBaseURL(raw string) (string, error) {
	u, problem := httpsafe.CheckBaseURL(raw)
	if problem != "" {
		return "", errors.New("pipeline: the intent service URL " + problem)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// headerSafe reports whether s is empty or visible ASCII, so it can be a
// header value and cannot split or inject headers: CheckToken's rule.
func headerSafe(s string) bool { return s == "" || CheckToken(s) == "" }

// ValidateIntentID checks that id can name an intent in one URL path
// segment: non-empty, at most MaxIntentIDBytes of valid UTF-8, without
// control, format (such as bidi overrides) or space characters, without
// '/', and not "." or "..". Its error wraps ErrInvalidIntentID.
func ValidateIntentID(id string) error { return validateSegment(ErrInvalidIntentID, id) }

// validateSegment applies ValidateIntentID's rules to an ID of any kind;
// its error wraps invalid, which names the kind.
func validateSegment(invalid error, id string) error {
	bad := func(why string) error {
		return fmt.Errorf("pipeline: %w %s: %s", invalid, textsafe.Quote(id, 40), why)
	}
	switch {
	case id == "":
		return fmt.Errorf("pipeline: %w: it is empty", invalid)
	case len(id) > MaxIntentIDBytes:
		return bad(fmt.Sprintf("longer than %d bytes", MaxIntentIDBytes))
	case id == "." || id == "..":
		return bad("not an ID")
	case !utf8.ValidString(id):
		return bad("not valid UTF-8")
	case strings.Contains(id, "/"):
		return bad("contains '/'")
	}
	for _, r := range id {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return bad("contains a control character")
		case unicode.IsSpace(r):
			return bad("contains whitespace")
		}
	}
	return nil
}

// GetIntent reads one intent (GET {base}/v1/order/{id}). 429s, 5xx
// replies, timeouts and connection failures are retried like the Kalshi
// client's reads (see internal/backoff), waiting at least any Retry-After
// but never past ctx's deadline; other errors are returned at once.
func (c *IntentClient) GetIntent(ctx context.Context, id string) (Intent, error) {
	if err := ValidateIntentID(id); err != nil {
		return Intent{}, err
	}
	return c.getOne(ctx, "/v1/order/"+url.PathEscape(id), "id", id)
}

// getOne reads the single intent at path, checking that the reply's field
// (id or clientId) names want.
func (c *IntentClient) getOne(ctx context.Context, path, field, want string) (Intent, error) {
	var in Intent
	err := c.get(ctx, path, func(body []byte, status int, a attempt) error {
		var err error
		in, err = c.decode(body, status, a, field, want)
		return err
	})
	return in, err
}

// get reads path with the client's credentials, timeout, body cap and
// retries, handing each 2xx body to decode; an error from decode ends
// that attempt as a failed one (retried only when Retryable).
func (c *IntentClient) get(ctx context.Context, path string, decode func(body []byte, status int, a attempt) error) error {
	// The token is fetched once per read, not per attempt: a token command
	// that failed or hung is not run again by the retries.
	token, err := c.token(ctx)
	if err != nil {
		return err
	}
	a := attempt{path: path, token: token, scrub: secretScrubber(token, c.cfg.APIKey)}
	return c.retry.Do(ctx, func(n int) error {
		start := time.Now()
		body, status, err := c.send(ctx, a)
		if err == nil {
			err = decode(body, status, a)
		}
		c.log(ctx, path, n, time.Since(start), err)
		return err
	}, classify)
}

// log writes one debug record per attempt. The path holds only validated
// IDs and the wallet address, which is public; errors are already
// scrubbed of the token and key.
func (c *IntentClient) log(ctx context.Context, path string, n int, d time.Duration, err error) {
	if c.cfg.Logger == nil {
		return
	}
	result, status := "ok", http.StatusOK
	if err != nil {
		status = IntentStatusOf(err)
		result = textsafe.Short(err.Error(), 200)
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "intent request",
		slog.String("path", path), slog.Int("attempt", n), slog.Duration("duration", d),
		slog.Int("status", status), slog.String("result", result))
}

// attempt is what every try of one read sends and scrubs.
type attempt struct {
	path, token string
	scrub       func(string) string
}

// send makes one request within the per-request timeout and returns the
// body of a 2xx reply with its status.
func (c *IntentClient) send(ctx context.Context, a attempt) ([]byte, int, error) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, c.base+a.path, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("pipeline: GET %s: building the request failed", a.path)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", httpsafe.UserAgent)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if c.cfg.APIKey != "" {
		req.Header.Set("x-api-key", c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, c.transportError(ctx, rctx, a.path, err, a.scrub)
	}
	defer resp.Body.Close()
	body, truncated, err := httpsafe.ReadBody(resp, c.cfg.MaxBodyBytes)
	if err != nil {
		return nil, 0, c.transportError(ctx, rctx, a.path, err, a.scrub)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ie := newIntentError(resp.StatusCode, a.path, body, truncated, a.scrub)
		ie.RetryAfter = httpsafe.RetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return nil, 0, ie
	}
	if truncated {
		return nil, 0, fmt.Errorf("pipeline: GET %s: %w", a.path, &BodyTooLargeError{Limit: c.cfg.MaxBodyBytes})
	}
	return body, resp.StatusCode, nil
}

// replyError names the request in an error from decoding its 2xx reply;
// a {"success":false} body becomes an *IntentError with the reply's status.
func (a attempt) replyError(err error, status int) error {
	var ie *IntentError
	if errors.As(err, &ie) {
		ie.Status, ie.Path = status, a.path
		return ie
	}
	return fmt.Errorf("pipeline: GET %s: %w", a.path, err)
}

// decode reads a 2xx reply and checks that it is the intent asked for
// (its field, id or clientId, is want when present) and says where the
// order is.
func (c *IntentClient) decode(body []byte, status int, a attempt, field, want string) (Intent, error) {
	in, err := (&intentDecoder{scrub: a.scrub}).decode(body)
	if err != nil {
		return Intent{}, a.replyError(err, status)
	}
	// A reply for another intent (a caching proxy mixing up replies, or a
	// service that ignores the path) must not be shown under this ID.
	// Case is ignored: a UUID means the same in either case.
	got := in.ID
	if field == "clientId" {
		got = in.ClientID
	}
	if got != "" && !strings.EqualFold(got, want) {
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", a.path, &IntentFieldError{
			Field:   field,
			Problem: "the reply is for " + field + " " + strconv.Quote(textsafe.Truncate(a.scrub(textsafe.Clean(got)), 40)) + ", not the one asked for",
		})
	}
	// Every status reply says where the order is. One that does not (all
	// fields null, say) would otherwise replace what is known with an
	// intent that has no status, timestamps or Kalshi order.
	if in.Status == "" {
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", a.path, &IntentFieldError{Field: "status", Problem: "missing; the reply does not say where the order is"})
	}
	return in, nil
}

// token returns the token to send, or "" when none is configured. It
// refuses a token known to be expired, so an expired credential is never
// sent and the user learns why at once.
func (c *IntentClient) token(ctx context.Context) (string, error) {
	if c.cfg.Token == nil {
		return "", nil
	}
	tok, err := c.cfg.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("pipeline: getting the intent service token: %w", err)
	}
	if tok == "" {
		return "", errors.New("pipeline: the intent service token is empty")
	}
	if !headerSafe(tok) {
		return "", errors.New("pipeline: the intent service token contains characters an HTTP header cannot carry")
	}
	if exp, ok := JWTExpiry(tok); ok && !c.cfg.Now().Before(exp) {
		return "", &TokenExpiredError{At: exp}
	}
	return tok, nil
}

// TokenExpiry returns when the configured token expires, read from its
// JWT exp claim; the zero time when there is no token, it is not a JWT, or
// fetching it fails.
func (c *IntentClient) TokenExpiry(ctx context.Context) time.Time {
	if c.cfg.Token == nil {
		return time.Time{}
	}
	tok, err := c.cfg.Token(ctx)
	if err != nil {
		return time.Time{}
	}
	exp, _ := JWTExpiry(tok)
	return exp
}

// transportError names a failure to get a reply at all. parent is the
// caller's context: when it ended, its error is reported; when only the
// attempt's own deadline fired, the error says the service did not answer
// in time.
func (c *IntentClient) transportError(parent, attempt context.Context, path string, err error, scrub func(string) string) error {
	cause, timedOut := httpsafe.NoReply(parent, attempt, err)
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("pipeline: GET %s: %w", path, cause)
	case timedOut:
		return fmt.Errorf("pipeline: GET %s: no reply within %s: %w", path, c.cfg.Timeout, context.DeadlineExceeded)
	}
	return &transportErr{path: path, msg: scrub(textsafe.Clean(cause.Error())), err: cause}
}

// transportErr keeps the cause for errors.Is while printing a sanitized
// message.
type transportErr struct {
	path, msg string
	err       error
}

func (e *transportErr) Error() string { return "pipeline: GET " + e.path + ": " + e.msg }
func (e *transportErr) Unwrap() error { return e.err }

// String describes the configuration without its credentials, so logging a
// config cannot leak the API key.
func (c IntentConfig) String() string {
	s := "IntentConfig{BaseURL: " + strconv.Quote(textsafe.Clean(c.BaseURL))
	if c.Token != nil {
		s += ", token: set"
	}
	if c.APIKey != "" {
		s += ", API key: set"
	}
	return s + "}"
}

// GoString is String, so %#v cannot print the API key either.
func (c IntentConfig) GoString() string { return c.String() }

// String names the service the client talks to, without credentials.
func (c *IntentClient) String() string { return "IntentClient(" + c.base + ")" }

// GoString is String, so %#v cannot print the API key either.
func (c *IntentClient) GoString() string { return c.String() }
