package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	// HTTPClient sends requests; nil means a client with sane timeouts.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 10 seconds.
	Timeout time.Duration
	// MaxBodyBytes caps each response body; zero means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock used to judge token expiry; nil means time.Now.
	Now func() time.Time
	// Logger, when set, receives one debug record per request: path,
	// duration, status and result. Headers, the token and the API key are
	// never logged.
	Logger *slog.Logger
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
	cfg  IntentConfig
	base string // scheme://host[/prefix] without a trailing slash
	http *http.Client
}

// ErrInvalidIntentID reports an intent ID that cannot be sent as one path
// segment. Errors wrapping it say why.
var ErrInvalidIntentID = errors.New("invalid intent ID")

// NewIntentClient returns a client for cfg. The base URL must be https,
// except that loopback hosts (127.0.0.0/8, ::1, localhost) may use http, so
// credentials never cross a network in clear text.
func NewIntentClient(cfg IntentConfig) (*IntentClient, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey != "" && !headerSafe(cfg.APIKey) {
		return nil, errors.New("pipeline: the intent API key contains characters an HTTP header cannot carry")
	}
	if cfg.Timeout < 0 || cfg.MaxBodyBytes < 0 {
		return nil, errors.New("pipeline: intent client timeout and body cap must not be negative")
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
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = MaxConcurrentRequests
		hc.Transport = tr
	}
	// A redirect would carry x-api-key (which net/http does not strip) to
	// wherever the server points, possibly over http; report it instead.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &IntentClient{cfg: cfg, base: base, http: &hc}, nil
}

// checkBaseURL validates raw and returns it without a trailing slash. Its
// errors never repeat the URL, which might hold credentials.
func checkBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("pipeline: the intent service URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("pipeline: the intent service URL is not a valid URL")
	}
	if u.User != nil {
		return "", errors.New("pipeline: the intent service URL must not contain a user name or password; use the token or API key settings")
	}
	if u.Host == "" {
		return "", errors.New("pipeline: the intent service URL has no host (want e.g. https://swap-api.flux.fun)")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("pipeline: the intent service URL must not have a query or fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("pipeline: the intent service URL must use https (http is allowed only for localhost), not http://%s", textsafe.Clean(u.Host))
		}
	default:
		return "", fmt.Errorf("pipeline: the intent service URL must use https, not %q", textsafe.Truncate(textsafe.Clean(u.Scheme), 16))
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// headerSafe reports whether s is visible ASCII, so it can be a header
// value and cannot split or inject headers.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// ValidateIntentID checks that id can name an intent in one URL path
// segment: non-empty, at most MaxIntentIDBytes of valid UTF-8, without
// control, format (such as bidi overrides) or space characters, without
// '/', and not "." or "..". Its error wraps ErrInvalidIntentID.
func ValidateIntentID(id string) error {
	bad := func(why string) error {
		return fmt.Errorf("pipeline: %w %q: %s", ErrInvalidIntentID, textsafe.Truncate(textsafe.Clean(id), 40), why)
	}
	switch {
	case id == "":
		return fmt.Errorf("pipeline: %w: it is empty", ErrInvalidIntentID)
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

// GetIntent reads one intent (GET {base}/v1/order/{id}).
func (c *IntentClient) GetIntent(ctx context.Context, id string) (Intent, error) {
	start := time.Now()
	in, err := c.getIntent(ctx, id)
	if c.cfg.Logger != nil {
		// The path holds only the validated ID; errors are already
		// scrubbed of the token and key.
		result, status := "ok", http.StatusOK
		if err != nil {
			status = IntentStatusOf(err)
			result = textsafe.Truncate(textsafe.Clean(err.Error()), 200)
		}
		c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "intent request",
			slog.String("path", "/v1/order/"+url.PathEscape(id)), slog.Duration("duration", time.Since(start)),
			slog.Int("status", status), slog.String("result", result))
	}
	return in, err
}

func (c *IntentClient) getIntent(ctx context.Context, id string) (Intent, error) {
	if err := ValidateIntentID(id); err != nil {
		return Intent{}, err
	}
	path := "/v1/order/" + url.PathEscape(id)
	token, err := c.token(ctx)
	if err != nil {
		return Intent{}, err
	}
	scrub := secretScrubber(token, c.cfg.APIKey)

	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return Intent{}, fmt.Errorf("pipeline: GET %s: building the request failed", path)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ordermon")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c.cfg.APIKey != "" {
		req.Header.Set("x-api-key", c.cfg.APIKey)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return Intent{}, c.transportError(ctx, path, err, scrub)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return Intent{}, c.transportError(ctx, path, err, scrub)
	}
	if int64(len(body)) > c.cfg.MaxBodyBytes {
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", path, &BodyTooLargeError{Limit: c.cfg.MaxBodyBytes})
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ie := newIntentError(resp.StatusCode, path, body, scrub)
		ie.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return Intent{}, ie
	}
	in, err := (&intentDecoder{scrub: scrub}).decode(body)
	if err != nil {
		var ie *IntentError
		if errors.As(err, &ie) {
			ie.Status, ie.Path = resp.StatusCode, path
			return Intent{}, ie
		}
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", path, err)
	}
	// A reply for another intent (a caching proxy mixing up replies, or a
	// service that ignores the path) must not be shown under this ID.
	// Case is ignored: a UUID means the same in either case.
	if in.ID != "" && !strings.EqualFold(in.ID, id) {
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", path, &IntentFieldError{
			Field:   "id",
			Problem: "the reply is for intent " + strconv.Quote(textsafe.Truncate(scrub(textsafe.Clean(in.ID)), 40)) + ", not the one asked for",
		})
	}
	// Every status reply says where the order is. One that does not (all
	// fields null, say) would otherwise replace what is known with an
	// intent that has no status, timestamps or Kalshi order.
	if in.Status == "" {
		return Intent{}, fmt.Errorf("pipeline: GET %s: %w", path, &IntentFieldError{Field: "status", Problem: "missing; the reply does not say where the order is"})
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
// caller's context: when it ended, its error is reported; when only our
// own deadline fired, the error says the service did not answer in time.
func (c *IntentClient) transportError(parent context.Context, path string, err error, scrub func(string) string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: the path is already named
	}
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("pipeline: GET %s: %w", path, perr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("pipeline: GET %s: no reply within %s: %w", path, c.cfg.Timeout, context.DeadlineExceeded)
	}
	return &transportErr{path: path, msg: scrub(textsafe.Clean(err.Error())), err: err}
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
