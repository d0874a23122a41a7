package pipelinetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"ordermon/kalshi/kalshitest"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/pipeline/pipelinetest"
)

func newClock() *kalshitest.Clock {
	return kalshitest.NewClock(time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC))
}

const (
	testToken  = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIweDEyMyJ9.c2lnbmF0dXJl"
	testAPIKey = "ak_test_5f1c9a7e2b"
)

func start(t *testing.T, opts pipelinetest.Options) (*pipelinetest.Service, *kalshitest.Clock) {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	svc := pipelinetest.New(opts)
	t.Cleanup(svc.Close)
	return svc, clk
}

// get sends GET path with the given headers and returns status and body.
func get(t *testing.T, ctx context.Context, svc *pipelinetest.Service, path string, headers map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, svc.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return b.String()
}

func TestAuth(t *testing.T) {
	bearer := map[string]string{"Authorization": "Bearer " + testToken}
	key := map[string]string{"x-api-key": testAPIKey}
	both := map[string]string{"Authorization": "Bearer " + testToken, "x-api-key": testAPIKey}
	tests := []struct {
		name    string
		opts    pipelinetest.Options
		headers map[string]string
		want    int
	}{
		{"open, nothing sent", pipelinetest.Options{}, nil, 200},
		{"bearer", pipelinetest.Options{Token: testToken}, bearer, 200},
		{"bearer missing", pipelinetest.Options{Token: testToken}, key, 401},
		{"bearer wrong", pipelinetest.Options{Token: testToken}, map[string]string{"Authorization": "Bearer nope"}, 401},
		{"bearer without scheme", pipelinetest.Options{Token: testToken}, map[string]string{"Authorization": testToken}, 401},
		{"key", pipelinetest.Options{APIKey: testAPIKey}, key, 200},
		{"key missing", pipelinetest.Options{APIKey: testAPIKey}, bearer, 401},
		{"key wrong", pipelinetest.Options{APIKey: testAPIKey}, map[string]string{"x-api-key": "ak_other"}, 401},
		{"both", pipelinetest.Options{Token: testToken, APIKey: testAPIKey}, both, 200},
		{"both, key only sent", pipelinetest.Options{Token: testToken, APIKey: testAPIKey}, key, 401},
		{"both, bearer only sent", pipelinetest.Options{Token: testToken, APIKey: testAPIKey}, bearer, 401},
		{"key only, extra bearer is ignored", pipelinetest.Options{APIKey: testAPIKey}, both, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := start(t, tc.opts)
			svc.PutIntent(pipelinetest.NewIntent("123", "BTC-100K-2024-12"))
			status, body := get(t, context.Background(), svc, "/v1/order/123", tc.headers)
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
			if status == 401 && string(body) != `{"success":false,"error":"Unauthorized"}` {
				t.Errorf("401 body %s", body)
			}
			r := svc.Requests()[0]
			if r.Authorization != (tc.headers["Authorization"] != "") || r.APIKey != (tc.headers["x-api-key"] != "") || r.Status != tc.want {
				t.Errorf("recorded %+v", r)
			}
		})
	}
}

// aPlacedIntent is the older docs' example order, placed on Kalshi.
func aPlacedIntent(clk *kalshitest.Clock) pipelinetest.IntentState {
	fc := fixed.MustParse("0")
	return pipelinetest.IntentState{
		ID:                 "123",
		ClientID:           "my-order-001",
		Status:             "placed",
		CreatedAt:          clk.Now(),
		BalanceValidatedAt: clk.Now().Add(5 * time.Second),
		OrderPlacedAt:      clk.Now().Add(10 * time.Second),
		KalshiOrderID:      "ORD-12345",
		KalshiOrderStatus:  "resting",
		KalshiFillCount:    &fc,
		MarketID:           "BTC-100K-2024-12",
		Side:               "yes",
		OrderType:          "buy",
		Quantity:           fixed.MustParse("1"),
		Price:              fixed.MustParse("50"),
		QuoteAmount:        fixed.MustParse("0.50"),
	}
}

func TestServesLegacyShape(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	status, body := get(t, context.Background(), svc, "/v1/order/123", nil)
	want := compact(t, `{
		"id":"123","status":"placed",
		"action":{"type":"MarketOrder","marketId":"BTC-100K-2024-12","side":"yes","orderType":"buy","quantity":1,"price":50,"quoteAmount":"0.50"},
		"createdAt":"2024-01-15T10:00:00.000Z","balanceValidatedAt":"2024-01-15T10:00:05.000Z","orderPlacedAt":"2024-01-15T10:00:10.000Z",
		"orderFilledAt":null,"txnFilledAt":null,"isComplete":false,"terminationReason":null,
		"metadata":{"kalshiOrderId":"ORD-12345","kalshiOrderStatus":"resting","kalshiFillCount":0}}`)
	if status != 200 || string(body) != want {
		t.Errorf("status %d body\n%s\nwant\n%s", status, body, want)
	}
}

