package demo

import (
	"ordermon/internal/engine"
	"testing"
)

// TestStart: the demo holds the six stories it promises, each in the state
// it should open in, and the live ones keep moving.
func TestStart(t *testing.T) {
	w, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if len(w.Targets) != 6 || w.Targets[5].Kind != engine.KindKalshi {
		t.Fatalf("targets %v", w.Targets)
	}
	want := map[string]string{"1001": "validated", "1002": "placed", "1003": "failed", "1004": "validated", "1005": "placed"}
	for id, status := range want {
		in, ok := w.Service.Intent(id)
		if !ok || in.Status != status || in.MarketID == "" {
			t.Errorf("intent %s: %+v", id, in)
		}
	}
	if o, ok := w.Exchange.Order(orders[4].kalshiID); !ok || o.Status != "canceled" {
		t.Errorf("1005's Kalshi order should be canceled: %+v", o)
	}
	if err := w.Service.Err(); err != nil {
		t.Errorf("script errors: %v", err)
	}
	if n := w.Advance(); n == 0 {
		t.Error("nothing left to move")
	}
}
