package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/httpsafe"
	"ordermon/internal/textsafe"
)

// Bounds on the text an error may carry from a reply, in runes.
const (
	maxErrorMessage = 200
	maxErrorExcerpt = 120
)

// IntentError is a non-2xx reply from the intent service, or a 2xx reply
// whose body says {"success":false,...}. Its strings are sanitized and
// bounded, and never contain the token or API key, so Error() is safe to
// print.
type IntentError struct {
	// Status is the HTTP status of the reply.
	Status int
	// Message is the service's own error message, when the body was a JSON
	// error object.
	Message string
	// Code is the service's error code, when it sent one.
	Code string
	// Excerpt is a short start of a body that was not a JSON error object,
	// such as a gateway's HTML page.
	Excerpt string
	// Path is the request path, e.g. /v1/order/123.
	Path string
	// RetryAfter is the reply's Retry-After (delay-seconds or an
	// HTTP-date), capped at an hour; zero when absent or invalid.
	// A caller backing off after a 429 or 503 should wait at least this.
	RetryAfter time.Duration
}

// Error describes the failure in one line.
func (e *IntentError) Error() string {
	s := "pipeline: GET " + e.Path + ": "
	if e.Status >= 200 && e.Status <= 299 || e.Status == 0 {
		s += "the service reported a failure"
	} else {
		s += strings.TrimSpace(strconv.Itoa(e.Status) + " " + http.StatusText(e.Status))
	}
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	} else if e.Excerpt != "" {
		s += ": " + e.Excerpt
	}
	return s
}

// IntentStatusOf returns the HTTP status of an *IntentError in err's
// chain, or 0.
func IntentStatusOf(err error) int {
	var ie *IntentError
	if errors.As(err, &ie) {
		return ie.Status
	}
	return 0
}

// Retryable reports whether a failed read may succeed if made again: a 429,
// a 5xx, a timeout or a failure to get a reply at all, as opposed to a
// reply that will be just as wrong next time. GetIntent retries these
// itself; a caller that polls may try again later.
func Retryable(err error) bool {
	if st := IntentStatusOf(err); st != 0 {
		return httpsafe.Transient(st)
	}
	var te *transportErr
	return errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded)
}

// classify tells the retry loop whether err is worth another attempt and
// what Retry-After the service sent with it.
func classify(err error) (bool, time.Duration) {
	var ie *IntentError
	if errors.As(err, &ie) {
		return Retryable(err), ie.RetryAfter
	}
	return Retryable(err), 0
}

// IsIntentNotFound reports whether the intent service answered 404: no
// intent has that ID (it may be a Kalshi order ID instead).
func IsIntentNotFound(err error) bool { return IntentStatusOf(err) == http.StatusNotFound }

// IsIntentUnauthorized reports whether the intent service rejected the
// credentials (401), which retrying will not fix.
func IsIntentUnauthorized(err error) bool { return IntentStatusOf(err) == http.StatusUnauthorized }

// TokenExpiredError reports that the intent service token's exp claim is
// in the past, so the request was not sent.
type TokenExpiredError struct {
	// At is when the token expired.
	At time.Time
}

// Error says when the token expired, in UTC.
func (e *TokenExpiredError) Error() string {
	return "intent service token expired at " + e.At.UTC().Format("15:04:05") + " UTC"
}

// IsTokenExpired reports whether err is, or wraps, a *TokenExpiredError.
func IsTokenExpired(err error) bool {
	var te *TokenExpiredError
	return errors.As(err, &te)
}

// BodyTooLargeError reports a reply body over the configured cap; the rest
// of the body was not read.
type BodyTooLargeError struct {
	Limit int64
}

