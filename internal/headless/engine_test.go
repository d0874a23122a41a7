package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"ordermon/internal/engine"
	"testing"
	"time"
)

// TestRunOverEngine checks the wiring to a real engine: with no source
// configured, an intent cannot be read, so --once says so and exits 3.
func TestRunOverEngine(t *testing.T) {
	eng := engine.New(engine.Config{Now: func() time.Time { return t0 }})
	eng.Add(engine.Target{Kind: engine.KindIntent, ID: "123"})
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), eng, Options{Mode: Once | JSON, Stdout: &stdout, Stderr: &stderr, Now: func() time.Time { return t0 }})
	if code != ExitUnknown {
		t.Errorf("exit code %d, want %d", code, ExitUnknown)
	}
	var got struct {
		ID     string             `json:"id"`
		Errors map[string]*string `json:"errors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
	}
	if got.ID != "intent:123" || got.Errors["pipeline"] == nil {
		t.Errorf("want intent:123 with a pipeline error, got %s", stdout.String())
	}
}

// TestRunOverEngineTimeout runs a watch over a real engine until the
// injected timeout fires.
func TestRunOverEngineTimeout(t *testing.T) {
	eng := engine.New(engine.Config{Now: func() time.Time { return t0 }})
	eng.Add(engine.Target{Kind: engine.KindKalshi, ID: "ORD-1"})
	tk := newTicker()
	polls := 0
	tick := func(d time.Duration) <-chan time.Time {
		if d != timeout {
			polls++
			if polls == 3 {
				close(tk.deadline)
				return make(chan time.Time) // the timeout must end the wait
			}
		}
		return tk.tick(d)
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), eng, Options{Stdout: &stdout, Stderr: &stderr, Timeout: timeout, Tick: tick, Location: time.UTC})
	if code != ExitUnknown {
		t.Errorf("exit code %d, want %d (Kalshi never answered)", code, ExitUnknown)
	}
	if got, want := stderr.String(), "watching 1 order every 2s (Ctrl+C to stop)\ntimed out after 10m0s\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if !bytes.Contains(stdout.Bytes(), []byte("1 order: 1 in progress")) {
		t.Errorf("want a summary, got %q", stdout.String())
	}
}
