package kalshitest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the exchange misbehave for matching requests. Faults apply
// only after a request has passed authentication and the rate limit, so
// a fault never hides a signing bug.
type Fault struct {
	// Path matches requests whose URL path contains it; empty matches all.
	Path string
	// Status, when non-zero, answers with this status and a Kalshi error
	// body for that status (429 gets {"error":"too many requests"}; 500
	// gets internal_server_error; 502, 503 and 504 get nginx's HTML page).
	// A 2xx status keeps the normal body.
	Status int
	// Body, when non-nil, is sent verbatim (with Status, or 200) instead of
	// the normal reply: HTML, truncated or garbage JSON.
	Body []byte
	// BodySize, when non-zero, sends the reply (normal, or the error body
	// for Status) padded to this many bytes: a JSON object gains a long
	// "padding" string field and stays valid JSON; other bodies are padded
	// with spaces. The padding is streamed, never built in memory.
	BodySize int
	// Delay holds the reply back this long (or until the client gives up).
	// The reply reflects the exchange's state when the delay ends.
	Delay time.Duration
	// RetryAfter, when non-zero, sets the Retry-After header in seconds.
	RetryAfter int
	// Times is how many matching requests the fault applies to; zero means
	// until ClearFaults.
	Times int
}

// InjectFault adds a fault; faults are checked in the order added, and the
// first that matches a request is the only one applied to it.
func (x *Exchange) InjectFault(f Fault) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.faults = append(x.faults, f)
}

// ClearFaults removes every fault.
func (x *Exchange) ClearFaults() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.faults = nil
}

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
	for i := range x.faults {
		f := &x.faults[i]
		if !strings.Contains(path, f.Path) {
			continue
		}
		copied := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				x.faults = append(x.faults[:i], x.faults[i+1:]...)
			}
		}
		return plan{fault: &copied, delay: copied.Delay}
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

// padding splits a padded body into the part before the filler, the
// filler byte and count, and the part after. A JSON object keeps its fields
// and gains "padding":"xxx…"; anything else is followed by spaces. When
// body is already at least size bytes it is sent whole.
func padding(body []byte, size int) (prefix, suffix []byte, filler byte, n int) {
	t := bytes.TrimSpace(body)
	if len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' {
		inner := bytes.TrimSpace(t[1 : len(t)-1])
		prefix = append([]byte{'{'}, inner...)
		if len(inner) > 0 {
			prefix = append(prefix, ',')
		}
		prefix = append(prefix, `"padding":"`...)
		suffix = []byte(`"}`)
		filler = 'x'
	} else {
		prefix, filler = body, ' '
	}
	n = size - len(prefix) - len(suffix)
	if n < 0 {
		n = 0
	}
	return prefix, suffix, filler, n
}

// streamPadded writes prefix, n filler bytes and suffix in fixed-size
// chunks, so a 20 MB body costs 32 KiB of memory. It stops at the first
// write error: the client has gone.
func streamPadded(w io.Writer, prefix, suffix []byte, filler byte, n int) {
	if _, err := w.Write(prefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{filler}, min(n, 32<<10))
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
	_, _ = w.Write(suffix)
}
