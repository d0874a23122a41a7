package fakeserver

import (
	"context"
	"sync"
)

// Recorder keeps the requests a fake has answered, oldest first, and how
// many it is answering now, and lets tests wait for either without
// sleeping. R is the fake's own record of a request. It is safe for
// concurrent use; the zero value is ready.
type Recorder[R any] struct {
	mu       sync.Mutex
	reqs     []R
	inflight int
	changed  Signal // broadcast on every change
}

// Begin counts a request as in flight from the moment it is read.
func (r *Recorder[R]) Begin() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inflight++
	r.changed.Broadcast()
}

// End records a request whose reply was written or abandoned; it is no
// longer in flight. Both change at once, so a waiter never sees a request
// counted twice or not at all.
func (r *Recorder[R]) End(rec R) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inflight--
	r.reqs = append(r.reqs, rec)
	r.changed.Broadcast()
}

// Record records a request that was never counted in flight, such as a
// WebSocket handshake, whose connection lives on after it is recorded.
func (r *Recorder[R]) Record(rec R) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, rec)
	r.changed.Broadcast()
}

// Requests returns every request recorded so far, oldest first. A request
// is recorded when its reply has been written (or abandoned), so a request
// still held by a delay is not listed yet.
func (r *Recorder[R]) Requests() []R {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]R(nil), r.reqs...)
}

// InFlight returns how many requests are being served now, such as those
// held by a Delay fault.
func (r *Recorder[R]) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inflight
}

// WaitRequests blocks until at least n requests have been recorded or ctx
// ends.
func (r *Recorder[R]) WaitRequests(ctx context.Context, n int) error {
	return r.changed.Wait(ctx, &r.mu, func() bool { return len(r.reqs) >= n })
}

// WaitInFlight blocks until at least n requests are being served at once
// or ctx ends, so a test can act while a request is held.
func (r *Recorder[R]) WaitInFlight(ctx context.Context, n int) error {
	return r.changed.Wait(ctx, &r.mu, func() bool { return r.inflight >= n })
}