func TestServesCurrentShape(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{Current: true})
	st := aPlacedIntent(clk)
	st.ID = "intent_abc123xyz"
	svc.PutIntent(st)
	status, body := get(t, context.Background(), svc, "/v1/order/intent_abc123xyz", nil)
	want := compact(t, `{
		"id":"intent_abc123xyz","clientId":"my-order-001","status":"executing",
		"action":{"orderType":"MarketOrder","order":{
			"quoteToken":{"type":"chain","tokenId":"USDC","chainId":8453},
			"baseToken":{"type":"kalshi","data":{"marketId":"BTC-100K-2024-12","side":"yes"}},
			"orderType":"BUY","baseQuantity":"1","maxQuoteQuantityIn":"0.50"},"chainId":8453},
		"chainId":8453,"transactionHash":null,"createdAt":"2024-01-15T10:00:00.000Z","isComplete":false,"terminationReason":null}`)
	if status != 200 || string(body) != want {
		t.Errorf("status %d body\n%s\nwant\n%s", status, body, want)
	}
}

func TestEnvelopes(t *testing.T) {
	for _, tc := range []struct {
		env    pipelinetest.Envelope
		prefix string
	}{
		{pipelinetest.EnvelopeNone, `{"id":"123",`},
		{pipelinetest.EnvelopeSuccess, `{"success":true,"intent":{"id":"123",`},
		{pipelinetest.EnvelopeOrder, `{"order":{"id":"123",`},
	} {
		svc, clk := start(t, pipelinetest.Options{Envelope: tc.env})
		svc.PutIntent(aPlacedIntent(clk))
		_, body := get(t, context.Background(), svc, "/v1/order/123", nil)
		if !strings.HasPrefix(string(body), tc.prefix) || !json.Valid(body) {
			t.Errorf("envelope %d: %s", tc.env, body)
		}
	}
}

