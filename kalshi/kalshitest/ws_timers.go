package kalshitest

import (
	"context"
	"sync"
	"time"

	"ordermon/internal/fakeserver"
)

// Timers gives a hand-set Clock timers: After returns a channel that
// fires when Advance moves the clock to or past its time. Pass Now and
// After to a kalshi.Stream and to Options, so the stream's silence
// watchdog, its reconnect waits and the exchange's heartbeats all run on
// the test's clock, and a test of "dead after 30 s of silence" takes no
// time. Move the clock only with Advance, or timers will not fire. It is
// safe for concurrent use.
type Timers struct {
	clock *Clock

	mu      sync.Mutex
	waiting []timer
	sig     fakeserver.Signal // wakes WaitPending whenever waiting changes
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// NewTimers returns timers on c.
func NewTimers(c *Clock) *Timers { return &Timers{clock: c} }

// Now returns the clock's time.
func (t *Timers) Now() time.Time { return t.clock.Now() }

// After returns a channel that receives the clock's time once it reaches
// now + d; at once if d ≤ 0.
func (t *Timers) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	now := t.clock.Now()
	if d <= 0 {
		ch <- now
		return ch
	}
	t.mu.Lock()
	t.waiting = append(t.waiting, timer{at: now.Add(d), ch: ch})
	t.sig.Broadcast()
	t.mu.Unlock()
	return ch
}

// Advance moves the clock by d and fires every timer that is due, in time
// order.
func (t *Timers) Advance(d time.Duration) {
	t.clock.Add(d)
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	kept := t.waiting[:0]
	for _, w := range t.waiting {
		if w.at.After(now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- now
	}
	clear(t.waiting[len(kept):])
	t.waiting = kept
	t.sig.Broadcast()
}

// Pending returns the times of the timers that have not fired, in the
// order they were set.
func (t *Timers) Pending() []time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pendingLocked()
}

func (t *Timers) pendingLocked() []time.Time {
	out := make([]time.Time, len(t.waiting))
	for i, w := range t.waiting {
		out[i] = w.at
	}
	return out
}

// WaitTimer blocks until a timer is set to fire at at, or ctx ends. A test
// uses it to know that the code under test has reached the wait it
// expects before it moves the clock.
func (t *Timers) WaitTimer(ctx context.Context, at time.Time) error {
	return t.WaitPending(ctx, func(p []time.Time) bool {
		for _, x := range p {
			if x.Equal(at) {
				return true
			}
		}
		return false
	})
}

// WaitPending blocks until cond holds for the pending timers, or ctx
// ends.
func (t *Timers) WaitPending(ctx context.Context, cond func([]time.Time) bool) error {
	return t.sig.Wait(ctx, &t.mu, func() bool { return cond(t.pendingLocked()) })
}
