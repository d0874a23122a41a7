package engine_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// holdOn holds requests whose path contains sub until release is closed,
// telling entered (once) that one arrived; others pass through.
func holdOn(sub string, entered chan<- struct{}, release <-chan struct{}) hostile {
	var once sync.Once
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		if strings.Contains(r.URL.Path, sub) {
			once.Do(func() { close(entered) })
			<-release
		}
		rec := genuine()
		copyHeader(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}
}

// TestRemoveDuringRound removes an order through the real Remove while
// the round's read of it is in flight: the round must not bring it back,
// in the round's snapshots, the watched targets, or the tracker's memory
// (so when it is added again it starts afresh).
func TestRemoveDuringRound(t *testing.T) {
	w := newHostileWorld(t)
	entered, release := make(chan struct{}), make(chan struct{})
	w.kalshiFront.set(holdOn("/portfolio/orders/K2", entered, release))
	done := make(chan engine.Round)
	go func() { done <- w.poll(t) }()
	<-entered
	w.eng.Remove(targetKalshi)
	close(release)
	r := <-done
	w.kalshiFront.set(nil)
	for _, s := range r.Snapshots {
		if s.Target == targetKalshi {
			t.Fatalf("the removed order is in the round: %+v", s)
		}
	}
	for _, e := range r.Events {
		if e.Target == targetKalshi {
			t.Errorf("event for the removed order: %v", e)
		}
	}
	if got := w.eng.Targets(); len(got) != 1 || got[0] != targetIntent {
		t.Errorf("targets %v", got)
	}
	w.eng.Add(targetKalshi)
	w.clock.Add(2 * time.Second)
	r = w.poll(t)
	fresh := false
	for _, e := range r.Events {
		fresh = fresh || (e.Target == targetKalshi && e.Kind == engine.EventKalshiStatus && e.From == "")
	}
	if !fresh {
		t.Errorf("the order added again does not start afresh (its state was resurrected): events %v", r.Events)
	}
}

// TestRemoveAndAddDuringRound: removed and added again mid-round, the
// order is a new watch; the old round's results are not merged into it.
func TestRemoveAndAddDuringRound(t *testing.T) {
	w := newHostileWorld(t)
	entered, release := make(chan struct{}), make(chan struct{})
	w.kalshiFront.set(holdOn("/portfolio/orders/K2", entered, release))
	done := make(chan engine.Round)
	go func() { done <- w.poll(t) }()
	<-entered
	w.eng.Remove(targetKalshi)
	w.eng.Add(targetKalshi)
	close(release)
	r := <-done
	if s := snapOf(t, r, targetKalshi); !s.ObservedAt.IsZero() || s.Order != nil {
		t.Errorf("the re-added order got the old round's results: observed %v, order %v", s.ObservedAt, s.Order != nil)
	}
}

// TestTokenExpiryOffLock: the token expiry check runs without the engine
// lock and with the round's context, so a slow check (a token_command that
// hangs) blocks neither Add nor Focus, and canceling the round ends it.
func TestTokenExpiryOffLock(t *testing.T) {
	w := newHostileWorld(t)
	entered := make(chan struct{})
	var gotCtx atomic.Bool
	eng := engine.New(engine.Config{Kalshi: nil, Intents: intentClient(t, w), Now: w.clock.Now, Interval: 2 * time.Second,
		TokenExpiry: func(ctx context.Context) time.Time {
			close(entered)
			<-ctx.Done()
			gotCtx.Store(true)
			return time.Time{}
		}})
	eng.Add(targetIntent)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		eng.Poll(ctx)
		close(done)
	}()
	<-entered
	added := make(chan struct{})
	go func() {
		eng.Add(engine.Target{Kind: engine.KindIntent, ID: "2"})
		eng.Focus(targetIntent)
		eng.Targets()
		close(added)
	}()
	select {
	case <-added:
	case <-time.After(10 * time.Second):
		t.Fatal("Add and Focus blocked while the token expiry was checked")
	}
	cancel()
	<-done
	if !gotCtx.Load() {
		t.Error("the expiry check did not get the round's context")
	}
}

// TestTokenExpiryNeverFetches: when no intent read got a token (the token
// fetch fails), the expiry check is not made, so a failing token_command
// runs once per need, not again for the check.
func TestTokenExpiryNeverFetches(t *testing.T) {
	w := newHostileWorld(t)
	var fetches, checks atomic.Int64
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: w.intentFront.srv.URL, Now: w.clock.Now, Timeout: hostileTimeout,
		Token: func(context.Context) (string, error) {
			fetches.Add(1)
			return "", errors.New("token_command failed")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Intents: ic, Now: w.clock.Now, Interval: 2 * time.Second,
		TokenExpiry: func(ctx context.Context) time.Time { checks.Add(1); return ic.TokenExpiry(ctx) }})
	eng.Add(targetIntent)
	r := eng.Poll(context.Background())
	if checks.Load() != 0 || fetches.Load() != 1 {
		t.Errorf("%d expiry checks, %d token fetches for one intent read; want 0 and 1", checks.Load(), fetches.Load())
	}
	if s := snapOf(t, r, targetIntent); s.Sources.Intent.Err == "" {
		t.Error("the token failure is not the intent's error")
	}
}

