// Package httpsafe holds the HTTP rules both API clients share: plain http
// only to this machine, a transport that caps reply headers and never
// follows redirects, capped body reads, and a bounded Retry-After.
package httpsafe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// IsLoopback reports whether host, a URL's Hostname() (no brackets, no
// port), names this machine, where plain http cannot be overheard:
// "localhost" in any case, also with the DNS root's trailing dot (the
// resolver reads "localhost." from the same hosts entry), or an address in
// 127.0.0.0/8 or ::1, IPv4-mapped forms such as ::ffff:127.0.0.1 included.
// Subdomains of localhost and shorthand such as "127.1" are refused: a
// resolver may send them to DNS and so off the machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// CheckBaseURL parses raw as an API root: an absolute URL with a host, no
// user name or password, no query or fragment, and the https scheme, or
// http when IsLoopback(host). The problem it returns is a phrase to follow
// the setting's name ("has no host name") and never repeats raw, which may
// hold a password; it is empty when raw is fine.
func CheckBaseURL(raw string) (*url.URL, string) { return CheckURL(raw, "https", "http") }

// CheckURL is CheckBaseURL for any pair of schemes: secure anywhere, plain
// (its unencrypted twin, "ws" for "wss") only when IsLoopback(host). It is
// the one rule for every URL a client or the configuration is given, and
// its problems are worded for the person who typed the URL: the scheme is
// checked first, so "swap-api.example" is told to start with https://.
func CheckURL(raw, secure, plain string) (*url.URL, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, "is empty"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, "is not a valid URL"
	case u.Scheme != secure && u.Scheme != plain:
		return nil, "must start with " + secure + ":// (or " + plain + ":// for a local test server)"
	case u.Opaque != "" || u.Host == "":
		return nil, "has no host name"
	case u.User != nil:
		return nil, "must not contain a user name or password; put credentials in their own keys"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, "must not have a query (?...) or fragment (#...)"
	case u.Scheme == plain && !IsLoopback(u.Hostname()):
		return nil, "must use " + secure + ":// unless the host is this machine (a loopback address: localhost, 127.0.0.0/8 or ::1)"
	}
	return u, ""
}

// MaxHeaderBytes caps a reply's headers. Real replies carry a few hundred
// bytes; net/http's default of 10 MB would let a hostile server make every
// poll expensive.
const MaxHeaderBytes = 64 << 10

// Client returns the client to send with: a copy of hc, or, when hc is
// nil, one on a clone of net/http's default transport that keeps
// idlePerHost idle connections per host (so a round of parallel reads pays
// for no new TLS handshakes) and caps reply headers at MaxHeaderBytes.
// Either way redirects are never followed, since they would carry the
// credentials (signed headers, an API key) to another URL, perhaps over
// plain http: the 3xx reply is returned instead.
func Client(hc *http.Client, idlePerHost int) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSHandshakeTimeout = 10 * time.Second
		tr.MaxIdleConnsPerHost = idlePerHost
		tr.MaxResponseHeaderBytes = MaxHeaderBytes
		c.Transport = tr
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// MaxErrorBodyBytes caps what is read of an error reply: its code and an
// excerpt are all anyone keeps.
const MaxErrorBodyBytes = 64 << 10

// ReadBody reads resp's body, at most limit bytes of a 2xx reply and at
// most MaxErrorBodyBytes of any other. truncated reports a longer body,
// which the caller must refuse (2xx) or only excerpt (errors), never
// decode in part; a 2xx reply whose Content-Length is over the limit is not
// read at all. An error is a failure while reading.
func ReadBody(resp *http.Response, limit int64) (body []byte, truncated bool, err error) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok {
		limit = min(limit, MaxErrorBodyBytes)
	}
	if ok && resp.ContentLength > limit {
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		return body[:limit], true, nil
	}
	return body, false, nil
}

// MaxRetryAfter caps the Retry-After a client believes, so a hostile value
// cannot silence a source for days.
const MaxRetryAfter = time.Hour

// RetryAfter reads a Retry-After value, delay-seconds or an HTTP-date (RFC
// 9110 §10.2.3) measured from ref. It is zero when absent, invalid or past,
// and at most MaxRetryAfter.
func RetryAfter(v string, ref time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(ref)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// UserAgent is sent with every request to either service.
const UserAgent = "ordermon"

// Transient reports whether an HTTP status may go away by itself: 429 or
// any 5xx. Other statuses will be just as wrong next time.
func Transient(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// NoReply explains the error of a request that got no reply. It drops
// net/http's *url.Error wrapper, which quotes the whole URL, query
// included. When parent, the caller's context, has ended, cause is why
// (context.Cause) and the failure is the caller's; otherwise timedOut says
// whether only the attempt's own context, attempt, ran out of time.
func NoReply(parent, attempt context.Context, err error) (cause error, timedOut bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if parent.Err() != nil {
		return context.Cause(parent), false
	}
	return err, errors.Is(attempt.Err(), context.DeadlineExceeded)
}
