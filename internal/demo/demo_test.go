package demo

import (
	"context"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
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

// TestDemoPushes: the demo's exchange serves the WebSocket, and a
// scripted step reaches an engine by push, with no round between.
func TestDemoPushes(t *testing.T) {
	w, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	kc, err := kalshi.New(kalshi.Config{BaseURL: w.KalshiBaseURL, KeyID: w.KeyID, Key: w.Key})
	if err != nil {
		t.Fatal(err)
	}
	wsURL, err := kalshi.StreamURLFromBase(w.KalshiBaseURL)
	if err != nil || wsURL != w.Exchange.WSURL() {
		t.Fatalf("WebSocket URL %q (%v), want the exchange's %q", wsURL, err, w.Exchange.WSURL())
	}
	stream, err := kalshi.NewStream(kalshi.StreamConfig{URL: wsURL, KeyID: w.KeyID, Key: w.Key})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Kalshi: kc, Stream: stream})
	only := w.Targets[5]
	eng.Add(only)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := eng.Poll(ctx)
	wait := eng.Start(ctx)
	defer wait()
	defer cancel()
	for !r.Health.Push.Live() || len(r.Health.Push.Stream.Channels) < 3 {
		select {
		case <-eng.Changed(r.Seq):
			r = eng.Latest()
		case <-ctx.Done():
			t.Fatalf("push never went live: %+v", r.Health.Push)
		}
	}
	eng.Poll(ctx) // the reconciliation going live asks for
	// The Kalshi-only order's script moves its queue five times (no
	// channel carries that), then fills it.
	for range 5 {
		w.Advance()
	}
	seq := eng.Latest().Seq
	w.Advance()
	for filled := false; !filled; {
		select {
		case <-eng.Changed(seq):
		case <-ctx.Done():
			t.Fatal("no pushed fill of the Kalshi-only order reached the engine")
		}
		r := eng.Latest()
		seq = r.Seq
		for _, e := range r.Events {
			filled = filled || e.Kind == engine.EventFillCount && e.Target == only
		}
	}
}
