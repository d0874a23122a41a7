package kalshitest

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

const apiPrefix = "/trade-api/v2"

// StatusClientClosed is the status recorded for a request whose client gave
// up (or whose server closed) before a reply was sent, after nginx's 499.
const StatusClientClosed = 499

// ServeHTTP serves one request: Date header, authentication, rate limit,
// faults and chaos, then the route. Every request is recorded, whatever
// its outcome.
func (x *Exchange) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == WSPath {
		x.serveWS(w, r) // long-lived, so not counted in flight
		return
	}
	x.enter()
	defer x.leave()
	now := x.now()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	rt := match(r)
	rec := Request{
		At:     now,
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
		KeyID:  r.Header.Get(HeaderKey),
		Cost:   rt.cost,
	}
	if err := x.authenticate(r, now); err != nil {
		rec.Status = writeReply(w, unauthorized(err.Error()), 0)
		x.record(rec)
		return
	}
	x.mu.Lock()
	if !x.bucket.take(now, rt.cost) {
		x.mu.Unlock()
		rec.Status = writeReply(w, tooManyRequests(), 0)
		x.record(rec)
		return
	}
	rec.Charged = true
	p := x.planLocked(r.URL.Path)
	x.mu.Unlock()
	rec.Status = x.execute(w, r, rt, p)
	x.record(rec)
}

// execute carries out a plan: it waits out any delay, then builds the
// normal reply from the state at that moment, lets the plan rewrite it, and
// writes it. It returns the status sent.
func (x *Exchange) execute(w http.ResponseWriter, r *http.Request, rt route, p plan) int {
	ctx := r.Context()
	if p.delay > 0 && !x.wait(ctx, p.delay) {
		return StatusClientClosed
	}
	if p.hold {
		x.wait(ctx, -1)
		return StatusClientClosed
	}
	var base reply
	switch {
	case rt.serve == nil:
		base = notFound("no such route")
	case r.Method != http.MethodGet:
		base = methodNotAllowed()
	default:
		base = rt.serve(x, r, rt.args)
	}
	out, padTo := p.apply(base)
	return writeReply(w, out, padTo)
}

// wait blocks for d (forever when d < 0) and reports whether it ran to the
// end; it gives up early when the client disconnects or the exchange
// closes, so held replies never outlive a test.
func (x *Exchange) wait(ctx context.Context, d time.Duration) bool {
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
	case <-x.done:
	}
	return false
}

// writeReply sends rep, padded to padTo bytes when padTo > 0, and returns
// its status.
func writeReply(w http.ResponseWriter, rep reply, padTo int) int {
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if rep.ctype != "" {
		h.Set("Content-Type", rep.ctype)
	}
	if padTo > 0 {
		prefix, suffix, filler, n := padding(rep.body, padTo)
		h.Set("Content-Length", strconv.Itoa(len(prefix)+n+len(suffix)))
		w.WriteHeader(rep.status)
		streamPadded(w, prefix, suffix, filler, n)
		return rep.status
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body) // a client that hung up is not the exchange's problem
	return rep.status
}
