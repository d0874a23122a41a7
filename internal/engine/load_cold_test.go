package engine_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	mrand "math/rand/v2"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// The cold-start world: 500 resting orders, each already partly filled (two
// fills of ten contracts), on 50 markets of 10 events, read at the Basic
// budget every 2 s, with the Basic token bucket on both the client and the
// exchange, so any overspend shows as 429s.
const (
	coldOrders     = 500
	coldMarkets    = 50
	coldPerEvent   = 5
	coldMaxRounds  = 15 // the cold phase gives up after 30 s
	coldChangeRate = 10 // changes a second in the steady phase
)

// coldWorld builds the cold-start world and an engine watching it.
func coldWorld(t testing.TB) (*kalshitest.Exchange, *engine.Engine, []string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	x := kalshitest.New(kalshitest.Options{ReadBudget: loadBudget})
	t.Cleanup(x.Close)
	x.AddKey("cold-key", &key.PublicKey)
	lim, err := kalshi.NewReadLimiter("basic")
	if err != nil {
		t.Fatal(err)
	}
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "cold-key", Key: key, Limiter: lim})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Kalshi: kc, Interval: loadInterval, ReadBudget: loadBudget})
	for m := range coldMarkets {
		ev := fmt.Sprintf("KXCOLD%d", m/coldPerEvent)
		x.PutMarket(kalshitest.MarketState{Ticker: fmt.Sprintf("%s-M%d", ev, m), EventTicker: ev, Title: "Cold start market",
			Status: "active", YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42")})
	}
	created := time.Now().Add(-time.Hour)
	var ids []string
	for i := range coldOrders {
		m := i % coldMarkets
		id := fmt.Sprintf("cold-%03d", i)
		x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: fmt.Sprintf("KXCOLD%d-M%d", m/coldPerEvent, m), OutcomeSide: "yes",
			YesPrice: loadPrice, InitialCount: fixed.FromInt(1000), CreatedTime: created, QueueAhead: fixed.FromInt(int64(10 + i%90))})
		for range 2 {
			x.Fill(id, fixed.FromInt(10), loadPrice, fixed.MustParse("0.02"), false)
		}
		ids = append(ids, id)
		eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	return x, eng, ids
}

// complete counts the orders that show their order, queue position and
// market.
func complete(r engine.Round) int {
	n := 0
	for _, s := range r.Snapshots {
		if s.Order != nil && s.QueueAhead != nil && s.Market != nil {
			n++
		}
	}
	return n
}

// TestLoadColdStart measures a cold start on 500 partly filled resting
// orders on 50 markets at the Basic budget and a 2 s interval: the time
// until every order shows its order, queue position and market, and the
// tokens spent until then; then the steady tokens a second while ten
// orders change a second, and the 429s drawn. It prints one COLD line.
//
// ORDERMON_LOAD sets the steady phase's length (default 10 s).
func TestLoadColdStart(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time load test; skipped with -short")
	}
	x, eng, ids := coldWorld(t)
	start := time.Now()
	tick := time.NewTicker(loadInterval)
	defer tick.Stop()
	var ready time.Duration
	readyTokens, rounds, have := 0, 0, 0
	for rounds < coldMaxRounds {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r := eng.Poll(ctx)
		cancel()
		rounds++
		if have = complete(r); have == coldOrders {
			ready, readyTokens = time.Since(start), x.Stats().Tokens
			break
		}
		<-tick.C
	}
	if ready == 0 {
		t.Logf("COLD never complete: %d of %d orders had order, queue and market after %d rounds (%s), %d tokens",
			have, coldOrders, rounds, time.Since(start).Round(time.Millisecond), x.Stats().Tokens)
	}

	// Steady state: ten changes a second, queue moves and fills.
	dur := loadDuration(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := mrand.New(mrand.NewPCG(3, 5))
		every := time.NewTicker(time.Second / coldChangeRate)
		defer every.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-every.C:
			}
			id := ids[rng.IntN(len(ids))]
			if n%2 == 0 {
				x.SetQueue(id, fixed.FromInt(int64(1+rng.IntN(99))))
			} else {
				x.Fill(id, fixed.FromInt(1), loadPrice, fixed.Decimal{}, false)
			}
		}
	}()
	steadyFrom, tokensFrom := time.Now(), x.Stats().Tokens
	end := time.After(dur)
steady:
	for {
		pctx, pcancel := context.WithTimeout(context.Background(), 10*time.Second)
		eng.Poll(pctx)
		pcancel()
		select {
		case <-tick.C:
		case <-end:
			break steady
		}
	}
	cancel()
	<-done
	elapsed := time.Since(steadyFrom)
	st := x.Stats()
	steadyTPS := float64(st.Tokens-tokensFrom) / elapsed.Seconds()
	t.Logf("COLD orders=%d markets=%d ready_after=%s ready_rounds=%d tokens_until_ready=%d steady_tokens_per_sec=%.1f steady_window=%s requests=%d too_many_requests=%d",
		coldOrders, coldMarkets, ready.Round(time.Millisecond), rounds, readyTokens, steadyTPS, elapsed.Round(time.Millisecond), st.Requests, st.TooManyRequests)
	t.Logf("COLD steady reads a round: %s", readMix(x, steadyFrom, int(elapsed/loadInterval)))

	if ready == 0 || ready > 2*loadInterval {
		t.Errorf("every order had its order, queue position and market after %s; want within %s", ready, 2*loadInterval)
	}
	if readyTokens > 200 {
		t.Errorf("%d tokens spent until every order was complete; want at most 200", readyTokens)
	}
	if steadyTPS > 25 {
		t.Errorf("steady %.1f tokens/s; want at most 25", steadyTPS)
	}
	if st.TooManyRequests != 0 {
		t.Errorf("%d requests drew 429", st.TooManyRequests)
	}
}
