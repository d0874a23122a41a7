package kalshi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// Retry timing. Backoff is exponential from RetryBaseDelay, capped at
// RetryMaxDelay, with full jitter (a uniform wait between zero and the cap)
// so many clients that failed together do not retry together.
const (
	DefaultMaxAttempts = 3
	RetryBaseDelay     = 250 * time.Millisecond
	RetryMaxDelay      = 5 * time.Second
	// MaxRetryWait is the longest Retry-After waited out inside one call.
	// A longer one ends the call with the APIError, whose RetryAfter tells
	// the caller when to come back.
	MaxRetryWait = 30 * time.Second
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
	for n := 1; ; n++ {
		if lim := c.cfg.Limiter; lim != nil {
			if err := lim.WaitN(ctx, cost); err != nil {
				_, path, _ := c.url(ep)
				return fmt.Errorf("kalshi: GET %s: waiting for %d read tokens: %w", path, cost, err)
			}
		}
		start := time.Now()
		r := c.attempt(ctx, ep)
		c.log(ctx, ep, n, cost, r, time.Since(start))
		if r.err == nil {
			return c.decodeBody(ep, r.body, decode)
		}
		wait, retry := c.retryWait(ctx, r.err, n)
		if !retry {
			return r.err
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return r.err
		}
	}
}

// retryWait decides whether attempt n's error is worth another attempt and
// how long to wait first.
func (c *Client) retryWait(ctx context.Context, err error, n int) (time.Duration, bool) {
	if n >= c.cfg.MaxAttempts || ctx.Err() != nil || !Retryable(err) {
		return 0, false
	}
	ceiling := RetryBaseDelay << (n - 1)
	if ceiling > RetryMaxDelay || ceiling <= 0 {
		ceiling = RetryMaxDelay
	}
	wait := time.Duration(rand.Int64N(int64(ceiling) + 1))
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		if ae.RetryAfter > MaxRetryWait {
			return 0, false
		}
		wait = max(wait, ae.RetryAfter)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, false
	}
	return wait, true
}

// Retryable reports whether err is a transient failure a read may retry:
// Kalshi's 429, any 5xx, or a request that got no reply (timeout or
// connection failure) for a reason other than the caller's cancellation.
func Retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	var re *RequestError
	if errors.As(err, &re) {
		// A timeout of the caller's own context is final; the client's
		// per-attempt timeout is not.
		return re.Timeout || !(errors.Is(re.Err, context.Canceled) || errors.Is(re.Err, context.DeadlineExceeded))
	}
	return false
}

// sleepCtx waits d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
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
