package pipelinetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ordermon/pipeline/pipelinetest"
)

// TestListNewestFirstCappedAndFiltered: the list is the service's 100
// newest intents, or those of one wallet, in every envelope.
func TestListNewestFirstCappedAndFiltered(t *testing.T) {
	wraps := map[pipelinetest.Envelope]string{
		pipelinetest.EnvelopeNone: "", pipelinetest.EnvelopeSuccess: "intents",
		pipelinetest.EnvelopeOrder: "orders", pipelinetest.EnvelopeData: "data",
	}
	for env, key := range wraps {
		svc, clk := start(t, pipelinetest.Options{Envelope: env, APIKey: testAPIKey})
		for i := range 120 {
			st := pipelinetest.NewIntent(fmt.Sprintf("i%03d", i), "T")
			st.CreatedAt = clk.Now().Add(time.Duration(i) * time.Second)
			st.WalletAddress = []string{"0xAB", "0xcd"}[i%2]
			svc.PutIntent(st)
		}
		auth := map[string]string{"x-api-key": testAPIKey}
		for _, tc := range []struct {
			query      string
			n          int
			first, end string
		}{{"", 100, "i119", "i020"}, {"?walletAddress=0xab", 60, "i118", "i000"}, {"?walletAddress=0xef", 0, "", ""}} {
			status, body := get(t, context.Background(), svc, "/v1/order"+tc.query, auth)
			var list []struct{ ID string }
			var err error
			if key == "" {
				err = json.Unmarshal(body, &list)
			} else {
				var wrapped map[string]json.RawMessage
				if err = json.Unmarshal(body, &wrapped); err == nil {
					err = json.Unmarshal(wrapped[key], &list)
				}
			}
			if status != 200 || err != nil || len(list) != tc.n {
				t.Fatalf("env %d %s: %d, %d orders, %v", env, tc.query, status, len(list), err)
			}
			if tc.n > 0 && (list[0].ID != tc.first || list[tc.n-1].ID != tc.end) {
				t.Errorf("env %d %s: %s .. %s", env, tc.query, list[0].ID, list[tc.n-1].ID)
			}
		}
		if status, _ := get(t, context.Background(), svc, "/v1/order", nil); status != http.StatusUnauthorized {
			t.Errorf("no key: %d", status)
		}
	}
}

func TestByClientIDAndItsErrors(t *testing.T) {
	for _, current := range []bool{false, true} {
		svc, _ := start(t, pipelinetest.Options{Current: current})
		svc.PutIntent(pipelinetest.NewIntent("123", "T"))
		status, body := get(t, context.Background(), svc, "/v1/order/by-client-id/client-123", nil)
		if status != 200 || !strings.Contains(string(body), `"id":"123"`) ||
			strings.Contains(string(body), `"clientId":"client-123"`) != current {
			t.Errorf("current=%v: %d %s", current, status, body)
		}
		for _, path := range []string{"/v1/order/by-client-id/nobody", "/v1/order/by-client-id/", "/v1/order/by-client-id/a/b"} {
			if status, _ := get(t, context.Background(), svc, path, nil); status != 404 {
				t.Errorf("%s: %d", path, status)
			}
		}
	}
	svc, _ := start(t, pipelinetest.Options{})
	svc.InjectFault(pipelinetest.Fault{Path: "by-client-id", Status: 503, Times: 1})
	if status, _ := get(t, context.Background(), svc, "/v1/order/by-client-id/x", nil); status != 503 {
		t.Errorf("fault: %d", status)
	}
	resp, err := http.Post(svc.URL+"/v1/order", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /v1/order: %d", resp.StatusCode)
	}
}
