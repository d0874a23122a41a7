// Package fakeserver holds what the two fake servers (kalshitest and
// pipelinetest) share: injected faults, padded bodies, the record of
// requests that tests wait on, and the hand-set clock.
package fakeserver

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"
)

// Fault makes a fake misbehave for matching requests. Both fakes take the
// same Fault, so a test can break both systems the same way. Faults apply
// only to requests that passed the fake's credential check (and, on the
// Kalshi fake, its rate limit), so a fault never hides an authentication
// bug.
type Fault struct {
	// Path matches requests whose URL path contains it; empty matches all.
	Path string
	// Status, when non-zero, answers with this status and the fake's own
	// error body for it: Kalshi's ({"error":"too many requests"} for 429,
	// internal_server_error for 500, nginx's HTML page for 502, 503 and
	// 504) or the intent service's ({"success":false,"error":"..."}). A
	// 2xx status keeps the normal body.
	Status int
	// Body, when non-nil, is sent verbatim (with Status, or 200) instead of
	// the normal reply: HTML, truncated or garbage JSON.
	Body []byte
	// BodySize, when non-zero, sends the reply (normal, or the error body
	// for Status) padded to this many bytes: a JSON object gains a long
	// padding string field and stays valid JSON, so a body under a
	// client's cap still decodes; other bodies are padded with spaces. The
	// padding is streamed, never built in memory.
	BodySize int
	// Delay holds the reply back this long on the wall clock (it exists to
	// make clients time out, which happens in real time), or until the
	// client gives up or the fake closes. The reply reflects the fake's
	// state when the delay ends.
	Delay time.Duration
	// RetryAfter, when non-zero, sets the Retry-After header in seconds.
	RetryAfter int
	// Times is how many matching requests the fault applies to; zero means
	// until the faults are cleared.
	Times int
}

// faults is a fake's list of injected faults. It is safe for concurrent
// use; the zero value holds none.
type faults struct {
	mu   sync.Mutex
	list []Fault
}

// add appends f. Faults are checked in the order added, and the first that
// matches a request is the only one applied to it.
func (fs *faults) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, f)
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// take returns a copy of the first fault matching a request for path,
// using up one of its Times and dropping it once they are spent; ok is
// false when none matches.
func (fs *faults) take(path string) (f Fault, ok bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.list {
		f := &fs.list[i]
		if !strings.Contains(path, f.Path) {
			continue
		}
		taken := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		return taken, true
	}
	return Fault{}, false
}

// Padding is a body padded to a size, streamed rather than built, so a
// 20 MB body costs 32 KiB of memory.
type Padding struct {
	prefix, suffix []byte
	filler         byte
	n              int
}

// Pad pads body to size bytes. A JSON object keeps its fields and gains
// "field":"xxx…" at the end; anything else is followed by spaces. A body
// already at least size bytes long is sent whole.
func Pad(body []byte, size int, field string) Padding {
	t := bytes.TrimSpace(body)
	switch {
	case len(body) >= size:
		return Padding{prefix: body}
	case len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}':
		inner := bytes.TrimSpace(t[1 : len(t)-1])
		prefix := append([]byte{'{'}, inner...)
		if len(inner) > 0 {
			prefix = append(prefix, ',')
		}
		prefix = append(prefix, `"`+field+`":"`...)
		suffix := []byte(`"}`)
		return Padding{prefix: prefix, suffix: suffix, filler: 'x', n: max(size-len(prefix)-len(suffix), 0)}
	}
	return Padding{prefix: body, filler: ' ', n: size - len(body)}
}

// Len returns the padded body's length, for Content-Length.
func (p Padding) Len() int { return len(p.prefix) + p.n + len(p.suffix) }

// WriteTo writes the padded body in fixed-size chunks. It stops at the
// first write error: the client has gone, as a client over its cap should.
func (p Padding) WriteTo(w io.Writer) (int64, error) {
	var written int64
	write := func(b []byte) error {
		k, err := w.Write(b)
		written += int64(k)
		return err
	}
	if err := write(p.prefix); err != nil {
		return written, err
	}
	chunk := bytes.Repeat([]byte{p.filler}, min(p.n, 32<<10))
	for n := p.n; n > 0; {
		k := min(n, len(chunk))
		if err := write(chunk[:k]); err != nil {
			return written, err
		}
		n -= k
	}
	return written, write(p.suffix)
}
