package pipelinetest

import (
	"net/http"

	"ordermon/internal/fakeserver"
)

// Fault makes the service misbehave for matching requests. It is the same
// type as kalshitest.Fault (see fakeserver.Fault), so a test can break both
// systems the same way; like there, faults apply only to requests that
// passed the credential check. A Status gets the service's error body for
// it, {"success":false,"error":"..."}; BodySize pads with a "_padding"
// field.
type Fault = fakeserver.Fault

// Chaos makes a fraction of requests fail at random, for soak tests, as
// kalshitest.Chaos does on the exchange (see fakeserver.Chaos): 500, 502,
// 503 or 429 with the service's JSON error body, a held reply, or half of
// the normal body. Service.SetChaos turns it on.
type Chaos = fakeserver.Chaos

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
func (s *Service) serveFault(w http.ResponseWriter, f Fault) {
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
	_, _ = fakeserver.Pad(obj, size, "_padding").WriteTo(w) // a client over its cap hangs up early
}
