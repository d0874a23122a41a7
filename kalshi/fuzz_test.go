package kalshi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"ordermon/internal/httpsafe"
)

// orderBodies are the order objects inside the GetOrder fixtures, the seed
// corpus for FuzzDecodeOrder.
func orderSeeds(f *testing.F) {
	for _, name := range []string{"order_current.json", "order_legacy.json", "order_mixed.json", "order_fractional.json", "order_unknown.json"} {
		var reply struct {
			Order json.RawMessage `json:"order"`
		}
		if err := json.Unmarshal(readFixture(f, name), &reply); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(reply.Order))
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"fill_count_fp":"NaN"}`, `{"yes_price_dollars":1e5}`,
		`{"fill_count":9223372036854775807}`, `{"created_time":"2026-13-40T99:99:99Z"}`,
		`{"order_id":"\u001b]0;x\u0007","side":"no","action":"sell"}`,
		`{"fill_count_fp":"0.0000001"}`, `{"yes_price_dollars":"-0.50","taker_fees_dollars":"-0.01"}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeOrder checks that no input panics the order decoder, that
// accepted orders have non-negative counts, and that an accepted order
// re-encodes to today's shape and decodes back to the same order.
func FuzzDecodeOrder(f *testing.F) {
	orderSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Order
		if err := json.Unmarshal(b, &o); err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0x1b) {
				t.Fatalf("error is not clean text: %q", err)
			}
			return
		}
		for name, d := range map[string]interface{ Sign() int }{"fill": o.FillCount, "remaining": o.RemainingCount, "initial": o.InitialCount} {
			if d.Sign() < 0 {
				t.Fatalf("accepted a negative %s count", name)
			}
		}
		out, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var back Order
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if !equalOrders(o, back) {
			t.Fatalf("round trip changed the order:\n in  %s\n out %s", b, out)
		}
		if back.Shape != ShapeCurrent {
			t.Fatalf("re-encoded shape %v, want current: %s", back.Shape, out)
		}
		o.AverageFillPrice() // must not panic on any accepted values
		o.TotalCost()
	})
}

// FuzzDecodeError checks that any reply body becomes an APIError whose
// every string is clean, single-line and bounded.
func FuzzDecodeError(f *testing.F) {
	for _, name := range []string{"error_nested.json", "error_string.json", "error_bare.json", "error_escapes.json", "error_502.html", "error_502_escapes.html"} {
		f.Add(readFixture(f, name), 500, "3")
	}
	f.Add([]byte(`{"error":{"details":{"deep":[1,2,3]}}}`), 429, "Mon, 24 Aug 2026 13:00:30 GMT")
	f.Add([]byte("\xff\xfe\x00"), 404, "")
	f.Fuzz(func(t *testing.T, body []byte, status int, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, retryAfter))
		e := newAPIError("GET", "/trade-api/v2/p", status, h, body, false, testEpoch)
		for name, s := range map[string]string{"Code": e.Code, "Message": e.Message, "Details": e.Details, "Excerpt": e.Excerpt, "Error": e.Error()} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControlRune(r) {
					t.Fatalf("%s carries control rune %U: %q", name, r, s)
				}
			}
		}
		if utf8.RuneCountInString(e.Excerpt) > ExcerptRunes || utf8.RuneCountInString(e.Message) > maxMessageRunes ||
			utf8.RuneCountInString(e.Details) > maxDetailsRunes || utf8.RuneCountInString(e.Code) > maxCodeRunes {
			t.Fatalf("unbounded field: %+v", e)
		}
		if e.RetryAfter < 0 || e.RetryAfter > httpsafe.MaxRetryAfter {
			t.Fatalf("RetryAfter %v", e.RetryAfter)
		}
	})
}

func isBidiControlRune(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}
