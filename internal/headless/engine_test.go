package headless

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
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

// TestOnceAnswersEveryExecutedOrder runs --once over a real engine and a
// fake exchange watching executed Kalshi orders, which the account-wide
// read of resting orders does not return, so each is read on its own: 60
// fit one round, 400 need several (the budget defers some each round).
// Every order must be printed with its data, none as a silent null.
func TestOnceAnswersEveryExecutedOrder(t *testing.T) {
	for _, n := range []int{60, 400} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			clk := kalshitest.NewClock(t0)
			x := kalshitest.New(kalshitest.Options{Now: clk.Now, ReadBudget: 200})
			defer x.Close()
			pub, priv, _ := ed25519.GenerateKey(rand.Reader)
			x.AddKey("k", pub)
			kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "k", Key: priv, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			eng := engine.New(engine.Config{Kalshi: kc, Now: clk.Now, Interval: interval, ReadBudget: 200})
			x.PutMarket(kalshitest.MarketState{Ticker: "KXDONE-1", EventTicker: "KXDONE", Status: "active"})
			for i := range n {
				id := fmt.Sprintf("E%03d", i)
				x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: "KXDONE-1", OutcomeSide: "yes", YesPrice: fixed.MustParse("0.5"),
					InitialCount: fixed.FromInt(2), CreatedTime: t0})
				x.Fill(id, fixed.FromInt(2), fixed.MustParse("0.5"), fixed.Decimal{}, true)
				eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
			}
			rounds := 0
			tick := func(d time.Duration) <-chan time.Time {
				rounds++
				clk.Add(d) // the interval passes, and the bucket refills
				c := make(chan time.Time, 1)
				c <- clk.Now()
				return c
			}
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), eng, Options{Mode: Once | JSON, ExitStatus: true, Stdout: &stdout, Stderr: &stderr, Now: clk.Now, Tick: tick})
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if code != ExitOK || len(lines) != n {
				t.Fatalf("exit %d, %d lines for %d orders; stderr %s", code, len(lines), n, stderr.String())
			}
			for _, l := range lines {
				var o struct {
					ID     string             `json:"id"`
					Kalshi *json.RawMessage   `json:"kalshi"`
					Errors map[string]*string `json:"errors"`
				}
				if err := json.Unmarshal([]byte(l), &o); err != nil || o.Kalshi == nil || o.Errors["kalshi"] != nil {
					t.Errorf("%s: kalshi %v, errors %v (%v)", o.ID, o.Kalshi != nil, o.Errors, err)
				}
			}
			if st := x.Stats(); st.TooManyRequests != 0 {
				t.Errorf("%d requests drew 429", st.TooManyRequests)
			}
			t.Logf("%d executed orders answered after %d extra rounds", n, rounds)
		})
	}
}
