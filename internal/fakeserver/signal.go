package fakeserver

import (
	"context"
	"sync"
)

// Signal wakes the goroutines waiting for a condition on state that a
// mutex guards, so a test waits on the condition instead of sleeping. The
// owner calls Broadcast, with its mutex held, after each change. The zero
// value is ready.
type Signal struct{ ch chan struct{} }

// Broadcast wakes every waiter. The owner's mutex must be held.
func (s *Signal) Broadcast() {
	if s.ch != nil {
		close(s.ch)
	}
	s.ch = make(chan struct{})
}

// Wait blocks until cond, evaluated with mu held, is true, or ctx ends.
func (s *Signal) Wait(ctx context.Context, mu *sync.Mutex, cond func() bool) error {
	for {
		mu.Lock()
		if s.ch == nil {
			s.ch = make(chan struct{})
		}
		ok, changed := cond(), s.ch
		mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
