package pipelinetest

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// Fault makes the service misbehave for matching requests. It has the same
// fields and meaning as kalshitest.Fault, so a test can break both systems
// the same way; like there, faults apply only to requests that passed the
// credential check.
type Fault struct {
	// Path matches requests whose URL path contains it; empty matches all.
	Path string
	// Status, when non-zero, answers with this status and the service's
	// error body for it ({"success":false,"error":"..."}). A 2xx status
	// keeps the normal body.
	Status int
	// Body, when non-nil, is sent verbatim (with Status, or 200) instead of
	// the normal reply: HTML, truncated or garbage JSON.
	Body []byte
	// BodySize, when non-zero, sends the reply (normal, or the error body
	// for Status) padded to this many bytes with a "_padding" string field:
	// it stays valid JSON, so a body under the client's cap still decodes.
	BodySize int
	// Delay holds the reply back this long (or until the client gives up
	// or the service closes). It uses the wall clock: it exists to make
	// clients time out, which happens in real time.
	Delay time.Duration
	// RetryAfter, when non-zero, sets the Retry-After header in seconds.
	RetryAfter int
	// Times is how many matching requests the fault applies to; zero means
	// until ClearFaults.
	Times int

	used int
}

// InjectFault adds a fault; faults are checked in the order added, and the
// first that matches a request applies to it.
func (s *Service) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.used = 0
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Service) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns a copy of the first fault matching path, counting the
// use and dropping the fault once its Times are spent.
func (s *Service) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path != "" && !strings.Contains(path, f.Path) {
			continue
		}
		f.used++
		cp := *f
		if f.Times > 0 && f.used >= f.Times {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return &cp
	}
	return nil
}

// statusMessages are the messages the fake sends with fault statuses.
var statusMessages = map[int]string{
	http.StatusUnauthorized:        "Unauthorized",
	http.StatusForbidden:           "Forbidden",
	http.StatusNotFound:            "Order not found",
	http.StatusTooManyRequests:     "Too many requests",
	http.StatusInternalServerError: "Internal server error",
	http.StatusBadGateway:          "Bad gateway",
	http.StatusServiceUnavailable:  "Service unavailable",
}

// serveFault answers with a verbatim Body, or with the error body for a
// non-2xx Status, padded to BodySize when set.
func (s *Service) serveFault(w http.ResponseWriter, f *Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.Body != nil {
		w.WriteHeader(status)
		_, _ = w.Write(f.Body)
		return
	}
	msg, ok := statusMessages[status]
	if !ok {
		msg = http.StatusText(status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	writePadded(w, errorBody(msg), f.BodySize)
}

// writePadded writes the JSON object obj, padded with a "_padding" string
// field to size bytes when size is larger, streaming the padding rather
// than holding it in memory. It stays valid JSON, so a padded body under a
// client's cap still decodes.
func writePadded(w http.ResponseWriter, obj []byte, size int) {
	if size <= len(obj) || len(obj) < 2 || obj[0] != '{' {
		_, _ = w.Write(obj)
		return
	}
	prefix := []byte(`{"_padding":"`)
	suffix := append([]byte(`",`), obj[1:]...)
	if len(bytes.TrimSpace(obj[1:len(obj)-1])) == 0 {
		suffix = []byte(`"}`)
	}
	pad := size - len(prefix) - len(suffix)
	if _, err := w.Write(prefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for pad > 0 {
		n := min(pad, len(chunk))
		if _, err := w.Write(chunk[:n]); err != nil {
			return // the client stopped reading, as it should
		}
		pad -= n
	}
	_, _ = w.Write(suffix)
}
