package backoff

import (
	"context"
	"time"
)

// Timing of the API clients' retries. A call makes at most ClientAttempts
// tries; the steps run from ClientBase to ClientMax; a Retry-After longer
// than ClientMaxRetryAfter ends the call with its error, whose Retry-After
// then tells the caller when to come back.
const (
	ClientAttempts      = 3
	ClientBase          = 250 * time.Millisecond
	ClientMax           = 5 * time.Second
	ClientMaxRetryAfter = 30 * time.Second
)

// Retry is the rule by which a call retries transient failures: up to
// MaxAttempts tries in all, waiting the Policy's backoff or the server's
// Retry-After, whichever is longer. A Retry-After over MaxRetryAfter, a wait
// that would outlast the context's deadline, or the context's end stops the
// call at once with the last error.
type Retry struct {
	Policy
	// MaxAttempts bounds the tries, the first included; below 1 means 1.
	MaxAttempts int
	// MaxRetryAfter is the longest Retry-After waited out inside one call;
	// zero means no limit.
	MaxRetryAfter time.Duration
	// Sleep waits between tries and must return early, with ctx's error,
	// when ctx ends; nil means Sleep. Tests inject one that records the
	// wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ForClient returns the API clients' retry rule: attempts tries (zero means
// ClientAttempts) and sleep between them (nil means Sleep).
func ForClient(attempts int, sleep func(context.Context, time.Duration) error) Retry {
	if attempts == 0 {
		attempts = ClientAttempts
	}
	return Retry{
		Policy:        Policy{Base: ClientBase, Max: ClientMax},
		MaxAttempts:   attempts,
		MaxRetryAfter: ClientMaxRetryAfter,
		Sleep:         sleep,
	}
}

// Classify says whether a failed try is worth another and how long the
// server asked the client to wait first (its Retry-After, or zero).
type Classify func(err error) (retry bool, retryAfter time.Duration)

// Do calls try with the attempt number (from 1) until it returns nil or an
// error that is final by classify or by the rule, and returns that error.
func (r Retry) Do(ctx context.Context, try func(n int) error, classify Classify) error {
	for n := 1; ; n++ {
		err := try(n)
		if err == nil {
			return nil
		}
		wait, ok := r.next(ctx, n, err, classify)
		if !ok {
			return err
		}
		sleep := r.Sleep
		if sleep == nil {
			sleep = Sleep
		}
		if sleep(ctx, wait) != nil {
			return err
		}
	}
}

// next decides whether try n's error gets another try, and after what wait.
func (r Retry) next(ctx context.Context, n int, err error, classify Classify) (time.Duration, bool) {
	if n >= r.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	retry, after := classify(err)
	if !retry || r.MaxRetryAfter > 0 && after > r.MaxRetryAfter {
		return 0, false
	}
	wait := max(r.Wait(n), after)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, false
	}
	return wait, true
}
