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

// InjectFault adds a fault; faults are checked in the order added, and the
// first that matches a request is the only one applied to it.
func (x *Exchange) InjectFault(f Fault) { x.faults.Add(f) }

// ClearFaults removes every fault.
func (x *Exchange) ClearFaults() { x.faults.Clear() }

// Chaos makes a fraction of requests fail at random, for soak tests (see
// fakeserver.Chaos, which both fakes share): 500 with Kalshi's JSON, 502 or
// 503 with nginx's HTML page, 429 {"error":"too many requests"}, a held
// reply, or half of the normal body.
type Chaos = fakeserver.Chaos

// chaosStream tells the exchange's chaos sequence from the intent fake's.
const chaosStream = 0x6b616c736869 // "kalshi"

// SetChaos turns random failures on; the zero Chaos turns them off.
// Injected faults take precedence: a request matching a fault is not
// subject to chaos.
func (x *Exchange) SetChaos(c Chaos) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.chaos = fakeserver.NewDice(c, chaosStream)
}

// plan is what will happen to one request after it passed auth and the
// rate limit: the matched fault (a copy), or chaos's fate.
type plan struct {
	fault *Fault
	fakeserver.Fate
}

// planLocked picks the fault or chaos for a request on path, consuming one
// use of a counted fault. x.mu must be held.
func (x *Exchange) planLocked(path string) plan {
	if f, ok := x.faults.Take(path); ok {
		return plan{fault: &f, Fate: fakeserver.Fate{Delay: f.Delay}}
	}
	return plan{Fate: x.chaos.Roll()}
}

// apply rewrites the normal reply as the plan says and returns the size to
// pad it to (zero for none).
func (p plan) apply(base reply) (reply, int) {
	switch {
	case p.Status != 0:
		return statusReply(p.Status), 0
	case p.Garbage:
		base.status = http.StatusOK
		base.body = base.body[:len(base.body)/2]
		return base, 0
	case p.fault == nil:
		return base, 0
	}
	f := p.fault
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
