package kalshi

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// APIError is a non-2xx reply from Kalshi.
//
// Kalshi sends its error bodies in three shapes ({"error":{"code",...}},
// {"error":"too many requests"} and a bare {"code","message","details"});
// all decode into this one type. A body that is not JSON, such as a
// gateway's HTML page, leaves Code empty and keeps a short, sanitized
// Excerpt. Every string field is sanitized and bounded, so Error() is safe to
// print.
type APIError struct {
	Status  int    // HTTP status code
	Code    string // Kalshi's error code, e.g. "authentication_error"
	Message string
	Details string
	// Excerpt is a short, sanitized start of a body that was not a Kalshi
	// error object.
	Excerpt string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// ServerDate is the reply's Date header, the zero time if absent; it
	// lets a caller name clock skew as the cause of a 401.
	ServerDate time.Time
	// Method and Path name the request, without query or host.
	Method, Path string
}

// Error describes the failure in one line.
func (e *APIError) Error() string {
	s := "kalshi: " + e.Method + " " + e.Path + ": " + strconv.Itoa(e.Status)
	if t := http.StatusText(e.Status); t != "" {
		s += " " + t
	}
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	} else if e.Excerpt != "" {
		s += ": " + e.Excerpt
	}
	if e.Details != "" {
		s += " — " + e.Details
	}
	return s
}

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// IsNotFound reports whether err is Kalshi's 404.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsUnauthorized reports whether Kalshi rejected the credentials (401).
func IsUnauthorized(err error) bool { return StatusOf(err) == http.StatusUnauthorized }

// IsRateLimited reports whether Kalshi answered 429.
func IsRateLimited(err error) bool { return StatusOf(err) == http.StatusTooManyRequests }

// RequestError is a request that got no HTTP reply: the connection failed,
// the per-request timeout passed, or the caller's context ended. It names
// the request by method and path only, never the query, host credentials
// or headers.
type RequestError struct {
	Method, Path string
	// Timeout is set when the client's per-request timeout passed.
	Timeout bool
	Err     error
}

// Error describes the failure in one line.
func (e *RequestError) Error() string {
	// Transport errors can quote what the server sent (a malformed status
	// line, say), so the text is cleaned and cut like any server text.
	msg := bound(e.Err.Error(), 300)
	if e.Timeout {
		return "kalshi: " + e.Method + " " + e.Path + ": timed out: " + msg
	}
	return "kalshi: " + e.Method + " " + e.Path + ": " + msg
}

// Unwrap returns the underlying error, so errors.Is(err,
// context.DeadlineExceeded) and net.Error checks work.
func (e *RequestError) Unwrap() error { return e.Err }

// ErrBodyTooLarge is reported (wrapped with the request) when a reply is
// larger than Config.MaxBodyBytes. Such a body is refused rather than
// decoded in part.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrInvalidID is reported (wrapped) when an order ID, ticker or other
// value that would go into a URL fails ValidateID.
var ErrInvalidID = errors.New("invalid identifier")