func intentClient(t *testing.T, w *hworld) *pipeline.IntentClient {
	t.Helper()
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: w.intentFront.srv.URL, Now: w.clock.Now, Timeout: hostileTimeout,
		Token: func(context.Context) (string, error) { return hostileToken, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return ic
}

// panicky is a transport that panics on requests whose path contains sub,
// as a bug deep in a reply's handling would.
type panicky struct {
	sub  string
	next http.RoundTripper
}

func (p panicky) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, p.sub) {
		panic("hostile reply broke a decoder")
	}
	return p.next.RoundTrip(r)
}

// TestReadPanicBecomesError: a panic in any read goroutine becomes that
// read's error, is logged, and hurts nothing else.
func TestReadPanicBecomesError(t *testing.T) {
	for _, c := range []struct {
		path  string
		check func(t *testing.T, s engine.Snapshot)
	}{
		{"/markets", func(t *testing.T, s engine.Snapshot) {
			wantErr(t, "market figure", s.Figures.Market.Err, "internal error", "broke a decoder")
			if s.Sources.Kalshi.Err != "" || s.Order == nil {
				t.Errorf("order hurt by a market panic: %q %v", s.Sources.Kalshi.Err, s.Order != nil)
			}
		}},
		{"/queue_positions", func(t *testing.T, s engine.Snapshot) {
			wantErr(t, "queue figure", s.Figures.Queue.Err, "internal error")
		}},
		{"/portfolio/orders/K2", func(t *testing.T, s engine.Snapshot) {
			wantErr(t, "order", s.Sources.Kalshi.Err, "internal error")
		}},
	} {
		t.Run(c.path, func(t *testing.T) {
			w := newHostileWorld(t)
			var logs bytes.Buffer
			kc, err := kalshi.New(kalshi.Config{BaseURL: w.kalshiFront.srv.URL + "/trade-api/v2", KeyID: "panic-key", Key: panicKey(t, w),
				Now: w.clock.Now, MaxAttempts: 1, HTTPClient: &http.Client{Transport: panicky{c.path, http.DefaultTransport}}})
			if err != nil {
				t.Fatal(err)
			}
			eng := engine.New(engine.Config{Kalshi: kc, Now: w.clock.Now, Interval: 2 * time.Second,
				Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			eng.Add(targetKalshi)
			r := eng.Poll(context.Background())
			c.check(t, snapOf(t, r, targetKalshi))
			if !strings.Contains(logs.String(), "recovered panic") {
				t.Errorf("the panic was not logged: %s", logs.String())
			}
		})
	}
}

// TestMarketsNotAskedForIgnored: a markets reply carrying a market nobody
// asked for changes no order.
func TestMarketsNotAskedForIgnored(t *testing.T) {
	w := newHostileWorld(t)
	w.kalshiFront.set(onPath("/markets", mutate("", func(m map[string]json.RawMessage) {
		var list []map[string]json.RawMessage
		json.Unmarshal(m["markets"], &list)
		for _, mk := range list {
			mk["ticker"] = json.RawMessage(`"KXOTHER-9"`)
		}
		m["markets"], _ = json.Marshal(list)
	})))
	r := w.poll(t)
	for _, s := range r.Snapshots {
		if s.Market != nil {
			t.Errorf("%v shows market %q, which it did not ask for", s.Target, s.Market.Ticker)
		}
	}
}

// panicKey registers a key of the test's own with the hostile world's
// exchange and returns its private half, for a client built by the test.
func panicKey(t *testing.T, w *hworld) ed25519.PrivateKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.x.AddKey("panic-key", pub)
	return priv
}

// TestNotFoundIsAnAnswer: a 404 for one order is an answer, not an outage:
// the order records who answered 404, and the source stays healthy, with
// no backoff, so the other orders are read every round.
func TestNotFoundIsAnAnswer(t *testing.T) {
	w := newHostileWorld(t)
	w.poll(t)
	w.x.RemoveOrder("K2")
	for range 3 {
		w.clock.Add(2 * time.Second)
		r := w.poll(t)
		s := snapOf(t, r, targetKalshi)
		if !s.Sources.Kalshi.NotFound {
			t.Errorf("K2 not marked not found: %+v", s.Sources.Kalshi)
		}
		if h := r.Health.Kalshi; h.Err != "" || !h.RetryAt.IsZero() || !h.LastSuccess.Equal(r.Finished) {
			t.Errorf("a 404 changed Kalshi's health: %+v", h)
		}
		if o := snapOf(t, r, targetIntent); o.Sources.Kalshi.Err != "" || !o.Sources.Kalshi.LastSuccess.Equal(r.Finished) {
			t.Errorf("the other order was not read: %+v", o.Sources.Kalshi)
		}
	}
}