func TestCurrentStatusMapping(t *testing.T) {
	for in, want := range map[string]string{
		"pending": "pending", "validated": "validated", "placed": "executing", "filled": "executing",
		"txn_filled": "executing", "completed": "completed", "failed": "failed", "weird": "weird",
	} {
		if got := pipelinetest.CurrentStatus(in); got != want {
			t.Errorf("CurrentStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	for _, path := range []string{"/v1/order/999", "/v1/order/", "/v1/order/123/extra", "/v1/orders/123", "/"} {
		status, body := get(t, context.Background(), svc, path, nil)
		if status != 404 || !strings.Contains(string(body), `"success":false`) {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	svc.RemoveIntent("123")
	if status, _ := get(t, context.Background(), svc, "/v1/order/123", nil); status != 404 {
		t.Errorf("removed intent: status %d", status)
	}
	resp, err := http.Post(svc.URL+"/v1/order/123", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", resp.StatusCode)
	}
}

func TestEscapedIDs(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	st := aPlacedIntent(clk)
	st.ID = "a b?c"
	svc.PutIntent(st)
	status, body := get(t, context.Background(), svc, "/v1/order/a%20b%3Fc", nil)
	if status != 200 || !strings.Contains(string(body), `"id":"a b?c"`) {
		t.Errorf("%d %s", status, body)
	}
}

func TestStateAccessors(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(pipelinetest.IntentState{ID: "x"})
	st, ok := svc.Intent("x")
	if !ok || st.Status != "pending" || !st.CreatedAt.Equal(clk.Now()) {
		t.Fatalf("defaults not applied: %+v", st)
	}
	fc := fixed.MustParse("2")
	if !svc.Update("x", func(s *pipelinetest.IntentState) { s.KalshiFillCount = &fc; s.ID = "renamed" }) {
		t.Fatal("Update failed")
	}
	fc = fixed.MustParse("9") // the service must hold its own copy
	st, _ = svc.Intent("x")
	if st.KalshiFillCount == nil || st.KalshiFillCount.String() != "2" {
		t.Errorf("fill count %v", st.KalshiFillCount)
	}
	*st.KalshiFillCount = fixed.MustParse("7") // nor share it with callers
	if again, _ := svc.Intent("x"); again.KalshiFillCount.String() != "2" {
		t.Error("Intent returned shared state")
	}
	if svc.Update("missing", func(*pipelinetest.IntentState) {}) {
		t.Error("Update of a missing intent reported true")
	}
	if _, ok := svc.Intent("renamed"); ok {
		t.Error("Update must not change the ID")
	}
}

func TestFaults(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{APIKey: testAPIKey})
	svc.PutIntent(aPlacedIntent(clk))
	key := map[string]string{"x-api-key": testAPIKey}
	ctx := context.Background()

	svc.InjectFault(pipelinetest.Fault{Status: 502, Body: []byte("<html>502 Bad Gateway</html>"), Times: 1})
	svc.InjectFault(pipelinetest.Fault{Status: 429, RetryAfter: 3, Times: 1})
	if status, body := get(t, ctx, svc, "/v1/order/123", key); status != 502 || string(body) != "<html>502 Bad Gateway</html>" {
		t.Errorf("body fault: %d %s", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, svc.URL+"/v1/order/123", nil)
	req.Header.Set("x-api-key", testAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" || string(b) != `{"success":false,"error":"Too many requests"}` {
		t.Errorf("status fault: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if status, _ := get(t, ctx, svc, "/v1/order/123", key); status != 200 {
		t.Errorf("faults not used up: %d", status)
	}

	// Credentials are checked first: a fault never hides a 401.
	svc.InjectFault(pipelinetest.Fault{Status: 500})
	if status, _ := get(t, ctx, svc, "/v1/order/123", nil); status != 401 {
		t.Errorf("fault before auth: %d", status)
	}
	if status, body := get(t, ctx, svc, "/v1/order/123", key); status != 500 || !strings.Contains(string(body), "Internal server error") {
		t.Errorf("lasting fault: %d %s", status, body)
	}
	if status, _ := get(t, ctx, svc, "/v1/order/123", key); status != 500 {
		t.Errorf("Times 0 must last until ClearFaults: %d", status)
	}
	svc.ClearFaults()

	// Path matching.
	svc.InjectFault(pipelinetest.Fault{Path: "/v1/order/999", Status: 503})
	if status, _ := get(t, ctx, svc, "/v1/order/123", key); status != 200 {
		t.Errorf("non-matching path faulted: %d", status)
	}
	if status, _ := get(t, ctx, svc, "/v1/order/999", key); status != 503 {
		t.Errorf("matching path: %d", status)
	}
	svc.ClearFaults()

	// A 2xx status keeps the normal body; BodySize pads it and it stays valid.
	svc.InjectFault(pipelinetest.Fault{Status: 203, BodySize: 100_000, Times: 1})
	status, body := get(t, ctx, svc, "/v1/order/123", key)
	var decoded struct {
		ID      string `json:"id"`
		Padding string `json:"_padding"`
	}
	if status != 203 || len(body) != 100_000 || json.Unmarshal(body, &decoded) != nil || decoded.ID != "123" {
		t.Errorf("padded reply: status %d, %d bytes, id %q", status, len(body), decoded.ID)
	}
	svc.InjectFault(pipelinetest.Fault{Status: 500, BodySize: 5000, Times: 1})
	if status, body := get(t, ctx, svc, "/v1/order/123", key); status != 500 || len(body) != 5000 || !json.Valid(body) {
		t.Errorf("padded error: %d, %d bytes", status, len(body))
	}
}

func TestDelayFaultReleasedByClient(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	svc.InjectFault(pipelinetest.Fault{Delay: time.Hour, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, svc.URL+"/v1/order/123", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	// The held handler gives up with the client and is recorded.
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := svc.WaitRequests(wctx, 1); err != nil {
		t.Fatal(err)
	}
	if r := svc.Requests()[0]; r.Status != pipelinetest.StatusClientClosed {
		t.Errorf("abandoned request recorded as %d", r.Status)
	}
	if status, _ := get(t, context.Background(), svc, "/v1/order/123", nil); status != 200 {
		t.Errorf("after the delay fault: %d", status)
	}
}

func TestDelayedReplyReflectsStateAtEnd(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	svc.InjectFault(pipelinetest.Fault{Delay: time.Millisecond, Times: 1})
	status, body := get(t, context.Background(), svc, "/v1/order/123", nil)
	if status != 200 || !strings.Contains(string(body), `"status":"placed"`) {
		t.Errorf("%d %s", status, body)
	}
}

func TestCloseReleasesHeldReplies(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	svc.InjectFault(pipelinetest.Fault{Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(svc.URL + "/v1/order/123")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := svc.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	if err := <-done; err == nil {
		t.Error("a held request must fail when the service closes")
	}
}
