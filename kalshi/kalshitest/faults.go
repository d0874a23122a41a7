package kalshitest

import (
	"bytes"
	"net/http"
	"strconv"

	"ordermon/internal/fakeserver"
)

// Fault makes the exchange misbehave for matching requests (see
// fakeserver.Fault, which both fakes share). Faults apply only after a
// request has passed authentication and the rate limit, so a fault never
// hides a signing bug. A Status gets Kalshi's error body for it: 429
// {"error":"too many requests"}, 500 internal_server_error, and nginx's
// HTML page for 502, 503 and 504.
type Fault = fakeserver.Fault

// Chaos makes a fraction of requests fail at random, for soak tests (see
// fakeserver.Chaos, which both fakes share): 500 with Kalshi's JSON, 502 or
// 503 with nginx's HTML page, 429 {"error":"too many requests"}, a held
// reply, or half of the normal body. Exchange.SetChaos turns it on.
type Chaos = fakeserver.Chaos

// apply rewrites the normal reply as the request's fate says and returns
// the size to pad it to (zero for none).
func apply(p fakeserver.Fate, base reply) (reply, int) {
	if p.Garbage {
		base.status = http.StatusOK
		base.body = base.body[:len(base.body)/2]
		return base, 0
	}
	f := p.Fault
	out := base
	switch {
	case f.Body != nil:
		out = reply{status: http.StatusOK, ctype: sniff(f.Body), body: f.Body}
		if f.Status != 0 {
			out.status = f.Status
		}
	case f.Status >= 200 && f.Status < 300:
		out.status = f.Status
	case f.Status != 0:
		out = statusReply(f.Status)
	}
	if f.RetryAfter > 0 {
		h := http.Header{}
		for k, v := range out.header {
			h[k] = v
		}
		h.Set("Retry-After", strconv.Itoa(f.RetryAfter))
		out.header = h
	}
	return out, f.BodySize
}

// sniff names the content type of a verbatim fault body: HTML if it looks
// like markup, JSON otherwise, as a proxy or a broken API would label it.
func sniff(b []byte) string {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '<' {
		return "text/html"
	}
	return "application/json; charset=utf-8"
}
