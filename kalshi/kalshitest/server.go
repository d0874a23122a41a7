package kalshitest

import (
	"net/http"
	"strconv"

	"ordermon/internal/fakeserver"
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
	x.rec.Begin()
	now := x.now()
	rt := match(r)
	rec := Request{
		At:     now,
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
		KeyID:  r.Header.Get(HeaderKey),
		Cost:   rt.cost,
	}
	// Deferred, so a reply cut short by a panic is still recorded (as
	// abandoned) and no longer counted in flight.
	defer func() {
		if rec.Status == 0 {
			rec.Status = StatusClientClosed
		}
		x.rec.End(rec)
	}()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if err := x.authenticate(r, now); err != nil {
		rec.Status = writeReply(w, unauthorized(err.Error()), 0)
		return
	}
	x.mu.Lock()
	if !x.bucket.take(now, rt.cost) {
		x.mu.Unlock()
		rec.Status = writeReply(w, tooManyRequests(), 0)
		return
	}
	rec.Charged = true
	x.mu.Unlock()
	rec.Status = x.execute(w, r, rt, fakeserver.Plan(&x.Trouble, r.URL.Path))
}

// execute carries out a request's fate: it waits out any delay, then
// builds the normal reply from the state at that moment, lets the fate
// rewrite it, and writes it. It returns the status sent.
func (x *Exchange) execute(w http.ResponseWriter, r *http.Request, rt route, p fakeserver.Fate) int {
	ctx := r.Context()
	if p.Delay > 0 && !fakeserver.Hold(ctx, p.Delay, x.done) {
		return StatusClientClosed
	}
	if p.Hold {
		fakeserver.Hold(ctx, -1, x.done)
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
	out, padTo := apply(p, base)
	return writeReply(w, out, padTo)
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
		p := fakeserver.Pad(rep.body, padTo, "padding")
		h.Set("Content-Length", strconv.Itoa(p.Len()))
		w.WriteHeader(rep.status)
		_, _ = p.WriteTo(w) // a client over its cap hangs up early
		return rep.status
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body) // a client that hung up is not the exchange's problem
	return rep.status
}
