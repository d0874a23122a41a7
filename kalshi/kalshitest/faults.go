package kalshitest

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

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

// Chaos makes a fraction of requests fail at random, for soak tests. The
// probabilities are checked in field order against one draw per request and
// should sum to at most 1. The random source is seeded, so a run with the
// same requests in the same order fails the same way.
type Chaos struct {
	// P5xx answers 500 (JSON), 502 or 503 (nginx HTML), picked at random.
	P5xx float64
	// P429 answers {"error":"too many requests"}.
	P429 float64
	// PTimeout holds the reply until the client gives up.
	PTimeout float64
	// PGarbage answers 200 with the first half of the normal body, which
	// is truncated JSON.
	PGarbage float64
	// MaxLatency delays every reply by a random duration below it.
	MaxLatency time.Duration
	// Seed seeds the random source.
	Seed int64
}

type chaosState struct {
	c   Chaos
	rng *rand.Rand
}

// SetChaos turns random failures on; the zero Chaos turns them off.
// Injected faults take precedence: a request matching a fault is not
// subject to chaos.
func (x *Exchange) SetChaos(c Chaos) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if c == (Chaos{}) {
		x.chaos = nil
		return
	}
	x.chaos = &chaosState{c: c, rng: rand.New(rand.NewPCG(uint64(c.Seed), 0x6b616c736869))}
}

// plan is what will happen to one request after it passed auth and the
// rate limit.
type plan struct {
	fault   *Fault        // the matched fault, a copy
	delay   time.Duration // hold the reply this long first
	hold    bool          // never reply; wait for the client to give up
	status  int           // chaos: answer with statusReply(status)
	garbage bool          // chaos: answer with half the normal body
}

// planLocked picks the fault or chaos for a request on path, consuming one
// use of a counted fault. x.mu must be held.
func (x *Exchange) planLocked(path string) plan {
	if f, ok := x.faults.Take(path); ok {
		return plan{fault: &f, delay: f.Delay}
	}
	if x.chaos == nil {
		return plan{}
	}
	return x.chaos.roll()
}

// roll draws one request's fate. It always makes the same three draws, so
// the sequence of outcomes depends only on the seed and request count.
func (s *chaosState) roll() plan {
	var p plan
	latency := s.rng.Int64N(1 << 62)
	pick := s.rng.IntN(3)
	r := s.rng.Float64()
	if s.c.MaxLatency > 0 {
		p.delay = time.Duration(latency % int64(s.c.MaxLatency))
	}
	switch c := s.c; {
	case r < c.P5xx:
		p.status = [...]int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[pick]
	case r < c.P5xx+c.P429:
		p.status = http.StatusTooManyRequests
	case r < c.P5xx+c.P429+c.PTimeout:
		p.hold = true
	case r < c.P5xx+c.P429+c.PTimeout+c.PGarbage:
		p.garbage = true
	}
	return p
}

// apply rewrites the normal reply as the plan says and returns the size to
// pad it to (zero for none).
func (p plan) apply(base reply) (reply, int) {
	switch {
	case p.status != 0:
		return statusReply(p.status), 0
	case p.garbage:
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
