package engine_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// TestSoakDegraded runs, in real time, 100 resting orders that keep
// filling while /markets answers 500 every time and every GetOrders page,
// however small, comes back over the body cap. The engine must degrade,
// never blank: every order is read order by order within the Basic budget
// and refreshed at least every three intervals, Kalshi's health stays
// fresh (only the market figure is stale), every fill shows, and no 429 is
// drawn. It runs for a quarter of ORDERMON_SOAK (default 15 s).
func TestSoakDegraded(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time soak; skipped with -short")
	}
	d := soakDuration(t) / 4
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x := kalshitest.New(kalshitest.Options{ReadBudget: 200})
	defer x.Close()
	x.AddKey("k", pub)
	f := newFront(t, x.Handler())
	f.set(onBatch(oversize(1)))
	x.InjectFault(kalshitest.Fault{Path: "/markets", Status: 500})
	lim, _ := kalshi.NewReadLimiter("basic")
	kc, err := kalshi.New(kalshi.Config{BaseURL: f.srv.URL + "/trade-api/v2", KeyID: "k", Key: priv, Limiter: lim, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const n, interval = 100, 2 * time.Second
	eng := engine.New(engine.Config{Kalshi: kc, Interval: interval, ReadBudget: 200})
	var ids []string
	for i := range n {
		id := fmt.Sprintf("D%03d", i)
		x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: fmt.Sprintf("KXDEG-%d", i%20), OutcomeSide: "yes", YesPrice: fixed.MustParse("0.5"),
			InitialCount: fixed.FromInt(1000), CreatedTime: time.Now().Add(-time.Hour), QueueAhead: fixed.FromInt(5)})
		x.Fill(id, fixed.FromInt(1), fixed.MustParse("0.5"), fixed.Decimal{}, false)
		ids = append(ids, id)
		eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	last := map[string]time.Time{}
	var maxGap time.Duration
	var r engine.Round
	start := time.Now()
	for rounds := 0; time.Since(start) < d || rounds < 3; rounds++ {
		began := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r = eng.Poll(ctx)
		cancel()
		if h := r.Health.Kalshi; h.Err != "" || !h.RetryAt.IsZero() || h.Stale(r.Finished, interval) {
			t.Errorf("round %d: Kalshi health %q, retry at %v: the order reads are hurt by failing market and listing reads", r.Seq, h.Err, h.RetryAt)
		}
		for _, s := range r.Snapshots {
			ls := s.Sources.Kalshi.LastSuccess
			if p := last[s.Target.ID]; !p.IsZero() && ls.Sub(p) > maxGap {
				maxGap = ls.Sub(p)
			}
			last[s.Target.ID] = ls
		}
		for range 20 { // ten changes a second
			x.Fill(ids[rng.IntN(n)], fixed.FromInt(1), fixed.MustParse("0.5"), fixed.Decimal{}, false)
		}
		time.Sleep(max(0, interval-time.Since(began))) // real-time pacing, not synchronisation
	}
	// Settle: no more changes, a few rounds more.
	for range 6 {
		time.Sleep(interval)
		r = eng.Poll(context.Background())
	}
	behind := 0
	for _, s := range r.Snapshots {
		want, _ := x.Order(s.Target.ID)
		fills := fixed.Decimal{}
		for _, fl := range s.Fills {
			fills = fills.Add(fl.Count)
		}
		if s.Order == nil || !s.Order.FillCount.Equal(want.FillCount) || !fills.Equal(want.FillCount) {
			behind++
		}
		if !s.Figures.Market.Stale() || s.Market != nil {
			t.Errorf("%v: market %v, figure %+v; want none, stale", s.Target, s.Market != nil, s.Figures.Market)
		}
	}
	st := x.Stats()
	t.Logf("DEGRADED orders=%d duration=%s max_refresh_gap=%s behind_after_settle=%d requests=%d tokens=%d max_tokens_1s=%d too_many_requests=%d",
		n, time.Since(start).Round(time.Millisecond), maxGap.Round(time.Millisecond), behind, st.Requests, st.Tokens, x.MaxTokensPerSecond(), st.TooManyRequests)
	if behind != 0 {
		t.Errorf("%d orders do not show every fill after the run settled", behind)
	}
	if maxGap > 3*interval {
		t.Errorf("an order went %s between refreshes; want at most %s", maxGap, 3*interval)
	}
	if st.TooManyRequests != 0 {
		t.Errorf("%d requests drew 429", st.TooManyRequests)
	}
	_ = http.StatusOK
}