// Error names the limit.
func (e *BodyTooLargeError) Error() string {
	return "reply body larger than " + formatBytes(e.Limit) + "; not read"
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// IntentFieldError reports a field of an intent reply that has the wrong
// type or an unreadable value.
type IntentFieldError struct {
	// Field is the field's path in the intent object, e.g.
	// "metadata.kalshiFillCount".
	Field string
	// Problem says what was wrong, sanitized.
	Problem string
}

// Error names the field and the problem.
func (e *IntentFieldError) Error() string {
	return "intent field " + e.Field + ": " + e.Problem
}

// secretScrubber returns a function that removes the given secrets from
// text taken from a reply, in case the server echoes a credential back.
// Secrets shorter than six bytes are left alone: replacing them would
// mangle ordinary words while protecting nothing real.
func secretScrubber(secrets ...string) func(string) string {
	var live []string
	for _, s := range secrets {
		if len(s) >= 6 {
			live = append(live, s)
		}
	}
	return func(s string) string {
		for _, sec := range live {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
		return s
	}
}

// newIntentError builds the error for a non-2xx reply. A truncated body is
// only excerpted: a JSON object cut short would not parse anyway.
func newIntentError(status int, path string, body []byte, truncated bool, scrub func(string) string) *IntentError {
	e := &IntentError{Status: status, Path: path}
	if !truncated {
		if msg, code, ok := parseErrorBody(body); ok && (msg != "" || code != "") {
			e.Message = textsafe.Truncate(scrub(textsafe.Clean(msg)), maxErrorMessage)
			e.Code = textsafe.Truncate(scrub(textsafe.Clean(code)), 40)
			return e
		}
	}
	e.Excerpt = excerpt(body, scrub)
	return e
}

// excerpt cleans and scrubs body before cutting it, so a secret cannot
// survive half-cut at the edge of the excerpt. An HTML page (a gateway's
// 502) is reduced to its text, which says more in few characters.
func excerpt(body []byte, scrub func(string) string) string {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if strings.HasPrefix(strings.TrimSpace(s), "<") {
		s = textsafe.HTMLText(s)
	}
	s = scrub(textsafe.Clean(s))
	return textsafe.Excerpt([]byte(s), maxErrorExcerpt)
}

// parseErrorBody reads the error object forms services commonly send:
// {"error":"..."}, {"message":"..."} (or a list of messages),
// {"success":false,"error":{"message","code"}}, {"detail":"..."} and
// {"errors":[{"message"}]}. ok is false when body is not a JSON object.
func parseErrorBody(body []byte) (msg, code string, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil || top == nil {
		return "", "", false
	}
	code = scalarText(top["code"])
	if m := messageText(top["message"]); m != "" {
		msg = m
	}
	if raw, has := top["error"]; has {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil && obj != nil {
			for _, k := range []string{"message", "msg", "detail", "description", "error"} {
				if m := messageText(obj[k]); m != "" && msg == "" {
					msg = m
				}
			}
			for _, k := range []string{"code", "type", "name"} {
				if c := scalarText(obj[k]); c != "" && code == "" {
					code = c
				}
			}
		} else if m := messageText(raw); m != "" {
			if msg == "" {
				msg = m
			} else if !strings.EqualFold(m, msg) {
				// NestJS sends {"error":"Bad Request","message":"why"}.
				msg = m + ": " + msg
			}
		}
	}
	for _, k := range []string{"detail", "error_description"} {
		if m := messageText(top[k]); m != "" && msg == "" {
			msg = m
		}
	}
	if raw, has := top["errors"]; has && msg == "" {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			if m := messageText(list[0]); m != "" {
				msg = m
			} else {
				var obj map[string]json.RawMessage
				if json.Unmarshal(list[0], &obj) == nil {
					msg = messageText(obj["message"])
				}
			}
		}
	}
	return msg, code, true
}

// messageText reads a JSON string, or a list of strings joined with "; ".
func messageText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "; ")
	}
	return ""
}

// scalarText reads a JSON string or number as text.
func scalarText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// serviceFailure is the error for a 2xx body of {"success":false,...}.
func serviceFailure(body []byte, scrub func(string) string) *IntentError {
	e := newIntentError(0, "", body, false, scrub)
	if e.Message == "" && e.Code == "" {
		e.Excerpt = ""
		e.Message = "success is false"
	}
	return e
}
