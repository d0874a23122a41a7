package pipelinetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"ordermon/pipeline/pipelinetest"
)

// TestChaos: each kind of chaos answers as the service's own faults do,
// injected faults win over it, and the zero Chaos turns it off.
func TestChaos(t *testing.T) {
	svc, clk := start(t, pipelinetest.Options{})
	svc.PutIntent(aPlacedIntent(clk))
	ctx := context.Background()

	svc.SetChaos(pipelinetest.Chaos{P5xx: 1, Seed: 1})
	seen := map[int]bool{}
	for range 30 {
		status, body := get(t, ctx, svc, "/v1/order/123", nil)
		var e struct {
			Success *bool  `json:"success"`
			Error   string `json:"error"`
		}
		if json.Unmarshal(body, &e) != nil || e.Success == nil || *e.Success || e.Error == "" {
			t.Errorf("%d with body %s, want the service's error body", status, body)
		}
		seen[status] = true
	}
	if len(seen) != 3 || !seen[500] || !seen[502] || !seen[503] {
		t.Errorf("statuses %v, want 500, 502 and 503", seen)
	}

	svc.InjectFault(pipelinetest.Fault{Status: 418, Times: 1})
	if status, _ := get(t, ctx, svc, "/v1/order/123", nil); status != 418 {
		t.Errorf("a fault under chaos answered %d", status)
	}

	svc.SetChaos(pipelinetest.Chaos{PGarbage: 1, Seed: 1})
	if status, body := get(t, ctx, svc, "/v1/order/123", nil); status != 200 || json.Valid(body) || len(body) == 0 {
		t.Errorf("garbage: %d %s", status, body)
	}

	svc.SetChaos(pipelinetest.Chaos{P429: 1, Seed: 1})
	if status, _ := get(t, ctx, svc, "/v1/order/123", nil); status != 429 {
		t.Errorf("429 chaos answered %d", status)
	}

	svc.SetChaos(pipelinetest.Chaos{PTimeout: 1, Seed: 1})
	hold, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(hold, http.MethodGet, svc.URL+"/v1/order/123", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("held reply: %v", err)
	}
	// 30 under 5xx chaos, the fault, garbage, 429 and the held one.
	wait, cancelWait := context.WithTimeout(ctx, 10*time.Second)
	defer cancelWait()
	if err := svc.WaitRequests(wait, 34); err != nil {
		t.Fatal(err)
	}
	if r := svc.Requests(); r[len(r)-1].Status != pipelinetest.StatusClientClosed {
		t.Errorf("held reply recorded as %d", r[len(r)-1].Status)
	}

	svc.SetChaos(pipelinetest.Chaos{})
	if status, _ := get(t, ctx, svc, "/v1/order/123", nil); status != 200 {
		t.Errorf("after chaos off: %d", status)
	}
}
