// Package backoff times retries and reconnects: exponential steps with equal
// jitter, so no wait is shorter than half its step, and the one bounded retry
// loop both API clients use.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is exponential backoff with equal jitter. The wait before retry n
// is drawn uniformly from [Step(n)/2, Step(n)]: random enough that clients
// which failed together do not retry together, never so short that a retry
// after a 429 comes at once. Below the cap a step is twice the one before,
// so no wait is shorter than the previous step; at the cap waits stay
// between Max/2 and Max.
//
// The zero Policy waits zero. Engines, clients and reconnect loops build one
// from their own interval and cap, e.g. Policy{Base: interval, Max: 30 *
// time.Second}.Wait(failures).
type Policy struct {
	// Base is the first step.
	Base time.Duration
	// Max caps every step; a Max below Base means Base.
	Max time.Duration
	// Int64N draws a uniform integer in [0, n); nil means math/rand/v2's
	// Int64N. Tests inject a seeded source.
	Int64N func(n int64) int64
}

// Step returns the n-th step, counting from 1: Base doubled n-1 times,
// capped at Max.
func (p Policy) Step(n int) time.Duration {
	if p.Base <= 0 {
		return 0
	}
	ceiling := max(p.Max, p.Base)
	step := p.Base
	for i := 1; i < n && step < ceiling; i++ {
		if step > ceiling/2 {
			return ceiling // doubling would pass the cap, or overflow
		}
		step *= 2
	}
	return step
}

// Wait returns how long to wait before retry n (n counts from 1): half of
// Step(n), plus a random part of up to the other half.
func (p Policy) Wait(n int) time.Duration {
	step := p.Step(n)
	floor := step / 2
	draw := rand.Int64N
	if p.Int64N != nil {
		draw = p.Int64N
	}
	return floor + time.Duration(draw(int64(step-floor)+1))
}

// Sleep waits d, or until ctx ends, whichever is first, and returns ctx's
// error in the second case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
