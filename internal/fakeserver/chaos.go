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

// Fate is what a fake does with one request: it answers as Fault says (the
// zero Fault is the normal reply), after Fault.Delay; or never, when Hold;
// or with the first half of the normal body, when Garbage.
type Fate struct {
	Fault
	Hold    bool
	Garbage bool
}

// Trouble is the faults and chaos a fake has been asked to cause. Embedded
// in a fake, it gives the fake InjectFault, ClearFaults and SetChaos; the
// fake asks Plan what to do with each request. It is safe for concurrent
// use; the zero value causes none.
type Trouble struct {
	faults faults
	mu     sync.Mutex
	dice   *dice
}

// InjectFault adds a fault; faults are checked in the order added, and the
// first that matches a request is the only one applied to it. Injected
// faults take precedence over chaos.
func (t *Trouble) InjectFault(f Fault) { t.faults.add(f) }

// ClearFaults removes every fault.
func (t *Trouble) ClearFaults() { t.faults.clear() }

// SetChaos turns random failures on; the zero Chaos turns them off. A
// request matching an injected fault is not subject to chaos.
func (t *Trouble) SetChaos(c Chaos) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dice = newDice(c)
}

// Plan decides the fate of a request for path: the first matching fault,
// using up one of its Times, or else chaos's roll. It is a function rather
// than a method so that it is not promoted onto the fakes' own API.
func Plan(t *Trouble, path string) Fate {
	if f, ok := t.faults.take(path); ok {
		return Fate{Fault: f}
	}
	t.mu.Lock()
	d := t.dice
	t.mu.Unlock()
	return d.roll()
}

// stream is the second half of the chaos seed: kalshitest's from the
// start, kept so that a seeded run repeats the failures it always had.
const stream = 0x6b616c736869

// dice rolls the fates of a Chaos from its seeded source. It is safe for
// concurrent use; a nil *dice is no chaos and rolls the zero Fate.
type dice struct {
	mu  sync.Mutex
	c   Chaos
	rng *rand.Rand
}

// newDice returns the dice for c, or nil for the zero Chaos.
func newDice(c Chaos) *dice {
	if c == (Chaos{}) {
		return nil
	}
	// Any bits of the seed will do: a negative one wraps, which is fine.
	return &dice{c: c, rng: rand.New(rand.NewPCG(uint64(c.Seed), stream))} //nolint:gosec // G115, see above

}

// roll draws one request's fate. It always makes the same three draws, so
// the sequence of fates depends only on the seed and the request count.
func (d *dice) roll() Fate {
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
