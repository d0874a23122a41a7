package engine_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/pipeline/pipelinetest"
)

// intentPaths lists the paths of the intent service's requests.
func intentPaths(svc *pipelinetest.Service) []string {
	var out []string
	for _, r := range svc.Requests() {
		out = append(out, r.Path)
	}
	return out
}

// TestEngineClientTarget: client:<clientId> finds the intent by its client
// ID, then watches it by its own ID through to completion, Kalshi side
// included, under the name the user gave.
func TestEngineClientTarget(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	const kid = "5b0c7e1a-9d2f-4a3b-8c4d-6e7f8a9b0c1d"
	st := pipelinetest.NewIntent("77", "KXBTCD-T98500")
	st.ClientID = "ticket-4711"
	w.svc.PutIntent(st)
	w.svc.Script("77", pipelinetest.CleanCompletion(kid, "KXBTCD-T98500")...)
	target, err := engine.ParseTarget("client:ticket-4711")
	if err != nil {
		t.Fatal(err)
	}
	w.eng.Add(target)

	var last engine.Snapshot
	for i := 0; ; i++ {
		w.clock.Add(5 * time.Second)
		r := w.poll(t)
		last = r.Snapshots[0]
		if last.Target != target || last.Target.String() != "client:ticket-4711" {
			t.Fatalf("round %d: target %v", i, last.Target)
		}
		if last.Intent == nil || last.Intent.ID != "77" || last.Sources.Intent.Err != "" {
			t.Fatalf("round %d: intent %+v, error %q", i, last.Intent, last.Sources.Intent.Err)
		}
		if w.svc.Advance() == 0 {
			break
		}
	}
	if last.Outcome() != engine.OutcomeSuccess || last.Order == nil || last.Order.OrderID != kid || last.Order.FillCount.String() != "10.00" {
		t.Errorf("end: outcome %q, order %+v", last.Outcome(), last.Order)
	}
	paths := intentPaths(w.svc)
	if paths[0] != "/v1/order/by-client-id/ticket-4711" {
		t.Errorf("first read %s", paths[0])
	}
	for _, p := range paths[1:] {
		if p != "/v1/order/77" {
			t.Errorf("after resolving, read %s", p)
		}
	}

	// Engine.Remove finds it by the name it was added under.
	w.eng.Remove(target)
	if n := len(w.eng.Targets()); n != 0 {
		t.Errorf("%d targets after Remove", n)
	}
}

// TestEngineClientTargetKeepsItsIntent: a client ID used again for a newer
// intent does not change the order being watched.
func TestEngineClientTargetKeepsItsIntent(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	w.svc.PutIntent(pipelinetest.NewIntent("1", "T"))
	w.eng.Add(engine.Target{Kind: engine.KindClient, ID: "client-1"})
	w.poll(t)
	w.clock.Add(time.Minute)
	again := pipelinetest.NewIntent("2", "T")
	again.ClientID = "client-1"
	w.svc.PutIntent(again)
	r := w.poll(t)
	if in := r.Snapshots[0].Intent; in == nil || in.ID != "1" {
		t.Errorf("watching %+v, want intent 1", in)
	}
}

// TestEngineClientTargetNotFound: a client ID the service does not know is
// "not found" for that target, not a Kalshi order and not a failing
// service.
func TestEngineClientTargetNotFound(t *testing.T) {
	w := newWorld(t, engine.Thresholds{})
	target := engine.Target{Kind: engine.KindClient, ID: "nobody"}
	w.eng.Add(target)
	r := w.poll(t)
	s := r.Snapshots[0]
	if s.Target != target || !s.Sources.Intent.NotFound || s.Sources.Kalshi.Used || s.Intent != nil {
		t.Errorf("snapshot %+v", s)
	}
	if r.Health.Intent.Err != "" || r.Health.Intent.RetryAt != (time.Time{}) {
		t.Errorf("a 404 made the service unhealthy: %+v", r.Health.Intent)
	}
	if reqs := w.svc.Requests(); len(reqs) != 1 || reqs[0].Status != http.StatusNotFound {
		t.Errorf("intent requests %+v", reqs)
	}
	for _, r := range w.x.Requests() {
		if strings.Contains(r.Path, "/portfolio/orders") {
			t.Errorf("Kalshi was asked for an order: %s", r.Path)
		}
	}
}
