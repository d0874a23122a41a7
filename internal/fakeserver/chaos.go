package fakeserver

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Chaos makes a fraction of a fake's requests fail at random, for soak
// tests. The probabilities are checked in field order against one draw per
// request and should sum to at most 1. The random source is seeded, so a
// run with the same requests in the same order fails the same way.
type Chaos struct {
	// P5xx answers 500, 502 or 503, picked at random, each with the fake's
	// own body for it (on the Kalshi fake, nginx's HTML page for 502 and
	// 503).
	P5xx float64
	// P429 answers 429 with the fake's body for it.
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

// Fate is what a fault or chaos does to one request.
type Fate struct {
	// Delay holds the reply this long first.
	Delay time.Duration
	// Hold never replies: the request waits until the client gives up.
	Hold bool
	// Status, when non-zero, answers with the fake's error body for it.
	Status int
	// Garbage answers 200 with the first half of the normal body.
	Garbage bool
}

// Dice rolls the fates of a Chaos from its seeded source. It is safe for
// concurrent use; a nil *Dice is no chaos and rolls the zero Fate.
type Dice struct {
	mu  sync.Mutex
	c   Chaos
	rng *rand.Rand
}

// NewDice returns the dice for c, or nil for the zero Chaos. stream tells
// the fakes' sequences apart when they share a seed.
func NewDice(c Chaos, stream uint64) *Dice {
	if c == (Chaos{}) {
		return nil
	}
	return &Dice{c: c, rng: rand.New(rand.NewPCG(uint64(c.Seed), stream))}
}

// Roll draws one request's fate. It always makes the same three draws, so
// the sequence of fates depends only on the seed and the request count.
func (d *Dice) Roll() Fate {
	if d == nil {
		return Fate{}
	}
	d.mu.Lock()
	latency, pick, r := d.rng.Int64N(1<<62), d.rng.IntN(3), d.rng.Float64()
	d.mu.Unlock()
	var f Fate
	if d.c.MaxLatency > 0 {
		f.Delay = time.Duration(latency % int64(d.c.MaxLatency))
	}
	switch c := d.c; {
	case r < c.P5xx:
		f.Status = [...]int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[pick]
	case r < c.P5xx+c.P429:
		f.Status = http.StatusTooManyRequests
	case r < c.P5xx+c.P429+c.PTimeout:
		f.Hold = true
	case r < c.P5xx+c.P429+c.PTimeout+c.PGarbage:
		f.Garbage = true
	}
	return f
}

// Hold blocks for d, or for ever when d < 0, and reports whether it ran to
// the end. It gives up early when ctx ends (the client left) or done closes
// (the fake is closing), so held replies never outlive a test.
func Hold(ctx context.Context, d time.Duration, done <-chan struct{}) bool {
	var expired <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-expired:
		return true
	case <-ctx.Done():
	case <-done:
	}
	return false
}
