package kalshi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"ordermon/internal/httpsafe"
	"ordermon/internal/textsafe"
)

// Bounds, in runes, on the strings an APIError keeps from a reply.
const (
	maxCodeRunes    = 64
	maxMessageRunes = 200
	maxDetailsRunes = 300
	// ExcerptRunes is the length of APIError.Excerpt: enough to recognise
	// a gateway's error page, too little to flood a terminal.
	ExcerptRunes = 120
)

// newAPIError builds the error for a non-2xx reply. body holds at most the
// configured cap; truncated says the reply was longer, in which case it is
// not parsed as JSON, only excerpted.
func newAPIError(method, path string, status int, h http.Header, body []byte, truncated bool, now time.Time) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	e.ServerDate = parseHTTPDate(h.Get("Date"))
	ref := now
	if !e.ServerDate.IsZero() {
		// An HTTP-date Retry-After is relative to the server's clock, which
		// may disagree with ours.
		ref = e.ServerDate
	}
	e.RetryAfter = httpsafe.RetryAfter(h.Get("Retry-After"), ref)
	if !truncated && parseErrorBody(e, body) {
		return e
	}
	e.Excerpt = textsafe.Excerpt(body, ExcerptRunes)
	return e
}

// parseErrorBody fills e from one of the three JSON error shapes Kalshi
// sends and reports whether body was one of them:
//
//	{"error":{"code":"...","message":"...","details":"..."}}
//	{"error":"too many requests"}
//	{"code":"...","message":"...","details":"..."}
func parseErrorBody(e *APIError, body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	if raw, ok := top["error"]; ok {
		var msg string
		if json.Unmarshal(raw, &msg) == nil {
			e.Message = bound(msg, maxMessageRunes)
			return e.Message != ""
		}
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) != nil {
			return false
		}
		top = inner
	}
	code, c := errText(top["code"])
	msg, m := errText(top["message"])
	det, d := errText(top["details"])
	if !c && !m && !d {
		return false
	}
	e.Code = bound(code, maxCodeRunes)
	e.Message = bound(msg, maxMessageRunes)
	e.Details = bound(det, maxDetailsRunes)
	return e.Code != "" || e.Message != "" || e.Details != ""
}

// errText reads an error-body field. Strings are taken as they are; any
// other JSON value (details has been seen as an object elsewhere) is kept as
// its compact text rather than dropped.
func errText(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || isNull(raw) {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String(), true
	}
	return "", false
}

// bound makes server text safe to print: escapes removed, one line, at
// most n runes.
func bound(s string, n int) string {
	if len(s) > 8*n {
		s = s[:8*n] // Clean is linear, but there is no need to scan megabytes.
	}
	return textsafe.Truncate(strings.Join(strings.Fields(textsafe.Clean(s)), " "), n)
}

func parseHTTPDate(v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return time.Time{}
	}
	return t
}
