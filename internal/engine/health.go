package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"ordermon/internal/backoff"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// outcome sums up one source's requests in a round.
type outcome struct {
	tried, ok   bool
	transient   error
	permanent   error
	lat         time.Duration
	rateLimited bool
	retryAfter  time.Duration
	authFailed  error
}

// note adds one request's result. A 404 is an answer, not a failure: the
// source replied, so it counts as a success for the source's health.
func (o *outcome) note(err error, lat time.Duration) {
	o.tried = true
	o.lat = lat
	switch {
	case err == nil, kalshi.IsNotFound(err), pipeline.IsIntentNotFound(err):
		o.ok = true
	case isAuthFailure(err):
		// Asking again with the same credentials cannot help, and a
		// storm of rejected requests can get a key locked.
		o.authFailed = err
	case retryable(err):
		o.transient = err
		o.rateLimited = o.rateLimited || kalshi.IsRateLimited(err) || pipeline.IntentStatusOf(err) == 429
		o.retryAfter = max(o.retryAfter, retryAfter(err))
	default:
		o.permanent = err
	}
}

// noteAux adds a queue, market or fill read: only what is account-wide
// (a 429, rejected credentials) says anything about the source; any other
// failure stays with its figure and never backs off the order reads.
func (o *outcome) noteAux(err error) {
	switch {
	case err == nil:
	case isAuthFailure(err):
		o.tried, o.authFailed = true, err
	case kalshi.IsRateLimited(err):
		o.tried, o.transient, o.rateLimited = true, err, true
		o.retryAfter = max(o.retryAfter, retryAfter(err))
	}
}

func isAuthFailure(err error) bool {
	return kalshi.IsUnauthorized(err) || kalshi.StatusOf(err) == http.StatusForbidden ||
		pipeline.IntentStatusOf(err) == 401 || pipeline.IntentStatusOf(err) == 403 || pipeline.IsTokenExpired(err)
}

// updateHealth folds the round's outcomes into each source's health and
// sets the next backoff. It runs with e.mu held, before the snapshots are
// folded, so every order shows this round's halt or backoff.
//
// A source as a whole backs off only when it is rate-limited (429 is
// account-wide) or every request to it failed transiently; a few orders
// failing while others are answered, or an order with a permanent problem
// (a bad reply), keep their own errors without slowing the rest.
func (e *Engine) updateHealth(res []result, now time.Time) {
	var k, in outcome
	for _, r := range res {
		if r.order.tried {
			k.note(r.order.err, r.order.lat)
		}
		if r.intent.tried {
			in.note(r.intent.err, r.intent.lat)
		}
		k.noteAux(r.queue.err)
		k.noteAux(r.market.err)
		k.noteAux(r.fills.err)
	}
	e.applyOutcome(SourceKalshi, k, now)
	e.applyOutcome(SourceIntent, in, now)
}

// applyOutcome sets one source's health from its round outcome.
func (e *Engine) applyOutcome(name SourceName, o outcome, now time.Time) {
	s := e.sources[name]
	if !o.tried {
		return
	}
	s.health.LastAttempt = now
	s.health.Latency = o.lat
	if o.ok {
		s.health.LastSuccess = now
	}
	s.health.RetryAt, s.health.RateLimited = time.Time{}, false
	switch {
	case o.authFailed != nil:
		s.health.Halted = true
		s.health.Err = authMessage(name, o.authFailed, now)
	case o.rateLimited || (o.transient != nil && !o.ok):
		s.failures++
		s.health.Err = shortError(o.transient)
		s.health.RateLimited = o.rateLimited
		// The server's Retry-After wins when it asks for longer, within
		// reason: a hostile value cannot stop polling for hours.
		wait := max(e.backoff(s.failures), min(o.retryAfter, maxEngineRetryAfter))
		s.health.RetryAt = now.Add(wait)
	case o.transient != nil:
		s.failures = 0
		s.health.Err = shortError(o.transient)
	case o.permanent != nil:
		s.failures = 0
		s.health.Err = shortError(o.permanent)
	default:
		s.failures = 0
		s.health.Err = ""
	}
}

// maxEngineRetryAfter bounds how long a server's Retry-After can stop polling.
const maxEngineRetryAfter = 10 * time.Minute

// retryAfter returns the Retry-After a reply carried, or zero.
func retryAfter(err error) time.Duration {
	var ae *kalshi.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	var ie *pipeline.IntentError
	if errors.As(err, &ie) {
		return ie.RetryAfter
	}
	return 0
}

// backoff returns the wait after n consecutive failed rounds: exponential
// from one interval (or the cap, if the interval is longer), capped, with
// the clients' equal jitter so many watchers do not retry in step.
func (e *Engine) backoff(n int) time.Duration {
	return backoff.Policy{Base: min(e.cfg.Interval, e.cfg.MaxBackoff), Max: e.cfg.MaxBackoff}.Wait(n)
}

// cutShort reports whether err only says the round's context ended.
func cutShort(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// retryable reports whether an error may go away by itself: 429, 5xx,
// timeouts and connection failures, as opposed to a reply that will be
// just as wrong next time.
func retryable(err error) bool {
	if kalshi.Retryable(err) {
		return true
	}
	return pipeline.Retryable(err)
}

// authMessage explains a rejected credential in plain words, naming clock
// skew when the server's Date header shows it.
func authMessage(name SourceName, err error, now time.Time) string {
	var te *pipeline.TokenExpiredError
	if errors.As(err, &te) {
		return "the intent service token expired at " + te.At.UTC().Format("15:04:05 UTC") + "; renew it (token, token_file or token_command)"
	}
	if name == SourceIntent {
		return "the intent service rejected the credentials (" + shortError(err) + "); check the token or API key"
	}
	var ae *kalshi.APIError
	if !errors.As(err, &ae) {
		return "Kalshi rejected the credentials; check the API key ID and private key"
	}
	why := fmt.Sprintf("%d %s", ae.Status, http.StatusText(ae.Status))
	if ae.Message != "" {
		why += ": " + textsafe.Truncate(ae.Message, 60)
	}
	if ae.Status == http.StatusForbidden {
		return "Kalshi refused access (" + why + "); check the API key's permissions and the account"
	}
	msg := "Kalshi rejected the credentials (" + why + "); check the API key ID and private key"
	if !ae.ServerDate.IsZero() {
		skew := now.Sub(ae.ServerDate)
		if skew < 0 {
			skew = -skew
		}
		if skew > 5*time.Second {
			msg = fmt.Sprintf("Kalshi rejected the request signature (%s); the local clock is %s off Kalshi's, which is the likely cause: fix the system clock", why, skew.Round(time.Second))
		}
	}
	return msg
}

// shortError renders an error as a few sanitized words for a status line.
func shortError(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return textsafe.Short(err.Error(), 160)
}

// statusRank orders statuses along the pipeline; statuses outside it rank
// below pending so they never count as progress.
func statusRank(st pipeline.Status) int {
	if st == pipeline.StatusFailed {
		return -1
	}
	if s, ok := pipeline.StageOf(st); ok {
		return int(s)
	}
	return -1
}
