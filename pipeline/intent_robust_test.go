package pipeline

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestGetIntentRefusesAnotherIntent: a reply whose id is not the one asked
// for (a proxy mixing up replies, a service ignoring the path) is an error,
// never shown under the asked ID. The same ID in another case is the same
// intent, and a reply without an id is taken as the one asked for.
func TestGetIntentRefusesAnotherIntent(t *testing.T) {
	cases := []struct {
		ask, body string
		wantErr   bool
	}{
		{"1", `{"id":"2","status":"placed"}`, true},
		{"1", `{"id":2,"status":"placed"}`, true},
		{"abc-DEF", `{"id":"ABC-def","status":"placed"}`, false},
		{"1", `{"id":1,"status":"placed"}`, false},
		{"1", `{"status":"placed"}`, false},
		{"1", `{"success":true,"intent":{"id":"\u001b]0;x\u0007","status":"placed"}}`, true},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(c.body))
		}))
		cl := newIntentTestClient(t, srv.URL, nil)
		in, err := cl.GetIntent(context.Background(), c.ask)
		srv.Close()
		if !c.wantErr {
			if err != nil || in.Status != StatusPlaced {
				t.Errorf("%s: %v %+v", c.body, err, in)
			}
			continue
		}
		var fe *IntentFieldError
		if !errors.As(err, &fe) || fe.Field != "id" || !strings.Contains(err.Error(), "not the one asked for") {
			t.Errorf("%s: err %v, want an id field error", c.body, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\x07") {
			t.Errorf("%s: error carries a control: %q", c.body, err)
		}
	}
}

// TestDecodeIntentRefusesNegativeCounts: a quantity, price, locked amount
// or fill count below zero is a field error naming the field, in either
// API shape.
func TestDecodeIntentRefusesNegativeCounts(t *testing.T) {
	for field, body := range map[string]string{
		"metadata.kalshiFillCount":        `{"id":"1","metadata":{"kalshiFillCount":"-5"}}`,
		"action.quantity":                 `{"id":"1","action":{"type":"MarketOrder","quantity":-1}}`,
		"action.price":                    `{"id":"1","action":{"type":"MarketOrder","price":"-56"}}`,
		"action.quoteAmount":              `{"id":"1","action":{"type":"MarketOrder","quoteAmount":"-5.60"}}`,
		"action.data.quantity":            `{"id":"1","action":{"type":"MarketOrder","data":{"quantity":"-10"}}}`,
		"action.order.baseQuantity":       `{"id":"1","clientId":"c","action":{"orderType":"MarketOrder","order":{"baseQuantity":"-10"}}}`,
		"action.order.maxQuoteQuantityIn": `{"id":"1","clientId":"c","action":{"orderType":"MarketOrder","order":{"maxQuoteQuantityIn":-1}}}`,
	} {
		_, err := DecodeIntent([]byte(body))
		var fe *IntentFieldError
		if !errors.As(err, &fe) || fe.Field != field || !strings.Contains(fe.Problem, "negative") {
			t.Errorf("%s: err %v, want a negative-value error on %s", body, err, field)
		}
	}
	// Zero is a real value (nothing filled yet).
	in, err := DecodeIntent([]byte(`{"id":"1","metadata":{"kalshiFillCount":"0"},"action":{"quantity":"0.00"}}`))
	if err != nil || in.KalshiFillCount == nil || in.KalshiFillCount.Sign() != 0 {
		t.Errorf("zero fill count: %v %+v", err, in)
	}
}

// TestGetIntentRefusesNoStatus: a status reply that does not say where the
// order is (every field null, or no status) is an error, so the engine
// keeps what it knew instead of showing an intent with nothing in it.
func TestGetIntentRefusesNoStatus(t *testing.T) {
	for _, body := range []string{
		`{"id":"1","status":null,"metadata":null,"createdAt":null}`,
		`{"id":"1","createdAt":"2024-01-15T10:00:00Z"}`,
		`{"id":null,"status":null}`,
		`{"success":true,"intent":{"id":"1","status":""}}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(body))
		}))
		_, err := newIntentTestClient(t, srv.URL, nil).GetIntent(context.Background(), "1")
		srv.Close()
		var fe *IntentFieldError
		if !errors.As(err, &fe) || fe.Field != "status" {
			t.Errorf("%s: err %v, want a missing-status error", body, err)
		}
	}
}

// TestIntentErrorRetryAfter: Retry-After is kept on the error, in seconds
// or as an HTTP date, capped, and ignored when absent, past or garbage.
func TestIntentErrorRetryAfter(t *testing.T) {
	for header, want := range map[string]time.Duration{
		"":            0,
		"5":           5 * time.Second,
		"0":           0,
		"-3":          0,
		"soon":        0,
		"99999999999": time.Hour,
		intentNow.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		intentNow.Add(-time.Minute).Format(http.TimeFormat):     0,
		intentNow.Add(72 * time.Hour).Format(http.TimeFormat):   time.Hour,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if header != "" {
				w.Header().Set("Retry-After", header)
			}
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":"Too many requests"}`))
		}))
		_, err := newIntentTestClient(t, srv.URL, nil).GetIntent(context.Background(), "1")
		srv.Close()
		var ie *IntentError
		if !errors.As(err, &ie) || ie.Status != http.StatusTooManyRequests {
			t.Fatalf("Retry-After %q: err %v", header, err)
		}
		if ie.RetryAfter != want {
			t.Errorf("Retry-After %q: %v, want %v", header, ie.RetryAfter, want)
		}
	}
}
