package fakeserver

import (
	"context"
	"sync"
	"time"
)

// Sleeps is a sleep for a client's injected Sleep field: it records each
// wait it is asked for and returns at once (with ctx's error), so retry
// tests take no wall time and can check the waits. It is safe for
// concurrent use; the zero value is ready.
type Sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d and returns ctx's error.
func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Waits returns the waits asked for so far, in order.
func (s *Sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}
