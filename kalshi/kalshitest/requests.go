package kalshitest

import (
	"context"
	"net/http"
	"sort"
	"time"
)

// Request is one request the exchange received.
type Request struct {
	At     time.Time
	Method string
	Path   string // URL path without query
	Query  string
	KeyID  string
	Status int // the status answered; StatusClientClosed if none was
	Cost   int // read tokens the request cost (GetOrder 2, others 10)
	// Charged reports whether Cost was taken from the bucket: false for
	// requests refused by authentication or by an empty bucket, which
	// Kalshi does not charge.
	Charged bool
}

// Requests returns every request received so far, oldest first. A request
// is recorded when its reply has been written (or abandoned), so a request
// still held by a delay is not listed yet.
func (x *Exchange) Requests() []Request { return x.rec.Requests() }

// WaitRequests blocks until at least n requests have been recorded or ctx
// ends, so tests can wait for a server-side outcome without sleeping.
func (x *Exchange) WaitRequests(ctx context.Context, n int) error {
	return x.rec.WaitRequests(ctx, n)
}

// InFlight returns how many requests are being served right now, such as
// requests held by a Delay fault.
func (x *Exchange) InFlight() int { return x.rec.InFlight() }

// WaitInFlight blocks until at least n requests are being served at once
// or ctx ends, so a test can act while a request is held.
func (x *Exchange) WaitInFlight(ctx context.Context, n int) error {
	return x.rec.WaitInFlight(ctx, n)
}

// Stats are totals over every request received.
type Stats struct {
	Requests        int // every request, whatever its outcome
	Tokens          int // read tokens charged
	TooManyRequests int // 429 answers, from the bucket, faults or chaos
	Unauthorized    int // 401 answers
	ServerErrors    int // 5xx answers
	ClientClosed    int // requests abandoned before a reply
}

// Stats returns totals over every request received so far.
func (x *Exchange) Stats() Stats {
	var s Stats
	for _, r := range x.rec.Requests() {
		s.Requests++
		if r.Charged {
			s.Tokens += r.Cost
		}
		switch {
		case r.Status == http.StatusTooManyRequests:
			s.TooManyRequests++
		case r.Status == http.StatusUnauthorized:
			s.Unauthorized++
		case r.Status == StatusClientClosed:
			s.ClientClosed++
		case r.Status >= 500:
			s.ServerErrors++
		}
	}
	return s
}

// MaxTokensPerSecond returns the most read tokens charged in any sliding
// one-second window of the exchange clock, the figure Kalshi's read budget
// bounds.
func (x *Exchange) MaxTokensPerSecond() int { return x.MaxTokensIn(time.Second) }

// MaxTokensIn returns the most read tokens charged in any window of length
// d, measured on the exchange clock at the time each request arrived.
func (x *Exchange) MaxTokensIn(d time.Duration) int {
	type hit struct {
		at   time.Time
		cost int
	}
	var hits []hit
	for _, r := range x.rec.Requests() {
		if r.Charged {
			hits = append(hits, hit{r.At, r.Cost})
		}
	}
	// Requests are recorded when they finish, not when they arrive.
	sort.Slice(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	best, sum, lo := 0, 0, 0
	for _, h := range hits {
		sum += h.cost
		for h.at.Sub(hits[lo].at) >= d {
			sum -= hits[lo].cost
			lo++
		}
		best = max(best, sum)
	}
	return best
}
