package pipeline

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/timefmt"
)

// maxJWTBytes bounds the tokens JWTExpiry will look into; the service's
// HS256 tokens are a few hundred bytes.
const maxJWTBytes = 16 << 10

// maxExpUnix is the largest exp accepted (the year 9999), so a garbage
// claim cannot overflow time arithmetic.
const maxExpUnix = 253402300799

// JWTExpiry returns the exp claim of a JWT. It does NOT verify the
// signature: the service does that; ordermon only needs to know when to
// stop sending the token. The payload may be base64url with or without
// padding. It reports false for anything that is not a JWT with a positive
// numeric exp.
func JWTExpiry(token string) (time.Time, bool) {
	if len(token) > maxJWTBytes {
		return time.Time{}, false
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[1] == "" {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.RawMessage `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}, false
	}
	return numericDate(claims.Exp)
}

// numericDate reads RFC 7519's NumericDate: seconds since the epoch,
// possibly with a fraction. It is parsed as text so no float rounding
// shifts the instant.
func numericDate(raw json.RawMessage) (time.Time, bool) {
	s := string(bytes.TrimSpace(raw))
	if len(s) == 0 || len(s) > 32 || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec <= 0 || sec > maxExpUnix {
		return time.Time{}, false
	}
	var nsec int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		for _, c := range frac {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
		}
		n, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		nsec = n
	}
	return time.Unix(sec, nsec), true
}

// TokenRefreshMargin is how long before a cached token's expiry
// CachingToken fetches a new one, so a request never races the expiry.
const TokenRefreshMargin = 30 * time.Second

// CachingToken wraps fetch (such as running the configured token_command)
// so it runs only when needed: the token is cached until it is expired or
// within TokenRefreshMargin of its JWT exp. A token without a readable exp
// is cached for good. When a refresh fails while the cached token is still
// valid, the cached token is returned. A freshly fetched token that is
// already expired is returned but not cached, so the client reports it
// expired and the next call fetches again. now nil means time.Now.
// Concurrent callers share one fetch; a caller whose ctx ends while
// waiting gets ctx's error.
func CachingToken(fetch func(ctx context.Context) (string, error), now func() time.Time) func(ctx context.Context) (string, error) {
	if now == nil {
		now = time.Now
	}
	c := &tokenCache{fetch: fetch, now: now, sem: make(chan struct{}, 1)}
	return c.get
}

type tokenCache struct {
	fetch func(ctx context.Context) (string, error)
	now   func() time.Time
	sem   chan struct{} // a mutex a waiting caller can abandon

	tok    string
	exp    time.Time
	hasExp bool
	valid  bool
}

func (c *tokenCache) get(ctx context.Context) (string, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.sem }()

	now := c.now()
	if c.valid && (!c.hasExp || now.Before(c.exp.Add(-TokenRefreshMargin))) {
		return c.tok, nil
	}
	tok, err := c.fetch(ctx)
	if err != nil {
		if c.valid && now.Before(c.exp) {
			return c.tok, nil
		}
		c.valid = false
		return "", err
	}
	exp, ok := JWTExpiry(tok)
	if ok && !now.Before(exp) {
		c.valid = false
		return tok, nil
	}
	c.tok, c.exp, c.hasExp, c.valid = tok, exp, ok, true
	return tok, nil
}

// DescribeExpiry says when a token expires, relative to now, for the
// status line: "token expires in 12m40s", "token expires in 1h05m", "token
// expired at 14:02 UTC" (with the date when not today), or "token expiry
// unknown" for the zero time.
func DescribeExpiry(exp, now time.Time) string {
	if exp.IsZero() {
		return "token expiry unknown"
	}
	d := exp.Sub(now)
	if d > 0 {
		return "token expires in " + timefmt.Duration(d)
	}
	e, n := exp.UTC(), now.UTC()
	if e.YearDay() != n.YearDay() || e.Year() != n.Year() {
		return "token expired at " + e.Format("2006-01-02 15:04") + " UTC"
	}
	return "token expired at " + e.Format("15:04") + " UTC"
}
