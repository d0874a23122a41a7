package kalshi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"ordermon/internal/backoff"
	"ordermon/internal/httpsafe"
)

// Retry timing, the same for both API clients (see internal/backoff). The
// wait before retry n is exponential from RetryBaseDelay, capped at
// RetryMaxDelay, with equal jitter: between half the step and the step, so
// clients that failed together do not retry together, yet a retry after a
// 429 never comes at once.
const (
	DefaultMaxAttempts = backoff.ClientAttempts
	RetryBaseDelay     = backoff.ClientBase
	RetryMaxDelay      = backoff.ClientMax
	// MaxRetryWait is the longest Retry-After waited out inside one call.
	// A longer one ends the call with the APIError, whose RetryAfter tells
	// the caller when to come back.
	MaxRetryWait = backoff.ClientMaxRetryAfter
)

// do performs a read: it waits for the limiter, sends, and retries what is
// worth retrying, then decodes the 2xx body with decode.
//
// 429s, 5xx replies, per-request timeouts and connection failures are
// retried up to Config.MaxAttempts in all, waiting at least Retry-After
// when the server sent one. Other 4xx replies, oversized and undecodable
// bodies, and the caller's own cancellation are final. A wait that would
// outlast ctx's deadline is not started: the last error is returned at once.
func (c *Client) do(ctx context.Context, ep endpoint, decode func([]byte) error) error {
	cost := c.cost(ep.op)
	return c.retry.Do(ctx, func(n int) error {
		if lim := c.cfg.Limiter; lim != nil {
			if err := lim.WaitN(ctx, cost); err != nil {
				_, path, _ := c.url(ep)
				return fmt.Errorf("kalshi: GET %s: waiting for %d read tokens: %w", path, cost, err)
			}
		}
		start := time.Now()
		r := c.attempt(ctx, ep)
		c.log(ctx, ep, n, cost, r, time.Since(start))
		if r.err != nil {
			return r.err
		}
		return c.decodeBody(ep, r.body, decode)
	}, classify)
}

// classify tells the retry loop whether err is worth another attempt and
// what Retry-After the server sent with it.
func classify(err error) (bool, time.Duration) {
	var ae *APIError
	if errors.As(err, &ae) {
		return Retryable(err), ae.RetryAfter
	}
	return Retryable(err), 0
}

// Retryable reports whether err is a transient failure a read may retry:
// Kalshi's 429, any 5xx, or a request that got no reply (timeout or
// connection failure) for a reason other than the caller's cancellation.
func Retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return httpsafe.Transient(ae.Status)
	}
	var re *RequestError
	if errors.As(err, &re) {
		// A timeout of the caller's own context is final; the client's
		// per-attempt timeout is not.
		return re.Timeout || !errors.Is(re.Err, context.Canceled) && !errors.Is(re.Err, context.DeadlineExceeded)
	}
	return false
}

// log writes one debug line per attempt: what was asked (method and path,
// never the query, headers, signature or key), how it went and what it
// cost.
func (c *Client) log(ctx context.Context, ep endpoint, n, cost int, r result, d time.Duration) {
	l := c.cfg.Logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	_, path, _ := c.url(ep)
	attrs := []slog.Attr{
		slog.String("op", ep.op),
		slog.String("method", http.MethodGet),
		slog.String("path", path),
		slog.Int("status", r.status),
		slog.Duration("duration", d),
		slog.Int("attempt", n),
		slog.Int("cost", cost),
	}
	if r.err != nil {
		attrs = append(attrs, slog.String("error", r.err.Error()))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "kalshi request", attrs...)
}
